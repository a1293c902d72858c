"""The rules of intake: what a report must hold, who may enter, change and move it.

What a report must hold is the exchange format's rule for reports
(``graph.exchange.records``): the pages, the API and ``flask import`` share it, and
``validate_report`` turns its reasons into a ``ReportError``.
Lifecycle: draft → submitted → evaluated → disseminated / archived. The author submits;
an analyst other than the author evaluates (for an informant report also the source's
controller or handler); analysts archive. Dissemination itself is the dissemination
feature's; it moves evaluated reports on through :meth:`ReportService.transition`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit import audit, recorded_read
from app.evidence import service as evidence
from app.evidence.service import Prepared
from app.i18n import channel_title, say, term
from app.intake.extraction import extract_mentions
from app.watch import notify
from graph import policy
from graph.access import viewer_param
from graph.clock import utc_now
from graph.connection import Graph, atomic
from graph.entities import EntityRepository, entity_id
from graph.errors import Duplicate, NotFound, Refused, Resubmitted
from graph.evidence import EvidenceRepository, Parent
from graph.exchange.records import (
    FIELD_LABELS,
    Context,
    LineError,
    bounded_text,
    reason_field,
    validate,
)
from graph.grading import Grading, GradingError, handling_change_refusal
from graph.references import looks_like_reference
from graph.reports import ReportRepository
from graph.sources import SourceRepository
from graph.users import UserRepository
from graph.vocabulary import KIND_OF_LABEL, Channel, RelationType
from graph.vocabulary import ReportStatus as Status
from nlp import Mention, detect_language

MAX_REASON = 500


class Review(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


EDITABLE = (Status.DRAFT.value, Status.SUBMITTED.value)

# action -> (from statuses, to status)
TRANSITIONS: dict[str, tuple[tuple[Status, ...], Status]] = {
    "submit": ((Status.DRAFT,), Status.SUBMITTED),
    "evaluate": ((Status.SUBMITTED,), Status.EVALUATED),
    "disseminate": ((Status.EVALUATED, Status.DISSEMINATED), Status.DISSEMINATED),
    "archive": (
        (Status.DRAFT, Status.SUBMITTED, Status.EVALUATED, Status.DISSEMINATED),
        Status.ARCHIVED,
    ),
}
STAMP = {Status.SUBMITTED: "submitted", Status.EVALUATED: "evaluated",
         Status.DISSEMINATED: "disseminated", Status.ARCHIVED: "archived"}


MAX_SKIP = 1_000_000  # a page past this is no page a person reads; Neo4j needs < 2**63


class ReportError(Refused, ValueError):
    """Input or an action that breaks a rule; ``field`` names the form field."""

    def __init__(self, message: str, field: str = "text", status: int = 400,
                 reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.status = status
        self.reasons = reasons or [message]  # every reason the validator found


class AlreadyStored(Exception):
    """The submission was stored before (a retry after a lost answer): ``report_id`` is
    the report it made; nothing new was written."""

    def __init__(self, report_id: str) -> None:
        super().__init__(report_id)
        self.report_id = report_id


# A client's key for one submission (a form's hidden field, an API Idempotency-Key).
SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{8,100}")


def creatable_channels(user: User) -> list[Channel]:
    return [c for c in Channel if policy.may(user, policy.LOG_REPORTS[c.value])]


def refusal_to_log(user: User, channel: Channel) -> str:
    """Why ``user`` may not log a ``channel`` report, and whom to ask instead."""
    roles = sorted(Role(r).title.lower()
                   for r in policy.LOG_REPORTS[channel] - policy.ADMINISTER)
    whom = _("the source's handler") if channel is Channel.INFORMANT else _("one of them")
    return _("%(kind)ss are logged by %(roles)ss; your role (%(role)s) does not log them: "
             "ask %(whom)s.", kind=channel_title(channel), roles=_(" or ").join(roles),
             role=user.role.title.lower(), whom=whom)


def who_logs(graph: Graph, user: User, channel: Channel) -> dict[str, Any]:
    """Why ``user`` may not log a ``channel`` report and whom to turn to: the active
    officers of the roles that may (handlers for informant reports; the user's own unit
    first). Names, e-mails and units only."""
    roles = policy.LOG_REPORTS[channel] - policy.ADMINISTER
    people = [
        {"name": u.get("name") or u["email"], "email": u["email"], "unit": u.get("unit")}
        for u in UserRepository(graph).list()
        if u.get("role") in roles and u.get("active", True) and u.get("id") != user.id
    ]
    people.sort(key=lambda p: (p["unit"] != user.unit, p["name"].lower()))
    titles = sorted(Role(r).title for r in roles)
    return {"channel": channel, "roles": titles, "people": people[:10],
            "message": refusal_to_log(user, channel)}


# --------------------------------------------------------------------------- validation


def refusal(exc: LineError) -> ReportError:
    """The exchange validator's reasons as the service's refusal: the first reason's
    field (``vehicles[1]`` → ``vehicles``) and words, every reason kept."""
    first = reason_field(exc.reasons[0])
    field = re.split(r"[\[.]", first["field"] or "report")[0]
    reasons = [say(reason) for reason in exc.reasons]  # in the reader's language
    return ReportError(reasons[0], field, reasons=reasons)


@dataclass(frozen=True)
class ReportInput:
    """A validated report, ready to store."""

    channel: Channel
    props: dict[str, Any]
    source: str | None
    report_id: str | None
    structured: list[Mention]


def validate_report(data: dict[str, Any], grading: Grading) -> ReportInput:
    """Check one report a person enters (form or API) with the exchange format's rule for
    reports (``graph.exchange.records``), the one ``flask import`` applies."""
    try:
        record = validate(data, "report", Context(grading=grading, entered=True))
    except LineError as exc:
        raise refusal(exc) from None
    found = record.data
    channel = Channel(found["channel"])
    text = found["text"] or ""
    props: dict[str, Any] = {
        "channel": channel.value,
        "kind": channel.value,
        "received": found["received"],
        "text": text,
        "language": detect_language(text) if text.strip() else None,
        "grading_scheme": found["grading_scheme"],
        **{name: found[name] for name in ("handling", "source_grade", "info_grade",
                                          "scheme_handling", "title")},
        **found["fields"],
    }
    structured = [
        mention for name, label in FIELD_LABELS.items()
        for mention in _field_mentions(name, label, _values(found["fields"].get(name)))
    ]
    return ReportInput(channel, props, found["source"], found["id"], structured)


def _values(value: Any) -> list[str | None]:
    return value if isinstance(value, list) else [value]


# What the quick log checks while the officer types.
KNOWN_LABELS = ("VEHICLE", "CONTAINER", "PHONE")


def _field_mentions(field: str, label: str, values: list[str | None]) -> list[Mention]:
    return [
        Mention(None, None, label, v, v, 1.0, "person", field=field, review="accepted")
        for v in values
        if v
    ]


# --------------------------------------------------------------------------- the service


@dataclass(frozen=True)
class ReportService:
    graph: Graph
    grading: Grading

    @classmethod
    def from_config(cls, graph: Graph, config: Any) -> ReportService:
        return cls(graph, Grading.from_config(config))

    @property
    def repo(self) -> ReportRepository:
        return ReportRepository(self.graph)

    # ----------------------------------------------------------------- create / edit

    def create(
        self, user: User, data: dict[str, Any], *, submit: bool = True,
        submission: str | None = None, files: list[Prepared] | None = None,
    ) -> tuple[str, list[dict[str, Any]]]:
        """Validate, extract and store a report with its mentions and evidence ``files``
        (checked and stored by app.evidence) in one transaction.
        ``submission`` is the client's key for this one submission: sent again (a retry
        on a poor network), it raises ``AlreadyStored`` instead of storing a copy."""
        if submission is not None and not SUBMISSION_KEY.fullmatch(submission):
            raise ReportError(_("The submission key must be 8 to 100 letters, digits, - or _."),
                              "submission")
        report = validate_report(data, self.grading)
        if not policy.may(user, policy.LOG_REPORTS[report.channel]):
            raise ReportError(refusal_to_log(user, report.channel), "channel", status=403)
        props = dict(report.props)
        if report.source:
            props["source_grade"] = self._check_source(user, report.source, props)
        any_unit = policy.may(user, policy.ADMINISTER)
        if data.get("unit") not in (None, "", user.unit) and not any_unit:
            raise ReportError(_("A report belongs to your own unit."), "unit")
        unit = str(data.get("unit") or user.unit) if any_unit else user.unit
        now = utc_now()
        status = Status.SUBMITTED if submit else Status.DRAFT
        props.update(
            status=status.value, unit=unit, author_id=user.id, author=user.name,
            created_at=now, updated_at=now, submitted_at=now if submit else None,
        )
        if submission:
            props["submission"] = f"{user.id}:{submission}"  # one author's keys, not all
        mentions = extract_mentions(self.graph, props["text"]) + report.structured

        try:
            rid, rows = self._store(user, report, unit, props, mentions, files or [])
        except Resubmitted as again:
            raise AlreadyStored(again.record_id) from None
        except Duplicate:
            # the same submission arriving twice at once: the constraint kept one
            if submission and (first := self.repo.submitted(props["submission"])):
                raise AlreadyStored(first) from None
            raise ReportError(_("Report %(report_id)s exists already.",
                                report_id=report.report_id), "id",
                              status=409) from None
        except NotFound:
            raise ReportError(_("Unit %(unit)s does not exist.", unit=repr(unit)), "unit") from None
        return rid, rows

    @atomic
    def _store(self, user: User, report: Any, unit: str, props: dict[str, Any],
               mentions: list[Mention], files: list[Prepared]) -> tuple[str, list[dict[str, Any]]]:
        """The report, its mentions, its files and the record of it: one transaction."""
        rid, rows = self.repo.create(
            report_id=report.report_id, year=props["created_at"][:4], unit=unit,
            source=report.source, props=props, mentions=mentions, by=user.email)
        detail: dict[str, Any] = {"channel": report.channel.value, "status": props["status"],
                                  "mentions": len(rows)}
        if files:
            EvidenceRepository(self.graph).attach(Parent.REPORT, rid, evidence.rows(files))
            self.repo.add_file_mentions(rid, evidence.mentions(files), user.email)
            detail["files"] = evidence.summary(files)
        audit("report.create", rid, detail, graph=self.graph)
        notify.report_changed(self.graph, rid, user.id)
        return rid, rows

    def may_attach(self, user: User, report: dict[str, Any]) -> bool:
        """Who adds evidence files to a report: its author, and those who review it."""
        return report.get("author_id") == user.id or self.may_review(user, report)

    @atomic
    def attach_files(self, user: User, report_id: str, files: list[Prepared]) -> None:
        """Attach checked, stored files (app.evidence) to a report the user may read and
        add to, with the entities found in their text, and record it: one transaction."""
        report = self.get(user, report_id, audited=False)
        if not self.may_attach(user, report):
            raise ReportError(_("Only the author and the reviewers add files to this report."),
                              "files", status=403)
        EvidenceRepository(self.graph).attach(Parent.REPORT, report_id, evidence.rows(files))
        self.repo.add_file_mentions(report_id, evidence.mentions(files), user.email)
        audit("report.files.add", report_id, {"files": evidence.summary(files)})
        notify.report_changed(self.graph, report_id, user.id)

    def update(self, user: User, report_id: str, data: dict[str, Any]) -> int:
        """Change an unevaluated report; new text is extracted afresh, reviewed mentions
        kept where their words still are. Returns the reviewed mentions whose words went."""
        current = self.get(user, report_id, audited=False)
        if not self._may_edit(user, current):
            raise ReportError(_("Only the author changes a draft; the author and the originating "
                                "unit's analysts a submitted report."), status=403)
        merged = {**current, **data, "channel": current["channel"], "id": None, "kind": None}
        report = validate_report(merged, self.grading)
        props = {k: v for k, v in report.props.items() if k not in ("channel", "kind")}
        handling = self._handling_change(user, current, props["handling"], data.get("reason"))
        if current.get("source"):
            props["source_grade"] = report.props.get("source_grade") or current.get(
                "source_grade")
        text_changed = props["text"] != current.get("text") or any(
            props.get(f) != current.get(f)
            for f in ("place", "commodity", "persons", "vehicles", "containers")
        )
        # extraction (CPU) before the transaction; the write and its record in one
        mentions = ((extract_mentions(self.graph, props["text"]) + report.structured)
                    if text_changed else None)

        def update_and_record() -> int:
            gone = self.repo.update(report_id, viewer_param(user), props=props,
                                    editable=EDITABLE, mentions=mentions, by=user.email)
            detail = {"fields": sorted(k for k in data if k != "reason"),
                      "reextracted": text_changed, "reviews_dropped": gone}
            if handling:
                detail["handling"] = handling
                audit("report.update", report_id, detail, reason=str(data["reason"]).strip())
            else:
                audit("report.update", report_id, detail)
            notify.report_changed(self.graph, report_id, user.id)
            return gone

        try:
            return self.graph.atomically(update_and_record)
        except NotFound:
            raise ReportError(_("This report can no longer be changed."), status=409) from None

    def _handling_change(
        self, user: User, current: dict[str, Any], new: str, reason: Any
    ) -> dict[str, str] | None:
        """``{"from", "to"}`` when a submitted report's handling code changes, once the
        rules allow it: only its originating unit recodes it, with a reason, and only
        where the grading rules allow (``handling_change_refusal``). A draft is its
        author's alone: no rule beyond the codes themselves."""
        old = current.get("handling")
        if new == old or current.get("status") == Status.DRAFT:
            return None
        if user.unit != current.get("unit"):
            raise ReportError(_("Only the originating unit (%(value)s) changes the handling code "
                                "of this report.",
                                value=current.get('unit')), "handling", status=403)
        why = handling_change_refusal(current.get("channel"), old, new)
        if why:
            raise ReportError(say(why), "handling", status=403)
        text = reason.strip() if isinstance(reason, str) else ""
        if not text:
            raise ReportError(_("State why the handling code changes (reason)."), "reason")
        if len(text) > MAX_REASON:
            raise ReportError(_("Keep the reason under %(max_reason)s characters.",
                                max_reason=MAX_REASON), "reason")
        return {"from": str(old), "to": new}

    def _check_source(self, user: User, codename: str, props: dict[str, Any]) -> str | None:
        sources = SourceRepository(self.graph)
        source = sources.get(codename)
        holding = sources.holding(codename, user.id) if source else {}
        admin = policy.may(user, policy.ADMINISTER)
        if source is None or (not admin and not any(holding.values())):
            raise ReportError(_("You hold no source %(codename)s.", codename=codename), "source")
        if source.get("status") == "pending":  # the informant guidelines: approval first
            raise ReportError(_("%(codename)s awaits its controller's approval of recruitment: its "
                                "reports are logged once it is approved.",
                                codename=source['codename']),
                              "source")
        return props.get("source_grade") or source.get("reliability")

    # ----------------------------------------------------------------- read

    def get(
        self, user: User, report_id: str, *, audited: bool = True, via: str = "page"
    ) -> dict[str, Any]:
        """One report within need-to-know; NotFound (404) when the user may not see it.
        Audited: the read, or the refused attempt, is recorded (``via``: page, edit, api)."""
        def fetch() -> dict[str, Any]:
            return self.repo.get(report_id, viewer_param(user))

        if not audited:
            return fetch()
        return recorded_read("report.read", report_id, fetch, {"via": via})

    def known(self, user: User, label: str, value: str) -> str | None:
        """A sentence for a liaison officer typing a plate, container or phone at the
        crossing: what they may already know of it, or None when nothing (also when it is
        known only from records they may not read)."""
        from nlp import resolution_key

        kind = KIND_OF_LABEL.get(label) if label in KNOWN_LABELS else None
        key = resolution_key(label, value) if kind and value.strip() else ""
        if not kind or len(key.strip("+")) < 4:
            return None
        known = self.repo.known(entity_id(kind, key), viewer_param(user))
        said = []  # in the officer's language: the quick log shows it as it is
        if known["watched"]:
            said.append(_("on your watch list"))
        if known["reports"]:
            said.append(_("named in %(num)s report(s) you may read", num=known["reports"]))
        if known["declarations"]:
            said.append(_("on %(num)s declaration(s)", num=known["declarations"]))
        return _("Already known: %(what)s.", what="; ".join(said)) if said else None

    def resolve(self, user: User, id_or_reference: str) -> str:
        """The report id behind a human reference (``R-2026-000123``) the user may see;
        anything else as given: the read that follows decides, and records it (a refused
        read must reach the audit log, so nothing here answers for it)."""
        if looks_like_reference(id_or_reference):
            found = self.repo.id_of_reference(id_or_reference, viewer_param(user))
            if found:
                return found
        return id_or_reference

    def reference(self, user: User, report_id: str) -> str:
        """What a person reads for the report: its reference, else its id."""
        return str(self.get(user, report_id, audited=False).get("reference") or report_id)

    def mentions(self, user: User, report_id: str) -> list[dict[str, Any]]:
        return self.repo.mentions(report_id, viewer_param(user))

    def list(self, user: User, **filters: Any) -> tuple[list[dict[str, Any]], str | None]:
        """One page of reports and the token of the next (``after``), see ReportRepository."""
        if filters.get("status"):
            filters["status"] = _enum(Status, filters["status"], "status")
        if filters.get("channel"):
            filters["channel"] = _enum(Channel, filters["channel"], "channel")
        clean = {k: (v or None) for k, v in filters.items()
                 if k not in ("skip", "limit", "after")}
        limit = max(1, min(int(filters.get("limit") or 50), 500))
        skip = max(0, int(filters.get("skip") or 0))
        if skip > MAX_SKIP:
            raise ReportError(_("skip must be at most %(max_skip)s", max_skip=MAX_SKIP), "skip")
        after = str(filters.get("after") or "")[:1000] or None
        try:
            return self.repo.list(viewer_param(user), skip=skip, limit=limit, after=after,
                                  **clean)
        except ValueError as exc:  # a token that is not one
            raise ReportError(str(exc), "after") from None

    def extract(self, text: str) -> list[dict[str, Any]]:
        """Extraction in the contract shape, storing nothing."""
        return [m.to_dict() for m in extract_mentions(self.graph, text)]

    # ----------------------------------------------------------------- lifecycle

    def allowed_actions(self, user: User, report: dict[str, Any]) -> list[str]:
        out = []
        for action in ("submit", "evaluate", "archive"):
            try:
                self._check_transition(user, report, action)
            except ReportError:
                continue
            out.append(action)
        return out

    @atomic
    def transition(
        self, user: User, report_id: str, action: str, data: dict[str, Any] | None = None
    ) -> str:
        data = data or {}
        report = self.get(user, report_id, audited=False)
        to = self._check_transition(user, report, action)
        changes: dict[str, Any] = {f"{STAMP[to]}_at": utc_now(), f"{STAMP[to]}_by": user.id}
        if action == "evaluate":
            try:
                changes["info_grade"] = self.grading.info_grade(data.get("info_grade"),
                                                                required=True)
                grade = self.grading.source_grade(data.get("source_grade"))
            except GradingError as exc:
                raise ReportError(say(exc), exc.field) from None
            if grade:
                changes["source_grade"] = grade
            try:
                note = bounded_text(data, "evaluation", 2000)
            except LineError as exc:
                raise refusal(exc) from None
            if note:
                changes["evaluation"] = note
        if action == "disseminate":
            try:
                self.grading.handling_code(report.get("handling"))
            except GradingError as exc:
                raise ReportError(_("Handling code problem: %(exc)s",
                                    exc=say(exc)), "handling") from None
        try:
            self.repo.transition(report_id, viewer_param(user), from_status=report["status"],
                                 to_status=to.value, changes=changes)
        except NotFound:
            raise ReportError(_("The report changed meanwhile; reload it."), status=409) from None
        audit(f"report.{action}", report_id, {"from": report["status"], "to": to.value})
        if action == "submit":
            notify.report_changed(self.graph, report_id, user.id)
        return to.value

    def _check_transition(self, user: User, report: dict[str, Any], action: str) -> Status:
        if action not in TRANSITIONS:
            raise ReportError(_("Unknown action %(action)s.", action=repr(action)), "action")
        sources, to = TRANSITIONS[action]
        if report.get("status") not in {s.value for s in sources}:
            raise ReportError(_("A %(status)s report cannot become %(wanted)s.",
                                status=term(report.get("status")), wanted=term(to.value)),
                              "action", status=409)
        author = report.get("author_id") == user.id
        if action == "submit" and not author:
            raise ReportError(_("Only the author submits a draft."), "action", status=403)
        if action == "evaluate":
            holds = report.get("source") and any(
                SourceRepository(self.graph).holding(report["source"], user.id).values())
            if author and not policy.may(user, policy.ADMINISTER):
                raise ReportError(_("Another officer evaluates your report."), "action", 403)
            if not policy.may(user, policy.EVALUATE_REPORTS) and not holds:
                raise ReportError(_("Analysts evaluate reports."), "action", status=403)
        if action == "disseminate" and not policy.may(user, policy.EVALUATE_REPORTS):
            raise ReportError(_("Analysts disseminate reports."), "action", status=403)
        if action == "archive" and not (
            policy.may(user, policy.EVALUATE_REPORTS)
            or (author and report["status"] == Status.DRAFT)
        ):
            raise ReportError(_("Analysts archive reports."), "action", status=403)
        return to

    def _may_edit(self, user: User, report: dict[str, Any]) -> bool:
        if report.get("status") == Status.DRAFT:
            return report.get("author_id") == user.id
        if report.get("status") == Status.SUBMITTED:
            # others who may read it (a case member, a recipient) read it, not edit it
            return report.get("author_id") == user.id or (
                policy.may(user, policy.REVIEW_REPORTS) and user.unit == report.get("unit"))
        return False

    def may_edit(self, user: User, report: dict[str, Any]) -> bool:
        return self._may_edit(user, report)

    # ----------------------------------------------------------------- review

    def sources_held(self, user: User) -> list[dict[str, Any]]:
        """The sources ``user`` handles or controls, offered on an informant report."""
        return SourceRepository(self.graph).held_by(user.id)

    def may_review(self, user: User, report: dict[str, Any]) -> bool:
        if report.get("status") == Status.ARCHIVED:
            return False
        if policy.may(user, policy.REVIEW_REPORTS) or report.get("author_id") == user.id:
            return True
        source = report.get("source")
        return bool(source) and any(
            SourceRepository(self.graph).holding(source, user.id).values())

    def _reviewable(self, user: User, report_id: str) -> dict[str, Any]:
        report = self.get(user, report_id, audited=False)
        if not self.may_review(user, report):
            raise ReportError(_("You cannot review the entities of this report."), status=403)
        return report

    @atomic
    def review_mention(self, user: User, report_id: str, mention_id: str, review: str) -> None:
        self._reviewable(user, report_id)
        value = _enum(Review, review, "review")
        self.repo.set_review(report_id, viewer_param(user), [mention_id], value, user.email)
        audit("report.mention.review", report_id, {"mention": mention_id, "review": value})
        if value == Review.ACCEPTED:
            notify.report_changed(self.graph, report_id, user.id)

    @atomic
    def review_label(self, user: User, report_id: str, label: str, review: str) -> list[str]:
        """Accept or reject every mention of ``label`` still proposed, in one write: a
        rejection files each as REJECTED_MENTION exactly as a single one does. Returns the
        ids of the mentions reviewed (none when nothing of the label was proposed)."""
        self._reviewable(user, report_id)
        value = _enum(Review, review, "review")
        if value == Review.PROPOSED:
            raise ReportError(_("Accept or reject the proposed mentions."), "review")
        label = _label(label)
        ids = [m["id"] for m in self.mentions(user, report_id)
               if m["label"] == label and m.get("review") == Review.PROPOSED]
        if not ids:
            return []
        self.repo.set_review(report_id, viewer_param(user), ids, value, user.email)
        audit("report.mention.review", report_id,
              {"label": label, "mentions": ids, "review": value})
        if value == Review.ACCEPTED:
            notify.report_changed(self.graph, report_id, user.id)
        return ids

    @atomic
    def edit_mention(
        self, user: User, report_id: str, mention_id: str, *, label: str,
        start: Any = None, end: Any = None,
    ) -> str:
        """Correct a mention's label and/or span; it then names the entity that span names."""
        report = self._reviewable(user, report_id)
        current = next((m for m in self.mentions(user, report_id) if m["id"] == mention_id), None)
        if current is None:
            raise NotFound(f"no mention {mention_id}")
        label = _label(label)
        if current.get("start") is None:  # a structured field: only the label changes
            s = e = None
            text = current["text"]
        else:
            s, e = _span(report["text"], start if start not in (None, "") else current["start"],
                         end if end not in (None, "") else current["end"])
            text = report["text"][s:e]
        mention = Mention(s, e, label, text, text, 1.0, "person", review="accepted")
        changes = {"start": s, "end": e, "text": text, "label": label, "provenance": "person",
                   "review": "accepted", "confidence": 1.0, "reviewed_by": user.email,
                   "reviewed_at": utc_now()}
        try:
            target = self.repo.repoint_mention(report_id, viewer_param(user), mention_id,
                                               new_entity=mention, changes=changes)
        except ValueError as exc:
            raise ReportError(say(exc), "label") from None
        audit("report.mention.edit", report_id, {"mention": mention_id, "entity": target})
        notify.report_changed(self.graph, report_id, user.id)
        return target

    @atomic
    def link_mention(self, user: User, report_id: str, mention_id: str, entity_id: str) -> None:
        self._reviewable(user, report_id)
        if not entity_id or self.repo.entity(entity_id, viewer_param(user)) is None:
            raise ReportError(_("Choose an existing entity."), "entity_id")
        changes = {"review": "accepted", "linked_by": user.email, "reviewed_by": user.email,
                   "reviewed_at": utc_now()}
        self.repo.repoint_mention(report_id, viewer_param(user), mention_id,
                                  entity_id=entity_id, changes=changes)
        audit("report.mention.link", report_id, {"mention": mention_id, "entity": entity_id})
        notify.report_changed(self.graph, report_id, user.id)

    @atomic
    def add_mention(
        self, user: User, report_id: str, *, label: str, start: Any = None, end: Any = None,
        text: str | None = None, occurrence: Any = 1,
    ) -> dict[str, Any]:
        """An analyst adds a missed entity by offsets, or by its text and occurrence."""
        report = self._reviewable(user, report_id)
        label = _label(label)
        body = report.get("text") or ""
        if text and (start in (None, "") or end in (None, "")):
            s, e = _find(body, text.strip(), occurrence)
        else:
            s, e = _span(body, start, end)
        surface = body[s:e]
        mention = Mention(s, e, label, surface, surface, 1.0, "person", review="accepted")
        try:
            rows = self.repo.add_mentions(report_id, viewer_param(user), [mention], user.email)
        except ValueError as exc:
            raise ReportError(_("%(surface)s names no %(label)s entity.",
                                surface=repr(surface), label=label), "text") from exc
        audit("report.mention.add", report_id, {"label": label, "start": s, "end": e})
        notify.report_changed(self.graph, report_id, user.id)
        return rows[0]

    @atomic
    def relate(
        self, user: User, report_id: str, from_id: str, relation: str, to_id: str
    ) -> None:
        """A relation between two entities of this report, with the report as its source:
        it is seen exactly by those who may see the report (graph/access.py)."""
        self._reviewable(user, report_id)
        try:
            kind = RelationType.parse(relation or "")
        except ValueError as exc:
            raise ReportError(say(exc), "type") from None
        ids = {m["entity_id"] for m in self.mentions(user, report_id)}
        if from_id not in ids or to_id not in ids or from_id == to_id:
            raise ReportError(_("Relate two different entities mentioned in this report."), "to")
        EntityRepository(self.graph).relate(
            [{"from": from_id, "to": to_id, "type": kind, "source": f"report:{report_id}",
              "date": utc_now()[:10], "created_by": user.email}]
        )
        audit("report.relation.add", report_id, {"from": from_id, "to": to_id,
                                                 "type": kind.value})

    def search_entities(self, user: User, text: str) -> list[dict[str, Any]]:
        """Entities to link a mention to, among those the user may see."""
        text = (text or "").strip()[:200]
        return self.repo.search_entities(text, viewer_param(user)) if text else []


def _enum(kind: type[StrEnum], value: Any, field: str) -> str:
    try:
        return kind(str(value).strip().lower()).value
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise ReportError(_("%(field)s must be one of %(allowed)s.",
                            field=field, allowed=allowed), field) from None


def _label(label: Any) -> str:
    value = str(label or "").strip().upper()
    if value not in KIND_OF_LABEL:
        allowed = ", ".join(sorted(KIND_OF_LABEL))
        raise ReportError(_("Choose an entity label: %(allowed)s.", allowed=allowed), "label")
    return value


def _span(text: str, start: Any, end: Any) -> tuple[int, int]:
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON 1e999 is infinity
        raise ReportError(_("Give start and end as character offsets."), "start") from None
    if not (0 <= s < e <= len(text)) or not text[s:e].strip():
        raise ReportError(_("Offsets must lie within the text (0–%(length)s), start < end.",
                            length=len(text)),
                          "start")
    return s, e


def _find(text: str, needle: str, occurrence: Any) -> tuple[int, int]:
    try:
        nth = max(1, int(occurrence or 1))
    except (TypeError, ValueError, OverflowError):
        raise ReportError(_("Occurrence is a number (1 for the first)."), "occurrence") from None
    if not needle:
        raise ReportError(_("Enter the text of the entity as it appears."), "text")
    s = -1
    for _nth in range(nth):
        s = text.find(needle, s + 1)
        if s < 0:
            raise ReportError(_("%(needle)s does not occur %(nth)s time(s) in the text.",
                                needle=repr(needle), nth=nth), "text")
    return s, s + len(needle)
