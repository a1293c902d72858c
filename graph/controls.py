"""Declarations as scoring reads them, selections (why a declaration was selected) and
control results, with the effectiveness tallies the committee reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.riskstats import record_controls

SAVE_SELECTION = """
MATCH (d:Declaration {id: $declaration})
MERGE (s:Selection {id: $declaration})
SET s += $props, s.declaration = $declaration, s.at = $now, s.by = $by
MERGE (s)-[:SELECTION_OF]->(d)
RETURN s {.*} AS selection
"""

SAVE_CONTROL = """
MATCH (d:Declaration {id: $declaration})
MERGE (c:Control {id: $id})
ON CREATE SET c.created_at = $now, c.created_by = $by
SET c.date = $date, c.lane = $lane, c.result = $result, c.finding = $finding,
    c.revenue = $revenue, c.seized_json = $seized_json, c.examiner = $by
SET c += $outcome
MERGE (c)-[:CONTROL_OF]->(d)
RETURN c.id AS id
"""

# A control that arrives without a selection record still says which lane selected it.
# (A first load computes the same node in Python: ``selection_from_control``.)
SELECTION_FROM_CONTROLS = """
UNWIND $rows AS row
MATCH (d:Declaration {id: row.declaration})
MERGE (s:Selection {id: row.declaration})
ON CREATE SET s.declaration = row.declaration, s.at = $now, s.by = 'control',
              s.lane = row.lane, s.profiles = row.profiles, s.indicators = [],
              s.random = coalesce(row.random, d.random_selection,
                                  d.extra_json CONTAINS '"random_selection":true', false),
              s.targeted = NOT coalesce(row.random, d.random_selection,
                                        d.extra_json CONTAINS '"random_selection":true', false)
MERGE (s)-[:SELECTION_OF]->(d)
"""

# Selections grouped by what the committee tallies (profiles, indicators, lane, random),
# summed in the database: a few hundred groups cross the wire, not every selection.
EFFECTIVENESS = """
MATCH (s:Selection)
OPTIONAL MATCH (s)-[:SELECTION_OF]->(:Declaration)<-[:CONTROL_OF]-(c:Control)
WITH s, count(c) > 0 AS controlled, sum(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) > 0
     AS hit, sum(coalesce(c.revenue, 0.0)) AS revenue,
     count(c.penalty_amount) AS penalties,
     collect(CASE WHEN c.penalty_amount IS NOT NULL
                  THEN {currency: c.penalty_currency, amount: c.penalty_amount} END) AS fines,
     count(CASE WHEN c.seizure_date IS NOT NULL OR coalesce(c.seized_json, '[]') <> '[]'
                THEN 1 END) AS seizures,
     count(c.referral_date) AS referrals, count(c.case_opened_date) AS cases,
     count(CASE WHEN c.court_result = 'convicted' THEN 1 END) AS convictions
RETURN coalesce(s.profiles, []) AS profiles, coalesce(s.indicators, []) AS indicators,
       coalesce(s.random, false) AS random, s.lane AS lane, count(*) AS selections,
       sum(CASE WHEN controlled THEN 1 ELSE 0 END) AS controlled,
       sum(CASE WHEN hit THEN 1 ELSE 0 END) AS hits, sum(revenue) AS revenue,
       sum(penalties) AS penalties, sum(seizures) AS seizures, sum(referrals) AS referrals,
       sum(cases) AS cases, sum(convictions) AS convictions,
       reduce(all = [], f IN collect(fines) | all + f) AS fines
"""

# A declaration ``d`` with its parties and container, as scoring reads it.
_DECLARATION_WITH_PARTIES = """
OPTIONAL MATCH (d)-[:IMPORTED_BY]->(i)
OPTIONAL MATCH (d)-[:EXPORTED_BY]->(x)
OPTIONAL MATCH (d)-[:DECLARED_BY]->(b)
OPTIONAL MATCH (d)-[:SHIPPED_IN]->(k)
RETURN d {.*} AS declaration, i.ref AS importer, x.ref AS exporter, b.ref AS declarant,
       k.ref AS container
"""

# Controlled declarations since a day (the back-test of a profile), newest first, with
# what scoring needs and their outcome: hit (a positive control) and revenue.
CONTROLLED_SINCE = """
MATCH (c:Control)-[:CONTROL_OF]->(d:Declaration)
WHERE substring(toString(d.date), 0, 10) >= $since
  AND coalesce(d.status, 'confirmed') <> 'referenced'
WITH d, max(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) = 1 AS hit,
     sum(coalesce(c.revenue, 0.0)) AS revenue
ORDER BY toString(d.date) DESC, d.id DESC LIMIT $limit
OPTIONAL MATCH (d)-[:IMPORTED_BY]->(i)
OPTIONAL MATCH (d)-[:EXPORTED_BY]->(x)
OPTIONAL MATCH (d)-[:DECLARED_BY]->(b)
OPTIONAL MATCH (d)-[:SHIPPED_IN]->(k)
RETURN d {.*} AS declaration, i.ref AS importer, x.ref AS exporter, b.ref AS declarant,
       k.ref AS container, hit, revenue
"""

RECENT_DECLARATIONS = (
    """
MATCH (d:Declaration)
WITH d ORDER BY d.date DESC, d.id DESC LIMIT $limit"""
    + _DECLARATION_WITH_PARTIES
)

GET_DECLARATION = (
    """
MATCH (d:Declaration {id: $id})"""
    + _DECLARATION_WITH_PARTIES
)


def record_selections_from_controls(tx: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """The import's pass after a file: a control without a selection record selects by its
    own lane."""
    params = [_selection_param(r) for r in rows if r.get("declaration")]
    if params:
        tx_run(tx, SELECTION_FROM_CONTROLS, rows=params, now=utc_now())


def selection_from_control(
    control: Mapping[str, Any], declaration_extra_json: str | None, now: str
) -> dict[str, Any]:
    """The selection record ``SELECTION_FROM_CONTROLS`` creates for a control's declaration
    (whose stored ``extra_json`` is given), as node properties: a first load writes it with
    its files (graph/exchange/bulkderived.py)."""
    row = _selection_param(control)
    random = row["random"]
    if random is None:
        random = '"random_selection":true' in (declaration_extra_json or "")
    return {"id": row["declaration"], "declaration": row["declaration"], "at": now,
            "by": "control", "lane": row["lane"], "profiles": row["profiles"],
            "indicators": [], "random": random, "targeted": not random}


def _selection_param(control: Mapping[str, Any]) -> dict[str, Any]:
    extra = control.get("extra") or {}
    return {
        "declaration": str(control["declaration"]),
        "lane": control.get("lane"),
        "profiles": [str(p) for p in control.get("profiles") or extra.get("profiles") or []],
        "random": _flag(control.get("random"), extra.get("random")),
    }


def _flag(*values: Any) -> bool | None:
    return next((v for v in values if isinstance(v, bool)), None)


class ControlRepository:
    """Declarations to score, their selections and controls."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def declaration(self, declaration_id: str) -> dict[str, Any] | None:
        rows = self.graph.query(GET_DECLARATION, {"id": declaration_id})
        return rows[0] if rows else None

    def controlled_since(self, since: str, limit: int) -> list[dict[str, Any]]:
        """Controlled declarations dated ``since`` or later, with hit and revenue."""
        return self.graph.query(CONTROLLED_SINCE, {"since": since, "limit": limit})

    def recent_declarations(self, limit: int) -> list[dict[str, Any]]:
        return self.graph.query(RECENT_DECLARATIONS, {"limit": limit})

    def save_selection(
        self, declaration_id: str, props: Mapping[str, Any], by: str
    ) -> dict[str, Any]:
        rows = self.graph.query(
            SAVE_SELECTION,
            {"declaration": declaration_id, "props": dict(props), "by": by, "now": utc_now()},
            write=True,
        )
        if not rows:
            raise NotFound(f"no declaration {declaration_id}")
        return rows[0]["selection"]

    def save_control(self, control: Mapping[str, Any], by: str) -> str:
        """Store one control, its selection record if none exists, and update aggregates."""

        def work(tx: Any) -> str:
            rows = tx_run(
                tx,
                SAVE_CONTROL,
                declaration=control["declaration"],
                id=f"{control['declaration']}/{control['date']}",
                date=control["date"],
                lane=control["lane"],
                result=control["result"],
                finding=control.get("finding"),
                revenue=control["revenue"],
                seized_json=json.dumps(control.get("seized") or []),
                outcome=dict(control.get("outcome") or {}),
                by=by,
                now=utc_now(),
            )
            if not rows:
                raise NotFound(f"no declaration {control['declaration']}")
            record_selections_from_controls(tx, [control])
            record_controls(tx, [control])
            return rows[0]["id"]

        return self.graph.write(work)

    def effectiveness_groups(self) -> list[dict[str, Any]]:
        """Selections counted per (profiles, indicators, lane, random) with their controls."""
        return self.graph.query(EFFECTIVENESS)
