"""Rules of the source register, shared by pages and API (no request objects here).

Who may do what: handlers and administrators register sources; the handler must hold the
handler role and the controller must be a different officer. Reliability is regraded by
the handler, the controller or an analyst, always with a reason. The identity is opened
only for the handler or the controller, with a stated reason, and every opening is audited.

The informant guidelines: a registered source waits for its controller to approve the
recruitment; until then it is named in no new report and paid nothing (contacts without a
payment may be logged: the approach before recruitment). Approval sets the first review
date; the handler or controller records each review with the next date. The contact log
(date, officer met, place, payment or reward with amount and reason) is kept and read by
the source's handler and controller only, like its identity. The guidelines text is set
by administrators, each version audited, and shown on the source pages.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from app.accounts.models import User
from app.audit import audit, recorded_read
from app.i18n import say, term
from app.sources.crypto import IdentityCipher, load_key
from graph import clock, policy
from graph.connection import Graph
from graph.errors import Duplicate, Hidden, NotFound, Refused
from graph.exchange.records import text_problem
from graph.grading import Grading, GradingError
from graph.sources import GuidelinesRepository, SourceRepository
from graph.users import UserRepository

CODENAME = re.compile(r"^[A-Z0-9][A-Z0-9\-_.]{1,31}$")
IDENTITY_FIELDS = ("name", "contact", "address", "notes")
MIN_REASON = 5
REVIEW_DAYS = 90  # the first review date the approval form proposes
MAX_REVIEW_DAYS = 3 * 366
MAX_AMOUNT = Decimal("10000000")
CURRENCY = re.compile(r"^[A-Z]{3}$")
GUIDELINES_TOPIC = "informants"
MAX_GUIDELINES = 20_000


class Payment(StrEnum):
    NONE = "none"
    PAYMENT = "payment"
    REWARD = "reward"

    @property
    def title(self) -> str:
        return {"none": "No payment", "payment": "Payment (money)",
                "reward": "Reward (in kind)"}[self.value]


class SourceType(StrEnum):
    INFORMANT = "informant"
    LIAISON_OFFICER = "liaison_officer"
    PARTNER_AGENCY = "partner_agency"
    OPEN_SOURCE = "open_source"
    HOTLINE = "hotline"

    @property
    def title(self) -> str:
        return term(self.value, "source_type")


class SourceError(Refused, ValueError):
    """A request that breaks a rule of the register; ``field`` names the form field."""

    def __init__(self, message: str, field: str = "codename", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class SourceService:
    graph: Graph
    grading: Grading
    cipher: IdentityCipher

    @classmethod
    def from_config(cls, graph: Graph, config: Any) -> SourceService:
        key = load_key(Path(config["CORDON_DATA"]), os.environ.get("CORDON_SOURCE_KEY"))
        return cls(graph, Grading.from_config(config), IdentityCipher(key))

    @property
    def repo(self) -> SourceRepository:
        return SourceRepository(self.graph)

    # ----------------------------------------------------------------- reading

    def list(self, user: User, **filters: Any) -> list[dict[str, Any]]:
        self._require_read(user)
        return self.repo.list(**filters)

    def get(self, user: User, codename: str, *, audited: bool = True,
            via: str = "page") -> dict[str, Any]:
        """The public record (never the identity) with the caller's relation to it.
        Audited: the read, or the attempt of a role without the register (403 whether or
        not the source exists), is recorded (``via``: page or api)."""
        codename = normalise_codename(codename, strict=False)

        def fetch() -> dict[str, Any]:
            source = self.repo.get(codename)
            if source is None:
                raise NotFound(f"no source {codename}")
            if not policy.may(user, policy.READ_SOURCES):
                raise Hidden(f"no source {codename}")
            return source

        try:
            if audited:
                source = recorded_read("source.read", codename, fetch, {"via": via})
            else:
                source = fetch()
        except NotFound:
            self._require_read(user)  # a role without the register: 403, found or not
            raise
        holding = self.repo.holding(source["codename"], user.id)
        return {**source, **{"is_handler": holding["handler"],
                             "is_controller": holding["controller"]}}

    def history(self, user: User, codename: str) -> list[dict[str, Any]]:
        self._require_read(user)
        return self.repo.history(codename)

    def held_by(self, user: User) -> list[dict[str, Any]]:
        return self.repo.held_by(user.id)

    def reveal_identity(self, user: User, source: dict[str, Any], reason: str) -> dict[str, Any]:
        """Decrypt the identity for the handler or controller. The view is audited in the
        transaction that reads it: no record, no identity."""
        reason = (reason or "").strip()
        if len(reason) < MIN_REASON:
            raise SourceError(_("State why you need the identity (a few words)."), "reason")
        codename = source["codename"]

        def read_and_record() -> str | None:
            token = self.repo.identity_ciphertext(codename, user.id)
            audit("source.identity.view", source.get("id") or codename, reason=reason)
            return token

        try:
            token = self.graph.atomically(read_and_record)
        except NotFound:
            # same answer whether the source is missing or held by someone else
            raise NotFound(f"no source {codename}") from None
        if not token:
            return {}
        return self.cipher.open(token)

    # ----------------------------------------------------------------- writing

    def register(self, user: User, data: dict[str, Any]) -> str:
        if not policy.may(user, policy.REGISTER_SOURCES):
            raise SourceError(_("Only handlers and administrators register sources."), status=403)
        codename = normalise_codename(data.get("codename"))
        try:
            kind = SourceType(str(data.get("type") or "").strip().lower())
        except ValueError:
            allowed = ", ".join(t.value for t in SourceType)
            raise SourceError(_("Choose a source type: %(allowed)s.",
                                allowed=allowed), "type") from None
        try:
            reliability = self.grading.source_grade(data.get("reliability")) or (
                self.grading.scheme.unknown_source
            )
        except GradingError as exc:
            raise SourceError(say(exc), "reliability") from None
        handles = policy.may(user, policy.HANDLE_SOURCES)
        handler_id = str(data.get("handler_id") or (user.id if handles else ""))
        controller_id = str(data.get("controller_id") or "")
        handler = self._user(handler_id, "handler_id")
        controller = self._user(controller_id, "controller_id")
        if not policy.may(handler, policy.HANDLE_SOURCES):
            raise SourceError(_("The handler must be an officer with the handler role."),
                              "handler_id")
        if controller.id == handler.id:
            raise SourceError(_("The controller must be a different officer from the handler."),
                              "controller_id")
        if not policy.may(controller, policy.CONTROL_SOURCES):
            raise SourceError(_("The controller must be a handler, analyst or administrator."),
                              "controller_id")
        identity = clean_identity(data.get("identity") or {})
        sealed = self.cipher.seal(identity) if identity else None

        def register_and_record() -> str:
            stored = self.repo.register(
                id=str(uuid.uuid4()), codename=codename, type=kind.value,
                reliability=reliability, handler_id=handler.id, controller_id=controller.id,
                identity_enc=sealed, by=user.email, reason="initial grading",
            )
            audit("source.create", stored, {"type": kind.value})
            return stored

        try:
            return self.graph.atomically(register_and_record)
        except Duplicate:
            raise SourceError(_("A source with codename %(codename)s exists already.",
                                codename=codename),
                              status=409) from None

    def regrade(self, user: User, codename: str, grade: Any, reason: str) -> str:
        source = self.get(user, codename, audited=False)
        if not (source["is_handler"] or source["is_controller"]
                or policy.may(user, policy.GRADE_SOURCES)):
            raise SourceError(_("Only the handler, the controller or an analyst regrades a "
                                "source."),
                              "grade", status=403)
        try:
            code = self.grading.source_grade(grade, required=True)
        except GradingError as exc:
            raise SourceError(say(exc), "grade") from None
        reason = (reason or "").strip()
        if len(reason) < MIN_REASON:
            raise SourceError(_("Give the reason for the new grade."), "reason")
        def regrade_and_record() -> None:
            self.repo.regrade(source["codename"], str(code), by=user.email, reason=reason[:500])
            audit("source.regrade", source["codename"], {"grade": str(code)}, reason=reason)

        self.graph.atomically(regrade_and_record)
        return str(code)

    def set_identity(self, user: User, source: dict[str, Any], identity: dict[str, Any]) -> None:
        cleaned = clean_identity(identity)
        if not cleaned:
            raise SourceError(_("Enter at least the name."), "name")
        codename, sealed = source["codename"], self.cipher.seal(cleaned)

        def store_and_record() -> None:
            self.repo.set_identity(codename, user.id, sealed)
            audit("source.identity.update", source.get("id") or codename)

        try:
            self.graph.atomically(store_and_record)
        except NotFound:
            raise NotFound(f"no source {codename}") from None

    # ----------------------------------------------------------------- guidelines

    def approve(self, user: User, codename: str, review_due: Any) -> str:
        """The controller approves the recruitment and sets the first review date."""
        source = self.get(user, codename, audited=False)
        if not source["is_controller"]:
            raise SourceError(_("Only the source's controller approves its recruitment."),
                              "review_due", status=403)
        if source.get("status") != "pending":
            raise SourceError(_("%(codename)s is not waiting for approval.",
                                codename=source['codename']),
                              "review_due", status=409)
        due = _future_date(review_due, "review_due", _("first review"))

        def approve_and_record() -> None:
            if not self.repo.approve(source["codename"], user.id, due):
                raise SourceError(_("%(codename)s is not waiting for approval.",
                                    codename=source['codename']),
                                  "review_due", status=409)
            audit("source.approve", source["codename"], {"review_due": due})

        self.graph.atomically(approve_and_record)
        return due

    def record_review(self, user: User, codename: str, review_due: Any, note: Any) -> str:
        source = self._held(user, codename, "review_due")
        if source.get("status") != "active":
            raise SourceError(_("A source is reviewed once its recruitment is approved."),
                              "review_due", status=409)
        due = _future_date(review_due, "review_due", _("next review"))
        note = _clean(note, "note", 1000)
        if len(note) < MIN_REASON:
            raise SourceError(_("Say in a few words what the review found."), "note")

        def review_and_record() -> None:
            self.repo.record_review(source["codename"], user.id, review_due=due, note=note,
                                    by=user.email)
            audit("source.review", source["codename"], {"review_due": due})

        self.graph.atomically(review_and_record)
        return due

    def reviews(self, user: User, source: dict[str, Any]) -> list[dict[str, Any]]:
        return self.repo.reviews(source["codename"], user.id)

    def record_contact(self, user: User, codename: str, data: dict[str, Any]) -> str:
        """A contact with the source, logged by its handler or controller; a payment or
        reward needs an amount, a currency and a reason, and an approved recruitment."""
        source = self._held(user, codename, "date")
        contact = self._contact(source, data)

        def add_and_record() -> str:
            contact_id = str(uuid.uuid4())
            if not self.repo.add_contact(source["codename"], user.id, id=contact_id,
                                         by=user.email, **contact):
                raise SourceError(_("The officer met must be the source's handler "
                                    "or controller."), "officer_id")
            detail = {"date": contact["date"], "payment": contact["payment"]}
            if contact["amount"] is not None:
                detail.update(amount=contact["amount"], currency=contact["currency"])
            audit("source.contact", source["codename"], detail, reason=contact["reason"])
            return contact_id

        return self.graph.atomically(add_and_record)

    def _contact(self, source: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        when = _date(data.get("date"), "date", _("the contact"))
        if when > clock.today():
            raise SourceError(_("A contact is logged after it happened: the date is in "
                                "the future."), "date")
        officer_id = str(data.get("officer_id") or "").strip()
        if officer_id not in {source.get("handler_id"), source.get("controller_id")}:
            raise SourceError(_("Choose the officer who met the source: its "
                                "handler or controller."), "officer_id")
        place = _clean(data.get("place"), "place", 200)
        if not place:
            raise SourceError(_("Say where the contact took place (a meeting place, or "
                                "'phone')."), "place")
        try:
            payment = Payment(str(data.get("payment") or "none").strip().lower())
        except ValueError:
            raise SourceError(_("Choose no payment, a payment or a reward."), "payment") from None
        reason = _clean(data.get("reason"), "reason", 500)
        notes = _clean(data.get("notes"), "notes", 2000)
        amount = currency = None
        if payment is not Payment.NONE:
            if source.get("status") != "active":
                raise SourceError(_("Nothing is paid to a source before its controller approves "
                                    "the recruitment."), "payment")
            amount = _amount(data.get("amount"))
            currency = str(data.get("currency") or "").strip().upper()
            if not CURRENCY.match(currency):
                raise SourceError(_("Give the currency as three letters, e.g. EUR."), "currency")
            if len(reason) < MIN_REASON:
                raise SourceError(_("A %(value)s needs its reason: what it rewards.",
                                    value=payment.value),
                                  "reason")
        elif str(data.get("amount") or "").strip():
            raise SourceError(_("An amount needs a payment or reward chosen."), "payment")
        return {"date": when, "officer_id": officer_id, "place": place,
                "payment": payment.value, "amount": amount, "currency": currency,
                "reason": reason or None, "notes": notes or None}

    def contacts(self, user: User, source: dict[str, Any]) -> list[dict[str, Any]]:
        """The contact log: for the handler and controller only (others get nothing)."""
        if not (source.get("is_handler") or source.get("is_controller")):
            return []
        return self.repo.contacts(source["codename"], user.id)

    def reviews_overdue(self, user: User) -> list[dict[str, Any]]:
        """The sources this officer handles or controls whose review date has passed."""
        return self.repo.reviews_overdue(user.id, clock.today())

    def guidelines(self) -> dict[str, Any] | None:
        """The informant guidelines in force (None until an administrator adopts them)."""
        return GuidelinesRepository(self.graph).current(GUIDELINES_TOPIC)

    def set_guidelines(self, user: User, text: Any) -> None:
        if not policy.may(user, policy.ADMINISTER):
            raise SourceError(_("Administrators set the guidelines."), "text", status=403)
        text = str(text or "").replace("\r\n", "\n").strip()
        if not text:
            raise SourceError(_("Write the guidelines' text; an empty text is not adopted."),
                              "text")
        if len(text) > MAX_GUIDELINES:
            raise SourceError(_("Keep the guidelines under %(max_guidelines)s characters.",
                                max_guidelines=format(MAX_GUIDELINES, ',')),
                              "text")
        if problem := text_problem(text):
            raise SourceError(_("The text %(problem)s.", problem=say(problem)), "text")

        def save_and_record() -> None:
            GuidelinesRepository(self.graph).save(GUIDELINES_TOPIC, text,
                                                  id=str(uuid.uuid4()), by=user.email)
            audit("guidelines.update", GUIDELINES_TOPIC, {"characters": len(text)})

        self.graph.atomically(save_and_record)

    # ----------------------------------------------------------------- helpers

    def _held(self, user: User, codename: str, field: str) -> dict[str, Any]:
        source = self.get(user, codename, audited=False)
        if not (source["is_handler"] or source["is_controller"]):
            raise SourceError(_("Only the source's handler or controller does this."), field,
                              status=403)
        return source


    def _require_read(self, user: User) -> None:
        if not policy.may(user, policy.READ_SOURCES):
            raise SourceError(_("The source register is for handlers and analysts."), status=403)

    def _user(self, user_id: str, field: str) -> User:
        row = UserRepository(self.graph).get(user_id) if user_id else None
        if row is None or not row.get("active", True):
            raise SourceError(_("Choose an active officer."), field)
        return User.from_row(row)


def normalise_codename(value: Any, *, strict: bool = True) -> str:
    text = str(value or "").strip()
    if not strict:
        return text  # lookups: imported codenames are kept as the register spelt them
    text = text.upper()
    if not CODENAME.match(text):
        raise SourceError(_("A codename is 2–32 letters, digits or - _ . (e.g. KX-17)."))
    return text


def clean_identity(identity: dict[str, Any]) -> dict[str, str]:
    out = {}
    for field in IDENTITY_FIELDS:
        value = str(identity.get(field) or "").strip()
        if value:
            out[field] = value[:2000]
    return out


def default_review_date() -> str:
    return (date.fromisoformat(clock.today()) + timedelta(days=REVIEW_DAYS)).isoformat()


def _clean(value: Any, field: str, limit: int) -> str:
    if value is not None and not isinstance(value, str | int | float):
        raise SourceError(_("%(field)s must be text.", field=field), field)
    text = str(value if value is not None else "").strip()
    if len(text) > limit:
        raise SourceError(_("Keep it under %(limit)s characters.", limit=limit), field)
    if problem := text_problem(text, multiline=field in ("notes", "note")):
        raise SourceError(_("This %(problem)s.", problem=say(problem)), field)
    return text


def _date(value: Any, field: str, what: str) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value or "").strip()
    try:
        parsed = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.year < 1990:
        raise SourceError(_("Give the date of %(what)s as YYYY-MM-DD.", what=what), field)
    return parsed.isoformat()


def _future_date(value: Any, field: str, what: str) -> str:
    due = _date(value, field, _("the %(what)s", what=what))
    today = date.fromisoformat(clock.today())
    if due <= today.isoformat():
        raise SourceError(_("The %(what)s is a date after today.", what=what), field)
    if due > (today + timedelta(days=MAX_REVIEW_DAYS)).isoformat():
        raise SourceError(_("The %(what)s is at most three years ahead.", what=what), field)
    return due


def _amount(value: Any) -> str:
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise SourceError(_("Give the amount as a number, e.g. 200 or 150.50."), "amount") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise SourceError(_("The amount is more than 0 and at most 10,000,000."), "amount")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise SourceError(_("The amount has at most two decimals."), "amount")
    return f"{amount:.2f}"
