"""Searching the audit log: who may, how filters map to the repository, and the audit of it.

An audit log that can be read without a trace invites quiet browsing, so every search and
export is itself appended to the chain, with its filters.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import audit
from graph import policy
from graph.access import viewer_param
from graph.audit import AuditRepository
from graph.connection import Graph
from graph.errors import Forbidden
from graph.reports import ReportRepository
from graph.users import UserRepository
from graph.watch import NotificationRepository

PER_PAGE = 50
EXPORT_LIMIT = 10_000

# Reads of protected records and exports of data: what an auditor reviews first. The
# actions are fixed strings written by the services (app/*/service.py, routes).
SENSITIVE_READS = (
    "source.identity.view",
    "source.read",
    "report.read",
    "case.read",
    "entity.view",
    "hotline.read",
    "risk.regrade.read",
    "kpi.annual_report",
    "export.csv",
    "export.graphml",
    "exchange.export",
    "risk.export.traders",
    "audit.search",
    "audit.export",
)


class AuditForbidden(Forbidden, PermissionError):
    """The caller's role may not read the audit log."""


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    action: str | None = None  # prefix: 'login.' finds every sign-in outcome
    target: str | None = None  # substring of the target id
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    outcome: str | None = None  # of reads: read, refused, missing (graph.audit.OUTCOMES)
    sensitive: bool = False
    page: int = 1

    def filters(self) -> dict[str, Any]:
        """The filters as recorded in the audit entry of the search (set ones only)."""
        out = {k: v for k, v in asdict(self).items() if v not in (None, False)}
        for key in ("date_from", "date_to"):
            if key in out:
                out[key] = out[key].isoformat()
        return out


@dataclass(frozen=True)
class AuditPage:
    entries: list[dict[str, Any]]
    page: int
    has_next: bool
    actor: str | None  # the actor searched for, after resolving a user id to an e-mail


def authorize(user: Any) -> None:
    if not policy.may(user, policy.READ_AUDIT_LOG):
        raise AuditForbidden(_("role %(value)s may not read the audit log",
                               value=getattr(user, 'role', '?')))


def resolve_actor(graph: Graph, actor: str | None) -> str | None:
    """Entries name actors by e-mail; a user id is looked up, anything else kept as typed."""
    if not actor:
        return None
    if "@" in actor:
        return actor.lower()
    user = UserRepository(graph).get(actor)
    return user["email"] if user else actor


def _search(graph: Graph, query: AuditQuery, actor: str | None, skip: int, limit: int):
    before = (query.date_to + timedelta(days=1)).isoformat() if query.date_to else None
    return AuditRepository(graph).search(
        actor=actor,
        action_prefix=query.action,
        actions=list(SENSITIVE_READS) if query.sensitive else None,
        outcome=query.outcome,
        target=query.target,
        since=query.date_from.isoformat() if query.date_from else None,
        before=before,
        skip=skip,
        limit=limit,
    )


def search(graph: Graph, user: Any, query: AuditQuery) -> AuditPage:
    """One page of entries, newest first; the search is audited after it is read."""
    authorize(user)
    actor = resolve_actor(graph, query.actor)
    rows = _search(graph, query, actor, (query.page - 1) * PER_PAGE, PER_PAGE + 1)
    entries = _named(graph, user, [_display(row) for row in rows[:PER_PAGE]])
    audit("audit.search", "audit-log", {**query.filters(), "shown": len(entries)})
    return AuditPage(entries, query.page, len(rows) > PER_PAGE, actor)


def export(graph: Graph, user: Any, query: AuditQuery) -> list[dict[str, Any]]:
    """Every matching entry up to EXPORT_LIMIT, newest first; audited as an export."""
    authorize(user)
    actor = resolve_actor(graph, query.actor)
    rows = _search(graph, query, actor, 0, EXPORT_LIMIT)
    filters = query.filters()
    filters.pop("page", None)
    audit("audit.export", "audit-log", {**filters, "rows": len(rows)})
    return rows


def known_actions(graph: Graph, user: Any) -> list[str]:
    authorize(user)
    return AuditRepository(graph).actions()


def chain_head(graph: Graph, user: Any) -> dict[str, Any] | None:
    """How long the chain is (cheap); verifying it is `flask audit verify`."""
    authorize(user)
    return AuditRepository(graph).head()


# Records people know by a reference (a mutual assistance request: MAR-2026-000012): their
# entries name the reference only, not the internal id some of them also keep.
REFERENCED = {"assistance.": "MAR-"}


# Actions whose target is a report's internal id (a hotline tip is a report): the page names
# the report by its reference (R-2026-000123, T-2026-000045) when the reader may see it.
REPORT_ACTIONS = ("report.", "hotline.")
# What a notification told its reader, by its kind (graph/notify.py): the audit log names a
# notification by this and its time, never by its text, which names a record.
NOTIFICATION_KINDS = {
    "report": _l("new report on a watch"), "dissemination": _l("report disseminated"),
    "feedback": _l("feedback awaited"), "task": _l("task assigned or changed"),
    "tip": _l("tipster added information"), "control": _l("control result recorded"),
    "declaration": _l("declaration names a watched entity"), "aeo": _l("AEO risk drift"),
    "assistance": _l("mutual assistance request"),
}


def _named(graph: Graph, user: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entry with ``target_name``, what a person knows its target by, when there is one:
    a report's reference (only of the reports ``user`` may see: need-to-know), a
    notification's kind and time. One read per kind of target for the whole page."""
    reports = [str(e["target"]) for e in entries
               if str(e.get("action") or "").startswith(REPORT_ACTIONS) and e.get("target")]
    notices = [str(e["target"]) for e in entries
               if e.get("action") == "notification.read" and e.get("target")]
    references = ReportRepository(graph).references(reports, viewer_param(user))
    kinds = NotificationRepository(graph).kinds(notices)
    for entry in entries:
        target = str(entry.get("target") or "")
        if target in references and str(entry.get("action")).startswith(REPORT_ACTIONS):
            entry["target_name"] = references[target]
        elif target in kinds and entry.get("action") == "notification.read":
            kind = kinds[target]["kind"]
            entry["target_notification"] = {
                "kind": str(NOTIFICATION_KINDS.get(kind, kind or "")),
                "created_at": kinds[target]["created_at"]}
    return entries


def _display(event: dict[str, Any]) -> dict[str, Any]:
    """The entry with its JSON detail unpacked for the table; a referenced record named
    by its reference only (``REFERENCED``)."""
    try:
        detail = json.loads(event.get("detail") or "{}")
    except ValueError:
        detail = {"raw": event.get("detail")}
    detail = detail if isinstance(detail, dict) else {"value": detail}
    target = event.get("target")
    for action, prefix in REFERENCED.items():
        if not str(event.get("action") or "").startswith(action):
            continue
        reference = detail.get("reference")
        if isinstance(reference, str) and reference.startswith(prefix):
            target = detail.pop("reference")  # a read: its target is the internal id
        if str(target or "").startswith(prefix):
            detail.pop("id", None)
    return {**event, "target": target, "detail": detail}
