"""Intelligence reports from exchange files: the report, its source and its unit.

The Source is matched or created by codename only, with the node shape the sources
register uses (``id``, ``codename``, ``type``, ``status: 'referenced'``); an import never
stores who a source is. Imported reports are ``submitted`` by ``author_id: 'import'``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph.clock import utc_now
from graph.connection import tx_run
from graph.evidence import import_files_tx
from graph.references import Series, next_references

if TYPE_CHECKING:
    from neo4j import ManagedTransaction

    from graph.exchange.records import Record

UPSERT_REPORTS = """
UNWIND $rows AS row
MATCH (u:Unit {name: row.unit})
OPTIONAL MATCH (old:Report {id: row.id})
WITH row, u, old IS NULL AS created
MERGE (r:Report {id: row.id})
ON CREATE SET r.created_at = $now, r.author_id = 'import',
              r.status = coalesce(row.status, 'submitted')
SET r.channel = row.channel, r.received = row.received, r.title = row.title,
    r.text = row.text, r.source_grade = row.source_grade, r.info_grade = row.info_grade,
    r.handling = row.handling, r.grading_scheme = row.grading_scheme, r.unit = row.unit,
    r.extra_json = row.extra_json, r.language = row.language,
    r.status = coalesce(row.status, r.status)
WITH r, row, u, created
CALL (r, u) {
  MATCH (r)-[o:ORIGINATED_IN]->(other:Unit) WHERE other <> u
  DELETE o
}
MERGE (r)-[:ORIGINATED_IN]->(u)
WITH r, row, created
CALL (r, row) {
  MATCH (r)-[f:FROM_SOURCE]->(s:Source)
  WHERE row.source IS NULL OR s.codename <> row.source
  DELETE f
}
CALL (r, row) {
  WITH r, row WHERE row.source IS NOT NULL
  MERGE (s:Source {codename: row.source})
  ON CREATE SET s.id = randomUUID(), s.type = row.source_type, s.status = 'referenced',
                s.created_at = $now
  MERGE (r)-[:FROM_SOURCE]->(s)
}
RETURN collect(CASE WHEN created THEN row.id END) AS created, count(*) AS written
"""

SET_REFERENCES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.id})
SET r.reference = row.reference
"""

REPORT_TEXTS = """
UNWIND $ids AS id
MATCH (r:Report {id: id})
RETURN r.id AS id, r.text AS text
"""

UNIT_NAMES = "MATCH (u:Unit) RETURN u.name AS name"

# The type of a source an import only names, from its report's channel: a channel names
# the source's type (app.sources.service.SourceType) but for a liaison officer's and a
# register's entry, which says nothing of its source (the page reads "not described yet").
SOURCE_TYPE_OF_CHANNEL = {"liaison": "liaison_officer", "register": None}

_FIELDS = ("id", "channel", "received", "source", "source_grade", "info_grade", "handling",
           "grading_scheme", "unit", "title", "text", "status")  # fmt: skip


def write_reports(
    tx: ManagedTransaction, records: Sequence[Record], known: dict[str, str] | None = None
) -> set[str]:
    import json

    from nlp import detect_language

    rows = []
    for record in records:
        data = record.data
        row = {name: data[name] for name in _FIELDS}
        row["source_type"] = SOURCE_TYPE_OF_CHANNEL.get(data["channel"], data["channel"])
        row["language"] = detect_language(data["text"]) if data["text"] else None
        row["extra_json"] = (
            json.dumps(data["extra"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            if data["extra"]
            else None
        )
        rows.append(row)
    now = utc_now()
    result = tx_run(tx, UPSERT_REPORTS, rows=rows, now=now)
    if not result or result[0]["written"] != len(rows):
        raise LookupError("the report's unit does not exist")
    import_files_tx(tx, [
        {**f, "report_id": record.data["id"], "id": "F-" + uuid.uuid4().hex[:16].upper()}
        for record in records for f in record.data.get("files") or ()])
    created = [rid for rid in result[0]["created"] if rid is not None]
    if created:  # in file order, in the batch's transaction
        refs = next_references(tx, Series.REPORT, now[:4], len(created))
        tx_run(tx, SET_REFERENCES, rows=[{"id": i, "reference": r}
                                         for i, r in zip(created, refs, strict=True)])
    return set(created)


def existing_texts(tx: ManagedTransaction, ids: list[str]) -> dict[str, Any]:
    return {row["id"]: row["text"] for row in tx_run(tx, REPORT_TEXTS, ids=ids)}


def unit_names(tx: ManagedTransaction) -> frozenset[str]:
    return frozenset(row["name"] for row in tx_run(tx, UNIT_NAMES))
