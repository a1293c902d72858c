"""Saved explorer charts: a JSON document of nodes, edges, positions and filters.

A chart stores what the officer arranged, not what they may see: when it is opened again
its node ids go back through the network repository, so a node the reader may not (or no
longer) see drops out. A chart is readable by its author and by whoever may read a case it
is attached to (``(:Case)-[:HAS_CHART]->(:Chart)``, linked by the cases feature).
"""

from __future__ import annotations

import builtins
import json
import uuid
from typing import Any

from graph.cases import CASE_VISIBLE  # one rule for who sees a case, owned by cases
from graph.clock import utc_now
from graph.connection import Graph
from graph.errors import NotFound
from graph.network import NetworkRepository

MAX_CHART_BYTES = 512_000
MAX_CHART_NODES = 500

CREATE_CHART = """
CREATE (ch:Chart {id: $id, title: $title, json: $json, created_by: $viewer.id,
                  created_at: $now, node_count: $node_count})
RETURN ch.id AS id
"""

ATTACH_CHART = (
    """
MATCH (ch:Chart {id: $chart_id}), (c:Case {id: $case_id})
WHERE """
    + CASE_VISIBLE
    + """
MERGE (c)-[link:HAS_CHART]->(ch)
ON CREATE SET link.by = $viewer.id, link.at = $now
RETURN c.id AS case_id
"""
)

GET_CHART = (
    """
MATCH (ch:Chart {id: $id})
WHERE ch.created_by = $viewer.id
   OR EXISTS { MATCH (c:Case)-[:HAS_CHART]->(ch) WHERE """
    + CASE_VISIBLE
    + """ }
RETURN ch {.id, .title, .json, .created_by, .created_at,
           cases: [(c:Case)-[:HAS_CHART]->(ch) WHERE """
    + CASE_VISIBLE
    + """ | c.id]} AS chart
"""
)

LIST_CHARTS = (
    """
MATCH (ch:Chart)
WHERE ch.created_by = $viewer.id
   OR EXISTS { MATCH (c:Case)-[:HAS_CHART]->(ch) WHERE """
    + CASE_VISIBLE
    + """ }
RETURN ch {.id, .title, .created_at, .node_count} AS chart
ORDER BY ch.created_at DESC
LIMIT $limit
"""
)

CASES_FOR_VIEWER = (
    """
MATCH (c:Case)
WHERE coalesce(c.status, 'open') <> 'closed' AND """
    + CASE_VISIBLE
    + """
RETURN c.id AS id, coalesce(c.title, c.id) AS title
ORDER BY title
LIMIT 200
"""
)


def validate_chart(document: Any) -> dict[str, Any]:
    """Check a chart document and keep only its known parts (ValueError with the reason).

    >>> validate_chart({"title": "Ring", "nodes": [{"id": "a", "x": 1, "y": 2}],
    ...                 "edges": [], "filters": {"depth": 2}})["title"]
    'Ring'
    >>> validate_chart({"title": "", "nodes": []})
    Traceback (most recent call last):
    ...
    ValueError: a chart needs a title
    """
    if not isinstance(document, dict):
        raise ValueError("a chart is a JSON object")
    title = str(document.get("title") or "").strip()
    if not title:
        raise ValueError("a chart needs a title")
    if len(title) > 200:
        raise ValueError("the title is longer than 200 characters")
    nodes = document.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise ValueError("a chart needs a list of nodes")
    if len(nodes) > MAX_CHART_NODES:
        raise ValueError(f"a chart holds at most {MAX_CHART_NODES} nodes")
    clean_nodes = []
    for node in nodes:
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            raise ValueError("every node needs an id")
        item: dict[str, Any] = {"id": node["id"][:300]}
        for axis in ("x", "y"):
            if isinstance(node.get(axis), int | float):
                item[axis] = float(node[axis])
        clean_nodes.append(item)
    edges = document.get("edges") or []
    if not isinstance(edges, list):
        raise ValueError("edges must be a list")
    clean_edges = []
    for edge in edges:
        if not isinstance(edge, dict) or not all(
            isinstance(edge.get(k), str) for k in ("source", "target", "type")
        ):
            raise ValueError("every edge needs source, target and type")
        clean_edges.append({k: edge[k][:300] for k in ("source", "target", "type")})
    filters = document.get("filters") or {}
    if not isinstance(filters, dict):
        raise ValueError("filters must be an object")
    clean = {"title": title, "nodes": clean_nodes, "edges": clean_edges, "filters": filters}
    if len(json.dumps(clean)) > MAX_CHART_BYTES:
        raise ValueError("the chart is too large")
    return clean


class ChartRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(
        self, document: dict[str, Any], viewer: dict[str, str], case_id: str | None = None
    ) -> dict[str, Any]:
        """Store a validated chart, and attach it to ``case_id`` when the viewer may see it.

        Both happen in one transaction: a refused case leaves no orphan chart behind.
        """
        chart_id = "chart-" + uuid.uuid4().hex[:12]

        def work(tx: Any) -> dict[str, Any]:
            now = utc_now()
            tx.run(
                CREATE_CHART,
                id=chart_id,
                title=document["title"],
                json=json.dumps(document),
                viewer=viewer,
                now=now,
                node_count=len(document["nodes"]),
            ).consume()
            if case_id:
                row = tx.run(
                    ATTACH_CHART, chart_id=chart_id, case_id=case_id, viewer=viewer, now=now
                ).single()
                if row is None:
                    raise NotFound(f"no case {case_id}")
            return {"id": chart_id, "title": document["title"], "case_id": case_id}

        return self.graph.write(work)

    def get(self, chart_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        rows = self.graph.query(GET_CHART, {"id": chart_id, "viewer": viewer})
        if not rows:
            raise NotFound(f"no chart {chart_id}")
        chart = rows[0]["chart"]
        document = json.loads(chart.pop("json"))
        # the stored ids go through the reader's visibility: what they may not see drops out
        ids = [node["id"] for node in document.get("nodes") or ()]
        seen = NetworkRepository(self.graph).visible_ids(ids, viewer) if ids else set()
        document["nodes"] = [node for node in document.get("nodes") or () if node["id"] in seen]
        document["edges"] = [
            edge for edge in document.get("edges") or ()
            if edge["source"] in seen and edge["target"] in seen
        ]
        chart["document"] = document
        return chart

    def list(self, viewer: dict[str, str], limit: int = 50) -> list[dict[str, Any]]:
        return [
            r["chart"] for r in self.graph.query(LIST_CHARTS, {"viewer": viewer, "limit": limit})
        ]

    def cases_for(self, viewer: dict[str, str]) -> builtins.list[dict[str, Any]]:
        """Open cases the viewer may attach a chart to (none until the cases feature exists)."""
        return self.graph.query(CASES_FOR_VIEWER, {"viewer": viewer})
