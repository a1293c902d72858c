"""What the declaration page shows: the declaration, its parties, controls and the reports
naming its parties, within what the viewer may see.

Declarations and controls are register data every officer reads; parties go through
``ENTITY_VISIBLE`` and reports through ``REPORT_VISIBLE``, so the page reveals no report,
and no entity known only from one, beyond need-to-know.
"""

from __future__ import annotations

import json
from typing import Any

from graph.access import REPORT_VISIBLE
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.network import ENTITY_VISIBLE

LIST_LIMIT = 100

DECLARATION = """
MATCH (d:Declaration {id: $id})
RETURN d {.*} AS declaration,
       [(c:Control)-[:CONTROL_OF]->(d) | c {.id, .lane, .result, .finding, .revenue,
                                            .seized_json, date: toString(c.date),
          files: [(f:EvidenceFile)-[:ATTACHED_TO]->(c) | f {.id, .name, .mime, .size}]}]
         AS controls
"""

PARTIES = (
    """
MATCH (d:Declaration {id: $id})
      -[link:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]->
      (e:Entity)
WHERE """
    + ENTITY_VISIBLE
    + """
RETURN type(link) AS role, e.id AS id, e.name AS name,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS kind
ORDER BY role, name
"""
)

PARTY_REPORTS = (
    """
MATCH (:Declaration {id: $id})
      -[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]->
      (e:Entity)<-[m:MENTIONS]-(r:Report)
WHERE coalesce(m.review, 'proposed') <> 'rejected' AND """
    + REPORT_VISIBLE
    + """
WITH r, collect(DISTINCT coalesce(e.name, e.id)) AS parties
RETURN r.id AS id, r.reference AS reference, r.title AS title, r.received AS received,
       r.source_grade AS source_grade, r.info_grade AS info_grade, r.handling AS handling,
       parties
ORDER BY r.received DESC, r.id DESC
LIMIT $limit
"""
)


class DeclarationRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def page(self, declaration_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """The declaration page's content; NotFound when there is no such declaration."""
        return self.graph.read(_page, declaration_id, viewer)


def _loads(text: Any) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _page(tx: Any, declaration_id: str, viewer: dict[str, str]) -> dict[str, Any]:
    rows = tx_run(tx, DECLARATION, id=declaration_id)
    if not rows:
        raise NotFound(f"no declaration {declaration_id}")
    declaration = dict(rows[0]["declaration"])
    items = _loads(declaration.pop("items_json", None)) or []
    extra = _loads(declaration.pop("extra_json", None)) or {}
    controls = sorted(rows[0]["controls"], key=lambda c: c.get("date") or "", reverse=True)
    for control in controls:
        control["seized"] = _loads(control.pop("seized_json", None)) or []
    return {
        "declaration": declaration,
        "items": [i for i in items if isinstance(i, dict)],
        "extra": extra if isinstance(extra, dict) else {},
        "controls": controls,
        "parties": tx_run(tx, PARTIES, id=declaration_id, viewer=viewer),
        "reports": tx_run(tx, PARTY_REPORTS, id=declaration_id, viewer=viewer,
                          limit=LIST_LIMIT),
    }
