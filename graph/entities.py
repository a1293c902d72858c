"""Entities (persons, companies, identifiers, places) and the mentions that point at them.

Resolution happens here: a mention becomes an entity id built from its resolution key, so
"Baltic Star Trading Ltd" and "BALTIC STAR TRADING LIMITED" land on one node. Kinds and
relation types pass through enums before they reach Cypher as dynamic labels, so no label
ever comes from request text. See docs/graph-model.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.vocabulary import KIND_OF_LABEL, EntityKind, RelationType


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

    @property
    def id(self) -> str:
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


@dataclass(frozen=True)
class ResolvedMention:
    """A mention tied to the entity it resolved to."""

    entity_id: str
    start: int
    end: int
    text: str
    label: str
    provenance: str
    confidence: float

    def to_param(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "provenance": self.provenance,
            "confidence": self.confidence,
        }


def resolve_mentions(mentions: Iterable[Any]) -> tuple[list[EntityRow], list[ResolvedMention]]:
    """Turn extracted mentions (``nlp.Mention``) into entity rows and resolved mentions.

    A mention the gazetteer recognised keeps the entity it names; the others resolve by
    their resolution key, so repeated spellings of one name meet on one node.
    """
    from nlp import resolution_key

    rows: dict[str, EntityRow] = {}
    resolved = []
    for mention in mentions:
        kind = KIND_OF_LABEL.get(mention.label)
        if kind is None:
            continue
        if mention.entity_id:
            target = mention.entity_id
        else:
            key = resolution_key(mention.label, mention.normalized or mention.text)
            if not key:
                continue
            row = EntityRow(kind, key, mention.text, key, "proposed")
            rows.setdefault(row.id, row)
            target = row.id
        resolved.append(
            ResolvedMention(
                target,
                mention.start,
                mention.end,
                mention.text,
                mention.label,
                getattr(mention, "source", "model"),
                float(mention.confidence),
            )
        )
    return list(rows.values()), resolved


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


# Mentions of a report with a mention id and its author, which the review pages address.
LINK_MENTIONS_TX = """
UNWIND $rows AS row
MATCH (r:Report {id: $report_id}), (e:Entity {id: row.entity_id})
CREATE (r)-[m:MENTIONS]->(e)
SET m.id = randomUUID(), m.start = row.start, m.end = row.end, m.text = row.text,
    m.label = row.label, m.provenance = row.provenance, m.confidence = row.confidence,
    m.review = 'proposed', m.created_at = $now, m.created_by = $by
RETURN count(m) AS linked
"""


def link_report_tx(
    tx: Any, report_id: str, mentions: Iterable[Any], by: str = "extraction"
) -> list[ResolvedMention]:
    """``link_report`` inside a caller's transaction, so a report and its mentions commit
    together (or not at all)."""
    rows, resolved = resolve_mentions(mentions)
    if rows:
        _upsert(tx, [r.to_param() for r in rows])
    if resolved:
        tx_run(
            tx,
            LINK_MENTIONS_TX,
            rows=[m.to_param() for m in resolved],
            report_id=report_id,
            now=utc_now(),
            by=by,
        )
    return resolved


# Batch form of ``link_report`` for bulk imports: a report's proposed machine mentions are
# replaced, not added to, so extracting a report again never duplicates them; mentions an
# analyst accepted, rejected or added stay (see ``carry_decisions`` when the text changed).
RELINK_REPORTS = """
UNWIND $reports AS rep
MATCH (r:Report {id: rep.id})
CALL (r) {
  MATCH (r)-[m:MENTIONS]->(:Entity)
  WHERE m.review = 'proposed' AND m.provenance <> 'person' AND m.file IS NULL
  DELETE m
}
CALL (r, rep) {
  UNWIND rep.mentions AS row
  MATCH (e:Entity {id: row.entity_id})
  CREATE (r)-[m:MENTIONS]->(e)
  SET m.id = randomUUID(), m.start = row.start, m.end = row.end, m.text = row.text,
      m.label = row.label, m.provenance = row.provenance, m.confidence = row.confidence,
      m.review = 'proposed', m.created_at = $now, m.created_by = 'import'
}
RETURN count(r) AS linked
"""

# The analysts' decisions on reports whose text an import changed, with the new text.
DECISIONS = """
UNWIND $ids AS id
MATCH (r:Report {id: id})-[m:MENTIONS|REJECTED_MENTION]->(:Entity)
WHERE NOT (m.review = 'proposed' AND m.provenance <> 'person')
RETURN id, r.text AS text,
       collect(m {.id, .start, .end, .text, .review, .provenance, .field}) AS mentions
"""

DROP_DECISIONS = """
UNWIND $ids AS id
MATCH (:Report)-[m:MENTIONS|REJECTED_MENTION {id: id}]->(:Entity)
DELETE m
"""

MOVE_DECISIONS = """
UNWIND $rows AS row
MATCH (:Report)-[m:MENTIONS|REJECTED_MENTION {id: row.id}]->(:Entity)
SET m.start = row.start, m.end = row.end
"""


def link_reports_tx(
    tx: Any,
    reports: Sequence[tuple[str, Iterable[Any]]],
    previous: Mapping[str, str] | None = None,
) -> int:
    """Inside a write transaction: store the extracted mentions of many reports at once
    (entities ``proposed``, one MENTIONS edge per mention). ``previous`` holds the former
    text of reports whose text changed, so that the analysts' decisions on them follow
    their words (``carry_decisions``); returns how many decisions were dropped because
    their words are gone."""
    fresh: dict[str, list[dict[str, Any]]] = {}
    entities: dict[str, dict[str, Any]] = {}
    for report_id, mentions in reports:
        rows, resolved = resolve_mentions(mentions)
        for row in rows:
            entities.setdefault(row.id, row.to_param())
        fresh[report_id] = [m.to_param() for m in resolved]
    if not fresh:
        return 0
    dropped = 0
    if previous:
        dropped = carry_decisions(tx, previous, fresh)
        wanted = {m["entity_id"] for rows in fresh.values() for m in rows}
        entities = {k: v for k, v in entities.items() if k in wanted}
    if entities:
        _upsert(tx, list(entities.values()))
    payload = [{"id": report_id, "mentions": rows} for report_id, rows in fresh.items()]
    tx_run(tx, RELINK_REPORTS, reports=payload, now=utc_now())
    return dropped


def carry_decisions(
    tx: Any, previous: Mapping[str, str], fresh: dict[str, list[dict[str, Any]]]
) -> int:
    """Decisions on re-imported reports move with their words (``nlp.spans``); those
    whose words are gone are dropped (their number is returned), and fresh mentions they
    cover are not added. Mentions of structured fields (no offsets) are not the import's
    to change."""
    from nlp.spans import carry_reviews

    ids = [report_id for report_id in fresh if report_id in previous]
    moves, drops = [], []
    for row in tx_run(tx, DECISIONS, ids=ids) if ids else ():
        report_id = row["id"]
        spans = [m for m in row["mentions"] if m["start"] is not None]
        kept, fresh[report_id], _ = carry_reviews(
            previous[report_id], row["text"] or "", spans, fresh[report_id]
        )
        moves += kept
        keep = {k["id"] for k in kept}
        drops += [m["id"] for m in spans if m["id"] not in keep]
    if drops:
        tx_run(tx, DROP_DECISIONS, ids=drops)
    if moves:
        tx_run(tx, MOVE_DECISIONS, rows=moves)
    return len(drops)
