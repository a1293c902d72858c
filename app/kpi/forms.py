"""Forms of the committee's strategy page (CSRF from Flask-WTF)."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.kpi.objectives import COMPARATORS, INDICATORS, MAX_TEXT

INDICATOR_CHOICES = [
    SelectChoice(i.key, LazyString(lambda i=i: f"{i.label} (%)") if i.unit == "rate" else i.label)
    for i in INDICATORS.values()
]
COMPARATOR_CHOICES = [SelectChoice(k, v) for k, v in COMPARATORS.items()]


class ObjectiveForm(FlaskForm):
    kpi = SelectField(_l("Indicator"), choices=INDICATOR_CHOICES)
    comparator = SelectField(_l("The result must be"), choices=COMPARATOR_CHOICES)
    target = FloatField(_l("Target value"),
                        validators=[InputRequired(_l("Give the target as a number."))],
                        description=_l("Rates as a percentage: 20 for 20 %."))
    note = StringField(_l("Why this target (optional)"), validators=[Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Set the objective"))


class CriteriaForm(FlaskForm):
    acceptable = TextAreaField(_l("Acceptable risk"), validators=[Length(max=MAX_TEXT)],
                               description=_l("What the administration accepts, e.g. "
                               "documentary checks only for AEO traders below the red threshold."))
    unacceptable = TextAreaField(_l("Unacceptable risk"), validators=[Length(max=MAX_TEXT)],
                                 description=_l("What is never left unchecked, e.g. weapons, "
                                 "drugs, undeclared cash."))
    submit = SubmitField(_l("Save the criteria"))
