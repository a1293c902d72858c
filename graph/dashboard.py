"""Counts for the dashboard, read from Neo4j's count store (cheap at any size)."""

from __future__ import annotations

from graph.connection import Graph

COUNTS = """
RETURN COUNT { (:Report) } AS reports,
       COUNT { (:Source) } AS sources,
       COUNT { (:Entity) } AS entities,
       COUNT { (:Trader) } AS traders,
       COUNT { (:Person) } AS persons,
       COUNT { (:Declaration) } AS declarations,
       COUNT { (:Control) } AS controls,
       COUNT { (:Case) } AS cases,
       COUNT { (:User) } AS users,
       COUNT { (:Unit) } AS units
"""


class DashboardRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def counts(self) -> dict[str, int]:
        return self.graph.query(COUNTS)[0]
