"""Export of the graph in the exchange format: a backup that ``flask import`` restores.

Kinds are written in the order an import needs (traders, persons, declarations, controls,
reports, relations), each kind in one read transaction whose records stream straight to
the file (the driver fetches them in chunks), so memory does not grow with the graph.
If the driver retries a kind's transaction, the part of the file it wrote is cut back
first. Within a kind, lines are ordered by id (controls, whose ids an import makes anew, by
declaration, date and content), so two exports of one graph are identical.

Register identifiers and roles (relationships with ``via``) go back into their trader or
person line; every other relation between entities becomes a ``relation`` line.
Referenced-only traders and declarations are not written: the lines that refer to them
create them again. Reports are exported whatever their handling code (this is the
operator's full backup, audited by the CLI), except drafts, which are not yet records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from graph.connection import Graph
from graph.exchange.records import OUTCOME_FIELDS
from graph.filestore import FileStore, copy_out
from graph.private import open_private
from graph.vocabulary import RelationType

EXPORT_TRADERS = """
MATCH (t:Trader) WHERE t.status = 'confirmed'
RETURN t {.ref, .name, .country, .aeo, .registered, .extra_json} AS t,
       [(t)-[r:USES_PHONE]->(x:Phone) WHERE r.via = 'trader' | x.name] AS phones,
       [(t)-[r:USES_EMAIL]->(x:Email) WHERE r.via = 'trader' | x.name] AS emails,
       [(t)-[r:LOCATED_AT]->(x:Address) WHERE r.via = 'trader' | x.name] AS addresses,
       COLLECT { MATCH (s:AeoStatus)-[:STATUS_OF]->(t)
                 RETURN s {.status, .date, .level, .note} AS s ORDER BY s.date, s.status
               } AS aeo_history
ORDER BY t.id
"""

EXPORT_PERSONS = """
MATCH (p:Person) WHERE p.status = 'confirmed'
RETURN p {.ref, .name, .nationality, .dob, .extra_json} AS p,
       [(p)-[r:USES_PHONE]->(x:Phone) WHERE r.via = 'person' | x.name] AS phones,
       [(p)-[r:USES_EMAIL]->(x:Email) WHERE r.via = 'person' | x.name] AS emails,
       [(p)-[r:LOCATED_AT]->(x:Address) WHERE r.via = 'person' | x.name] AS addresses,
       [(p)-[r:HOLDS_DOCUMENT]->(x:Document) WHERE r.via = 'person' |
           {type: x.document_type, number: x.name, country: x.country}] AS documents,
       [(p)-[r]->(x:Trader) WHERE r.via = 'person' |
           {trader: x.ref, role: coalesce(r.role, toLower(replace(type(r), '_OF', '')))}] AS roles
ORDER BY p.id
"""

EXPORT_DECLARATIONS = """
MATCH (d:Declaration) WHERE coalesce(d.status, 'confirmed') <> 'referenced'
RETURN d {.id, .date, .flow, .office, .origin, .departure, .destination, .mode,
          .items_json, .extra_json} AS d,
       head([(d)-[:IMPORTED_BY]->(x) | x.ref]) AS importer,
       head([(d)-[:EXPORTED_BY]->(x) | x.ref]) AS exporter,
       head([(d)-[:DECLARED_BY]->(x) | x.ref]) AS declarant,
       head([(d)-[:SHIPPED_IN]->(x) | x.name]) AS container,
       head([(d)-[:CARRIED_BY]->(x) | x {.name, .imo}]) AS vessel,
       head([(d)-[:TRANSPORTED_BY]->(x) | x.name]) AS vehicle
ORDER BY d.id
"""

EXPORT_CONTROLS = """
MATCH (c:Control)-[:CONTROL_OF]->(d:Declaration)
RETURN c {.date, .lane, .result, .finding, .revenue, .seized_json, .extra_json,
          .penalty_amount, .penalty_currency, .penalty_date, .seizure_date, .referral_date,
          .case_opened_date, .court_result, .court_date} AS c,
       d.id AS declaration
ORDER BY declaration, c.date, c.created_at, c.result, c.lane, c.finding, c.revenue, c.id
"""

EXPORT_REPORTS = """
MATCH (r:Report) WHERE coalesce(r.status, 'submitted') <> 'draft'
RETURN r {.id, .channel, .received, .source_grade, .info_grade, .handling, .unit, .title,
          .text, .status, .extra_json} AS r,
       head([(r)-[:FROM_SOURCE]->(s:Source) | s.codename]) AS source,
       [(f:EvidenceFile)-[:ATTACHED_TO]->(r) |
          {name: f.name, sha256: f.sha256, type: f.mime, size: f.size}] AS files
ORDER BY r.id
"""

# Relations a trader or person line does not already carry.
EXPORT_RELATIONS = """
MATCH (a:Entity)-[r]->(b:Entity)
WHERE type(r) IN $types AND (r.via IS NULL OR coalesce(r.source, '') <> 'register')
RETURN [l IN labels(a) WHERE l <> 'Entity'][0] AS from_kind, a.ref AS from_ref,
       [l IN labels(b) WHERE l <> 'Entity'][0] AS to_kind, b.ref AS to_ref,
       type(r) AS type, r.detail AS detail, r.source AS source, r.date AS date,
       r.extra_json AS extra_json, a.id AS from_id, b.id AS to_id
ORDER BY from_id, type, to_id
"""


def _base(kind: str, extra_json: str | None) -> dict[str, Any]:
    line: dict[str, Any] = json.loads(extra_json) if extra_json else {}
    line["kind"] = kind
    return line


def _put(line: dict[str, Any], **values: Any) -> dict[str, Any]:
    for name, value in values.items():
        if value is not None and value != []:
            line[name] = value
    return line


def _same_names(record: dict[str, Any], *names: str) -> dict[str, Any]:
    """The stored properties a line carries under the same name (``_put`` drops nulls)."""
    return {name: record[name] for name in names}


def _trader(rec: dict[str, Any]) -> dict[str, Any]:
    t = rec["t"]
    line = _base("trader", t["extra_json"])
    addresses = sorted(rec["addresses"])
    return _put(
        line,
        id=t["ref"],
        **_same_names(t, "name", "country"),
        address=addresses[0] if len(addresses) == 1 else None,
        addresses=addresses if len(addresses) > 1 else None,
        phones=sorted(rec["phones"]),
        emails=sorted(rec["emails"]),
        **_same_names(t, "aeo"),
        aeo_history=[{k: v for k, v in h.items() if v is not None}
                     for h in rec.get("aeo_history") or []] or None,
        **_same_names(t, "registered"),
    )


def _person(rec: dict[str, Any]) -> dict[str, Any]:
    p = rec["p"]
    line = _base("person", p["extra_json"])
    documents = [{k: v for k, v in d.items() if v is not None} for d in rec["documents"]]
    roles = list(rec["roles"])
    return _put(
        line,
        id=p["ref"],
        **_same_names(p, "name", "nationality", "dob"),
        documents=sorted(documents, key=lambda d: d["number"]),
        phones=sorted(rec["phones"]),
        emails=sorted(rec["emails"]),
        addresses=sorted(rec["addresses"]),
        roles=sorted(roles, key=lambda r: (r["trader"], r["role"])),
    )


def _declaration(rec: dict[str, Any]) -> dict[str, Any]:
    d = rec["d"]
    line = _base("declaration", d["extra_json"])
    vessel = rec["vessel"] or {}
    transport = _put(
        dict(line.pop("transport", None) or {}),
        mode=d["mode"],
        container=rec["container"],
        vessel=vessel.get("name") if vessel.get("name") != _imo_key(vessel) else None,
        imo=vessel.get("imo"),
        vehicle=rec["vehicle"],
    )
    return _put(
        line,
        **_same_names(d, "id", "date", "flow", "office"),
        **_same_names(rec, "importer", "exporter", "declarant"),
        **_same_names(d, "origin", "departure", "destination"),
        transport=transport or None,
        items=json.loads(d["items_json"]) if d["items_json"] else None,
    )


def _imo_key(vessel: dict[str, Any]) -> str | None:
    return f"IMO{vessel['imo']}" if vessel.get("imo") else None


def _control(rec: dict[str, Any]) -> dict[str, Any]:
    c = rec["c"]
    return _put(
        _base("control", c["extra_json"]),
        declaration=rec["declaration"],
        **_same_names(c, "date", "lane", "result", "finding", "revenue"),
        seized=json.loads(c["seized_json"]) if c["seized_json"] else None,
        **{name: c.get(name) for name in OUTCOME_FIELDS},
    )


def _report(rec: dict[str, Any]) -> dict[str, Any]:
    r = rec["r"]
    return _put(
        _base("report", r["extra_json"]),
        **_same_names(r, "id", "channel", "received"),
        source=rec["source"],
        **_same_names(r, "source_grade", "info_grade", "handling", "unit", "title", "text"),
        status=r["status"] if r["status"] != "submitted" else None,
        files=sorted(rec["files"], key=lambda f: (f["name"], f["sha256"])) or None,
    )


def _relation(rec: dict[str, Any]) -> dict[str, Any]:
    return _put(
        _base("relation", rec["extra_json"]),
        **{
            "from": {"kind": rec["from_kind"].lower(), "id": rec["from_ref"]},
            "to": {"kind": rec["to_kind"].lower(), "id": rec["to_ref"]},
        },
        type=rec["detail"] or rec["type"].lower(),
        **_same_names(rec, "source", "date"),
    )


_KINDS: tuple[tuple[str, Any, Callable[[dict[str, Any]], dict[str, Any]]], ...] = (
    ("trader", EXPORT_TRADERS, _trader),
    ("person", EXPORT_PERSONS, _person),
    ("declaration", EXPORT_DECLARATIONS, _declaration),
    ("control", EXPORT_CONTROLS, _control),
    ("report", EXPORT_REPORTS, _report),
    ("relation", EXPORT_RELATIONS, _relation),
)

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def export_graph(graph: Graph, path: str | Path, store: FileStore | None = None) -> dict[str, int]:
    """Write the whole register to ``path``; returns the number of lines per kind. With a
    ``store``, the reports' evidence files are copied (hashes checked) into the folder
    ``<path>.files/`` beside it, where ``flask import`` looks for them."""
    counts: dict[str, int] = {}
    params = {"types": [t.value for t in RelationType]}
    digests: set[str] = set()

    def to_report(rec: dict[str, Any]) -> dict[str, Any]:
        digests.update(f["sha256"] for f in rec["files"])
        return _report(rec)

    with open_private(path) as handle:
        for kind, cypher, to_line in _KINDS:
            if kind == "report":
                digests.clear()  # a retried read starts the kind again
                to_line = to_report
            counts[kind] = graph.read(_dump, handle, handle.tell(), cypher, params, to_line)
    if store is not None:
        path = Path(path)
        copy_out(store, digests, path.with_name(path.name + ".files"))
        counts["files"] = len(digests)
    return counts


def _dump(
    tx: Any,
    handle: TextIO,
    start: int,
    cypher: Any,
    params: dict[str, Any],
    to_line: Callable[[dict[str, Any]], dict[str, Any]],
) -> int:
    handle.seek(start)  # a retried attempt starts again where this kind began
    handle.truncate()
    written = 0
    for record in tx.run(cypher, params):
        handle.write(_dumps(to_line(record.data())) + "\n")
        written += 1
    return written
