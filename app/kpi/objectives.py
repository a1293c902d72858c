"""The committee's objectives: which figures can carry a target, and how a year measures up.

Each indicator of the catalogue reads one figure of ``KpiRepository.year`` (the same
figures the KPI page shows), so a target is always compared with what the officers see.
Rates are stored as fractions (0.2) and typed and shown as percentages (20 %).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import audit
from app.kpi import service
from graph import policy
from graph.connection import Graph
from graph.errors import Refused
from graph.strategy import StrategyRepository

AT_LEAST, AT_MOST = "at_least", "at_most"
COMPARATORS = {AT_LEAST: _l("at least"), AT_MOST: _l("at most")}
MAX_TEXT = 2000


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Any  # a lazy string: the page's language (English in the tests' requests)
    unit: str  # rate, hours, money, count
    read: Callable[[dict[str, Any]], float | None]


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("hit_rate", _l("Control hit rate"), "rate",
                  lambda k: k["controls"]["hit_rate"]),
        Indicator("red_lane_share", _l("Declarations in the red lane"), "rate",
                  lambda k: k["selections"]["red_share"]),
        Indicator("feedback_rate", _l("Disseminated reports with feedback"), "rate",
                  lambda k: k["reports"]["feedback_rate"]),
        Indicator("dissemination_rate", _l("Reports disseminated"), "rate",
                  lambda k: k["reports"]["dissemination_rate"]),
        Indicator("evaluation_rate", _l("Reports evaluated"), "rate",
                  lambda k: k["reports"]["evaluation_rate"]),
        Indicator("median_hours_to_evaluation", _l("Median time to evaluation (hours)"), "hours",
                  lambda k: k["reports"]["median_hours_to_evaluation"]),
        Indicator("revenue", _l("Revenue recovered by controls"), "money",
                  lambda k: k["controls"]["revenue"]),
        Indicator("seizures", _l("Seizures"), "count",
                  lambda k: k["seizures"]["seizures"]),
        Indicator("reports", _l("Intelligence reports received"), "count",
                  lambda k: k["reports"]["reports"]),
        Indicator("cases_opened", _l("Cases opened"), "count",
                  lambda k: k["cases"]["opened"]),
    )
}


class ObjectiveError(Refused, ValueError):
    """A target the committee cannot set: the message says which field and why."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def can_edit(user: Any) -> bool:
    return policy.may(user, policy.SET_OBJECTIVES)


def _require_editor(user: Any) -> None:
    policy.require(user, policy.SET_OBJECTIVES,
                   _("Only the risk committee and administrators set the strategy."))


def stored_target(indicator: Indicator, typed: float) -> float:
    """The target as stored: a percentage typed for a rate becomes a fraction."""
    if indicator.unit == "rate":
        if not 0 <= typed <= 100:
            raise ObjectiveError(_("A rate's target is a percentage between 0 and 100."), "target")
        return round(typed / 100.0, 6)
    if typed < 0:
        raise ObjectiveError(_("A target cannot be negative."), "target")
    return float(typed)


def set_objective(graph: Graph, user: Any, year: int, kpi: str, comparator: str,
                  target: float, note: str = "") -> str:
    """Set (or replace) the target for one indicator in ``year``; audited with the write."""
    _require_editor(user)
    indicator = INDICATORS.get(kpi)
    if indicator is None:
        raise ObjectiveError(_("Unknown indicator %(kpi)s: choose one from the list.",
                               kpi=repr(kpi)), "kpi")
    if comparator not in COMPARATORS:
        raise ObjectiveError(_("Say whether the result must be at least or at most the target."),
                             "comparator")
    value = stored_target(indicator, target)
    note = (note or "").strip()[:MAX_TEXT]

    def save() -> str:
        objective_id = StrategyRepository(graph).save_objective(
            year, kpi, comparator, value, note, user.email)
        audit("strategy.objective", f"{year}:{kpi}",
              {"comparator": comparator, "target": value, "note": note})
        return objective_id

    return graph.atomically(save)


def remove_objective(graph: Graph, user: Any, year: int, objective_id: str) -> None:
    _require_editor(user)

    def remove() -> None:
        kpi = StrategyRepository(graph).delete_objective(year, objective_id)
        audit("strategy.objective.removed", f"{year}:{kpi}")

    graph.atomically(remove)


def set_criteria(graph: Graph, user: Any, year: int, acceptable: str, unacceptable: str) -> None:
    """The year's acceptable and unacceptable risk, in the committee's words."""
    _require_editor(user)
    acceptable, unacceptable = (acceptable or "").strip(), (unacceptable or "").strip()
    if len(acceptable) > MAX_TEXT or len(unacceptable) > MAX_TEXT:
        raise ObjectiveError(_("Keep each criterion under %(max_text)s characters.",
                               max_text=MAX_TEXT), "acceptable")

    def save() -> None:
        StrategyRepository(graph).save_criteria(year, acceptable, unacceptable, user.email)
        audit("strategy.criteria", str(year),
              {"acceptable": acceptable, "unacceptable": unacceptable})

    graph.atomically(save)


def plan(graph: Graph, year: int) -> dict[str, Any]:
    """The year's criteria and objectives, each with its indicator's label and unit."""
    stored = StrategyRepository(graph).plan(year)
    stored["objectives"] = [
        {**o, "label": INDICATORS[o["kpi"]].label, "unit": INDICATORS[o["kpi"]].unit,
         "comparison": COMPARATORS.get(o["comparator"], o["comparator"])}
        for o in stored["objectives"] if o["kpi"] in INDICATORS
    ]
    return stored


def progress(graph: Graph, user: Any, year: int) -> dict[str, Any]:
    """The year's objectives against its results and the previous year's, as ``user`` may
    count them (the figures apply need-to-know): met, missed, or not measurable yet."""
    current = service.figures(year, user)
    previous = service.figures(year - 1, user)
    rows = []
    for objective in plan(graph, year)["objectives"]:
        indicator = INDICATORS[objective["kpi"]]
        actual, before = indicator.read(current), indicator.read(previous)
        if actual is None:
            met = None
        elif objective["comparator"] == AT_LEAST:
            met = actual >= objective["target"]
        else:
            met = actual <= objective["target"]
        rows.append({**objective, "actual": actual, "previous": before, "met": met,
                     "change": None if actual is None or before is None else actual - before})
    return {"year": year, "objectives": rows,
            "met": sum(1 for r in rows if r["met"]),
            "missed": sum(1 for r in rows if r["met"] is False)}


# The headline figures of the annual report's CSV, beside the objectives.
HEADLINE = ("reports", "evaluation_rate", "dissemination_rate", "feedback_rate",
            "median_hours_to_evaluation", "hit_rate", "red_lane_share", "revenue", "seizures",
            "cases_opened")


def report_rows(graph: Graph, user: Any, year: int) -> list[list[Any]]:
    """The annual progress report as rows: objectives (target, met), then headline figures;
    rates as percentages, so a spreadsheet reads what the page shows."""

    def shown(indicator: Indicator, value: float | None) -> str:
        if value is None:
            return ""
        if indicator.unit == "rate":
            return f"{100 * value:.1f}"
        return f"{value:.1f}" if indicator.unit == "hours" else f"{value:.0f}"

    result = progress(graph, user, year)
    rows: list[list[Any]] = []
    for o in result["objectives"]:
        indicator = INDICATORS[o["kpi"]]
        target = f"{o['comparison']} {shown(indicator, o['target'])}"
        met = "" if o["met"] is None else ("yes" if o["met"] else "no")
        rows.append(["objective", _titled(indicator), shown(indicator, o["actual"]),
                     shown(indicator, o["previous"]), target, met])
    current, previous = service.figures(year, user), service.figures(year - 1, user)
    for key in HEADLINE:
        indicator = INDICATORS[key]
        rows.append(["figure", _titled(indicator), shown(indicator, indicator.read(current)),
                     shown(indicator, indicator.read(previous)), "", ""])
    return rows


def _titled(indicator: Indicator) -> str:
    return f"{indicator.label} (%)" if indicator.unit == "rate" else str(indicator.label)
