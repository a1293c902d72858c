"""Forms of the risk pages (CSRF from Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

LANE_CHOICES = [("green", "green"), ("yellow", "yellow (documents)"), ("red", "red (physical)"),
                ("blue", "blue (post-clearance audit)")]


class ScoreForm(FlaskForm):
    declaration = TextAreaField(
        _l("Declaration (exchange format JSON)"), validators=[DataRequired(), Length(max=200_000)],
        description='One object: {"id", "date", "importer", "origin", "items": [...]}',
    )
    submit = SubmitField(_l("Score"))


class ThresholdsForm(FlaskForm):
    acceptable = FloatField(_l("Acceptable risk (below: green)"),
                            validators=[InputRequired(), NumberRange(0, 1)])
    unacceptable = FloatField(_l("Unacceptable risk (at or above: red)"),
                              validators=[InputRequired(), NumberRange(0, 1)])
    audit = FloatField(_l("Post-clearance audit from (blue)"), validators=[Optional(),
                                                                       NumberRange(0, 1)])
    random_rate = FloatField(_l("Minimum random selection rate"),
                             validators=[InputRequired(), NumberRange(0, 1)])
    random_lane = SelectField(_l("Lane of random selections"), choices=LANE_CHOICES[1:])
    submit = SubmitField(_l("Save thresholds"))


class CapacityForm(FlaskForm):
    red_share = FloatField(_l("Share of declarations to send red"),
                           validators=[InputRequired(), NumberRange(0, 1)])
    yellow_share = FloatField(_l("Share to send yellow"), default=0.0,
                              validators=[Optional(), NumberRange(0, 1)])
    submit = SubmitField(_l("Set from capacity"))


class ProfileForm(FlaskForm):
    id = StringField(_l("Profile id"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    conditions = TextAreaField(
        _l("Conditions (JSON list)"), validators=[DataRequired(), Length(max=20_000)],
        description='e.g. [{"field": "origin", "op": "==", "value": "CN"}, '
                    '{"indicator": "undervaluation", "op": ">", "value": 2}]',
    )
    weight = FloatField(_l("Weight (log-odds added)"), default=0.0, validators=[Optional()])
    lane = SelectField(_l("Minimum lane"), choices=[("", "none"), *LANE_CHOICES])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])
    rationale = TextAreaField(_l("Rationale"), validators=[DataRequired(), Length(max=4000)])
    reports = StringField(_l("Intelligence reports (ids, comma-separated)"),
                          validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Active"), default=True)
    change = StringField(_l("What changed and why"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save profile"))


class ControlForm(FlaskForm):
    declaration = StringField(_l("Declaration number"), validators=[DataRequired(), Length(max=64)])
    date = DateField(_l("Date of the control"), validators=[DataRequired()])
    lane = SelectField(_l("Lane"), choices=LANE_CHOICES[1:] + LANE_CHOICES[:1])
    result = SelectField(_l("Result"), choices=[("negative", "negative"),
                                            ("positive", "positive (irregularity found)")])
    finding = StringField(_l("Finding"), validators=[Optional(), Length(max=200)])
    revenue = DecimalField(_l("Revenue recovered (EUR)"), default=0, places=2,
                           validators=[Optional(), NumberRange(min=0)])
    files = MultipleFileField(_l("Photos and documents (optional)"),
                              description=_l("Photos, PDF, text or office documents."))
    submit = SubmitField(_l("Record result"))


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("Acknowledge"))
