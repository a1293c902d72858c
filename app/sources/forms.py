"""Forms of the source register; the rules live in service.py."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.sources.service import SourceType

TYPE_CHOICES = [("", "— choose —")] + [(t.value, t.title) for t in SourceType]


class SourceForm(FlaskForm):
    codename = StringField(_l("Codename"), validators=[Length(max=32)],
                           render_kw={"autocapitalize": "characters", "autocomplete": "off"},
                           description=_l("What everyone else sees, e.g. KX-17."))
    type = SelectField(_l("Type"), choices=TYPE_CHOICES, validate_choice=False)
    reliability = SelectField(_l("Reliability"), choices=[], validate_choice=False)
    handler_id = SelectField(_l("Handler"), choices=[], validate_choice=False)
    controller_id = SelectField(_l("Controller"), choices=[], validate_choice=False)
    name = StringField(_l("True name"), validators=[Optional(), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    contact = TextAreaField(_l("Contact details"), validators=[Optional(), Length(max=2000)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Register source"))


class RegradeForm(FlaskForm):
    grade = SelectField(_l("New reliability"), choices=[], validate_choice=False)
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Regrade"))


class RevealForm(FlaskForm):
    reason = StringField(_l("Why do you need the identity now?"),
                         validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Show identity"))


class IdentityForm(FlaskForm):
    name = StringField(_l("True name"), validators=[Optional(), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    contact = TextAreaField(_l("Contact details"), validators=[Optional(), Length(max=2000)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save identity"))
