"""What the dashboard counts (open reports, cases, tasks...), read for the page."""

from __future__ import annotations

from graph.connection import Graph
from graph.dashboard import DashboardRepository


def counts(graph: Graph) -> dict[str, int]:
    return DashboardRepository(graph).counts()
