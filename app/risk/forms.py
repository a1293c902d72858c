"""Forms of the risk pages (CSRF from Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.i18n import VOCABULARY
from app.risk.conditions import MAX_CONDITIONS, OPERATOR_LABELS, subjects
from graph.exchange.records import COURT_RESULTS

LANE_CHOICES = [SelectChoice("green", _l("green lane (release)")),
                SelectChoice("yellow", _l("yellow lane (documentary check)")),
                SelectChoice("red", _l("red lane (physical inspection)")),
                SelectChoice("blue", _l("blue lane (post-clearance audit)"))]


class ScoreForm(FlaskForm):
    declaration = TextAreaField(
        _l("Declaration (exchange format JSON)"), validators=[DataRequired(), Length(max=200_000)],
        description='One object: {"id", "date", "importer", "origin", "items": [...]}',
    )
    submit = SubmitField(_l("Score"))


class ThresholdsForm(FlaskForm):
    acceptable = FloatField(_l("Acceptable risk (below: green)"),
                            validators=[InputRequired(), NumberRange(0, 1)])
    unacceptable = FloatField(_l("Unacceptable risk (at or above: red)"),
                              validators=[InputRequired(), NumberRange(0, 1)])
    audit = FloatField(_l("Post-clearance audit from (blue)"), validators=[Optional(),
                                                                       NumberRange(0, 1)])
    random_rate = FloatField(_l("Minimum random selection rate"),
                             validators=[InputRequired(), NumberRange(0, 1)])
    random_lane = SelectField(_l("Lane of random selections"), choices=LANE_CHOICES[1:])
    submit = SubmitField(_l("Save thresholds"))


class CapacityForm(FlaskForm):
    red_share = FloatField(_l("Share of declarations to send red"),
                           validators=[InputRequired(), NumberRange(0, 1)])
    yellow_share = FloatField(_l("Share to send yellow"), default=0.0,
                              validators=[Optional(), NumberRange(0, 1)])
    submit = SubmitField(_l("Set from capacity"))


class ConditionRow(Form):
    """One condition: a declaration field or indicator, an operator, a value."""

    subject = SelectField(_l("Field"), validate_choice=False)
    op = SelectField(_l("Operator"),
                     choices=[SelectChoice(op, label) for op, label in OPERATOR_LABELS.items()],
                     validate_choice=False)  # checked with the condition, with a reason
    value = StringField(_l("Value"), validators=[Optional(), Length(max=500)],
                        description=_l("several values comma-separated with 'is one of'"))


MIN_CONDITION_ROWS = 3


class ProfileForm(FlaskForm):
    id = StringField(_l("Profile id"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    conditions = FieldList(FormField(ConditionRow), min_entries=MIN_CONDITION_ROWS,
                           max_entries=MAX_CONDITIONS)
    months = IntegerField(_l("Back-test on the last N months"), default=12,
                          validators=[Optional(), NumberRange(1, 120)])
    more = SubmitField(_l("Add a condition"))
    backtest = SubmitField(_l("Back-test"))
    weight = FloatField(_l("Weight (log-odds added)"), default=0.0, validators=[Optional()])
    lane = SelectField(_l("Minimum lane"), choices=[SelectChoice("", _l("none")), *LANE_CHOICES])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])
    rationale = TextAreaField(_l("Rationale"), validators=[DataRequired(), Length(max=4000)])
    reports = StringField(_l("Intelligence reports (ids, comma-separated)"),
                          validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Active"), default=True)
    change = StringField(_l("What changed and why"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save profile"))


class ControlForm(FlaskForm):
    declaration = StringField(_l("Declaration number"), validators=[DataRequired(), Length(max=64)])
    date = DateField(_l("Date of the control"), validators=[DataRequired()])
    lane = SelectField(_l("Lane"), choices=LANE_CHOICES[1:] + LANE_CHOICES[:1])
    result = SelectField(_l("Result"), choices=[
        SelectChoice("negative", _l("negative (no irregularity)")),
        SelectChoice("positive", _l("positive (irregularity found)"))])
    finding = StringField(_l("Finding"), validators=[Optional(), Length(max=200)])
    revenue = DecimalField(_l("Revenue recovered (EUR)"), default=0, places=2,
                           validators=[Optional(), NumberRange(min=0)])
    files = MultipleFileField(_l("Photos and documents (optional)"),
                              description=_l("Photos, PDF, text or office documents."))
    # The outcome (graph.exchange.records.control_outcome checks it, as the import does)
    penalty_amount = DecimalField(_l("Penalty or fine"), places=2,
                                  validators=[Optional(), NumberRange(min=0)])
    penalty_currency = StringField(_l("Currency of the fine"), default="EUR",
                                   validators=[Optional(), Length(max=3)],
                                   description=_l("ISO 4217 code, e.g. EUR"))
    penalty_date = DateField(_l("Fine imposed on"), validators=[Optional()])
    seizure_date = DateField(_l("Goods seized on"), validators=[Optional()])
    referral_date = DateField(_l("Referred to prosecution on"), validators=[Optional()])
    case_opened_date = DateField(_l("Case opened on"), validators=[Optional()])
    court_result = SelectField(_l("Court result"), default="",
                               choices=[SelectChoice("", _l("none yet")),
                                        *(SelectChoice(r, VOCABULARY[r]) for r in COURT_RESULTS)],
                               validate_choice=False)  # checked with the outcome
    court_date = DateField(_l("Court decision on"), validators=[Optional()])
    submit = SubmitField(_l("Record result"))


def subject_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("(no condition)")),
            *(SelectChoice(value, label) for value, label, _ in subjects())]


def condition_rows(conditions: list[dict]) -> list[dict]:
    """Stored conditions as the form's rows (subject, operator, typed value)."""
    rows = []
    for c in conditions:
        subject = f"field:{c['field']}" if c.get("field") else f"indicator:{c.get('indicator')}"
        value = c.get("value")
        text = ", ".join(_plain(v) for v in value) if isinstance(value, list | tuple) \
            else _plain(value)
        rows.append({"subject": subject, "op": c.get("op"), "value": text})
    return rows


def _plain(value: object) -> str:
    """12000.0 -> "12000": what a person typed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def control_from_form(form: ControlForm) -> dict:
    """The control the form describes, in the exchange format (validated after)."""
    raw = {"declaration": form.declaration.data.strip(), "date": form.date.data.isoformat(),
           "lane": form.lane.data, "result": form.result.data,
           "finding": form.finding.data or None, "revenue": float(form.revenue.data or 0),
           "court_result": form.court_result.data or None}
    if form.penalty_amount.data is not None:
        raw["penalty_amount"] = float(form.penalty_amount.data)
        raw["penalty_currency"] = (form.penalty_currency.data or "").strip() or None
    for field in (form.penalty_date, form.seizure_date, form.referral_date,
                  form.case_opened_date, form.court_date):
        if field.data is not None:
            raw[field.name] = field.data.isoformat()
    return raw


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("Acknowledge"))
