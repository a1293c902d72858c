"""A report's mentions: resolved to entities, linked by one statement, carried across edits.

Every writer of mentions (the report form and the API, the quick log, hotline tips,
sanitised copies, evidence files, ``flask import``) goes through here, inside its own
transaction: ``mention_rows`` turns ``nlp.Mention`` objects into the one row shape,
``LINK_MENTIONS`` writes them, and ``carry_over_tx`` replaces the mentions of a report
whose text changed while the analysts' reviews follow their words (``nlp.spans``).
Resolution uses the resolution keys of ``nlp.resolution``: no spaCy is loaded here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.clock import utc_now
from graph.connection import tx_run
from graph.entities import UPSERT_ENTITIES, EntityRow
from graph.vocabulary import KIND_OF_LABEL
from nlp import Mention, resolution_key
from nlp.spans import carry_reviews

LINK_MENTIONS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id}), (e:Entity {id: row.entity_id})
CREATE (r)-[m:MENTIONS]->(e)
SET m.id = row.id, m.start = row.start, m.end = row.end, m.text = row.text,
    m.label = row.label, m.provenance = row.provenance, m.confidence = row.confidence,
    m.review = row.review, m.field = row.field, m.file = row.file, m.created_at = $now,
    m.created_by = row.by
RETURN count(m) AS linked
"""

# Extracted entities nobody else refers to go when the mention that proposed them goes.
DROP_ORPHANS = """
UNWIND $ids AS id
MATCH (e:Entity {id: id})
WHERE e.status = 'proposed' AND NOT EXISTS { (e)--() }
DELETE e
"""

# The mentions of the reports' own text and fields (those found in their files stay as they
# are), each field mention with whether the field still holds its words.
STORED_MENTIONS = """
UNWIND $ids AS id
MATCH (r:Report {id: id})
RETURN id, r.text AS text,
       [(r)-[m:MENTIONS|REJECTED_MENTION]->(:Entity) WHERE m.file IS NULL |
        m {.id, .start, .end, .text, .review, .provenance, .field,
           held: CASE WHEN m.field IS NULL THEN null ELSE r[m.field] END}] AS mentions
"""

CLEAR_MENTIONS = """
UNWIND $ids AS id
MATCH (:Report {id: id})-[m:MENTIONS|REJECTED_MENTION]->(e:Entity)
WHERE NOT m.id IN $keep AND m.file IS NULL
DELETE m
RETURN collect(DISTINCT e.id) AS ids
"""

MOVE_MENTIONS = """
UNWIND $rows AS row
MATCH (:Report {id: row.report_id})-[m:MENTIONS|REJECTED_MENTION {id: row.id}]->(:Entity)
SET m.start = row.start, m.end = row.end
"""


def mention_rows(
    report_id: str, mentions: Iterable[Mention], by: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The entities to upsert and the rows ``LINK_MENTIONS`` writes for ``mentions``.

    A mention the gazetteer (or an analyst) tied to an entity keeps it; the others resolve
    by their resolution key, so "Baltic Star Trading Ltd" and "BALTIC STAR TRADING
    LIMITED" meet on one node. Labels that are no entity kind, and words that resolve to
    no key, are left out.
    """
    entities: dict[str, dict[str, Any]] = {}
    rows = []
    for m in mentions:
        kind = KIND_OF_LABEL.get(m.label)
        if kind is None:
            continue
        target = m.entity_id
        if not target:
            key = resolution_key(m.label, m.normalized or m.text)
            if not key:
                continue
            entity = EntityRow(kind, key, m.text, key, "proposed")
            entities.setdefault(entity.id, entity.to_param())
            target = entity.id
        rows.append({
            "id": str(uuid.uuid4()), "report_id": report_id, "entity_id": target,
            "start": m.start, "end": m.end, "text": m.text, "label": m.label,
            "normalized": m.normalized, "provenance": m.source,
            "confidence": float(m.confidence), "review": m.review, "field": m.field,
            "file": m.file, "by": by,
        })
    return list(entities.values()), rows


def link_tx(tx: Any, entities: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]]) -> None:
    """Write mention rows and the entities they point at (once each), in ``tx``."""
    wanted = {row["entity_id"] for row in rows}
    upsert = {e["id"]: e for e in reversed(entities) if e["id"] in wanted}
    if upsert:
        tx_run(tx, UPSERT_ENTITIES, rows=list(upsert.values()), now=utc_now())
    if rows:
        tx_run(tx, LINK_MENTIONS, rows=list(rows), now=utc_now())


def add_mentions_tx(
    tx: Any, report_id: str, mentions: Iterable[Mention], by: str
) -> list[dict[str, Any]]:
    """Link ``mentions`` to the report in ``tx``; returns the rows written."""
    entities, rows = mention_rows(report_id, mentions, by)
    link_tx(tx, entities, rows)
    return rows


def carry_over_tx(
    tx: Any, before: Mapping[str, str | None], fresh: Mapping[str, Iterable[Mention]], by: str
) -> int:
    """Store the fresh extraction of reports whose text (or fields) changed, in ``tx``
    after the change was written; ``before`` holds their former text.

    The machine's proposals give way to the fresh ones. A review (accepted, rejected,
    added by hand) follows its words into the new text and outranks a fresh proposal of
    them; a field's mention stays while the field holds its words. Reports of ``fresh``
    not in ``before`` are new: their mentions are only linked. Returns how many reviews
    were dropped because their words are gone."""
    entities: list[dict[str, Any]] = []
    rows: dict[str, list[dict[str, Any]]] = {}
    for report_id, mentions in fresh.items():
        found, rows[report_id] = mention_rows(report_id, mentions, by)
        entities += found
    changed = [report_id for report_id in rows if report_id in before]
    kept: list[dict[str, Any]] = []
    gone = 0
    for stored in tx_run(tx, STORED_MENTIONS, ids=changed) if changed else ():
        report_id = stored["id"]
        moved, rows[report_id], lost = carry_reviews(
            before[report_id] or "", stored["text"] or "", stored["mentions"], rows[report_id])
        kept += [{**m, "report_id": report_id} for m in moved]
        gone += lost
    if changed:
        orphans = tx_run(tx, CLEAR_MENTIONS, ids=changed, keep=[m["id"] for m in kept])
        tx_run(tx, DROP_ORPHANS, ids=orphans[0]["ids"])
    if kept:
        tx_run(tx, MOVE_MENTIONS, rows=kept)
    link_tx(tx, entities, [row for report_rows in rows.values() for row in report_rows])
    return gone
