"""AEO status history and performance, for the pages and the API (no request objects).

A status change is recorded with its audit event and the trader's new score in one
transaction: the flag the risk engine reads follows the latest status at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from app.audit import audit
from app.i18n import say
from app.risk import rankings
from graph import policy
from graph.aeo import AEO_LEVELS, AEO_STATUSES, AeoRepository
from graph.connection import Graph, atomic
from graph.errors import Refused
from graph.exchange.records import text_problem

MAX_NOTE = 500


class AeoError(Refused, ValueError):
    """Bad input or a refused request; ``field`` names the form field, ``status`` the HTTP
    status the API answers with."""

    def __init__(self, message: str, field: str = "status", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def authorize(user: Any, roles: frozenset[str]) -> None:
    if not policy.may(user, roles):
        raise AeoError("Only the risk committee and administrators record AEO status "
                       "changes." if roles is policy.EDIT_AEO else "Your role does not read AEO "
                       "records.", "status", 403)


def history(graph: Graph, user: Any, ref: str) -> dict[str, Any]:
    authorize(user, policy.READ_AEO)
    return AeoRepository(graph).history(ref)


def status_row(ref: str, status: Any, when: Any, level: Any = None, note: Any = None
               ) -> dict[str, Any]:
    """One checked status line ``{trader, status, date, level, note}``."""
    chosen = str(status or "").strip().lower()
    if chosen not in AEO_STATUSES:
        raise AeoError(_("Choose granted, suspended or revoked."), "status")
    text = str(when or "").strip()
    try:
        day = date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise AeoError(_("Enter the date as YYYY-MM-DD."), "date")
    if day > date.today().isoformat():
        raise AeoError(_("Record a status once it applies: the date is in the future."), "date")
    grade = str(level or "").strip().upper() or None
    if grade is not None and grade not in AEO_LEVELS:
        raise AeoError(_("The level is one of %(values)s, or none.",
                         values=', '.join(AEO_LEVELS)), "level")
    if chosen == "granted" and grade is None:
        raise AeoError(_("A grant names its level (AEOC, AEOS or AEOF)."), "level")
    remark = str(note or "").strip()
    if len(remark) > MAX_NOTE:
        raise AeoError(_("At most %(max_note)s characters.", max_note=MAX_NOTE), "note")
    if problem := text_problem(remark):
        raise AeoError(_("The note %(problem)s.", problem=say(problem)), "note")
    return {"trader": ref, "status": chosen, "date": day, "level": grade,
            "note": remark or None}


@atomic
def record_status(graph: Graph, user: Any, ref: str, *, status: Any, when: Any,
                  level: Any = None, note: Any = None) -> str:
    """Record a change of ``ref``'s AEO status and rescore the trader."""
    authorize(user, policy.EDIT_AEO)
    row = status_row(ref, status, when, level, note)
    repo = AeoRepository(graph)
    repo.history(ref)  # NotFound for an unknown trader
    if repo.exists(f"{ref}/{row['date']}/{row['status']}"):
        raise AeoError(_("%(ref)s already has a '%(status)s' status on %(date)s.",
                         ref=ref, status=row['status'], date=row['date']),
                       "date", 409)
    status_id = repo.record(row, user.email)
    graph.write(rankings.rescore_traders, [ref])
    audit("aeo.status", ref, {k: row[k] for k in ("status", "date", "level")})
    return status_id


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    n, controls = int(row["declarations"]), int(row["controls"])
    return {"declarations": n, "selected": int(row["selected"]),
            "controlled": int(row["controlled"]), "hits": int(row["hits"]),
            "controls": controls, "revenue": round(float(row["revenue"] or 0.0), 2),
            "selection_rate": row["selected"] / n if n else None,
            "hit_rate": row["hits"] / row["controlled"] if row["controlled"] else None,
            "revenue_per_control": round(float(row["revenue"] or 0.0) / controls, 2)
            if controls else None}


def performance(graph: Graph) -> dict[str, Any]:
    """AEO against other importers: selection rate, hit rate, revenue per control."""
    repo = AeoRepository(graph)
    empty = {"declarations": 0, "selected": 0, "controlled": 0, "hits": 0, "controls": 0,
             "revenue": 0.0}
    rows = {bool(r["aeo"]): r for r in repo.performance()}
    traders = {bool(r["aeo"]): int(r["traders"]) for r in repo.trader_counts()}
    return {key: {**_rates(rows.get(flag, empty)), "traders": traders.get(flag, 0)}
            for key, flag in (("aeo", True), ("other", False))}

