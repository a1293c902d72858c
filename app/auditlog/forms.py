"""The audit log filters: a GET form, so a search is a shareable, bookmarkable URL."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from app.auditlog.service import AuditQuery

MAX_PAGE = 10_000


class AuditFilterForm(FlaskForm):
    # Read-only GET: a CSRF token in the URL would only leak into logs and history.
    class Meta:
        csrf = False

    actor = StringField(
        _l("Actor"),
        validators=[Optional(), Length(max=254)],
        description=_l("E-mail or user id; also 'anonymous' (sign-in attempts) or 'system'."),
    )
    action = StringField(
        _l("Action"),
        validators=[
            Optional(),
            Length(max=100),
            Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l("Letters, digits, '.', '_' and '-' only.")),
        ],
        description=_l("An action, or the start of one (e.g. 'login.' or 'report')."),
        render_kw={"list": "audit-actions", "autocomplete": "off", "spellcheck": "false"},
    )
    target = StringField(
        _l("Target"),
        validators=[Optional(), Length(max=254)],
        description=_l("A record id, or part of one."),
    )
    date_from = DateField(_l("From (UTC)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC, inclusive)"), validators=[Optional()])
    outcome = SelectField(
        _l("Outcome of reads"),
        choices=[SelectChoice("", "any"), SelectChoice("read", "read"),
                 SelectChoice("refused", "refused (record hidden)"),
                 SelectChoice("missing", "missing (no such record)")],
        default="",
        validate_choice=True,
    )
    sensitive = BooleanField(_l("Only sensitive reads and exports"))
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and self.date_from.data > field.data:
            raise ValidationError("The end date is before the start date.")

    def query(self) -> AuditQuery:
        """The validated filters as the service takes them."""
        return AuditQuery(
            actor=(self.actor.data or "").strip() or None,
            action=(self.action.data or "").strip() or None,
            target=(self.target.data or "").strip() or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            outcome=self.outcome.data or None,
            sensitive=bool(self.sensitive.data),
            page=self.page.data or 1,
        )
