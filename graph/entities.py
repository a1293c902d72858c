"""Entities (persons, companies, identifiers, places) and the relations between them.

An extracted entity's id is built from its resolution key (``graph.mentions`` resolves the
mentions that point at it), so spellings of one name land on one node. Kinds and
relation types pass through enums before they reach Cypher as dynamic labels, so no label
ever comes from request text. See docs/graph-model.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.vocabulary import EntityKind, RelationType


def entity_id(kind: EntityKind, ref: str) -> str:
    """The global id of an entity: ``kind:ref`` (``trader:NL123``, ``phone:+3110…``)."""
    return f"{kind.prefix}:{ref}"


@dataclass(frozen=True)
class EntityRow:
    """One entity to upsert; ``ref`` is the register id or the resolution key."""

    kind: EntityKind
    ref: str
    name: str
    key: str | None  # None: a register id named only by reference
    status: str = "proposed"  # confirmed | proposed | referenced
    properties: dict[str, Any] | None = None

    @cached_property
    def id(self) -> str:  # read for every reference of every line an import writes
        return entity_id(self.kind, self.ref)

    def to_param(self) -> dict[str, Any]:
        props = dict(self.properties or {})
        if self.kind is EntityKind.PERSON and self.key is not None:
            from nlp import translit_key

            props["translit"] = translit_key(self.name)  # cross-script duplicates
        return {
            "id": self.id,
            "kind": self.kind.value,
            "label": self.kind.label,
            "ref": self.ref,
            "name": self.name,
            "key": self.key,
            "status": self.status,
            "props": props,
        }


# A stronger status never gives way to a weaker one: a register entry confirms an entity
# that extraction only proposed, and a later mention does not demote it.
UPSERT_ENTITIES = """
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
ON CREATE SET e.label = row.label, e.ref = row.ref, e.name = row.name, e.key = row.key,
              e.status = row.status, e.aliases = [], e.aliases_text = '', e.created_at = $now
SET e:$(row.kind)
SET e += row.props
WITH e, row
SET e.status = CASE
      WHEN e.status = 'confirmed' OR row.status = 'confirmed' THEN 'confirmed'
      WHEN e.status = 'proposed' OR row.status = 'proposed' THEN 'proposed'
      ELSE 'referenced' END,
    e.name = CASE WHEN row.status = 'confirmed' THEN row.name ELSE e.name END,
    e.aliases = CASE WHEN row.name = e.name OR row.name IN e.aliases THEN e.aliases
                     ELSE e.aliases + row.name END
SET e.aliases_text = reduce(s = '', a IN e.aliases | s + ' ' + a)
RETURN count(e) AS upserted
"""

# One relationship per (from, type, to, source): a relation stated by a restricted report
# stays apart from the same relation in a register or an open report, so each is seen
# exactly by those who may see its source (graph/access.py RELATION_VISIBLE).
RELATE_ENTITIES = """
UNWIND $rows AS row
MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
MERGE (a)-[r:$(row.type) {source: coalesce(row.source, 'analyst')}]->(b)
ON CREATE SET r.created_at = $now
SET r.date = coalesce(row.date, r.date),
    r.created_by = coalesce(row.created_by, r.created_by)
RETURN count(r) AS related
"""

GAZETTEER = """
MATCH (e:Entity)
WHERE e.status = 'confirmed' AND e.label IN ['ORG', 'PERSON', 'VESSEL']
  AND size(e.name) >= 4
RETURN e.id AS id, e.label AS label, e.name AS name, e.aliases AS aliases
"""

# Persons written before the transliteration key existed (migration V0025).
MISSING_TRANSLIT = """
MATCH (e:Person)
WHERE e.translit IS NULL AND e.key IS NOT NULL AND e.name IS NOT NULL
RETURN e.id AS id, e.name AS name
LIMIT $limit
"""

SET_TRANSLIT = """
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
SET e.translit = row.translit
"""

GET_ENTITY = """
MATCH (e:Entity {id: $id})
RETURN e {.*, kinds: [l IN labels(e) WHERE l <> 'Entity']} AS entity
"""


class EntityRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def upsert(self, rows: Sequence[EntityRow]) -> int:
        if not rows:
            return 0
        return self.graph.write(_upsert, [r.to_param() for r in rows])

    def relate(self, relations: Sequence[dict[str, Any]]) -> int:
        """Relations as ``{"from", "to", "type": RelationType, "source"?, "date"?}``."""
        if not relations:
            return 0
        rows = [{**r, "type": RelationType(r["type"]).value} for r in relations]
        return self.graph.write(_relate, rows)

    def get(self, entity_id: str) -> dict[str, Any]:
        rows = self.graph.query(GET_ENTITY, {"id": entity_id})
        if not rows:
            raise NotFound(f"no entity {entity_id}")
        return rows[0]["entity"]

    def fill_translit_keys(self, batch: int = 1000) -> int:
        """Give every person written before V0025 its transliteration key; returns how
        many were filled (none the second time)."""
        from nlp import translit_key

        filled = 0
        while rows := self.graph.query(MISSING_TRANSLIT, {"limit": batch}):
            keys = [{"id": r["id"], "translit": translit_key(r["name"])} for r in rows]
            self.graph.query(SET_TRANSLIT, {"rows": keys}, write=True)
            filled += len(keys)
        return filled

    def gazetteer_entries(self) -> list[tuple[str, str, str, list[str]]]:
        """Confirmed names for ``nlp.Gazetteer``: known traders and persons are recognised."""
        return [
            (r["id"], r["label"], r["name"], list(r["aliases"] or []))
            for r in self.graph.query(GAZETTEER)
        ]


def _upsert(tx: Any, rows: list[dict[str, Any]]) -> int:
    return tx_run(tx, UPSERT_ENTITIES, rows=rows, now=utc_now())[0]["upserted"]


def _relate(tx: Any, rows: list[dict[str, Any]]) -> int:
    return tx_run(tx, RELATE_ENTITIES, rows=rows, now=utc_now())[0]["related"]
