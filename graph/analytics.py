"""Network analytics over the subgraph the explorer fetched: pure functions over networkx.

The explorer never runs these on the whole database: it sends a bounded subgraph (at most
a few hundred nodes) and the numbers describe what the officer sees. Exact betweenness
costs O(nodes x edges): 2.7 s of one core for a 398-node hub picture. Up to
``EXACT_BELOW`` nodes it is exact; above, it is estimated from ``SAMPLES`` source nodes
drawn with a fixed seed (repeatable), and Louvain stops at its first level, so one
request's cost has a ceiling whatever the data. Directions do not matter for who is
connected to whom, so the functions work on the undirected simple view of the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

EXACT_BELOW = 150  # nodes: exact betweenness and full Louvain up to here
SAMPLES = 100  # source nodes sampled for betweenness above EXACT_BELOW
SEED = 7


def build_graph(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) -> nx.Graph:
    """An undirected simple graph from explorer nodes (``id``) and edges (``source``, ``target``).

    Parallel relations collapse into one edge; edges to unknown nodes are dropped.

    >>> g = build_graph([{"id": "a"}, {"id": "b"}], [{"source": "a", "target": "b"},
    ...     {"source": "b", "target": "a"}, {"source": "a", "target": "zz"}])
    >>> sorted(g.nodes()), g.number_of_edges()
    (['a', 'b'], 1)
    """
    graph = nx.Graph()
    graph.add_nodes_from(node["id"] for node in nodes)
    for edge in edges:
        if edge["source"] in graph and edge["target"] in graph and edge["source"] != edge["target"]:
            graph.add_edge(edge["source"], edge["target"])
    return graph


def communities(graph: nx.Graph, seed: int = SEED) -> dict[str, int]:
    """Community number per node (Louvain; 0 is the largest community; above
    ``EXACT_BELOW`` nodes only Louvain's first level, whose cost is one pass).

    Numbers are ordered by community size, then by smallest node id, so the colours of a
    chart stay the same when it is computed again.

    Parameters
    ----------
    graph : nx.Graph
        The fetched subgraph.
    seed : int
        Louvain is randomised; a fixed seed makes the result repeatable.

    Examples
    --------
    Two triangles joined by one bridge form two communities:

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"),
    ...               ("c", "x")])
    >>> parts = communities(g)
    >>> parts["a"] == parts["b"] == parts["c"], parts["x"] == parts["y"] == parts["z"]
    (True, True)
    >>> parts["a"] != parts["x"]
    True
    >>> communities(nx.Graph())
    {}
    """
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_edges() == 0:
        groups = [{node} for node in graph.nodes()]
    else:
        big = graph.number_of_nodes() > EXACT_BELOW
        groups = (
            next(nx.community.louvain_partitions(graph, seed=seed))
            if big
            else nx.community.louvain_communities(graph, seed=seed)
        )
    ordered = sorted(groups, key=lambda group: (-len(group), min(map(str, group))))
    return {node: number for number, group in enumerate(ordered) for node in group}


def centrality(graph: nx.Graph) -> dict[str, dict[str, float]]:
    """Degree (number of neighbours), degree centrality and betweenness for each node.

    Betweenness is normalised to [0, 1]; it shows the brokers through whom the rest of the
    network connects. Exact up to ``EXACT_BELOW`` nodes; above, sampled from ``SAMPLES``
    source nodes with a fixed seed, so the cost is bounded and a chart recomputed gives the
    same numbers.

    Examples
    --------
    In a path a - b - c the middle node lies on the only path between the ends:

    >>> c = centrality(nx.Graph([("a", "b"), ("b", "c")]))
    >>> c["b"]["betweenness"], c["a"]["betweenness"], c["b"]["degree"]
    (1.0, 0.0, 2)
    >>> c["a"]["degree_centrality"]
    0.5
    """
    if graph.number_of_nodes() == 0:
        return {}
    sample = SAMPLES if graph.number_of_nodes() > EXACT_BELOW else None
    between = nx.betweenness_centrality(graph, k=sample, normalized=True, seed=SEED)
    degree_c = nx.degree_centrality(graph)
    return {
        node: {
            "degree": int(graph.degree(node)),
            "degree_centrality": round(float(degree_c[node]), 4),
            "betweenness": round(float(between[node]), 4),
        }
        for node in graph.nodes()
    }


def annotate(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy of ``nodes`` with ``community``, ``degree``, ``degree_centrality``, ``betweenness``.

    >>> out = annotate([{"id": "a"}, {"id": "b"}, {"id": "c"}],
    ...                [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}])
    >>> [(n["id"], n["degree"], n["community"]) for n in out]
    [('a', 1, 0), ('b', 2, 0), ('c', 1, 0)]
    """
    graph = build_graph(nodes, edges)
    parts = communities(graph)
    scores = centrality(graph)
    return [
        {**node, "community": parts.get(node["id"]), **scores.get(node["id"], {})} for node in nodes
    ]
