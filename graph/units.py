"""Units: headquarters, regional units and border crossing points, as a tree.

``(:Unit {name, kind})-[:PART_OF]->(:Unit)``. Which kind may sit under which is decided
once, in app/accounts/service.py (``PARENT_KINDS``); the statements here take the allowed
parent kinds as a parameter and check them again where they write, so a concurrent change
of the parent cannot slip a unit into the wrong place.

A unit's name is copied onto what it owns (``Report.unit``, ``Case.unit``,
``Task.created_by_unit``, ``Feedback.unit``, the ``unit`` of a ``CONSENT_FOR`` and the
receiving unit of a ``Partner``), because
need-to-know compares it with the viewer's unit: a rename rewrites those copies in the
same transaction.
"""

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
WHERE $parent IS NULL OR parent.kind IN $parent_kinds
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
# A rename follows the unit's name into every record that keeps it (need-to-know reads it
# there): one line each.
RENAME_UNIT = """
MATCH (u:Unit {name: $name})
SET u.name = $new_name, u.updated_at = $now
WITH u
CALL (u) { MATCH (r:Report {unit: $name}) SET r.unit = $new_name RETURN count(*) AS reports }
CALL (u) { MATCH (c:Case {unit: $name}) SET c.unit = $new_name RETURN count(*) AS cases }
CALL (u) { MATCH (t:Task {created_by_unit: $name}) SET t.created_by_unit = $new_name
           RETURN count(*) AS tasks }
CALL (u) { MATCH (f:Feedback {unit: $name}) SET f.unit = $new_name RETURN count(*) AS feedback }
CALL (u) { MATCH (:Report)-[k:CONSENT_FOR]->() WHERE k.unit = $name SET k.unit = $new_name
           RETURN count(*) AS consents }
CALL (u) { MATCH (p:Partner {unit: $name}) SET p.unit = $new_name RETURN count(*) AS partners }
RETURN u.name AS name
"""
MOVE_UNIT = """
MATCH (u:Unit {name: $name}), (parent:Unit {name: $parent})
WHERE u.kind = $kind AND parent.kind IN $parent_kinds AND parent <> u
  AND NOT EXISTS { (parent)-[:PART_OF*]->(u) }
CALL (u) {
  OPTIONAL MATCH (u)-[old:PART_OF]->(:Unit)
  DELETE old
}
CREATE (u)-[:PART_OF]->(parent)
SET u.updated_at = $now
RETURN u.name AS name
"""
GET_UNIT = """
MATCH (u:Unit {name: $name})
OPTIONAL MATCH (u)-[:PART_OF]->(parent:Unit)
RETURN u.name AS name, u.kind AS kind, parent.name AS parent,
       COUNT { (:Unit)-[:PART_OF]->(u) } AS children
"""


class UnitRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def ensure_headquarters(self) -> None:
        self.graph.query(ENSURE_HEADQUARTERS, {"name": HEADQUARTERS, "now": utc_now()}, write=True)

    def create(
        self, name: str, kind: str, parent: str | None, parent_kinds: list[str]
    ) -> dict[str, Any]:
        """NotFound when the parent is missing or not of one of ``parent_kinds``."""
        if not self._placed(CREATE_UNIT, name, kind, parent, parent_kinds):
            raise NotFound(f"parent unit {parent!r} does not exist")
        return self.get(name)

    def rename(self, name: str, new_name: str) -> None:
        """Duplicate when the new name is taken (the constraint decides)."""
        rows = self.graph.write(tx_run, RENAME_UNIT, name=name, new_name=new_name, now=utc_now())
        if not rows:
            raise NotFound(f"unit {name!r} does not exist")

    def move(self, name: str, kind: str, parent: str, parent_kinds: list[str]) -> None:
        if not self._placed(MOVE_UNIT, name, kind, parent, parent_kinds):
            raise NotFound(f"unit {name!r} or parent {parent!r} changed meanwhile")

    def _placed(self, statement: str, name: str, kind: str, parent: str | None,
                parent_kinds: list[str]) -> bool:
        """Write a unit under ``parent`` (created or moved); False when the statement
        matched nothing (no such unit or parent, or a parent of the wrong kind)."""
        return bool(self.graph.write(tx_run, statement, name=name, kind=kind, parent=parent,
                                     parent_kinds=parent_kinds, now=utc_now()))

    def get(self, name: str) -> dict[str, Any]:
        rows = self.graph.query(GET_UNIT, {"name": name})
        if not rows:
            raise NotFound(f"unit {name!r} does not exist")
        return rows[0]

    def list(self) -> list[dict[str, Any]]:
        return self.graph.query(LIST_UNITS)


__all__ = ["HEADQUARTERS", "Duplicate", "NotFound", "UnitRepository"]
