"""AEO status history and AEO performance.

``(:AeoStatus {id, trader, status, level, date, note, recorded_at, recorded_by})
-[:STATUS_OF]->(:Trader)``: one line per change of a trader's Authorised Economic
Operator status (granted, suspended, revoked), recorded on the trader's AEO page, through
the API, or from a trader line's ``aeo_history`` in ``flask import``. Its id is
``<trader>/<date>/<status>``, so a re-import records nothing twice. After each change the
trader's ``aeo`` flag (which the risk engine reads) follows the latest status: granted is
an AEO, suspended or revoked is not; ``aeo_status``, ``aeo_level`` and ``aeo_since`` keep
what the pages show.

Performance compares the declarations of AEO and other importers (the current flag):
how many were selected for control (a selection in the yellow, red or blue lane), how
many were controlled, with what hit rate and revenue per control.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.exchange.records import AEO_LEVELS, AEO_STATUSES

__all__ = ["AEO_LEVELS", "AEO_STATUSES", "AeoRepository", "record_statuses", "status_nodes"]


# A first load computes what these two statements write in Python: ``status_nodes``.
RECORD_STATUSES = """
UNWIND $rows AS row
MATCH (t:Trader {id: 'trader:' + row.trader})
MERGE (s:AeoStatus {id: row.trader + '/' + row.date + '/' + row.status})
ON CREATE SET s.trader = row.trader, s.status = row.status, s.date = row.date,
              s.recorded_at = $now, s.recorded_by = $by, s.created = true
SET s.level = row.level, s.note = row.note
MERGE (s)-[:STATUS_OF]->(t)
WITH s, coalesce(s.created, false) AS created
REMOVE s.created
RETURN s.id AS id, created
"""

# The flag follows the latest status (by date, then by when it was recorded), unless
# ``$keep_flag`` (an imported line that states ``aeo`` itself: the register's word stands).
FOLLOW_LATEST = """
UNWIND $refs AS ref
MATCH (t:Trader {id: 'trader:' + ref})
CALL (t) {
  MATCH (s:AeoStatus)-[:STATUS_OF]->(t)
  RETURN s ORDER BY s.date DESC, s.recorded_at DESC LIMIT 1
}
SET t.aeo = CASE WHEN $keep_flag THEN t.aeo ELSE s.status = 'granted' END,
    t.aeo_status = s.status, t.aeo_level = s.level,
    t.aeo_since = s.date
"""

HISTORY = """
MATCH (t:Trader {id: 'trader:' + $ref})
RETURN t.name AS name, t.id AS entity_id, coalesce(t.aeo, false) AS aeo,
       t.aeo_status AS status, t.aeo_level AS level, t.aeo_since AS since,
       t.risk_score AS score,
       COLLECT { MATCH (s:AeoStatus)-[:STATUS_OF]->(t)
                 RETURN s {.status, .level, .date, .note, .recorded_at, .recorded_by}
                 ORDER BY s.date DESC, s.recorded_at DESC } AS history
"""

EXISTS = "MATCH (s:AeoStatus {id: $id}) RETURN s.id AS id"

# Importers' declarations by the importer's AEO flag; each declaration counted once.
PERFORMANCE = """
MATCH (d:Declaration)-[:IMPORTED_BY]->(t:Trader)
WITH DISTINCT d, coalesce(t.aeo, false) AS aeo
OPTIONAL MATCH (s:Selection)-[:SELECTION_OF]->(d)
OPTIONAL MATCH (c:Control)-[:CONTROL_OF]->(d)
WITH aeo, d, s IS NOT NULL AND s.lane IN ['yellow', 'red', 'blue'] AS selected,
     count(c) AS controls, sum(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) AS hits,
     sum(coalesce(c.revenue, 0.0)) AS revenue
RETURN aeo, count(d) AS declarations,
       sum(CASE WHEN selected THEN 1 ELSE 0 END) AS selected,
       sum(CASE WHEN controls > 0 THEN 1 ELSE 0 END) AS controlled,
       sum(CASE WHEN hits > 0 THEN 1 ELSE 0 END) AS hits,
       sum(controls) AS controls, sum(revenue) AS revenue
"""

TRADER_COUNTS = """
MATCH (t:Trader) WHERE t.status = 'confirmed'
RETURN coalesce(t.aeo, false) AS aeo, count(t) AS traders
"""


def record_statuses(tx: Any, rows: Sequence[dict[str, Any]], by: str, *,
                    keep_flag: bool = False) -> list[dict[str, Any]]:
    """Record status lines ``{trader, status, date, level, note}`` and make each trader's
    flag follow its latest status; returns the ids with whether each was new."""
    if not rows:
        return []
    found = tx_run(tx, RECORD_STATUSES, rows=list(rows), by=by, now=utc_now())
    tx_run(tx, FOLLOW_LATEST, refs=sorted({r["trader"] for r in rows}), keep_flag=keep_flag)
    return found


def status_nodes(rows: Sequence[dict[str, Any]], by: str, now: str) -> tuple[
        dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """What :func:`record_statuses` (``keep_flag``) makes of status lines in one go, for
    a first load's files (graph/exchange/bulkderived.py): the status nodes by id, and per
    trader the latest one, whose status, level and date the trader shows."""
    nodes: dict[str, dict[str, Any]] = {}
    for row in rows:
        node = nodes.setdefault(f"{row['trader']}/{row['date']}/{row['status']}", {
            "trader": row["trader"], "status": row["status"], "date": row["date"],
            "recorded_at": now, "recorded_by": by})
        node.update(level=row.get("level"), note=row.get("note"))
    latest: dict[str, dict[str, Any]] = {}
    for node in nodes.values():  # recorded at once: the later date, else the later line
        if node["date"] >= latest.get(node["trader"], {}).get("date", ""):
            latest[node["trader"]] = node
    return nodes, latest


class AeoRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def history(self, ref: str) -> dict[str, Any]:
        rows = self.graph.query(HISTORY, {"ref": ref})
        if not rows:
            raise NotFound(f"no trader {ref}")
        return rows[0]

    def exists(self, status_id: str) -> bool:
        return bool(self.graph.query(EXISTS, {"id": status_id}))

    def record(self, row: dict[str, Any], by: str) -> str:
        found = self.graph.write(record_statuses, [row], by)
        if not found:
            raise NotFound(f"no trader {row['trader']}")
        return found[0]["id"]

    def performance(self) -> list[dict[str, Any]]:
        return self.graph.query(PERFORMANCE)

    def trader_counts(self) -> list[dict[str, Any]]:
        return self.graph.query(TRADER_COUNTS)


# An AEO trader whose stored risk score reached ``$threshold`` is marked once (its
# ``aeo_drift_at``) until it falls back below or loses the status, so each drift alerts once.
# Matched by the entity id (unique index): by :Trader, every ref scanned every trader.
MARK_DRIFT = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref}) WHERE t:Trader
  AND coalesce(t.aeo, false) AND t.risk_score >= $threshold AND t.aeo_drift_at IS NULL
SET t.aeo_drift_at = $now
RETURN ref
"""

CLEAR_DRIFT = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref}) WHERE t:Trader
  AND t.aeo_drift_at IS NOT NULL
  AND (NOT coalesce(t.aeo, false) OR coalesce(t.risk_score, 0.0) < $threshold)
REMOVE t.aeo_drift_at
"""


def mark_drift(tx: Any, refs: Sequence[str], threshold: float) -> list[str]:
    """The AEO traders of ``refs`` whose score just reached ``threshold``."""
    tx_run(tx, CLEAR_DRIFT, refs=list(refs), threshold=threshold)
    return [r["ref"] for r in tx_run(tx, MARK_DRIFT, refs=list(refs), threshold=threshold,
                                     now=utc_now())]
