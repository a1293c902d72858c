"""The AEO status form (CSRF from Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

STATUS_CHOICES = [("granted", "granted"), ("suspended", "suspended"), ("revoked", "revoked")]
LEVEL_CHOICES = [("", "—"), ("AEOC", "AEOC (customs simplifications)"),
                 ("AEOS", "AEOS (security and safety)"), ("AEOF", "AEOF (both)")]


class AeoStatusForm(FlaskForm):
    status = SelectField("New status", choices=STATUS_CHOICES)
    date = DateField("From", validators=[DataRequired()])
    level = SelectField("Level", choices=LEVEL_CHOICES)
    note = StringField("Note (decision reference, reason)", validators=[Optional(),
                                                                        Length(max=500)])
    submit = SubmitField("Record status")
