"""Dissemination forms; choices (units, users) are filled in by the routes."""

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
    units = SelectMultipleField("Units", choices=[], validators=[Optional()])
    users = SelectMultipleField("Officers", choices=[], validators=[Optional()])
    submit = SubmitField("Disseminate")


class ConsentForm(RecipientsForm):
    partners = SelectMultipleField("Partner agencies", choices=[], validators=[Optional()])
    submit = SubmitField("Record our consent")


class SanitiseForm(FlaskForm):
    title = StringField("Title of the copy", validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(
        "Sanitised text",
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description="Remove everything that could identify the source: names, dates and "
        "places of meetings, how the information was obtained.",
    )
    handling = SelectField(
        "Handling code of the copy",
        choices=[SelectChoice(c, c) for c in HANDLING_CODES],
        default="open",
    )
    submit = SubmitField("Create sanitised copy")


class FeedbackForm(FlaskForm):
    useful = BooleanField("The report was useful")
    actioned = BooleanField("We acted on it")
    result = TextAreaField(
        "Result",
        validators=[Optional(), Length(max=MAX_RESULT)],
        description="What came of it: a control, a seizure, a case opened, nothing yet.",
    )
    submit = SubmitField("Send feedback")
