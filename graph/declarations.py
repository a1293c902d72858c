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
                                            .penalty_amount, .penalty_currency, .penalty_date,
                                            .seizure_date, .referral_date, .case_opened_date,
                                            .court_result, .court_date,
          files: [(f:EvidenceFile)-[:ATTACHED_TO]->(c) | f {.id, .name, .mime, .size}]}]
         AS controls,
       [(s:Selection)-[:SELECTION_OF]->(d) | s {.lane, .profiles, .at, .by}][0] AS selection
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


# Declarations by id, trader (register id or name of a party) and date range, newest first,
# with what scoring needs (graph.riskstats.declaration_from_node) and the recorded
# selection's lane. Declarations and traders are register data every officer reads.
SEARCH = """
MATCH (d:Declaration)
WHERE ($id IS NULL OR toLower(d.id) CONTAINS $id)
  AND ($start IS NULL OR substring(toString(d.date), 0, 10) >= $start)
  AND ($end IS NULL OR substring(toString(d.date), 0, 10) <= $end)
  AND ($trader IS NULL OR EXISTS {
    MATCH (d)-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t:Trader)
    WHERE toLower(t.ref) CONTAINS $trader OR toLower(coalesce(t.name, '')) CONTAINS $trader })
WITH d ORDER BY toString(d.date) DESC, d.id DESC LIMIT $limit
OPTIONAL MATCH (d)-[:IMPORTED_BY]->(i)
OPTIONAL MATCH (d)-[:EXPORTED_BY]->(x)
OPTIONAL MATCH (d)-[:DECLARED_BY]->(b)
OPTIONAL MATCH (d)-[:SHIPPED_IN]->(k)
OPTIONAL MATCH (s:Selection)-[:SELECTION_OF]->(d)
RETURN d {.*} AS declaration, i.ref AS importer, i.name AS importer_name, x.ref AS exporter,
       b.ref AS declarant, k.ref AS container, s.lane AS selected_lane,
       COUNT { (:Control)-[:CONTROL_OF]->(d) } AS controls
ORDER BY toString(d.date) DESC, d.id DESC
"""


# Controls that seized goods, with what the WCO seizure format reports: the declaration's
# office, route and conveyance, and the nationality (persons) or country (traders) of the
# parties it names, each party only when the viewer may see it.
SEIZURES = (
    """
MATCH (c:Control)-[:CONTROL_OF]->(d:Declaration)
WHERE coalesce(c.seized_json, '[]') <> '[]'
WITH c, d, coalesce(c.seizure_date, substring(toString(c.date), 0, 10)) AS day
WHERE ($start IS NULL OR day >= $start) AND ($end IS NULL OR day <= $end)
CALL (d) {
  OPTIONAL MATCH (d)-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(e:Entity)
  WHERE """
    + ENTITY_VISIBLE
    + """
  RETURN collect(DISTINCT coalesce(e.nationality, e.country)) AS nationalities
}
RETURN c.id AS control, day AS date, d.id AS declaration, d.office AS office,
       d.origin AS origin, d.departure AS departure, d.destination AS destination,
       d.mode AS mode, c.seized_json AS seized, c.finding AS finding,
       c.extra_json AS extra_json, nationalities,
       head([(d)-[:SHIPPED_IN]->(x) | x.name]) AS container,
       head([(d)-[:CARRIED_BY]->(x) | x.name]) AS vessel,
       head([(d)-[:TRANSPORTED_BY]->(x) | x.name]) AS vehicle
ORDER BY day, c.id
LIMIT $limit
"""
)


class DeclarationRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def search(self, text: str | None, trader: str | None, start: str | None,
               end: str | None, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
        """Declarations matching every criterion given (case-insensitive parts of the id or
        of a party's id or name; dates inclusive), newest first."""
        return self.graph.query(SEARCH, {
            "id": text.lower() if text else None, "trader": trader.lower() if trader else None,
            "start": start, "end": end, "limit": limit})

    def seizures(self, start: str | None, end: str | None, viewer: dict[str, str],
                 limit: int = 100_000) -> list[dict[str, Any]]:
        """One row per seized item of the controls between ``start`` and ``end`` (ISO
        dates, inclusive; the seizure date, else the control's)."""
        rows = []
        for row in self.graph.query(SEIZURES, {"start": start, "end": end, "viewer": viewer,
                                               "limit": limit}):
            items = _loads(row.pop("seized")) or []
            extra = _loads(row.pop("extra_json")) or {}
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    rows.append({**row, "item": item,
                                 "extra": extra if isinstance(extra, dict) else {}})
        return rows

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
        "selection": rows[0]["selection"],
        "parties": tx_run(tx, PARTIES, id=declaration_id, viewer=viewer),
        "reports": tx_run(tx, PARTY_REPORTS, id=declaration_id, viewer=viewer,
                          limit=LIST_LIMIT),
    }
