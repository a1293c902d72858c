"""The committee's risk profiles and their version history."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph

ACTIVE_PROFILES = """
MATCH (p:RiskProfile) WHERE coalesce(p.active, true)
OPTIONAL MATCH (p)-[:BASED_ON]->(r:Report)
WITH p, collect(r.id) AS reports
RETURN p {.*, reports: reports} AS profile ORDER BY p.id
"""

ALL_PROFILES = """
MATCH (p:RiskProfile)
OPTIONAL MATCH (p)-[:BASED_ON]->(r:Report)
WITH p, collect({id: r.id, reference: r.reference, source_grade: r.source_grade,
                 info_grade: r.info_grade}) AS reports
RETURN p {.*, reports: [x IN reports WHERE x.id IS NOT NULL]} AS profile ORDER BY p.id
"""

PROFILE_HISTORY = """
MATCH (v:RiskProfileVersion {profile_id: $id})
RETURN v {.*} AS version ORDER BY v.version DESC
"""

EXISTING_REPORTS = "UNWIND $ids AS id MATCH (r:Report {id: id}) RETURN r.id AS id"

# One statement per change: the current node and its history entry cannot diverge.
SAVE_PROFILE = """
MERGE (p:RiskProfile {id: $id})
ON CREATE SET p.version = 0, p.created_at = $now, p.created_by = $by
WITH p
WHERE p.version = $expected OR $expected IS NULL
SET p += $props, p.version = p.version + 1, p.updated_at = $now, p.updated_by = $by
WITH p
OPTIONAL MATCH (p)-[old:BASED_ON]->(:Report)
DELETE old
WITH DISTINCT p
CALL (p) {
  UNWIND $reports AS rid
  MATCH (r:Report {id: rid})
  MERGE (p)-[:BASED_ON]->(r)
}
CREATE (v:RiskProfileVersion {profile_id: p.id, version: p.version, at: $now, by: $by,
                              change: $change, snapshot_json: $snapshot})
CREATE (v)-[:VERSION_OF]->(p)
WITH p
MERGE (s:RiskSettings {id: 'current'})
SET s.profiles_version = coalesce(s.profiles_version, 0) + 1
RETURN p.version AS version
"""


def profile_from_node(node: Mapping[str, Any]) -> dict[str, Any]:
    """A stored profile as :meth:`risk.selectivity.Profile.parse` reads it."""
    return {
        "id": node["id"], "conditions": json.loads(node.get("conditions_json") or "[]"),
        "rationale": node.get("rationale") or "", "weight": node.get("weight") or 0.0,
        "lane": node.get("lane"), "valid_from": node.get("valid_from"),
        "valid_to": node.get("valid_to"), "name": node.get("name"),
    }


class ProfileRepository:
    """Risk profiles: the active ones scoring applies, every one with its reports."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def active_profiles(self) -> list[dict[str, Any]]:
        return [r["profile"] for r in self.graph.query(ACTIVE_PROFILES)]

    def all_profiles(self) -> list[dict[str, Any]]:
        return [r["profile"] for r in self.graph.query(ALL_PROFILES)]

    def profile_history(self, profile_id: str) -> list[dict[str, Any]]:
        return [r["version"] for r in self.graph.query(PROFILE_HISTORY, {"id": profile_id})]

    def missing_reports(self, ids: Sequence[str]) -> list[str]:
        found = {r["id"] for r in self.graph.query(EXISTING_REPORTS, {"ids": list(ids)})}
        return [i for i in ids if i not in found]

    def save_profile(
        self,
        profile_id: str,
        props: Mapping[str, Any],
        reports: Sequence[str],
        change: str,
        by: str,
        expected: int | None = None,
    ) -> int | None:
        """Write the profile and a history entry; None when ``expected`` version is stale."""
        snapshot = json.dumps({**props, "reports": list(reports)}, sort_keys=True, default=str)
        rows = self.graph.query(
            SAVE_PROFILE,
            {
                "id": profile_id,
                "props": dict(props),
                "reports": list(reports),
                "change": change,
                "by": by,
                "now": utc_now(),
                "expected": expected,
                "snapshot": snapshot,
            },
            write=True,
        )
        return rows[0]["version"] if rows else None
