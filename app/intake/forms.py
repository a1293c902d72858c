"""Forms of the intake pages. They parse and protect (CSRF); the rules live in service.py."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.i18n import VOCABULARY
from app.intake.service import Channel
from graph.exchange.records import EventType
from graph.vocabulary import RelationType

# What the file inputs offer (the server checks the content whatever the browser sends).
DOCUMENTS = ("image/jpeg,image/png,image/webp,application/pdf,text/plain,.docx,.xlsx,.pptx,"
             ".odt,.ods,.odp")

LABEL_CHOICES = [SelectChoice(value, label) for value, label in (
    ("PERSON", _l("Person")), ("ORG", _l("Company / organisation")),
    ("AGENCY", _l("Public body")), ("LOCATION", _l("Place")), ("VESSEL", _l("Vessel")),
    ("CONTAINER", _l("Container")), ("VEHICLE", _l("Vehicle")), ("PHONE", _l("Phone")),
    ("EMAIL", _l("E-mail")), ("ID_DOCUMENT", _l("Identity document")),
    ("COMMODITY", _l("Commodity")), ("HS_CODE", _l("HS code")),
)]
RELATION_CHOICES = [SelectChoice(t.value.lower(), VOCABULARY[t.value]) for t in RelationType]


class ReportForm(FlaskForm):
    channel = HiddenField()
    source = SelectField(_l("Source (codename)"), choices=[], validate_choice=False)
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)],
                        description=_l("Left empty, a title is made from the text."))
    received = StringField(_l("Received"), render_kw={"type": "datetime-local"},
                           description=_l("When the information came in (defaults to now)."))
    event_type = SelectField(_l("Event"), validate_choice=False,
                             choices=[SelectChoice("", "—")] + [
                                 SelectChoice(e.value, VOCABULARY[e.value]) for e in EventType])
    event_date = StringField(_l("Date of the event"), render_kw={"type": "date"})
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    commodity = StringField(_l("Commodity"), validators=[Optional(), Length(max=200)])
    quantity = StringField(_l("Quantity"), validators=[Optional(), Length(max=100)],
                           description=_l("With its unit, e.g. 12000 pcs or 350 kg."))
    value = StringField(_l("Value"), render_kw={"inputmode": "decimal"})
    currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3)],
                           render_kw={"autocapitalize": "characters"})
    persons = TextAreaField(_l("Persons"), description=_l("One per line."))
    vehicles = TextAreaField(_l("Vehicles"), description=_l("Plates, one per line."))
    containers = TextAreaField(_l("Containers"), description=_l("Container numbers, one per line."))
    text = TextAreaField(_l("Text of the report"), validators=[Length(max=50_000)],
                         render_kw={"rows": 10})
    handling = SelectField(_l("Handling code"), choices=[], validate_choice=False)
    source_grade = SelectField(_l("Source reliability"), choices=[], validate_choice=False)
    info_grade = SelectField(_l("Information credibility"), choices=[], validate_choice=False)
    scheme_handling = SelectField(_l("Dissemination code"), choices=[], validate_choice=False)
    reason = StringField(_l("Reason for changing the handling code"),
                         validators=[Optional(), Length(max=500)],
                         description=_l("Required when a submitted report's handling code "
                                        "changes; kept in the audit log."))
    files = MultipleFileField(_l("Attach files"), render_kw={"accept": DOCUMENTS},
                              description=_l("Photos, PDF, text or office documents."))
    strip_metadata = BooleanField(_l("Remove photo metadata (location, camera)"))
    submission = HiddenField(default=lambda: uuid.uuid4().hex)  # see LiaisonLogForm
    save_draft = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit report"))


class LiaisonLogForm(FlaskForm):
    """The phone-first quick log: big targets, little typing."""

    crossing = SelectField(_l("Crossing point"), choices=[], validate_choice=False)
    vehicle = StringField(_l("Vehicle plate"), validators=[Optional(), Length(max=20)],
                          render_kw={"autocapitalize": "characters", "autocomplete": "off",
                                     "spellcheck": "false", "enterkeyhint": "next"})
    container = StringField(_l("Container"), validators=[Optional(), Length(max=20)],
                            render_kw={"autocapitalize": "characters", "autocomplete": "off",
                                       "spellcheck": "false", "enterkeyhint": "next"})
    phone = StringField(_l("Driver's phone"), validators=[Optional(), Length(max=30)],
                        render_kw={"type": "tel", "autocomplete": "off", "inputmode": "tel",
                                   "enterkeyhint": "next"})
    text = TextAreaField(_l("What did you see?"), validators=[Optional(), Length(max=5000)],
                         render_kw={"rows": 4})
    handling = RadioField(_l("Handling"), choices=[], default="restricted", validate_choice=False)
    # the phone's camera straight from the form (the photo keeps its metadata: evidence)
    files = MultipleFileField(_l("Photo"), render_kw={"accept": "image/*",
                                                      "capture": "environment"})
    # One key per log written: sent again after a lost answer, it stores nothing new.
    submission = HiddenField(default=lambda: uuid.uuid4().hex)
    submit = SubmitField(_l("Log it"))


class EvaluateForm(FlaskForm):
    action = HiddenField(default="evaluate")
    info_grade = SelectField(_l("Information credibility"), choices=[], validate_choice=False)
    source_grade = SelectField(_l("Source reliability (leave to keep)"), choices=[],
                               validate_choice=False)
    evaluation = TextAreaField(_l("Evaluation note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Evaluate"))


class ActionForm(FlaskForm):
    action = HiddenField()


class MentionForm(FlaskForm):
    """Accept, reject, relabel, re-span or link one mention."""

    action = HiddenField()
    label = SelectField(_l("Label"), choices=LABEL_CHOICES, validate_choice=False)
    start = StringField(_l("Start"), render_kw={"inputmode": "numeric"})
    end = StringField(_l("End"), render_kw={"inputmode": "numeric"})
    entity_id = StringField(_l("Entity id"))


class AddMentionForm(FlaskForm):
    label = SelectField(_l("Label"), choices=LABEL_CHOICES, validate_choice=False)
    text = StringField(_l("Text as it appears"), validators=[Optional(), Length(max=300)])
    occurrence = StringField(_l("Occurrence"), default="1", render_kw={"inputmode": "numeric"})
    start = StringField(_l("or start offset"), render_kw={"inputmode": "numeric"})
    end = StringField(_l("end offset"), render_kw={"inputmode": "numeric"})
    submit = SubmitField(_l("Add entity"))


class RelationForm(FlaskForm):
    from_id = SelectField(_l("From"), choices=[], validate_choice=False)
    type = SelectField(_l("Relation"), choices=RELATION_CHOICES, validate_choice=False)
    to_id = SelectField(_l("To"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Add relation"))


CHANNEL_CHOICES = [(c.value, VOCABULARY[c.value]) for c in Channel]
