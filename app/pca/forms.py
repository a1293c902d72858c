"""Forms of the post-clearance audit pages (CSRF from Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class PeriodForm(FlaskForm):
    """The plan's period, read from the query string (a GET form: nothing is written)."""

    class Meta:
        csrf = False

    period_from = DateField(_l("From"), validators=[Optional()])
    period_to = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Show"))


class PlanAuditForm(FlaskForm):
    """Shown under the period's filter on the plan page: built with ``prefix="audit"``, so
    its dates' ids (``audit-period_from``) are not the filter's and each label names its
    own field."""

    trader = StringField(_l("Trader"), validators=[DataRequired(), Length(max=64)])
    period_from = DateField(_l("Declarations from"), validators=[InputRequired()])
    period_to = DateField(_l("to"), validators=[InputRequired()])
    assignee = SelectField(_l("Auditor"), choices=[], validate_choice=False)
    unit = SelectField(_l("or unit"), choices=[], validate_choice=False)
    due = DateField(_l("Due"), validators=[Optional()])
    submit = SubmitField(_l("Assign audit"))


class FindingsForm(FlaskForm):
    """Date and finding; the result and revenue of each covered declaration are read by
    position (``result-N``, ``revenue-N``) from the audit's own list."""

    date = DateField(_l("Date of the findings"), validators=[InputRequired()])
    finding = StringField(_l("Finding"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Record findings"))
