"""Post-clearance audit (PCA): the audit plan and the audits it assigns.

The plan ranks traders by their stored risk score (``t.risk_score``, written by the risk
service at training, after each import and on each control) with what they did in a chosen
period: their declarations (as importer, exporter or declarant), the controls of those
declarations, the positive ones, the revenue found.

``(:Audit {id, trader, period_from, period_to, created_at, created_by, findings_at,
findings_by, finding})`` is planned on a trader (``-[:AUDIT_OF]->(:Trader)``), covers the
trader's declarations of the period as they were when it was planned
(``-[:COVERS]->(:Declaration)``), is worked as a standing task (``-[:TASKED_AS]->(:Task)``,
graph/tasks.py) and its findings are controls (``-[:FOUND]->(:Control)``) written by the
one control path of the risk service, so they reach hit rates and scores like any control.
"""

from __future__ import annotations

from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.tasks import TASK_VISIBLE

# Declarations of ``t`` in [$from, $to] (dates compared on their first ten characters, so
# a date-time declaration counts on its day).
_PERIOD_DECLARATIONS = """
MATCH (d:Declaration)-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t)
WHERE substring(d.date, 0, 10) >= $from AND substring(d.date, 0, 10) <= $to
"""

PLAN = (
    """
MATCH (t:Trader) WHERE t.risk_score IS NOT NULL
CALL (t) {
"""
    + _PERIOD_DECLARATIONS
    + """
  WITH DISTINCT d
  OPTIONAL MATCH (c:Control)-[:CONTROL_OF]->(d)
  RETURN count(DISTINCT d) AS declarations, count(c) AS controls,
         sum(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) AS hits,
         sum(coalesce(c.revenue, 0.0)) AS revenue
}
WITH t, declarations, controls, hits, revenue WHERE declarations > 0
WITH t, declarations, controls, hits, revenue
ORDER BY t.risk_score DESC, t.id LIMIT $limit
RETURN coalesce(t.ref, substring(t.id, 7)) AS ref, t.id AS entity_id, t.name AS name,
       coalesce(t.aeo, false) AS aeo, t.risk_score AS score, declarations, controls, hits,
       revenue,
       COLLECT { MATCH (a:Audit)-[:AUDIT_OF]->(t)
                 RETURN a.id ORDER BY a.created_at DESC }[0] AS last_audit
"""
)

TRADER_DECLARATIONS = (
    """
MATCH (t:Trader {id: 'trader:' + $ref})
RETURN t.name AS name, COLLECT {
"""
    + _PERIOD_DECLARATIONS
    + """
  RETURN DISTINCT d.id AS id ORDER BY id LIMIT $limit
} AS declarations
"""
)

CREATE_AUDIT = """
MATCH (t:Trader {id: 'trader:' + $ref})
MATCH (task:Task {id: $task_id})
CREATE (a:Audit {id: $id, trader: $ref, period_from: $from, period_to: $to,
                 created_at: $now, created_by: $by})
CREATE (a)-[:AUDIT_OF]->(t)
CREATE (a)-[:TASKED_AS]->(task)
WITH a
UNWIND $declarations AS declaration_id
MATCH (d:Declaration {id: declaration_id})
CREATE (a)-[:COVERS]->(d)
RETURN count(*) AS covered
"""

# ``tr`` the audited trader, ``t`` the audit's task (the name TASK_VISIBLE reads).
_AUDIT_FIELDS = """
a {.*} AS audit, tr.name AS trader_name, tr.id AS trader_entity,
coalesce(tr.aeo, false) AS aeo, tr.risk_score AS score,
t {.id, .title, .status, .due} AS task,
[(t)-[:ASSIGNED_TO]->(u:User) | coalesce(u.name, u.email)][0] AS assignee,
[(t)-[:ASSIGNED_TO_UNIT]->(unit:Unit) | unit.name][0] AS unit
"""

GET_AUDIT = (
    """
MATCH (a:Audit {id: $id})-[:AUDIT_OF]->(tr:Trader)
MATCH (a)-[:TASKED_AS]->(t:Task)
CALL (a) {
  MATCH (a)-[:COVERS]->(d:Declaration)
  OPTIONAL MATCH (c:Control)-[:CONTROL_OF]->(d)
  WITH a, d, c ORDER BY d.id, c.date
  WITH d, collect(CASE WHEN c IS NULL THEN null
                  ELSE {id: c.id, date: c.date, lane: c.lane, result: c.result,
                        revenue: c.revenue, finding: c.finding,
                        by_audit: EXISTS { (a)-[:FOUND]->(c) }} END) AS controls
  RETURN collect({id: d.id, date: d.date, controls: controls}) AS declarations
}
RETURN """
    + _AUDIT_FIELDS
    + """, declarations, """
    + TASK_VISIBLE
    + """ AS tasked
"""
)

AUDITS = (
    """
MATCH (a:Audit)-[:AUDIT_OF]->(tr:Trader)
MATCH (a)-[:TASKED_AS]->(t:Task)
WITH a, tr, t ORDER BY CASE t.status WHEN 'in_progress' THEN 0 WHEN 'open' THEN 1
                              ELSE 2 END, a.created_at DESC
LIMIT $limit
RETURN """
    + _AUDIT_FIELDS
)

RECORD_FINDINGS = """
MATCH (a:Audit {id: $id})
SET a.findings_at = $now, a.findings_by = $by, a.finding = $finding
WITH a
UNWIND $controls AS control_id
MATCH (c:Control {id: control_id})
MERGE (a)-[:FOUND]->(c)
RETURN count(*) AS found
"""

EXISTING_CONTROLS = """
UNWIND $ids AS id
MATCH (c:Control {id: id})
WHERE NOT EXISTS { (:Audit {id: $audit})-[:FOUND]->(c) }
RETURN c.id AS id
"""


class AuditRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def plan(self, period_from: str, period_to: str, limit: int) -> list[dict[str, Any]]:
        """Traders active in the period, highest stored score first, with their counts."""
        return self.graph.query(PLAN, {"from": period_from, "to": period_to, "limit": limit})

    def trader_declarations(
        self, ref: str, period_from: str, period_to: str, limit: int
    ) -> dict[str, Any]:
        rows = self.graph.query(
            TRADER_DECLARATIONS, {"ref": ref, "from": period_from, "to": period_to, "limit": limit}
        )
        if not rows:
            raise NotFound(f"no trader {ref}")
        return rows[0]

    def create(
        self, audit_id: str, ref: str, task_id: str, period_from: str, period_to: str,
        declarations: list[str], by: str,
    ) -> None:
        self.graph.write(
            tx_run, CREATE_AUDIT, id=audit_id, ref=ref, task_id=task_id, **{"from": period_from},
            to=period_to, declarations=declarations, by=by, now=utc_now(),
        )

    def get(self, viewer: dict[str, str], audit_id: str) -> dict[str, Any]:
        rows = self.graph.query(GET_AUDIT, {"id": audit_id, "viewer": viewer})
        if not rows:
            raise NotFound(f"no audit {audit_id}")
        row = rows[0]
        for d in row["declarations"]:
            d["controls"] = [c for c in d["controls"] if c]
        return row

    def audits(self, limit: int = 100) -> list[dict[str, Any]]:
        return self.graph.query(AUDITS, {"limit": limit})

    def others_controls(self, audit_id: str, control_ids: list[str]) -> list[str]:
        """Of ``control_ids``, those already recorded and not by this audit."""
        rows = self.graph.query(EXISTING_CONTROLS, {"ids": control_ids, "audit": audit_id})
        return [r["id"] for r in rows]

    def record_findings(self, audit_id: str, controls: list[str], finding: str | None,
                        by: str) -> None:
        self.graph.write(tx_run, RECORD_FINDINGS, id=audit_id, controls=controls,
                         finding=finding, by=by, now=utc_now())
