"""The AEO status form (CSRF from Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

STATUS_CHOICES = [SelectChoice(s, s) for s in ("granted", "suspended", "revoked")]
LEVEL_CHOICES = [SelectChoice("", "—"), SelectChoice("AEOC", "AEOC (customs simplifications)"),
                 SelectChoice("AEOS", "AEOS (security and safety)"),
                 SelectChoice("AEOF", "AEOF (both)")]


class AeoStatusForm(FlaskForm):
    status = SelectField("New status", choices=STATUS_CHOICES)
    date = DateField("From", validators=[InputRequired()])
    level = SelectField("Level", choices=LEVEL_CHOICES)
    note = StringField("Note (decision reference, reason)", validators=[Optional(),
                                                                        Length(max=500)])
    submit = SubmitField("Record status")
