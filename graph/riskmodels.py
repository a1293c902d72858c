"""Risk settings (thresholds, random rate, the active model) and the trained models."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound

SETTINGS = "MATCH (s:RiskSettings {id: 'current'}) RETURN s {.*} AS settings"

UPDATE_SETTINGS = """
MERGE (s:RiskSettings {id: 'current'})
SET s += $changes, s.updated_at = $now, s.updated_by = $by
RETURN s {.*} AS settings
"""

SAVE_MODEL = """
MERGE (m:RiskModel {version: $version})
ON CREATE SET m.created_at = $now
SET m.json = $json, m.trained = $trained, m.n_train = $n_train, m.n_positive = $n_positive,
    m.metrics_json = $metrics, m.created_by = $by
WITH m
MERGE (s:RiskSettings {id: 'current'})
SET s.model_version = m.version, s.controls_since_model = 0, s.controls_at_model = $controls
RETURN m.version AS version
"""

GET_MODEL = "MATCH (m:RiskModel {version: $version}) RETURN m.json AS json"

LIST_MODELS = """
MATCH (m:RiskModel)
RETURN m.version AS version, m.trained AS trained, m.created_at AS created_at,
       m.n_train AS n_train, m.n_positive AS n_positive, m.metrics_json AS metrics
ORDER BY m.created_at DESC LIMIT $limit
"""

COUNT_CONTROLS = "MATCH (c:Control) RETURN count(c) AS n"


class RiskModelRepository:
    """The one settings node and the stored models."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    @staticmethod
    def settings_in(tx: Any) -> dict[str, Any]:
        """The settings read inside a transaction (a write that rescores has no other)."""
        rows = tx_run(tx, SETTINGS)
        return rows[0]["settings"] if rows else {}

    @staticmethod
    def model_json_in(tx: Any, version: str) -> str | None:
        rows = tx_run(tx, GET_MODEL, version=version)
        return rows[0]["json"] if rows else None

    def settings(self) -> dict[str, Any]:
        rows = self.graph.query(SETTINGS)
        return rows[0]["settings"] if rows else {}

    def update_settings(self, changes: Mapping[str, Any], by: str) -> dict[str, Any]:
        rows = self.graph.query(
            UPDATE_SETTINGS, {"changes": dict(changes), "now": utc_now(), "by": by}, write=True
        )
        return rows[0]["settings"]

    def save_model(
        self,
        version: str,
        model_json: str,
        trained: str,
        n_train: int,
        n_positive: int,
        metrics: Mapping[str, Any],
        by: str,
        controls: int,
    ) -> str:
        rows = self.graph.query(
            SAVE_MODEL,
            {
                "version": version,
                "json": model_json,
                "trained": trained,
                "n_train": n_train,
                "n_positive": n_positive,
                "metrics": json.dumps(metrics),
                "by": by,
                "now": utc_now(),
                "controls": controls,
            },
            write=True,
        )
        return rows[0]["version"]

    def model_json(self, version: str) -> str:
        rows = self.graph.query(GET_MODEL, {"version": version})
        if not rows:
            raise NotFound(f"no risk model {version}")
        return rows[0]["json"]

    def models(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self.graph.query(LIST_MODELS, {"limit": limit})
        for r in rows:
            r["metrics"] = json.loads(r["metrics"] or "{}")
        return rows

    def count_controls(self) -> int:
        return int(self.graph.query(COUNT_CONTROLS)[0]["n"])
