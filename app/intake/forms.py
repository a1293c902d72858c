"""Forms of the intake pages. They parse and protect (CSRF); the rules live in service.py."""

import uuid

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
from wtforms.validators import Length, Optional

from app.intake.service import Channel, EventType

# What the file inputs offer (the server checks the content whatever the browser sends).
DOCUMENTS = ("image/jpeg,image/png,image/webp,application/pdf,text/plain,.docx,.xlsx,.pptx,"
             ".odt,.ods,.odp")

LABEL_CHOICES = [
    ("PERSON", "Person"), ("ORG", "Company / organisation"), ("AGENCY", "Public body"),
    ("LOCATION", "Place"), ("VESSEL", "Vessel"), ("CONTAINER", "Container"),
    ("VEHICLE", "Vehicle"), ("PHONE", "Phone"), ("EMAIL", "E-mail"),
    ("ID_DOCUMENT", "Identity document"), ("COMMODITY", "Commodity"), ("HS_CODE", "HS code"),
]
RELATION_CHOICES = [
    ("director_of", "director of"), ("employee_of", "employee of"), ("owner_of", "owner of"),
    ("shareholder_of", "shareholder of"), ("associate_of", "associate of"),
    ("relative_of", "relative of"), ("uses_phone", "uses phone"), ("uses_email", "uses e-mail"),
    ("located_at", "located at"), ("holds_document", "holds document"),
    ("operates", "operates"), ("related_to", "related to"),
]


class ReportForm(FlaskForm):
    channel = HiddenField()
    source = SelectField("Source (codename)", choices=[], validate_choice=False)
    title = StringField("Title", validators=[Optional(), Length(max=200)],
                        description="Left empty, a title is made from the text.")
    received = StringField("Received", render_kw={"type": "datetime-local"},
                           description="When the information came in (defaults to now).")
    event_type = SelectField("Event", choices=[("", "—")] + [(e.value, e.title) for e in EventType],
                             validate_choice=False)
    event_date = StringField("Date of the event", render_kw={"type": "date"})
    place = StringField("Place", validators=[Optional(), Length(max=200)])
    commodity = StringField("Commodity", validators=[Optional(), Length(max=200)])
    quantity = StringField("Quantity", validators=[Optional(), Length(max=100)],
                           description="With its unit, e.g. 12000 pcs or 350 kg.")
    value = StringField("Value", render_kw={"inputmode": "decimal"})
    currency = StringField("Currency", validators=[Optional(), Length(max=3)],
                           render_kw={"autocapitalize": "characters"})
    persons = TextAreaField("Persons", description="One per line.")
    vehicles = TextAreaField("Vehicles", description="Plates, one per line.")
    containers = TextAreaField("Containers", description="Container numbers, one per line.")
    text = TextAreaField("Text of the report", validators=[Length(max=50_000)],
                         render_kw={"rows": 10})
    handling = SelectField("Handling code", choices=[], validate_choice=False)
    source_grade = SelectField("Source reliability", choices=[], validate_choice=False)
    info_grade = SelectField("Information credibility", choices=[], validate_choice=False)
    scheme_handling = SelectField("Dissemination code", choices=[], validate_choice=False)
    reason = StringField("Reason for changing the handling code",
                         validators=[Optional(), Length(max=500)],
                         description="Required when a submitted report's handling code "
                                     "changes; kept in the audit log.")
    files = MultipleFileField("Attach files", render_kw={"accept": DOCUMENTS},
                              description="Photos, PDF, text or office documents.")
    strip_metadata = BooleanField("Remove photo metadata (location, camera)")
    submission = HiddenField(default=lambda: uuid.uuid4().hex)  # see LiaisonLogForm
    save_draft = SubmitField("Save draft")
    submit = SubmitField("Submit report")


class LiaisonLogForm(FlaskForm):
    """The phone-first quick log: big targets, little typing."""

    crossing = SelectField("Crossing point", choices=[], validate_choice=False)
    vehicle = StringField("Vehicle plate", validators=[Optional(), Length(max=20)],
                          render_kw={"autocapitalize": "characters", "autocomplete": "off",
                                     "spellcheck": "false", "enterkeyhint": "next"})
    container = StringField("Container", validators=[Optional(), Length(max=20)],
                            render_kw={"autocapitalize": "characters", "autocomplete": "off",
                                       "spellcheck": "false", "enterkeyhint": "next"})
    phone = StringField("Driver's phone", validators=[Optional(), Length(max=30)],
                        render_kw={"type": "tel", "autocomplete": "off", "inputmode": "tel",
                                   "enterkeyhint": "next"})
    text = TextAreaField("What did you see?", validators=[Optional(), Length(max=5000)],
                         render_kw={"rows": 4})
    handling = RadioField("Handling", choices=[], default="restricted", validate_choice=False)
    # the phone's camera straight from the form (the photo keeps its metadata: evidence)
    files = MultipleFileField("Photo", render_kw={"accept": "image/*",
                                                  "capture": "environment"})
    # One key per log written: sent again after a lost answer, it stores nothing new.
    submission = HiddenField(default=lambda: uuid.uuid4().hex)
    submit = SubmitField("Log it")


class EvaluateForm(FlaskForm):
    action = HiddenField(default="evaluate")
    info_grade = SelectField("Information credibility", choices=[], validate_choice=False)
    source_grade = SelectField("Source reliability (leave to keep)", choices=[],
                               validate_choice=False)
    evaluation = TextAreaField("Evaluation note", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Evaluate")


class ActionForm(FlaskForm):
    action = HiddenField()


class MentionForm(FlaskForm):
    """Accept, reject, relabel, re-span or link one mention."""

    action = HiddenField()
    label = SelectField("Label", choices=LABEL_CHOICES, validate_choice=False)
    start = StringField("Start", render_kw={"inputmode": "numeric"})
    end = StringField("End", render_kw={"inputmode": "numeric"})
    entity_id = StringField("Entity id")


class AddMentionForm(FlaskForm):
    label = SelectField("Label", choices=LABEL_CHOICES, validate_choice=False)
    text = StringField("Text as it appears", validators=[Optional(), Length(max=300)])
    occurrence = StringField("Occurrence", default="1", render_kw={"inputmode": "numeric"})
    start = StringField("or start offset", render_kw={"inputmode": "numeric"})
    end = StringField("end offset", render_kw={"inputmode": "numeric"})
    submit = SubmitField("Add entity")


class RelationForm(FlaskForm):
    from_id = SelectField("From", choices=[], validate_choice=False)
    type = SelectField("Relation", choices=RELATION_CHOICES, validate_choice=False)
    to_id = SelectField("To", choices=[], validate_choice=False)
    submit = SubmitField("Add relation")


CHANNEL_CHOICES = [(c.value, c.title) for c in Channel]
