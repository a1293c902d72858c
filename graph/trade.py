"""Traders, persons, declarations, controls and register relations, written in batches.

Each ``write_*`` function runs inside the caller's write transaction and takes the
validated records of one batch (``graph.exchange.records.Record``): one ``UNWIND $rows``
statement per batch, plus one statement that makes sure every entity the batch points at
exists (created ``referenced`` when no line described it yet). All writes are upserts on
the record's id, so importing the same lines twice changes nothing; each returns the keys
of the records it created (or that existed only as a reference until now).

Speed: one indexed lookup per batch finds which ids exist. New records (the bulk of a
first import) are written with CREATE and fixed labels, which needs no MERGE locking, no
comparison with old links and no per-row "did it exist" probe; records that exist take
the full upsert. The lookup runs in the batch's transaction and the uniqueness
constraints still guard against a concurrent writer (the batch then fails and is split).

Graph shapes: docs/graph-model.md (Entities, Trade). Register identifiers and roles of a
trader or person are relationships with ``source: 'register'`` and ``via: <line kind>``;
that marker is how a re-import drops identifiers no longer listed and how the export
puts them back into the trader or person line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from graph.aeo import record_statuses
from graph.clock import utc_now
from graph.connection import tx_run
from graph.vocabulary import EntityKind, RelationType

if TYPE_CHECKING:
    from neo4j import ManagedTransaction

    from graph.exchange.records import Record

# Entities a batch points at. A stronger status never gives way to a weaker one, and a
# reference never overwrites what a register line said about the entity. One lookup of
# the ids splits the rows: new ones are CREATEd (no MERGE locking, no label scan), known
# ones are touched only when this batch confirms a reference. Labels cannot be
# parameters and a dynamic label costs a lookup per row, so one statement per EntityKind
# is generated at import from the enum (never from input).
FIND_ENTITIES = """
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e.id AS id, e.status AS status
"""

CREATE_ENTITIES = {
    kind: f"""
UNWIND $rows AS row
CREATE (e:Entity:{kind.value} {{id: row.id}})
SET e.label = row.label, e.ref = row.ref, e.name = row.name, e.key = row.key,
    e.status = row.status, e.aliases = [], e.aliases_text = '', e.created_at = $now,
    e += row.props
"""
    for kind in EntityKind
}

CONFIRM_ENTITIES = """
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
SET e.status = 'confirmed', e += row.props
"""

# Relationship types cannot be parameters, and MERGE with a dynamic type (``$(t)``) is
# several times slower than with a static one, so the statements below are generated
# once, at import, from the RelationType whitelist (never from input).
_IDENTIFIER_TYPES = (RelationType.USES_PHONE, RelationType.USES_EMAIL, RelationType.LOCATED_AT)


def _merge_links(types: Sequence[RelationType]) -> str:
    """Register identifiers and roles of one line, grouped by type in ``row.links``."""
    parts = [
        """
WITH e, row, created
CALL (e, row) {
  MATCH (e)-[old]->(x:Entity)
  WHERE old.via = row.via AND NOT (type(old) + '|' + x.id) IN row.link_keys
  DELETE old
}"""
    ]
    for rel in types:
        parts.append(
            f"""
CALL (e, row) {{
  UNWIND coalesce(row.links.{rel.value}, []) AS link
  MATCH (x:Entity {{id: link.to}})
  MERGE (e)-[r:{rel.value} {{source: 'register'}}]->(x)
  ON CREATE SET r.created_at = $now, r.created_by = 'import'
  SET r.via = row.via, r.role = link.role
}}"""
        )
    parts.append("\nRETURN collect(CASE WHEN created THEN row.id END) AS created\n")
    return "".join(parts)


UPSERT_TRADERS = """
UNWIND $rows AS row
OPTIONAL MATCH (old:Entity {id: row.id})
WITH row, old IS NULL OR old.status = 'referenced' AS created
MERGE (e:Entity {id: row.id})
ON CREATE SET e.created_at = $now, e.aliases = [], e.aliases_text = ''
SET e:Trader, e.label = 'ORG', e.ref = row.ref, e.name = row.name, e.key = row.key,
    e.status = 'confirmed', e.country = row.country, e.aeo = row.aeo,
    e.registered = row.registered, e.extra_json = row.extra_json
""" + _merge_links(_IDENTIFIER_TYPES)

UPSERT_PERSONS = """
UNWIND $rows AS row
OPTIONAL MATCH (old:Entity {id: row.id})
WITH row, old IS NULL OR old.status = 'referenced' AS created
MERGE (e:Entity {id: row.id})
ON CREATE SET e.created_at = $now, e.aliases = [], e.aliases_text = ''
SET e:Person, e.label = 'PERSON', e.ref = row.ref, e.name = row.name, e.key = row.key,
    e.status = 'confirmed', e.nationality = row.nationality, e.dob = row.dob,
    e.extra_json = row.extra_json, e.translit = row.translit
""" + _merge_links(tuple(RelationType))


# Register links of new traders and persons: one statement per relationship type that
# the batch uses, over all its (from, to) pairs; nothing to compare or replace.
CREATE_LINKS = {
    rel: f"""
UNWIND $links AS link
MATCH (e:Entity {{id: link.from}})
MATCH (x:Entity {{id: link.to}})
CREATE (e)-[r:{rel.value}]->(x)
SET r.created_at = $now, r.created_by = 'import', r.source = 'register',
    r.via = link.via, r.role = link.role
"""
    for rel in RelationType
}

CREATE_TRADERS = """
UNWIND $rows AS row
CREATE (e:Entity:Trader {id: row.id})
SET e.created_at = $now, e.aliases = [], e.aliases_text = '', e.label = 'ORG',
    e.ref = row.ref, e.name = row.name, e.key = row.key, e.status = 'confirmed',
    e.country = row.country, e.aeo = row.aeo, e.registered = row.registered,
    e.extra_json = row.extra_json
"""

CREATE_PERSONS = """
UNWIND $rows AS row
CREATE (e:Entity:Person {id: row.id})
SET e.created_at = $now, e.aliases = [], e.aliases_text = '', e.label = 'PERSON',
    e.ref = row.ref, e.name = row.name, e.key = row.key, e.status = 'confirmed',
    e.nationality = row.nationality, e.dob = row.dob, e.extra_json = row.extra_json,
    e.translit = row.translit
"""

_TRADE_TYPES = ("IMPORTED_BY", "EXPORTED_BY", "DECLARED_BY", "SHIPPED_IN", "CARRIED_BY",
                "TRANSPORTED_BY")  # fmt: skip


def _declaration_links(verb: str) -> str:
    """One subquery per link type linking ``d`` to the entity ``row.links`` names for it
    (``MERGE`` for the upsert, ``CREATE`` for new declarations); types come from the
    fixed tuple above, never from input."""
    return "".join(
        f"""
CALL (d, row) {{
  WITH d, row WHERE row.links.{rel} IS NOT NULL
  MATCH (x:Entity {{id: row.links.{rel}}})
  {verb} (d)-[:{rel}]->(x)
}}"""
        for rel in _TRADE_TYPES
    )

UPSERT_DECLARATIONS = (
    """
UNWIND $rows AS row
OPTIONAL MATCH (old:Declaration {id: row.id})
WITH row, old IS NULL OR old.status = 'referenced' AS created
MERGE (d:Declaration {id: row.id})
ON CREATE SET d.created_at = $now
SET d.status = 'confirmed', d.date = row.date, d.flow = row.flow, d.office = row.office,
    d.origin = row.origin, d.departure = row.departure, d.destination = row.destination,
    d.mode = row.mode, d.value = row.value, d.value_cif = row.value_cif,
    d.weight_kg = row.weight_kg, d.taxes = row.taxes, d.hs = row.hs,
    d.items_json = row.items_json, d.extra_json = row.extra_json
WITH d, row, created
CALL (d, row) {
  MATCH (d)-[old:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]->(x)
  WHERE NOT (type(old) + '|' + x.id) IN row.link_keys
  DELETE old
}
"""
    + _declaration_links("MERGE")
    + """
RETURN collect(CASE WHEN created THEN row.id END) AS created
"""
)


FIND_DECLARATIONS = """
UNWIND $ids AS id
MATCH (d:Declaration {id: id})
RETURN d.id AS id, d.status AS status
"""

# New declarations (no node with their id yet): CREATE the node and its links in one pass,
# nothing to compare or delete; each link is one index seek for its party or transport.
CREATE_DECLARATIONS = (
    """
UNWIND $rows AS row
CREATE (d:Declaration {id: row.id})
SET d.created_at = $now, d.status = 'confirmed', d.date = row.date, d.flow = row.flow,
    d.office = row.office, d.origin = row.origin, d.departure = row.departure,
    d.destination = row.destination, d.mode = row.mode, d.value = row.value,
    d.value_cif = row.value_cif, d.weight_kg = row.weight_kg, d.taxes = row.taxes,
    d.hs = row.hs, d.items_json = row.items_json, d.extra_json = row.extra_json
WITH d, row
"""
    + _declaration_links("CREATE")
)

# A control of a declaration no line described creates that declaration as a reference.
UPSERT_CONTROLS = """
UNWIND $rows AS row
OPTIONAL MATCH (old:Control {id: row.id})
WITH row, old IS NULL AS created
MERGE (d:Declaration {id: row.declaration})
ON CREATE SET d.status = 'referenced', d.created_at = $now
MERGE (c:Control {id: row.id})
ON CREATE SET c.created_at = $now
SET c.date = row.date, c.lane = row.lane, c.result = row.result, c.finding = row.finding,
    c.revenue = row.revenue, c.seized_json = row.seized_json, c.extra_json = row.extra_json
SET c += row.outcome
MERGE (c)-[:CONTROL_OF]->(d)
RETURN collect(CASE WHEN created THEN row.id END) AS created
"""

FIND_CONTROLS = """
UNWIND $ids AS id
MATCH (c:Control {id: id})
RETURN c.id AS id, null AS status
"""

CREATE_CONTROLS = """
UNWIND $rows AS row
MERGE (d:Declaration {id: row.declaration})
ON CREATE SET d.status = 'referenced', d.created_at = $now
CREATE (c:Control {id: row.id})-[:CONTROL_OF]->(d)
SET c.created_at = $now, c.date = row.date, c.lane = row.lane, c.result = row.result,
    c.finding = row.finding, c.revenue = row.revenue, c.seized_json = row.seized_json,
    c.extra_json = row.extra_json
SET c += row.outcome
RETURN count(*) AS written
"""

UPSERT_RELATIONS = {
    rel: f"""
UNWIND $rows AS row
MATCH (a:Entity {{id: row.from}}), (b:Entity {{id: row.to}})
WITH a, b, row, NOT EXISTS {{ (a)-[:{rel.value}]->(b) }} AS created
MERGE (a)-[r:{rel.value}]->(b)
ON CREATE SET r.created_at = $now, r.created_by = 'import'
SET r.source = row.source, r.date = row.date, r.detail = row.detail,
    r.extra_json = row.extra_json
RETURN collect(CASE WHEN created THEN row.key END) AS created
"""
    for rel in RelationType
}


def _json(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _extra(data: dict[str, Any]) -> str | None:
    return _json(data["extra"]) if data.get("extra") else None


def ensure_entities(
    tx: ManagedTransaction, records: Sequence[Record], known: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """Create (or confirm) every entity the records point at, each once per batch.

    ``known`` maps ids the caller saw committed to their status; those are skipped unless
    this batch confirms an entity known only as a reference. Returns the (id, status)
    pairs written, for the caller to remember once the transaction commits."""
    known = known or {}
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        for ref in record.refs:
            seen = known.get(ref.id)
            if seen is not None and (seen == "confirmed" or ref.status != "confirmed"):
                continue
            row = rows.get(ref.id)
            if row is None or (ref.status == "confirmed" and row["status"] != "confirmed"):
                rows[ref.id] = ref.to_param()
    if not rows:
        return []
    found = _statuses(tx, FIND_ENTITIES, list(rows))
    new: dict[EntityKind, list[dict[str, Any]]] = {}
    confirm = []
    for row in rows.values():
        status = found.get(row["id"])
        if status is None:
            new.setdefault(EntityKind(row["kind"]), []).append(row)
        elif row["status"] == "confirmed" and (status != "confirmed" or row["props"]):
            confirm.append(row)
    now = utc_now()
    for kind, kind_rows in new.items():
        tx_run(tx, CREATE_ENTITIES[kind], rows=kind_rows, now=now)
    if confirm:
        tx_run(tx, CONFIRM_ENTITIES, rows=confirm)
    return [(row["id"], row["status"]) for row in rows.values()]


def _statuses(tx: ManagedTransaction, cypher: Any, ids: list[str]) -> dict[str, str | None]:
    """id -> status of the nodes that already exist (one indexed lookup per batch)."""
    return {row["id"]: row["status"] for row in tx_run(tx, cypher, ids=ids)}


def _split_new(
    tx: ManagedTransaction, cypher: Any, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows whose id no node has yet, and the others (which take the upsert path)."""
    found = _statuses(tx, cypher, [row["id"] for row in rows])
    return [r for r in rows if r["id"] not in found], [r for r in rows if r["id"] in found]


def _write_split(
    tx: ManagedTransaction, find: Any, create: Any, upsert: Any, rows: list[dict[str, Any]],
    *, links: Callable[[ManagedTransaction, list[dict[str, Any]], str], None] | None = None,
) -> set[str]:
    """CREATE what is new, upsert what exists; the keys created or confirmed from a reference."""
    new, old = _split_new(tx, find, rows)
    created = {row["id"] for row in new}
    if new:
        now = utc_now()
        tx_run(tx, create, rows=new, now=now)
        if links is not None:
            links(tx, new, now)
    if old:
        created |= _created(tx, upsert, old)
    return created


def _create_links(tx: ManagedTransaction, rows: list[dict[str, Any]], now: str) -> None:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        for rel, links in row["links"].items():
            by_type.setdefault(rel, []).extend(
                {"from": row["id"], "to": link["to"], "role": link["role"], "via": row["via"]}
                for link in links
            )
    for rel, links in sorted(by_type.items()):
        tx_run(tx, CREATE_LINKS[RelationType(rel)], links=links, now=now)


def _link_rows(data: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    links: dict[str, list[dict[str, Any]]] = {}
    for rel, to, role in data["links"]:
        links.setdefault(rel, []).append({"to": to, "role": role})
    return links, sorted({f"{t}|{to}" for t, to, _ in data["links"]})


def _party_rows(
    records: Sequence[Record], via: str, name_key: Callable[[str], str], fields: Sequence[str]
) -> list[dict[str, Any]]:
    """Trader or person lines as node rows with their register links grouped by type."""
    rows = []
    for record in records:
        data = record.data
        links, keys = _link_rows(data)
        rows.append({"id": record.key, "ref": data["id"], "name": data["name"],
                     "key": name_key(data["name"]), **{f: data[f] for f in fields},
                     "extra_json": _extra(data), "via": via, "links": links,
                     "link_keys": keys})  # fmt: skip
    return rows


def write_traders(
    tx: ManagedTransaction, records: Sequence[Record], known: dict[str, str] | None = None
) -> set[str]:
    ensure_entities(tx, records, known)
    rows = _party_rows(records, "trader", _org_key, ("country", "aeo", "registered"))
    created = _write_split(tx, FIND_ENTITIES, CREATE_TRADERS, UPSERT_TRADERS, rows,
                           links=_create_links)
    # AEO status lines are added, never removed by a line that no longer lists them; the
    # flag was set from the line (stated, or derived from its latest status).
    history = [{"trader": r.data["id"], **h} for r in records
               for h in r.data.get("aeo_history") or ()]
    record_statuses(tx, history, "import", keep_flag=True)
    return created


def write_persons(
    tx: ManagedTransaction, records: Sequence[Record], known: dict[str, str] | None = None
) -> set[str]:
    ensure_entities(tx, records, known)
    from nlp import translit_key

    rows = [{**row, "translit": translit_key(row["name"])}
            for row in _party_rows(records, "person", _person_key, ("nationality", "dob"))]
    return _write_split(tx, FIND_ENTITIES, CREATE_PERSONS, UPSERT_PERSONS, rows,
                        links=_create_links)


_DECLARATION_FIELDS = ("date", "flow", "office", "origin", "departure", "destination", "mode",
                       "value", "value_cif", "weight_kg", "taxes", "hs")  # fmt: skip


def write_declarations(
    tx: ManagedTransaction, records: Sequence[Record], known: dict[str, str] | None = None
) -> set[str]:
    ensure_entities(tx, records, known)
    rows = []
    for record in records:
        data = record.data
        row = {name: data[name] for name in _DECLARATION_FIELDS}
        row.update(
            id=record.key,
            items_json=_json(data["items"]),
            extra_json=_extra(data),
            links=dict(data["links"]),
            link_keys=[f"{t}|{to}" for t, to in data["links"]],
        )
        rows.append(row)
    return _write_split(tx, FIND_DECLARATIONS, CREATE_DECLARATIONS, UPSERT_DECLARATIONS, rows)


def write_controls(
    tx: ManagedTransaction, records: Sequence[Record], known: dict[str, str] | None = None
) -> set[str]:
    rows = []
    for record in records:
        data = record.data
        rows.append(
            {
                "id": record.key,
                "declaration": data["declaration"],
                "date": data["date"],
                "lane": data["lane"],
                "result": data["result"],
                "finding": data["finding"],
                "revenue": data["revenue"],
                "seized_json": _json(data["seized"]),
                "outcome": data.get("outcome") or {},
                "extra_json": _extra(data),
            }
        )
    return _write_split(tx, FIND_CONTROLS, CREATE_CONTROLS, UPSERT_CONTROLS, rows)


def write_relations(
    tx: ManagedTransaction, records: Sequence[Record], known: dict[str, str] | None = None
) -> set[str]:
    ensure_entities(tx, records, known)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        data = record.data
        by_type.setdefault(data["type"], []).append(
            {
                "key": record.key,
                "from": data["from"],
                "to": data["to"],
                "type": data["type"],
                "detail": data["detail"],
                "source": data["source"],
                "date": data["date"],
                "extra_json": _extra(data),
            }
        )
    created: set[str] = set()
    for rel, rows in by_type.items():
        created |= _created(tx, UPSERT_RELATIONS[RelationType(rel)], rows)
    return created


def _created(tx: ManagedTransaction, cypher: Any, rows: list[dict[str, Any]]) -> set[str]:
    result = tx_run(tx, cypher, rows=rows, now=utc_now())
    return set(result[0]["created"]) if result else set()


def _org_key(name: str) -> str:
    from nlp import resolution_key

    return resolution_key("ORG", name)


def _person_key(name: str) -> str:
    from nlp import resolution_key

    return resolution_key("PERSON", name)
