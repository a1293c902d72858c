"""Forms of the source register; the rules live in service.py."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.sources.service import SourceType

TYPE_CHOICES = [("", "— choose —")] + [(t.value, t.title) for t in SourceType]


class SourceForm(FlaskForm):
    codename = StringField("Codename", validators=[Length(max=32)],
                           render_kw={"autocapitalize": "characters", "autocomplete": "off"},
                           description="What everyone else sees, e.g. KX-17.")
    type = SelectField("Type", choices=TYPE_CHOICES, validate_choice=False)
    reliability = SelectField("Reliability", choices=[], validate_choice=False)
    handler_id = SelectField("Handler", choices=[], validate_choice=False)
    controller_id = SelectField("Controller", choices=[], validate_choice=False)
    name = StringField("True name", validators=[Optional(), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    contact = TextAreaField("Contact details", validators=[Optional(), Length(max=2000)])
    address = TextAreaField("Address", validators=[Optional(), Length(max=2000)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Register source")


class RegradeForm(FlaskForm):
    grade = SelectField("New reliability", choices=[], validate_choice=False)
    reason = StringField("Reason", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Regrade")


class RevealForm(FlaskForm):
    reason = StringField("Why do you need the identity now?",
                         validators=[Optional(), Length(max=500)])
    submit = SubmitField("Show identity")


class IdentityForm(FlaskForm):
    name = StringField("True name", validators=[Optional(), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    contact = TextAreaField("Contact details", validators=[Optional(), Length(max=2000)])
    address = TextAreaField("Address", validators=[Optional(), Length(max=2000)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save identity")
