"""Forms of the post-clearance audit pages (CSRF from Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class PeriodForm(FlaskForm):
    """The plan's period, read from the query string (a GET form: nothing is written)."""

    class Meta:
        csrf = False

    period_from = DateField("From", validators=[Optional()])
    period_to = DateField("To", validators=[Optional()])
    submit = SubmitField("Show")


class PlanAuditForm(FlaskForm):
    trader = StringField("Trader", validators=[DataRequired(), Length(max=64)])
    period_from = DateField("Declarations from", validators=[InputRequired()])
    period_to = DateField("to", validators=[InputRequired()])
    assignee = SelectField("Auditor", choices=[], validate_choice=False)
    unit = SelectField("or unit", choices=[], validate_choice=False)
    due = DateField("Due", validators=[Optional()])
    submit = SubmitField("Assign audit")


class FindingsForm(FlaskForm):
    """Date and finding; the result and revenue of each covered declaration are read by
    position (``result-N``, ``revenue-N``) from the audit's own list."""

    date = DateField("Date of the findings", validators=[InputRequired()])
    finding = StringField("Finding", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Record findings")
