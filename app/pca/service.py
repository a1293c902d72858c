"""Post-clearance audit: the plan, assigning an audit as a task, recording its findings.

Shared by the pages and the API (no request objects here). An audit is a standing task
(app.cases.service.create_task, the one way to task an officer or a unit) and its findings
are control results recorded through app.risk.service.record_control, the one control
path: so they update the hit-rate aggregates and the trader's stored score in the same
transaction, and watchers of the trader hear of them.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from app.audit import audit
from app.cases import service as cases
from app.risk import permissions
from app.risk import service as risk
from graph.access import viewer_param
from graph.connection import Graph, atomic
from graph.errors import NotFound
from graph.exchange.records import SCORING, LineError, text_problem, validate
from graph.pca import AuditRepository
from graph.tasks import ACTIVE_STATUSES

READ_ROLES = permissions.READ_ROLES
PLAN_ROLES = frozenset({"admin", "committee", "auditor", "analyst"})
MAX_COVERED = 500  # declarations one audit covers: a bigger period is more than one audit
MAX_FINDING = 200
RESULTS = ("negative", "positive")


class PcaError(ValueError):
    """Bad input or a refused request; ``field`` names the form field, ``status`` the HTTP
    status the API answers with."""

    def __init__(self, message: str, field: str = "period", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def authorize(user: Any, roles: frozenset[str]) -> None:
    if str(user.role) not in roles:
        raise PcaError(_("Your role does not do this in post-clearance audit."), "role", 403)


def _date(value: Any, field: str) -> str:
    text = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise PcaError(_("Enter the date as YYYY-MM-DD."), field) from None


def period(start: Any = None, end: Any = None) -> tuple[str, str]:
    """The chosen period, by default the last twelve months up to today."""
    today = date.today()
    period_to = _date(end, "period_to") if end else today.isoformat()
    try:
        period_from = (_date(start, "period_from") if start
                       else (date.fromisoformat(period_to) - timedelta(days=365)).isoformat())
    except OverflowError:
        raise PcaError(_("The period ends too early."), "period_to") from None
    if period_from > period_to:
        raise PcaError(_("The period starts after it ends."), "period_from")
    return period_from, period_to


def plan(graph: Graph, start: Any = None, end: Any = None, limit: int = 100
         ) -> dict[str, Any]:
    """Traders active in the period ranked by their current risk score, with indicators."""
    period_from, period_to = period(start, end)
    rows = AuditRepository(graph).plan(period_from, period_to, limit)
    for row in rows:
        row["hit_rate"] = row["hits"] / row["controls"] if row["controls"] else None
        row["revenue"] = round(float(row["revenue"] or 0.0), 2)
    return {"period_from": period_from, "period_to": period_to, "traders": rows}


@atomic
def plan_audit(graph: Graph, user: Any, *, trader: Any, start: Any, end: Any,
               assignee: Any = None, unit: Any = None, due: Any = None) -> str:
    """An audit of ``trader``'s declarations of the period, assigned as a standing task."""
    authorize(user, PLAN_ROLES)
    ref = str(trader or "").strip()
    if not ref:
        raise PcaError(_("Choose the trader to audit."), "trader")
    period_from, period_to = period(start, end)
    try:
        found = AuditRepository(graph).trader_declarations(ref, period_from, period_to,
                                                           MAX_COVERED + 1)
    except NotFound:
        raise PcaError(_("There is no trader %(ref)s.", ref=ref), "trader", 404) from None
    covered = found["declarations"]
    if not covered:
        raise PcaError(_("%(ref)s has no declarations from %(period_from)s to %(period_to)s.",
                         ref=ref, period_from=period_from, period_to=period_to),
                       "period_from")
    if len(covered) > MAX_COVERED:
        raise PcaError(_("%(ref)s has more than %(max_covered)s declarations in the period: plan "
                         "audits of shorter periods.",
                         ref=ref, max_covered=MAX_COVERED), "period_from")
    name = found["name"] or ref
    try:
        task_id = cases.create_task(
            graph, user, None,
            title=f"Post-clearance audit of {name} ({ref})",
            description=(f"Audit the {len(covered)} declaration(s) of {name} from {period_from} "
                         f"to {period_to}; record the findings on the audit's page."),
            due=due, priority="normal", assignee=assignee, unit=unit)
    except cases.CaseError as exc:
        raise PcaError(str(exc), exc.field, exc.status) from None
    audit_id = "A-" + uuid.uuid4().hex[:10].upper()
    AuditRepository(graph).create(audit_id, ref, task_id, period_from, period_to, covered,
                                  user.email)
    audit("pca.audit.create", audit_id, {"trader": ref, "task": task_id, "from": period_from,
                                         "to": period_to, "declarations": len(covered)})
    return audit_id


def read_audit(graph: Graph, user: Any, audit_id: str) -> dict[str, Any]:
    authorize(user, READ_ROLES)
    return AuditRepository(graph).get(viewer_param(user), audit_id)


def list_audits(graph: Graph, user: Any) -> list[dict[str, Any]]:
    authorize(user, READ_ROLES)
    return AuditRepository(graph).audits()


def _revenue(value: Any, field: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    if isinstance(value, bool):
        raise PcaError(_("Enter the revenue found as a number of EUR (0 or more)."), field)
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise PcaError(_("Enter the revenue found as a number of EUR (0 or more)."),
                       field) from None
    if not 0 <= amount < 1e12:
        raise PcaError(_("Enter the revenue found as a number of EUR (0 or more)."), field)
    return round(amount, 2)


def _controls(audit_row: dict[str, Any], when: str, finding: str | None,
              results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings as control results (lane blue) on covered declarations."""
    covered = {d["id"] for d in audit_row["declarations"]}
    controls = []
    for i, row in enumerate(results):
        if not isinstance(row, dict):
            raise PcaError(_("Each result is an object {id, result, revenue}."), "declarations")
        declaration = str(row.get("id") or "")
        if declaration not in covered:
            raise PcaError(_("%(value)s is not covered by this audit.",
                             value=declaration or 'A declaration'),
                           f"result-{i}")
        result = str(row.get("result") or "").strip().lower()
        revenue = _revenue(row.get("revenue"), f"revenue-{i}")
        if not result:
            if revenue:
                raise PcaError(_("Say whether %(declaration)s had an irregularity.",
                                 declaration=declaration), f"result-{i}")
            continue
        if result not in RESULTS:
            raise PcaError(_("The result is negative or positive."), f"result-{i}")
        if result == "negative" and revenue:
            raise PcaError(_("Revenue was found on %(declaration)s: its result is positive.",
                             declaration=declaration),
                           f"result-{i}")
        try:
            ctrl = validate({"declaration": declaration, "date": when, "lane": "blue",
                             "result": result, "finding": finding, "revenue": revenue},
                            "control", SCORING).clean
        except LineError as exc:
            raise PcaError("; ".join(exc.reasons), f"result-{i}") from None
        controls.append(ctrl)
    if not controls:
        raise PcaError(_("Record a result for at least one declaration."), "result-0")
    return controls


@atomic
def record_findings(graph: Graph, user: Any, audit_id: str, *, when: Any, finding: Any,
                    results: Any) -> list[str]:
    """Record an audit's findings as controls of its declarations (one transaction)."""
    authorize(user, permissions.EXAMINE_ROLES)
    row = read_audit(graph, user, audit_id)
    if not row["tasked"]:
        raise PcaError(_("Only the officer or unit the audit is assigned to, or who planned it, "
                         "records its findings."), "date", 403)
    if row["task"]["status"] not in ACTIVE_STATUSES:
        raise PcaError(_("The audit's task is closed: reopen it to record findings."), "date",
                       409)
    day = _date(when, "date")
    if day > date.today().isoformat():
        raise PcaError(_("The findings cannot be dated in the future."), "date")
    text = (finding if isinstance(finding, str) else "" if finding is None else str(finding))
    text = text.strip()
    if len(text) > MAX_FINDING:
        raise PcaError(_("At most %(max_finding)s characters.", max_finding=MAX_FINDING), "finding")
    if problem := text_problem(text):
        raise PcaError(_("The finding %(problem)s.", problem=problem), "finding")
    if not isinstance(results, list):
        raise PcaError(_("declarations: a list of {id, result, revenue}."), "declarations")
    controls = _controls(row, day, text or None, results)
    repo = AuditRepository(graph)
    if taken := repo.others_controls(audit_id,
                                     [f"{c['declaration']}/{c['date']}" for c in controls]):
        raise PcaError(_("%(values)s already has a control dated %(day)s: date the findings "
                         "another day.",
                         values=', '.join(t.split('/')[0] for t in taken), day=day), "date", 409)
    ids = [risk.record_control(graph, ctrl, user.email) for ctrl in controls]
    repo.record_findings(audit_id, ids, text or None, user.email)
    audit("pca.audit.findings", audit_id,
          {"controls": ids, "positive": sum(c["result"] == "positive" for c in controls)})
    return ids
