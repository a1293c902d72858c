"""Forms of the source register; the rules live in service.py."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.i18n import SOURCE_TYPES
from app.sources.service import Payment, SourceType

TYPE_CHOICES = [SelectChoice("", _l("— choose —"))] + [
    SelectChoice(t.value, SOURCE_TYPES[t.value]) for t in SourceType]
PAYMENT_LABELS = {Payment.NONE: _l("No payment"), Payment.PAYMENT: _l("Payment (money)"),
                  Payment.REWARD: _l("Reward (in kind)")}
PAYMENT_CHOICES = [SelectChoice(p.value, PAYMENT_LABELS[p]) for p in Payment]
DATE = {"type": "date"}


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


# The source page holds several forms (reveal, regrade, these): each field keeps its own
# id, so that every label points at its own input.
class ApprovalForm(FlaskForm):
    review_due = StringField(_l("First review by"), id="approval-review-due", render_kw=DATE,
                             description=_l("The date by which the handler and you review the "
                             "source: its value, its reliability, the risks of using it."))
    submit = SubmitField(_l("Approve recruitment"))


class ReviewForm(FlaskForm):
    note = TextAreaField(_l("What the review found"), id="review-note",
                         validators=[Optional(), Length(max=1000)])
    review_due = StringField(_l("Next review by"), id="review-review-due", render_kw=DATE)
    submit = SubmitField(_l("Record review"))


class ContactForm(FlaskForm):
    date = StringField(_l("Date of the contact"), id="contact-date", render_kw=DATE)
    officer_id = SelectField(_l("Officer who met the source"), id="contact-officer-id", choices=[],
                             validate_choice=False)
    place = StringField(_l("Place"), id="contact-place", validators=[Optional(), Length(max=200)],
                        description=_l("Where you met, or 'phone'."))
    payment = SelectField(_l("Payment or reward"), id="contact-payment", choices=PAYMENT_CHOICES,
                          validate_choice=False)
    amount = StringField(_l("Amount"), id="contact-amount",
                         render_kw={"inputmode": "decimal"},
                         description=_l("For a reward in kind, its value."))
    currency = StringField(_l("Currency"), id="contact-currency",
                           render_kw={"autocapitalize": "characters"}, default="EUR")
    reason = StringField(_l("Reason for the payment"), id="contact-reason",
                         validators=[Optional(), Length(max=500)],
                         description=_l("What it rewards or pays for "
                                        "(required with a payment)."))
    notes = TextAreaField(_l("Notes"), id="contact-notes",
                          validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Log contact"))


class GuidelinesForm(FlaskForm):
    text = TextAreaField(_l("Guidelines for informants"), validators=[Optional()],
                         render_kw={"rows": 16})
    submit = SubmitField(_l("Adopt these guidelines"))
