"""Dissemination forms; choices (units, users) are filled in by the routes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.dissemination.service import HANDLING_CODES, MAX_RESULT, MAX_TEXT


class RecipientsForm(FlaskForm):
    units = SelectMultipleField(_l("Units"), choices=[], validators=[Optional()])
    users = SelectMultipleField(_l("Officers"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Disseminate"))


class ConsentForm(RecipientsForm):
    partners = SelectMultipleField(_l("Partner agencies"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Record our consent"))


class SanitiseForm(FlaskForm):
    title = StringField(_l("Title of the copy"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(
        _l("Sanitised text"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description=_l("Remove everything that could identify the source: names, dates and "
        "places of meetings, how the information was obtained."),
    )
    handling = SelectField(
        _l("Handling code of the copy"),
        choices=[SelectChoice(c, c) for c in HANDLING_CODES],
        default="open",
    )
    submit = SubmitField(_l("Create sanitised copy"))


class FeedbackForm(FlaskForm):
    useful = BooleanField(_l("The report was useful"))
    actioned = BooleanField(_l("We acted on it"))
    result = TextAreaField(
        _l("Result"),
        validators=[Optional(), Length(max=MAX_RESULT)],
        description=_l("What came of it: a control, a seizure, a case opened, nothing yet."),
    )
    submit = SubmitField(_l("Send feedback"))
