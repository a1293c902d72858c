"""Forms of the partner register and of a package sent to a partner; choices (handling
codes, units, partners) are filled in by the routes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
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
    inbox_url = StringField(
        _l("Its inbox address"), validators=[Optional(), Length(max=500)],
        description=_l("The partner Cordon's https://…/api/v1/exchange/inbox; with a token, "
                       "packages are pushed there."))
    outbound_token = PasswordField(
        _l("Token we present to its inbox"), validators=[Optional(), Length(max=200)],
        description=_l("As the partner gave it. Left blank: unchanged."))
    inbound_token = PasswordField(
        _l("Token it presents to our inbox"), validators=[Optional(), Length(max=200)],
        description=_l("At least 24 characters, agreed with the partner; kept hashed. Left "
                       "blank: unchanged."))
    submit = SubmitField(_l("Save partner"))


class PackageForm(FlaskForm):
    partner = SelectField(_l("Partner"), choices=[])
    conditions = TextAreaField(
        _l("Conditions of use"), validators=[Optional(), Length(max=MAX_CONDITIONS)],
        description=_l("The originator's conditions the partner must keep, e.g. \"For "
                    "intelligence purposes only; not to be used in court without our "
                    "consent.\""))
    download = BooleanField(_l("Also download the file"),
                            description=_l("A partner without an inbox address always gets "
                                           "the file."))
    submit = SubmitField(_l("Send the package"))


class SeizuresForm(FlaskForm):
    """The WCO seizure export's date range (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    start = StringField(_l("From"), validators=[Optional(), Length(max=10)],
                        description=_l("YYYY-MM-DD"))
    end = StringField(_l("To"), validators=[Optional(), Length(max=10)],
                      description=_l("YYYY-MM-DD"))
    submit = SubmitField(_l("Download the seizures (WCO CSV)"))


class StixImportForm(FlaskForm):
    partner = SelectField(_l("From partner"), choices=[])
    bundle = FileField(_l("STIX 2.1 bundle (JSON)"))
    submit = SubmitField(_l("Import the bundle"))
