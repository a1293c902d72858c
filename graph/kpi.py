"""The figures that show whether the intelligence system works, per calendar year.

Aggregates only: counts, rates and durations, never report text, titles or sources; and the
reports and cases counted are only those the reader may see (``REPORT_VISIBLE``,
``CASE_VISIBLE``), so a count never reveals a report or case beyond need-to-know. Controls
and profiles are not need-to-know records and count in full. Dates are
compared as ISO 8601 text (``toString``), which works whether an importer stored a string
or a temporal value.

Where the figures come from (docs/graph-model.md):

- reports: ``received``, ``channel``, ``unit``, ``source_grade`` + ``info_grade``; drafts
  are not counted; evaluated when ``evaluated_at`` is set (time to evaluation =
  ``evaluated_at - received``); disseminated when a ``DISSEMINATED_TO`` relation exists;
  feedback when a ``(:Feedback)`` node is linked to the report or ``feedback_count > 0``;
- controls: ``date``, ``lane``, ``result`` (``positive`` = hit), ``revenue``,
  ``seized_json`` (a JSON list of seized items with ``value``);
- selections: the lane of each declaration's ``(:Selection)`` (red-lane share);
- control outcomes: ``penalty_amount`` + ``penalty_currency`` (``penalty_date``),
  ``seizure_date``, ``referral_date``, ``case_opened_date``, ``court_result``
  (``court_date``), each counted in the year of its date;
- risk profiles: a declaration a profile selected has a
  ``(:Selection {profiles: [...]})-[:SELECTION_OF]->(:Declaration)`` whose ``profiles``
  list holds the profile id (written by scoring a declaration for selection, or by a control
  that carries its profiles); a hit is a selected declaration with a positive control.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from graph.access import REPORT_VISIBLE
from graph.cases import CASE_VISIBLE
from graph.connection import Graph

_REPORTS_IN_YEAR = (
    """
MATCH (r:Report)
WITH r, toString(r.received) AS received
WHERE received >= $start AND received < $end AND coalesce(r.status, 'submitted') <> 'draft'
  AND """
    + REPORT_VISIBLE
    + """
"""
)

REPORTS_BY_MONTH_CHANNEL = (
    _REPORTS_IN_YEAR
    + """
RETURN substring(received, 0, 7) AS month, coalesce(r.channel, 'unknown') AS channel,
       count(*) AS reports
ORDER BY month, channel
"""
)

REPORTS_BY_UNIT = (
    _REPORTS_IN_YEAR
    + """
RETURN coalesce(r.unit, 'unknown') AS unit, count(*) AS reports
ORDER BY reports DESC, unit
"""
)

REPORTS_BY_GRADE = (
    _REPORTS_IN_YEAR
    + """
WITH CASE WHEN r.source_grade IS NULL AND r.info_grade IS NULL THEN 'ungraded'
          ELSE coalesce(r.source_grade, '–') + coalesce(toString(r.info_grade), '–') END AS grade
RETURN grade, count(*) AS reports
ORDER BY grade = 'ungraded', grade
"""
)

REPORT_FLOW = (
    _REPORTS_IN_YEAR
    + """
WITH r, received,
     r.evaluated_at IS NOT NULL AS evaluated,
     EXISTS { (r)-[:DISSEMINATED_TO]->() } AS disseminated,
     (EXISTS { (r)--(:Feedback) } OR coalesce(r.feedback_count, 0) > 0) AS feedback
WITH r, received, evaluated, disseminated, feedback,
     CASE WHEN evaluated
          THEN duration.inSeconds(datetime(received), datetime(toString(r.evaluated_at))).seconds
               / 3600.0
     END AS hours
RETURN count(r) AS reports,
       sum(CASE WHEN evaluated THEN 1 ELSE 0 END) AS evaluated,
       sum(CASE WHEN disseminated THEN 1 ELSE 0 END) AS disseminated,
       sum(CASE WHEN disseminated AND feedback THEN 1 ELSE 0 END) AS feedback,
       avg(hours) AS mean_hours_to_evaluation,
       percentileCont(hours, 0.5) AS median_hours_to_evaluation
"""
)

_CONTROLS_IN_YEAR = """
MATCH (c:Control)
WITH c, toString(c.date) AS date
WHERE date >= $start AND date < $end
"""

CONTROLS_BY_LANE = (
    _CONTROLS_IN_YEAR
    + """
RETURN coalesce(c.lane, 'unknown') AS lane, count(*) AS controls,
       sum(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) AS hits,
       sum(coalesce(c.revenue, 0.0)) AS revenue
ORDER BY CASE lane WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'blue' THEN 2
                   WHEN 'green' THEN 3 ELSE 4 END
"""
)

CONTROLS_BY_MONTH = (
    _CONTROLS_IN_YEAR
    + """
RETURN substring(date, 0, 7) AS month, count(*) AS controls,
       sum(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) AS hits,
       sum(CASE WHEN coalesce(c.seized_json, '[]') <> '[]' THEN 1 ELSE 0 END) AS seizures
ORDER BY month
"""
)

SEIZURES = (
    _CONTROLS_IN_YEAR
    + """
AND coalesce(c.seized_json, '[]') <> '[]'
RETURN c.seized_json AS seized
LIMIT 100000
"""
)

# Outcomes of controls, each in the year of its own date (a fine imposed, a referral made,
# a court decision given); a step recorded without its date counts in the control's year.
SANCTIONS = """
MATCH (c:Control)
WHERE c.penalty_amount IS NOT NULL OR c.seizure_date IS NOT NULL
   OR c.referral_date IS NOT NULL OR c.case_opened_date IS NOT NULL
   OR c.court_result IS NOT NULL
WITH c, substring(toString(c.date), 0, 10) AS day
WITH c, coalesce(c.penalty_date, day) AS fined, coalesce(c.court_date, day) AS judged
WITH c, c.penalty_amount IS NOT NULL AND fined >= $start AND fined < $end AS fine,
     c.seizure_date >= $start AND c.seizure_date < $end AS seizure,
     c.referral_date >= $start AND c.referral_date < $end AS referral,
     c.case_opened_date >= $start AND c.case_opened_date < $end AS opened,
     c.court_result IS NOT NULL AND judged >= $start AND judged < $end AS court
RETURN count(CASE WHEN fine THEN 1 END) AS penalties,
       collect(CASE WHEN fine THEN {currency: c.penalty_currency, amount: c.penalty_amount}
               END) AS fines,
       count(CASE WHEN seizure THEN 1 END) AS seizures,
       count(CASE WHEN referral THEN 1 END) AS referrals,
       count(CASE WHEN opened THEN 1 END) AS cases_opened,
       collect(CASE WHEN court THEN c.court_result END) AS court_results
"""

# One pass over the year's selections, grouped by the profiles each lists, then joined to
# the profiles (a profile that selected nothing shows with zeros): never profiles x selections.
PROFILE_HITS = """
CALL () {
  MATCH (s:Selection)-[:SELECTION_OF]->(d:Declaration)
  WHERE s.profiles IS NOT NULL AND toString(d.date) >= $start AND toString(d.date) < $end
  UNWIND s.profiles AS pid
  WITH DISTINCT pid, d
  WITH pid, d, EXISTS { (:Control)-[:CONTROL_OF]->(d) } AS controlled,
       EXISTS { (c:Control)-[:CONTROL_OF]->(d) WHERE c.result = 'positive' } AS hit
  WITH pid, count(*) AS selected, count(CASE WHEN controlled THEN 1 END) AS controlled,
       count(CASE WHEN hit THEN 1 END) AS hits
  RETURN collect({pid: pid, selected: selected, controlled: controlled, hits: hits}) AS rows
}
MATCH (p:RiskProfile)
WITH p, [x IN rows WHERE x.pid = p.id][0] AS mine
RETURN p.id AS id, coalesce(p.name, p.title, p.id) AS name, coalesce(p.random, false) AS random,
       coalesce(mine.selected, 0) AS selected, coalesce(mine.controlled, 0) AS controlled,
       coalesce(mine.hits, 0) AS hits
ORDER BY hits DESC, name
LIMIT 200
"""

# Declarations of the year by the lane their selection decision sent them to.
SELECTIONS_BY_LANE = """
MATCH (s:Selection)-[:SELECTION_OF]->(d:Declaration)
WHERE toString(d.date) >= $start AND toString(d.date) < $end
RETURN coalesce(s.lane, 'unknown') AS lane, count(DISTINCT d) AS declarations
"""

CASES_IN_YEAR = (
    """
OPTIONAL MATCH (c:Case) WHERE """
    + CASE_VISIBLE
    + """
WITH c, toString(c.created_at) AS created, toString(c.closed_at) AS closed
RETURN sum(CASE WHEN created >= $start AND created < $end THEN 1 ELSE 0 END) AS opened,
       sum(CASE WHEN created >= $start AND created < $end AND c.kind = 'rfi' THEN 1 ELSE 0 END)
         AS rfis,
       sum(CASE WHEN closed >= $start AND closed < $end THEN 1 ELSE 0 END) AS closed,
       sum(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END) AS open_now,
       COUNT { MATCH (t:Task) WHERE toString(t.done_at) >= $start AND toString(t.done_at) < $end }
         AS tasks_done
"""
)


# The latest year holding a report the viewer may see or a control: the KPI page opens there.
LATEST_YEAR = (
    """
CALL {
  MATCH (r:Report)
  WHERE r.received IS NOT NULL AND coalesce(r.status, 'submitted') <> 'draft' AND """
    + REPORT_VISIBLE
    + """
  RETURN max(substring(toString(r.received), 0, 4)) AS year
  UNION ALL
  MATCH (c:Control) WHERE c.date IS NOT NULL
  RETURN max(substring(toString(c.date), 0, 4)) AS year
}
RETURN max(year) AS year
"""
)


def _rate(part: int | float, whole: int | float) -> float | None:
    return round(part / whole, 4) if whole else None


class KpiRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def latest_year(self, viewer: dict[str, str]) -> int | None:
        """The latest calendar year with a report ``viewer`` may see or a control, if any."""
        rows = self.graph.query(LATEST_YEAR, {"viewer": viewer})
        try:
            return int(rows[0]["year"]) if rows and rows[0]["year"] else None
        except ValueError:
            return None  # a date that does not start with a year is not a year with data

    def year(self, year: int, viewer: dict[str, str],
             trade: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every KPI for one calendar year as plain data (tables and charts share it).
        Reports and cases count only when ``viewer`` may see them (need-to-know);
        ``trade`` is :meth:`trade` of the year when the caller already holds it."""
        return {**self.intelligence(year, viewer),
                **(trade if trade is not None else self.trade(year))}

    @staticmethod
    def _params(year: int) -> dict[str, Any]:
        return {"start": f"{year:04d}-01-01", "end": f"{year + 1:04d}-01-01"}

    def intelligence(self, year: int, viewer: dict[str, str]) -> dict[str, Any]:
        """The figures that depend on who reads: reports and cases ``viewer`` may see."""
        params = {**self._params(year), "viewer": viewer}
        flow = self.graph.query(REPORT_FLOW, params)[0]
        return {
            "year": year,
            "months": [f"{year:04d}-{m:02d}" for m in range(1, 13)],
            "reports_by_month_channel": self.graph.query(REPORTS_BY_MONTH_CHANNEL, params),
            "reports_by_unit": self.graph.query(REPORTS_BY_UNIT, params),
            "reports_by_grade": self.graph.query(REPORTS_BY_GRADE, params),
            "reports": {
                **flow,
                "dissemination_rate": _rate(flow["disseminated"], flow["reports"]),
                "feedback_rate": _rate(flow["feedback"], flow["disseminated"]),
                "evaluation_rate": _rate(flow["evaluated"], flow["reports"]),
            },
            "cases": self.graph.query(CASES_IN_YEAR, params)[0],
        }

    def trade(self, year: int) -> dict[str, Any]:
        """The figures that are the same for every reader (controls, selections, profiles
        and sanctions are not need-to-know records), so one read serves all of them."""
        params = self._params(year)
        lanes = self.graph.query(CONTROLS_BY_LANE, params)
        for lane in lanes:
            lane["hit_rate"] = _rate(lane["hits"], lane["controls"])
        profiles = self.graph.query(PROFILE_HITS, params)
        for profile in profiles:
            profile["hit_rate"] = _rate(profile["hits"], profile["controlled"])
        controls_by_month = self.graph.query(CONTROLS_BY_MONTH, params)
        selected = {r["lane"]: r["declarations"]
                    for r in self.graph.query(SELECTIONS_BY_LANE, params)}
        return {
            "controls_by_lane": lanes,
            "controls_by_month": controls_by_month,
            "controls": {
                "controls": sum(lane["controls"] for lane in lanes),
                "hits": sum(lane["hits"] for lane in lanes),
                "revenue": sum(lane["revenue"] or 0 for lane in lanes),
                "hit_rate": _rate(
                    sum(lane["hits"] for lane in lanes), sum(lane["controls"] for lane in lanes)
                ),
            },
            "selections": {
                "declarations": sum(selected.values()),
                "red": selected.get("red", 0),
                "red_share": _rate(selected.get("red", 0), sum(selected.values())),
            },
            "profiles": profiles,
            "seizures": self._seizures(params, controls_by_month),
            "sanctions": self._sanctions(params),
        }

    def _sanctions(self, params: dict[str, Any]) -> dict[str, Any]:
        """Fines (count, total per currency), seizures, referrals to prosecution, cases
        opened and court results (count per result) recorded on controls in the year."""
        row = self.graph.query(SANCTIONS, params)[0]
        fines: dict[str, float] = {}
        for fine in row["fines"]:
            currency = fine["currency"] or "?"
            fines[currency] = round(fines.get(currency, 0.0) + float(fine["amount"] or 0), 2)
        courts: dict[str, int] = {}
        for result in row["court_results"]:
            courts[result] = courts.get(result, 0) + 1
        return {"penalties": row["penalties"], "fines": dict(sorted(fines.items())),
                "seizures": row["seizures"], "referrals": row["referrals"],
                "cases_opened": row["cases_opened"], "court_results": dict(sorted(courts.items()))}

    def _seizures(self, params: dict[str, Any], by_month: list[dict[str, Any]]) -> dict[str, Any]:
        """Seizure count, value and the commodities seized most (by value)."""
        by_commodity: dict[str, dict[str, float]] = {}
        for row in self.graph.query(SEIZURES, params):
            try:
                items = json.loads(row["seized"] or "[]")
            except (TypeError, ValueError):
                continue  # a malformed record is not a seizure we can value
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                name = str(item.get("description") or item.get("hs") or "unspecified")
                entry = by_commodity.setdefault(name, {"items": 0, "value": 0.0})
                entry["items"] += 1
                with contextlib.suppress(TypeError, ValueError):
                    entry["value"] += float(item.get("value") or 0)
        commodities = [
            {"commodity": k, **v}
            for k, v in sorted(by_commodity.items(), key=lambda kv: (-kv[1]["value"], kv[0]))
        ]
        return {
            "seizures": sum(m["seizures"] for m in by_month),
            "value": sum(c["value"] for c in commodities),
            "by_commodity": commodities[:15],
        }
