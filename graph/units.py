"""Units: headquarters, regional units and border crossing points, as a tree."""

from __future__ import annotations

from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import Duplicate, NotFound

HEADQUARTERS = "HQ"

ENSURE_HEADQUARTERS = """
MERGE (u:Unit {name: $name})
ON CREATE SET u.kind = 'hq', u.created_at = $now
"""
CREATE_UNIT = """
OPTIONAL MATCH (parent:Unit {name: $parent})
WITH parent
WHERE $parent IS NULL OR parent IS NOT NULL
CREATE (u:Unit {name: $name, kind: $kind, created_at: $now})
FOREACH (p IN CASE WHEN parent IS NULL THEN [] ELSE [parent] END |
  CREATE (u)-[:PART_OF]->(p))
RETURN u.name AS name
"""
LIST_UNITS = """
MATCH (u:Unit)
OPTIONAL MATCH (u)-[:PART_OF]->(parent:Unit)
RETURN u.name AS name, u.kind AS kind, parent.name AS parent,
       COUNT { (:User)-[:MEMBER_OF]->(u) } AS members
ORDER BY CASE u.kind WHEN 'hq' THEN 0 WHEN 'regional' THEN 1 ELSE 2 END, u.name
"""
GET_UNIT = """
MATCH (u:Unit {name: $name})
OPTIONAL MATCH (u)-[:PART_OF]->(parent:Unit)
RETURN u.name AS name, u.kind AS kind, parent.name AS parent
"""


class UnitRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def ensure_headquarters(self) -> None:
        self.graph.query(ENSURE_HEADQUARTERS, {"name": HEADQUARTERS, "now": utc_now()}, write=True)

    def create(self, name: str, kind: str, parent: str | None = None) -> dict[str, Any]:
        rows = self.graph.write(
            tx_run, CREATE_UNIT, name=name, kind=kind, parent=parent, now=utc_now()
        )
        if not rows:
            raise NotFound(f"parent unit {parent!r} does not exist")
        return self.get(name)

    def get(self, name: str) -> dict[str, Any]:
        rows = self.graph.query(GET_UNIT, {"name": name})
        if not rows:
            raise NotFound(f"unit {name!r} does not exist")
        return rows[0]

    def list(self) -> list[dict[str, Any]]:
        return self.graph.query(LIST_UNITS)


__all__ = ["HEADQUARTERS", "Duplicate", "NotFound", "UnitRepository"]
