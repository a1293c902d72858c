"""Stored trader risk scores (ranked at training, after each import and on each control)
and the AEO traders' network-exposure watch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run

ALL_TRADERS = "MATCH (t:Trader) RETURN coalesce(t.ref, substring(t.id, 7)) AS ref"

COMMODITY_STATS = """
MATCH (s:RiskStat) WHERE s.dimension IN ['hs2', 'hs4', 'hs6', 'hs6_origin', 'overall']
RETURN s.dimension AS dimension, s.key AS key, s.n_controls AS n_controls,
       s.n_positive AS n_positive, s.revenue AS revenue
"""

PARTIES_OF_DECLARATIONS = """
UNWIND $ids AS id
MATCH (d:Declaration {id: id})-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t:Trader)
RETURN DISTINCT coalesce(t.ref, substring(t.id, 7)) AS ref
"""

TRADER_HISTORY_STATS = """
UNWIND $keys AS k
MATCH (s:RiskStat {dimension: k[0], key: k[1]})
RETURN s.dimension AS dimension, s.key AS key, s.n_controls AS n_controls,
       s.n_positive AS n_positive, s.revenue AS revenue
"""

# Precomputed ranking, written at training, by the import's pass after each file and by
# recorded controls.
STORE_TRADER_SCORES = """
UNWIND $rows AS row
MATCH (t:Entity {id: 'trader:' + row.ref})
SET t.risk_score = row.score, t.risk_reasons_json = row.reasons,
    t.risk_exposure = row.exposure, t.risk_model = $model, t.risk_scored_at = $now
"""

# Import batches only mark the traders they touched; their scores are refreshed once when
# the import ends (a trader in every batch is ranked once, not once per batch). A mark
# left by an interrupted import is picked up by the next import or training. A trader
# already marked is not written again (hub traders appear in every batch).
MARK_TRADERS_STALE = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
WHERE t.risk_stale IS NULL
SET t.risk_stale = true
"""

MARK_PARTIES_STALE = """
UNWIND $ids AS id
MATCH (:Declaration {id: id})-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t:Trader)
WITH DISTINCT t WHERE t.risk_stale IS NULL
SET t.risk_stale = true
"""

STALE_TRADERS = """
MATCH (t:Trader) WHERE t.risk_stale = true
RETURN coalesce(t.ref, substring(t.id, 7)) AS ref
LIMIT $limit
"""

CLEAR_STALE = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
REMOVE t.risk_stale
"""

RANKED_TRADERS = """
MATCH (t:Trader) WHERE t.risk_score IS NOT NULL
WITH t ORDER BY t.risk_score DESC, t.id LIMIT $limit
RETURN coalesce(t.ref, substring(t.id, 7)) AS ref, t.name AS name,
       coalesce(t.aeo, false) AS aeo, t.risk_score AS score, t.risk_exposure AS exposure,
       t.risk_reasons_json AS reasons
"""

AEO_TRADERS = """
MATCH (t:Trader) WHERE t.aeo = true
OPTIONAL MATCH (w:RiskAeoWatch {trader: t.ref})
RETURN t.ref AS ref, t.name AS name, coalesce(w.exposure, 0.0) AS baseline, w.at AS since,
       t.aeo_status AS status, t.aeo_level AS level, t.risk_score AS score,
       t.aeo_drift_at IS NOT NULL AS drifted
ORDER BY t.ref LIMIT $limit
"""

ACK_AEO = """
MERGE (w:RiskAeoWatch {trader: $ref})
SET w.exposure = $exposure, w.at = $now, w.by = $by
"""


class TraderScoreRepository:
    """Trader scores: what to rank, where to keep the ranking, the AEO watch."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def all_traders(self) -> list[str]:
        return sorted(r["ref"] for r in self.graph.query(ALL_TRADERS) if r["ref"])

    def commodity_stats(self) -> list[dict[str, Any]]:
        return self.graph.query(COMMODITY_STATS)

    @staticmethod
    def parties_of(tx: Any, declaration_ids: Iterable[str]) -> list[str]:
        return [
            r["ref"]
            for r in tx_run(tx, PARTIES_OF_DECLARATIONS, ids=sorted(set(declaration_ids)))
            if r["ref"]
        ]

    @staticmethod
    def trader_history(tx: Any, keys: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
        return tx_run(tx, TRADER_HISTORY_STATS, keys=[list(k) for k in keys])

    @staticmethod
    def store_trader_scores(tx: Any, rows: Sequence[Mapping[str, Any]], model: str) -> None:
        tx_run(tx, STORE_TRADER_SCORES, rows=list(rows), model=model, now=utc_now())

    @staticmethod
    def mark_stale(tx: Any, refs: Iterable[str] = (), declarations: Iterable[str] = ()) -> None:
        """Flag the traders whose stored score an import batch made out of date."""
        if refs := sorted({str(r) for r in refs if r}):
            tx_run(tx, MARK_TRADERS_STALE, refs=refs)
        if ids := sorted({str(d) for d in declarations if d}):
            tx_run(tx, MARK_PARTIES_STALE, ids=ids)

    @staticmethod
    def stale_traders(tx: Any, limit: int) -> list[str]:
        return [r["ref"] for r in tx_run(tx, STALE_TRADERS, limit=limit) if r["ref"]]

    @staticmethod
    def clear_stale(tx: Any, refs: Sequence[str]) -> None:
        tx_run(tx, CLEAR_STALE, refs=list(refs))

    def ranked_traders(self, limit: int) -> list[dict[str, Any]]:
        rows = self.graph.query(RANKED_TRADERS, {"limit": limit})
        for r in rows:
            r["reasons"] = json.loads(r["reasons"] or "[]")
        return rows

    def aeo_traders(self, limit: int = 1000) -> list[dict[str, Any]]:
        return self.graph.query(AEO_TRADERS, {"limit": limit})

    def acknowledge_aeo(self, ref: str, exposure: float, by: str) -> None:
        self.graph.query(
            ACK_AEO, {"ref": ref, "exposure": exposure, "by": by, "now": utc_now()}, write=True
        )
