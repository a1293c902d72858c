"""Everything the entity page shows about one entity, within what the viewer may see.

One read transaction gathers the entity with the reports that mention it
(``REPORT_VISIBLE``), one page of its declarations with their controls, and its relations
to other visible entities with their sources (those an analyst added from a report only
when that report is visible, ``RELATION_VISIBLE``); the timeline is merged from those in
Python.

A hub (a broker lodging thousands of declarations) must not cost thousands of rows per
view: declarations come newest first one page at a time, with their total from a count
that reads no declaration's properties. Each copy of the need-to-know predicate costs
Neo4j hundreds of milliseconds to plan on a cold query cache, so the entity and its
reports share one query and one copy of it.
"""

from __future__ import annotations

import json
from typing import Any

from graph.access import RELATION_VISIBLE, REPORT_VISIBLE
from graph.connection import Graph, tx_run
from graph.errors import Hidden, NotFound
from graph.network import ENTITY_VISIBLE

LIST_LIMIT = 200
DECLARATIONS_PER_PAGE = 50

# ENTITY_VISIBLE (graph/network.py) spelt with the visible reports already collected: "a
# visible report mentions it" is "the collected list is not empty" (LIMIT keeps >= 1 row).
ENTITY_WITH_REPORTS = (
    """
MATCH (e:Entity {id: $id})
WITH e, COLLECT {
  MATCH (r:Report)-[m:MENTIONS]->(e)
  WHERE """
    + REPORT_VISIBLE
    + """
  WITH r, collect(DISTINCT m.text) AS texts
  RETURN r {.id, .reference, .title, .channel, .unit, .handling, .source_grade, .info_grade,
            received: left(toString(r.received), 10), texts: texts} AS report
  ORDER BY report.received DESC
  LIMIT $limit
} AS reports
WHERE coalesce(e.status, 'confirmed') <> 'proposed'
   OR size(reports) > 0
   OR NOT EXISTS { (:Report)-[:MENTIONS|REJECTED_MENTION]->(e) }
RETURN e {.*, kinds: [l IN labels(e) WHERE l <> 'Entity']} AS entity, reports,
       COUNT {
         MATCH (e)<-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-
               (d:Declaration)
         RETURN DISTINCT d
       } AS declarations_total,
       EXISTS {
         (e)<-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-
         (:Declaration)<-[:CONTROL_OF]-(:Control {result: 'positive'})
       } AS seized
"""
)

ENTITY_EXISTS = "MATCH (e:Entity {id: $id}) RETURN count(e) > 0 AS found"

# Only the page's rows pay for roles and controls: Top keeps $skip + $limit rows while the
# hub's declarations stream past, instead of projecting and sorting every one of them.
DECLARATIONS = """
MATCH (e:Entity {id: $id})
      <-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-
      (d:Declaration)
WITH DISTINCT e, d
WITH e, d, left(toString(d.date), 10) AS date
ORDER BY date DESC, d.id DESC
SKIP $skip LIMIT $limit
RETURN d.id AS id, date, d.flow AS flow, d.office AS office,
       d.origin AS origin, d.destination AS destination, d.value AS value, d.hs AS hs,
       COLLECT {
         MATCH (e)<-[link:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|
                         TRANSPORTED_BY]-(d)
         RETURN DISTINCT type(link)
       } AS roles,
       [(c:Control)-[:CONTROL_OF]->(d) | c {.id, .lane, .result, .finding, .revenue,
                                            date: left(toString(c.date), 10)}] AS controls
ORDER BY date DESC, id DESC
"""

RELATIONS = (
    """
MATCH (e0:Entity {id: $id})
      -[rel:DIRECTOR_OF|EMPLOYEE_OF|OWNER_OF|SHAREHOLDER_OF|ASSOCIATE_OF|RELATIVE_OF|
            USES_PHONE|USES_EMAIL|LOCATED_AT|HOLDS_DOCUMENT|OPERATES|RELATED_TO|SAME_AS]-
      (e:Entity)
WHERE """
    + ENTITY_VISIBLE
    + """
  AND """
    + RELATION_VISIBLE
    + """
RETURN type(rel) AS type, startNode(rel) = e0 AS outgoing, e.id AS other_id,
       e.name AS other_name, [l IN labels(e) WHERE l <> 'Entity'][0] AS other_kind,
       rel.source AS source, left(toString(rel.date), 10) AS date, rel.created_by AS created_by
ORDER BY type, other_name
LIMIT $limit
"""
)

IDENTIFIER_KINDS = {"Phone", "Email", "Document", "Address", "Vehicle", "Container", "Vessel"}
# Shown elsewhere on the page (id, register id, aliases) or internal (resolution key,
# extraction label).
_HIDDEN_PROPERTIES = {"aliases_text", "aliases", "kinds", "id", "key", "ref", "label"}


class DossierRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def dossier(
        self, entity_id: str, viewer: dict[str, str], declarations_page: int = 1
    ) -> dict[str, Any]:
        """The entity page's content; NotFound when it does not exist, Hidden (a NotFound)
        when it exists but the viewer may not see it.

        ``declarations_page`` (1-based) picks which ``DECLARATIONS_PER_PAGE`` declarations,
        newest first, are listed; a page past the last one lists none.
        """
        return self.graph.read(_dossier, entity_id, viewer, max(1, declarations_page))


def _dossier(
    tx: Any, entity_id: str, viewer: dict[str, str], declarations_page: int
) -> dict[str, Any]:
    rows = tx_run(tx, ENTITY_WITH_REPORTS, id=entity_id, viewer=viewer, limit=LIST_LIMIT)
    if not rows:  # hidden (known only from reports the viewer may not see) or missing
        if tx_run(tx, ENTITY_EXISTS, id=entity_id)[0]["found"]:
            raise Hidden(f"no entity {entity_id}")  # the same words: the answer is the same
        raise NotFound(f"no entity {entity_id}")
    entity, reports = rows[0]["entity"], rows[0]["reports"]
    skip = (declarations_page - 1) * DECLARATIONS_PER_PAGE
    declarations = tx_run(tx, DECLARATIONS, id=entity_id, skip=skip, limit=DECLARATIONS_PER_PAGE)
    relations = tx_run(tx, RELATIONS, id=entity_id, viewer=viewer, limit=LIST_LIMIT)
    identifiers = [r for r in relations if r["other_kind"] in IDENTIFIER_KINDS]
    others = [r for r in relations if r["other_kind"] not in IDENTIFIER_KINDS]
    controls = [
        {**control, "declaration": d["id"]} for d in declarations for control in d["controls"]
    ]
    properties = {
        key: value
        for key, value in sorted(entity.items())
        if key not in _HIDDEN_PROPERTIES and value not in (None, "", [])
    }
    properties.update(_extra(properties.pop("extra_json", None)))
    for key in [k for k in properties if k.endswith("_json")]:
        properties[key[:-5]] = _parsed(properties.pop(key))
    total = int(rows[0]["declarations_total"])
    return {
        "entity": entity,
        "kind": (entity.get("kinds") or ["Entity"])[0],
        "properties": properties,
        "aliases": [a for a in entity.get("aliases") or [] if a != entity.get("name")],
        "identifiers": identifiers,
        "relations": others,
        "reports": reports,
        "declarations": declarations,
        "declarations_total": total,
        "declarations_page": declarations_page,
        "declarations_pages": max(1, -(-total // DECLARATIONS_PER_PAGE)),
        "declarations_first": skip + 1 if declarations else 0,
        "controls": controls,
        "seized": bool(rows[0]["seized"]),
        "timeline": _timeline(reports, declarations, controls, relations),
    }


def _extra(text: Any) -> dict[str, Any]:
    """The source system's unknown fields (kept as JSON) as properties to show."""
    try:
        extra = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {"other fields": str(text)}
    if not isinstance(extra, dict):
        return {}
    return {k: v for k, v in sorted(extra.items()) if v not in (None, "", [], {})}


def _parsed(text: Any) -> Any:
    """A stored JSON property as values to show; reasons as the sentences they carry."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return str(text)
    if isinstance(value, list) and all(isinstance(v, dict) and "detail" in v for v in value):
        return [str(v["detail"]) for v in value]
    return value


def _timeline(
    reports: list[dict[str, Any]],
    declarations: list[dict[str, Any]],
    controls: list[dict[str, Any]],
    relations: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Dated events, newest first: what was reported, declared, controlled and linked when."""
    events = [
        {"date": r["received"], "kind": "report", "ref": r["id"], "text": r["title"] or r["id"]}
        for r in reports
        if r["received"]
    ]
    events += [
        {
            "date": d["date"],
            "kind": "declaration",
            "ref": d["id"],
            "text": f"{d['flow'] or 'declaration'} {d['id']} "
            f"({', '.join(d['roles']).lower().replace('_', ' ')})",
        }
        for d in declarations
        if d["date"]
    ]
    events += [
        {
            "date": c["date"],
            "kind": "control",
            "ref": c["declaration"],
            "text": f"control {c.get('result') or ''} {c.get('finding') or ''}".strip(),
        }
        for c in controls
        if c.get("date")
    ]
    events += [
        {
            "date": r["date"],
            "kind": "relation",
            "ref": r["other_id"],
            "text": f"{r['type'].lower().replace('_', ' ')} {r['other_name']}",
        }
        for r in relations
        if r["date"]
    ]
    events.sort(key=lambda e: e["date"], reverse=True)
    return events[:LIST_LIMIT]
