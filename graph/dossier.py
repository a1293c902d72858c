"""Everything the entity page shows about one entity, within what the viewer may see.

One read transaction gathers the entity, its identifiers, the reports that mention it
(``REPORT_VISIBLE``), declarations and controls, and its relations to other visible
entities with their sources; the timeline is merged from those in Python.
"""

from __future__ import annotations

from typing import Any

from graph.access import REPORT_VISIBLE
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.network import ENTITY_VISIBLE

LIST_LIMIT = 200

ENTITY = (
    """
MATCH (e:Entity {id: $id})
WHERE """
    + ENTITY_VISIBLE
    + """
RETURN e {.*, kinds: [l IN labels(e) WHERE l <> 'Entity']} AS entity
"""
)

REPORTS = (
    """
MATCH (r:Report)-[m:MENTIONS]->(e:Entity {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
WITH r, collect(DISTINCT m.text) AS texts
RETURN r.id AS id, r.title AS title, r.channel AS channel, r.unit AS unit,
       r.handling AS handling, r.source_grade AS source_grade, r.info_grade AS info_grade,
       left(toString(r.received), 10) AS received, texts
ORDER BY received DESC
LIMIT $limit
"""
)

DECLARATIONS = """
MATCH (e:Entity {id: $id})
      <-[link:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-
      (d:Declaration)
WITH d, collect(DISTINCT type(link)) AS roles
RETURN d.id AS id, left(toString(d.date), 10) AS date, d.flow AS flow, d.office AS office,
       d.origin AS origin, d.destination AS destination, d.value AS value, d.hs AS hs, roles,
       [(c:Control)-[:CONTROL_OF]->(d) | c {.id, .lane, .result, .finding, .revenue,
                                            date: left(toString(c.date), 10)}] AS controls
ORDER BY date DESC
LIMIT $limit
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
RETURN type(rel) AS type, startNode(rel) = e0 AS outgoing, e.id AS other_id,
       e.name AS other_name, [l IN labels(e) WHERE l <> 'Entity'][0] AS other_kind,
       rel.source AS source, left(toString(rel.date), 10) AS date, rel.created_by AS created_by
ORDER BY type, other_name
LIMIT $limit
"""
)

IDENTIFIER_KINDS = {"Phone", "Email", "Document", "Address", "Vehicle", "Container", "Vessel"}
_HIDDEN_PROPERTIES = {"aliases_text", "aliases", "kinds"}


class DossierRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def dossier(self, entity_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """The entity page's content; NotFound when it does not exist or is hidden."""
        return self.graph.read(_dossier, entity_id, viewer)


def _dossier(tx: Any, entity_id: str, viewer: dict[str, str]) -> dict[str, Any]:
    rows = tx_run(tx, ENTITY, id=entity_id, viewer=viewer)
    if not rows:
        raise NotFound(f"no entity {entity_id}")
    entity = rows[0]["entity"]
    params = {"id": entity_id, "viewer": viewer, "limit": LIST_LIMIT}
    reports = tx_run(tx, REPORTS, **params)
    declarations = tx_run(tx, DECLARATIONS, id=entity_id, limit=LIST_LIMIT)
    relations = tx_run(tx, RELATIONS, **params)
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
    return {
        "entity": entity,
        "kind": (entity.get("kinds") or ["Entity"])[0],
        "properties": properties,
        "aliases": [a for a in entity.get("aliases") or [] if a != entity.get("name")],
        "identifiers": identifiers,
        "relations": others,
        "reports": reports,
        "declarations": declarations,
        "controls": controls,
        "seized": any(c.get("result") == "positive" for c in controls),
        "timeline": _timeline(reports, declarations, controls, relations),
    }


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
            "text": f"{d['flow'] or 'declaration'} {d['id']} ({', '.join(d['roles']).lower()})",
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
