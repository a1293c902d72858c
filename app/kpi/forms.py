"""Forms of the committee's strategy page (CSRF from Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import FloatField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.kpi.objectives import COMPARATORS, INDICATORS, MAX_TEXT

INDICATOR_CHOICES = [
    SelectChoice(i.key, f"{i.label} (%)" if i.unit == "rate" else i.label)
    for i in INDICATORS.values()
]
COMPARATOR_CHOICES = [SelectChoice(k, v) for k, v in COMPARATORS.items()]


class ObjectiveForm(FlaskForm):
    kpi = SelectField("Indicator", choices=INDICATOR_CHOICES)
    comparator = SelectField("The result must be", choices=COMPARATOR_CHOICES)
    target = FloatField("Target", validators=[InputRequired("Give the target as a number.")],
                        description="Rates as a percentage: 20 for 20 %.")
    note = StringField("Why this target (optional)", validators=[Length(max=MAX_TEXT)])
    submit = SubmitField("Set the objective")


class CriteriaForm(FlaskForm):
    acceptable = TextAreaField("Acceptable risk", validators=[Length(max=MAX_TEXT)],
                               description="What the administration accepts, e.g. "
                               "documentary checks only for AEO traders below the red threshold.")
    unacceptable = TextAreaField("Unacceptable risk", validators=[Length(max=MAX_TEXT)],
                                 description="What is never left unchecked, e.g. weapons, "
                                 "drugs, undeclared cash.")
    submit = SubmitField("Save the criteria")
