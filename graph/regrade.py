"""Source regrading: how the reports of each source fared against later controls, and the
decisions taken on the suggested grades.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph
from graph.errors import NotFound

# Outcomes of the reports of each source: controls on the traders a report named, within
# 180 days after it was received (positive = the report pointed at something real).
SOURCE_OUTCOMES = """
MATCH (s:Source)<-[:FROM_SOURCE]-(r:Report)-[:MENTIONS]->(e:Entity)
OPTIONAL MATCH (e)-[:DIRECTOR_OF|OWNER_OF|SHAREHOLDER_OF|USES_PHONE*0..1]-(t:Trader)
WITH s, r, collect(DISTINCT t) AS traders
UNWIND traders AS t
MATCH (d:Declaration)-[:IMPORTED_BY]->(t)
MATCH (c:Control)-[:CONTROL_OF]->(d)
WHERE toString(c.date) >= substring(toString(r.received), 0, 10)
  AND date(substring(toString(c.date), 0, 10))
      <= date(substring(toString(r.received), 0, 10)) + duration({days: 180})
WITH s, r, any(x IN collect(c.result) WHERE x = 'positive') AS confirmed
RETURN s.id AS source, coalesce(s.reliability, s.grade) AS grade,
       count(r) AS tested, sum(CASE WHEN confirmed THEN 1 ELSE 0 END) AS confirmed
"""

SAVE_REGRADE = """
MATCH (s:Source {id: $source})
MERGE (g:RegradeSuggestion {id: $id})
SET g.source = $source, g.current = $current, g.suggested = $suggested, g.tested = $tested,
    g.confirmed = $confirmed, g.decision = $decision, g.at = $now, g.by = $by
WITH s, g
FOREACH (_ IN CASE WHEN $decision = 'accepted' THEN [1] ELSE [] END |
  SET s.reliability = $suggested, s.regraded_at = $now)
RETURN g.id AS id
"""


class RegradeRepository:
    """Source outcomes and regrade decisions."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def source_outcomes(self) -> list[dict[str, Any]]:
        return self.graph.query(SOURCE_OUTCOMES)

    def save_regrade(self, suggestion: Mapping[str, Any], decision: str, by: str) -> str:
        rows = self.graph.query(
            SAVE_REGRADE,
            {
                "id": f"{suggestion['source']}/{utc_now()}",
                "source": suggestion["source"],
                "current": suggestion.get("current"),
                "suggested": suggestion["suggested"],
                "tested": suggestion["tested"],
                "confirmed": suggestion["confirmed"],
                "decision": decision,
                "by": by,
                "now": utc_now(),
            },
            write=True,
        )
        if not rows:
            raise NotFound(f"no source {suggestion['source']}")
        return rows[0]["id"]
