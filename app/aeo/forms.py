"""The AEO status form (CSRF from Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

STATUS_CHOICES = [SelectChoice("granted", _l("granted")),
                  SelectChoice("suspended", _l("suspended")),
                  SelectChoice("revoked", _l("revoked"))]
LEVEL_CHOICES = [SelectChoice("", "—"), SelectChoice("AEOC", _l("AEOC (customs simplifications)")),
                 SelectChoice("AEOS", _l("AEOS (security and safety)")),
                 SelectChoice("AEOF", _l("AEOF (both)"))]


class AeoStatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=STATUS_CHOICES)
    date = DateField(_l("From"), validators=[InputRequired()])
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES)
    note = StringField(_l("Note (decision reference, reason)"), validators=[Optional(),
                                                                        Length(max=500)])
    submit = SubmitField(_l("Record status"))
