"""The risk committee's strategy for a year: objectives with targets, and risk criteria.

``(:StrategyYear {year, acceptable, unacceptable, updated_by, updated_at})`` holds the
year's acceptable and unacceptable risk criteria (the committee's own words) and
``-[:HAS_OBJECTIVE]->(:Objective {id, kpi, comparator, target, note, created_by,
created_at})`` the objectives: one key performance indicator each (the catalogue is in
``app/kpi/objectives.py``), a target and whether the result must be at least or at most
that target. The annual progress report compares them with the year's figures.

Aggregates and policy only: nothing here names a report, a source or a case.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from graph.clock import utc_now
from graph.connection import Graph
from graph.errors import NotFound

PLAN = """
OPTIONAL MATCH (s:StrategyYear {year: $year})
OPTIONAL MATCH (s)-[:HAS_OBJECTIVE]->(o:Objective)
WITH s, o ORDER BY o.created_at, o.id
RETURN s {.acceptable, .unacceptable, .updated_by, .updated_at} AS criteria,
       [x IN collect(o) | x {.id, .kpi, .comparator, .target, .note}] AS objectives
"""

SAVE_CRITERIA = """
MERGE (s:StrategyYear {year: $year})
SET s.acceptable = $acceptable, s.unacceptable = $unacceptable,
    s.updated_by = $by, s.updated_at = $now
"""

# One objective per indicator and year: a second target for the same figure replaces the first.
SAVE_OBJECTIVE = """
MERGE (s:StrategyYear {year: $year})
ON CREATE SET s.updated_by = $by, s.updated_at = $now
WITH s
OPTIONAL MATCH (s)-[:HAS_OBJECTIVE]->(old:Objective {kpi: $kpi})
DETACH DELETE old
WITH DISTINCT s
CREATE (s)-[:HAS_OBJECTIVE]->(o:Objective {id: $id, kpi: $kpi, comparator: $comparator,
        target: $target, note: $note, created_by: $by, created_at: $now})
RETURN o.id AS id
"""

DELETE_OBJECTIVE = """
MATCH (:StrategyYear {year: $year})-[:HAS_OBJECTIVE]->(o:Objective {id: $id})
WITH o, o.kpi AS kpi
DETACH DELETE o
RETURN kpi
"""


class StrategyRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def plan(self, year: int) -> dict[str, Any]:
        """The year's criteria (empty strings when none) and objectives, oldest first."""
        row = self.graph.query(PLAN, {"year": year})[0]
        criteria = row["criteria"] or {}
        return {
            "year": year,
            "acceptable": criteria.get("acceptable") or "",
            "unacceptable": criteria.get("unacceptable") or "",
            "updated_by": criteria.get("updated_by"),
            "updated_at": criteria.get("updated_at"),
            "objectives": row["objectives"],
        }

    def save_criteria(self, year: int, acceptable: str, unacceptable: str, by: str) -> None:
        self.graph.query(SAVE_CRITERIA, {"year": year, "acceptable": acceptable,
                                         "unacceptable": unacceptable, "by": by,
                                         "now": utc_now()}, write=True)

    def save_objective(self, year: int, kpi: str, comparator: str, target: float, note: str,
                       by: str) -> str:
        rows = self.graph.query(SAVE_OBJECTIVE, {
            "year": year, "kpi": kpi, "comparator": comparator, "target": target, "note": note,
            "by": by, "now": utc_now(precise=True), "id": uuid4().hex}, write=True)
        return rows[0]["id"]

    def delete_objective(self, year: int, objective_id: str) -> str:
        """Remove one objective; returns the indicator it was set on."""
        rows = self.graph.query(DELETE_OBJECTIVE, {"year": year, "id": objective_id},
                                write=True)
        if not rows:
            raise NotFound(f"no objective {objective_id} in {year}")
        return rows[0]["kpi"]
