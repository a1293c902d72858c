"""Forms of the risk pages (CSRF from Flask-WTF)."""

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
        "Declaration (exchange format JSON)", validators=[DataRequired(), Length(max=200_000)],
        description='One object: {"id", "date", "importer", "origin", "items": [...]}',
    )
    submit = SubmitField("Score")


class ThresholdsForm(FlaskForm):
    acceptable = FloatField("Acceptable risk (below: green)",
                            validators=[InputRequired(), NumberRange(0, 1)])
    unacceptable = FloatField("Unacceptable risk (at or above: red)",
                              validators=[InputRequired(), NumberRange(0, 1)])
    audit = FloatField("Post-clearance audit from (blue)", validators=[Optional(),
                                                                       NumberRange(0, 1)])
    random_rate = FloatField("Minimum random selection rate",
                             validators=[InputRequired(), NumberRange(0, 1)])
    random_lane = SelectField("Lane of random selections", choices=LANE_CHOICES[1:])
    submit = SubmitField("Save thresholds")


class CapacityForm(FlaskForm):
    red_share = FloatField("Share of declarations to send red",
                           validators=[InputRequired(), NumberRange(0, 1)])
    yellow_share = FloatField("Share to send yellow", default=0.0,
                              validators=[Optional(), NumberRange(0, 1)])
    submit = SubmitField("Set from capacity")


class ProfileForm(FlaskForm):
    id = StringField("Profile id", validators=[DataRequired(), Length(max=64)])
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    conditions = TextAreaField(
        "Conditions (JSON list)", validators=[DataRequired(), Length(max=20_000)],
        description='e.g. [{"field": "origin", "op": "==", "value": "CN"}, '
                    '{"indicator": "undervaluation", "op": ">", "value": 2}]',
    )
    weight = FloatField("Weight (log-odds added)", default=0.0, validators=[Optional()])
    lane = SelectField("Minimum lane", choices=[("", "none"), *LANE_CHOICES])
    valid_from = DateField("Valid from", validators=[Optional()])
    valid_to = DateField("Valid to", validators=[Optional()])
    rationale = TextAreaField("Rationale", validators=[DataRequired(), Length(max=4000)])
    reports = StringField("Intelligence reports (ids, comma-separated)",
                          validators=[Optional(), Length(max=2000)])
    active = BooleanField("Active", default=True)
    change = StringField("What changed and why", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Save profile")


class ControlForm(FlaskForm):
    declaration = StringField("Declaration number", validators=[DataRequired(), Length(max=64)])
    date = DateField("Date of the control", validators=[DataRequired()])
    lane = SelectField("Lane", choices=LANE_CHOICES[1:] + LANE_CHOICES[:1])
    result = SelectField("Result", choices=[("negative", "negative"),
                                            ("positive", "positive (irregularity found)")])
    finding = StringField("Finding", validators=[Optional(), Length(max=200)])
    revenue = DecimalField("Revenue recovered (EUR)", default=0, places=2,
                           validators=[Optional(), NumberRange(min=0)])
    files = MultipleFileField("Photos and documents (optional)",
                              description="Photos, PDF, text or office documents.")
    submit = SubmitField("Record result")


class AcknowledgeForm(FlaskForm):
    submit = SubmitField("Acknowledge")
