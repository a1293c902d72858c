"""Forms of the partner register and of a package sent to a partner; choices (handling
codes, units, partners) are filled in by the routes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.cooperation.service import MAX_CONDITIONS, PARTNER_KINDS

KEY_HINT = _l("Base64, 44 characters, as the partner's Cordon shows it on its partners page.")


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=120)],
                       description=_l("The agency or administration, as officers call it."))
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, t) for k, t in PARTNER_KINDS.items()])
    country = StringField(_l("Country"), validators=[Length(max=2)],
                          description=_l("ISO 3166-1 alpha-2 code (BG, RO, TR, ...)."))
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=500)],
                          description=_l("Liaison officer, desk, e-mail or phone."))
    handling = SelectMultipleField(_l("Handling codes it may receive"), choices=[],
                                   validators=[Optional()])
    verify_key = StringField(_l("Verify key (Ed25519)"), description=KEY_HINT)
    encryption_key = StringField(_l("Encryption key (X25519)"), description=KEY_HINT)
    unit = SelectField(_l("Its reports go to"), choices=[],
                       description=_l("The unit whose queue the partner's reports land in."))
    submit = SubmitField(_l("Save partner"))


class PackageForm(FlaskForm):
    partner = SelectField(_l("Partner"), choices=[])
    conditions = TextAreaField(
        _l("Conditions of use"), validators=[Optional(), Length(max=MAX_CONDITIONS)],
        description=_l("The originator's conditions the partner must keep, e.g. \"For "
                    "intelligence purposes only; not to be used in court without our "
                    "consent.\""))
    submit = SubmitField(_l("Download the package"))
