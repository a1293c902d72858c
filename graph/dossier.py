"""Everything the entity page shows about one entity, within what the viewer may see.

One read transaction gathers the entity with the reports that mention it
(``REPORT_VISIBLE``), one page of its declarations with their controls, and its relations
to other visible entities with their sources (those an analyst added from a report only
when that report is visible, ``RELATION_VISIBLE``); the timeline is merged from those in
Python.

A hub (a broker lodging thousands of declarations) must not cost thousands of rows per
view: declarations come newest first one page at a time (keyset, ``graph/paging.py``),
reports as the newest ``REPORTS_SHOWN`` and relations as the first ``LIST_LIMIT``, each with
its total counted up to ``COUNT_CAP``. Each copy of the need-to-know predicate costs
Neo4j hundreds of milliseconds to plan on a cold query cache, so the entity and its
reports share one query and one copy of it.
"""

from __future__ import annotations

import json
from typing import Any

from graph.access import RELATION_VISIBLE, REPORT_VISIBLE
from graph.connection import Graph, tx_run
from graph.errors import Hidden, NotFound
from graph.messages import from_data
from graph.network import ENTITY_VISIBLE
from graph.paging import COUNT_CAP, decode_cursor, next_page

LIST_LIMIT = 200
REPORTS_SHOWN = 50
DECLARATIONS_PER_PAGE = 50

# ENTITY_VISIBLE (graph/network.py) spelt with the visible reports already collected: "a
# visible report mentions it" is "the collected list is not empty". The newest visible
# reports, at most COUNT_CAP of them, give both the latest REPORTS_SHOWN and the total;
# only the shown ones pay for their mention texts.
ENTITY_WITH_REPORTS = (
    """
MATCH (e:Entity {id: $id})
WITH e, COLLECT {
  MATCH (r:Report)-[:MENTIONS]->(e)
  WHERE """
    + REPORT_VISIBLE
    + """
  WITH DISTINCT r
  ORDER BY coalesce(r.received, r.created_at) DESC, r.id DESC
  LIMIT $count_cap
  RETURN r
} AS visible
WHERE coalesce(e.status, 'confirmed') <> 'proposed'
   OR size(visible) > 0
   OR NOT EXISTS { (:Report)-[:MENTIONS|REJECTED_MENTION]->(e) }
RETURN e {.*, kinds: [l IN labels(e) WHERE l <> 'Entity']} AS entity,
       [r IN visible[..$limit] | r {.id, .reference, .title, .channel, .unit, .handling,
           .source_grade, .info_grade, received: left(toString(r.received), 10),
           texts: COLLECT { MATCH (r)-[m:MENTIONS]->(e) RETURN DISTINCT m.text }}] AS reports,
       size(visible) AS reports_total,
       COUNT {
         MATCH (e)<-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-
               (d:Declaration)
         RETURN DISTINCT d LIMIT $count_cap
       } AS declarations_total,
       EXISTS {
         (e)<-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-
         (:Declaration)<-[:CONTROL_OF]-(:Control {result: 'positive'})
       } AS seized
"""
)

ENTITY_EXISTS = "MATCH (e:Entity {id: $id}) RETURN count(e) > 0 AS found"

# Newest first by (day, id), one page after the key of the last row of the page before
# ($before), never SKIP: only the page's rows pay for roles and controls, Top keeps
# $limit rows while the hub's declarations stream past.
DECLARATIONS = """
MATCH (e:Entity {id: $id})
      <-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-
      (d:Declaration)
WITH DISTINCT e, d
WITH e, d, coalesce(left(toString(d.date), 10), '') AS day
WHERE $before IS NULL OR day < $before.day OR (day = $before.day AND d.id < $before.id)
ORDER BY day DESC, d.id DESC
LIMIT $limit
RETURN d.id AS id, day, CASE day WHEN '' THEN null ELSE day END AS date, d.flow AS flow,
       d.office AS office, d.origin AS origin, d.destination AS destination,
       d.value AS value, d.hs AS hs,
       COLLECT {
         MATCH (e)<-[link:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|
                         TRANSPORTED_BY]-(d)
         RETURN DISTINCT type(link)
       } AS roles,
       [(c:Control)-[:CONTROL_OF]->(d) | c {.id, .lane, .result, .finding, .revenue,
                                            date: left(toString(c.date), 10)}] AS controls
ORDER BY day DESC, id DESC
"""

# The first LIST_LIMIT relations to show and their total (up to COUNT_CAP) in one pass,
# so the need-to-know predicates are planned once.
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
WITH rel, e0, e LIMIT $count_cap
WITH {type: type(rel), outgoing: startNode(rel) = e0, other_id: e.id,
      other_name: e.name, other_kind: [l IN labels(e) WHERE l <> 'Entity'][0],
      source: rel.source, date: left(toString(rel.date), 10),
      created_by: rel.created_by} AS row
ORDER BY row.type, row.other_name
WITH collect(row) AS rows
RETURN rows[..$limit] AS relations, size(rows) AS total
"""
)

IDENTIFIER_KINDS = {"Phone", "Email", "Document", "Address", "Vehicle", "Container", "Vessel"}
# Shown elsewhere on the page (id, register id, aliases) or internal (resolution key,
# extraction label).
# translit: the script-blind key of a person's name (nlp/translit.py), "mhmt rsln", which
# finds duplicates and means nothing to a reader.
_HIDDEN_PROPERTIES = {"aliases_text", "aliases", "kinds", "id", "key", "ref", "label",
                      "translit"}


class DossierRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def dossier(
        self, entity_id: str, viewer: dict[str, str], declarations_before: str | None = None
    ) -> dict[str, Any]:
        """The entity page's content; NotFound when it does not exist, Hidden (a NotFound)
        when it exists but the viewer may not see it.

        The newest ``DECLARATIONS_PER_PAGE`` declarations are listed, or with
        ``declarations_before`` (the ``declarations_next`` of a page) the ones after that
        page; ValueError when that is not such a token.
        """
        before = None
        if declarations_before:
            day, declaration_id = decode_cursor(declarations_before, 2, "declarations_before")
            before = {"day": str(day), "id": declaration_id}
        return self.graph.read(_dossier, entity_id, viewer, before)


def _dossier(
    tx: Any, entity_id: str, viewer: dict[str, str], before: dict[str, str] | None
) -> dict[str, Any]:
    rows = tx_run(
        tx, ENTITY_WITH_REPORTS, id=entity_id, viewer=viewer, limit=REPORTS_SHOWN,
        count_cap=COUNT_CAP,
    )
    if not rows:  # hidden (known only from reports the viewer may not see) or missing
        if tx_run(tx, ENTITY_EXISTS, id=entity_id)[0]["found"]:
            raise Hidden(f"no entity {entity_id}")  # the same words: the answer is the same
        raise NotFound(f"no entity {entity_id}")
    entity, reports = rows[0]["entity"], rows[0]["reports"]
    declarations, declarations_next = next_page(
        tx_run(tx, DECLARATIONS, id=entity_id, before=before, limit=DECLARATIONS_PER_PAGE + 1),
        DECLARATIONS_PER_PAGE,
        ("day", "id"),
    )
    for declaration in declarations:
        del declaration["day"]
    related = tx_run(
        tx, RELATIONS, id=entity_id, viewer=viewer, limit=LIST_LIMIT, count_cap=COUNT_CAP
    )[0]
    relations = related["relations"]
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
    return {
        "entity": entity,
        "kind": (entity.get("kinds") or ["Entity"])[0],
        "properties": properties,
        "aliases": [a for a in entity.get("aliases") or [] if a != entity.get("name")],
        "identifiers": identifiers,
        "relations": others,
        "relations_total": int(related["total"]),
        "reports": reports,
        "reports_total": int(rows[0]["reports_total"]),
        "declarations": declarations,
        "declarations_total": int(rows[0]["declarations_total"]),
        "declarations_next": declarations_next,
        "declarations_newest": before is None,
        "counts_capped_at": COUNT_CAP,
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
    """A stored JSON property as values to show; reasons as the sentences they carry (a
    message, read in the page's language, when the ranking kept its id: ``said``)."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return str(text)
    if isinstance(value, list) and all(isinstance(v, dict) and "detail" in v for v in value):
        return [from_data(v["said"]) if "said" in v else str(v["detail"]) for v in value]
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
