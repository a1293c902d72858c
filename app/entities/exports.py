"""Network exports: GraphML (Gephi, networkx) and the CSV tables i2 Analyst's Notebook imports.

Both take the same ``Network`` the explorer draws, so an export holds exactly the nodes
and edges the officer saw, with no extra attribute that the JSON did not carry.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import networkx as nx

from app.spreadsheet import safe_cell
from graph.exchange.records import FORBIDDEN_CHARACTERS
from graph.network import Network

_NODE_ATTRS = (
    "kind",
    "name",
    "reference",
    "label",
    "status",
    "risk",
    "seized",
    "date",
    "community",
    "degree",
    "betweenness",
)
_EDGE_ATTRS = ("type", "date", "evidence", "count")


def _printable(text: str) -> str:
    """Characters no field may hold (records.FORBIDDEN_CHARACTERS: not XML, or reordering
    what a reader sees) as U+FFFD, for data stored before input refused them."""
    return FORBIDDEN_CHARACTERS.sub("\ufffd", text)


def _clean(value: Any) -> Any:
    """GraphML takes str, int, float and bool only; None is left out."""
    if isinstance(value, str):
        return _printable(value)
    if isinstance(value, bool | int | float):
        return value
    if value is None:
        return None
    return _printable(str(value))


def to_networkx(network: Network) -> nx.MultiDiGraph:
    """One node per node, one edge per (source, type, target), keyed by the relation type."""
    graph = nx.MultiDiGraph()
    for node in network.nodes:
        attrs = {k: _clean(node.get(k)) for k in _NODE_ATTRS}
        graph.add_node(_clean(node["id"]), **{k: v for k, v in attrs.items() if v is not None})
    for edge in network.edges:
        attrs = {k: _clean(edge.get(k)) for k in _EDGE_ATTRS}
        graph.add_edge(
            _clean(edge["source"]),
            _clean(edge["target"]),
            key=_clean(edge["type"]),
            **{k: v for k, v in attrs.items() if v is not None},
        )
    return graph


def to_graphml(network: Network) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(network), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


ENTITY_COLUMNS = [
    "Entity ID",
    "Entity Type",
    "Label",
    "Extraction Label",
    "Status",
    "Risk",
    "Seized",
    "Date",
]
LINK_COLUMNS = [
    "Link ID",
    "From ID",
    "From Type",
    "From Label",
    "To ID",
    "To Type",
    "To Label",
    "Link Type",
    "Date",
    "Source",
    "Count",
]


def _safe_cell(value: Any) -> str:
    """Spreadsheet-safe text (``app.spreadsheet``), with characters no field may hold
    replaced: i2 refuses them."""
    return safe_cell(_printable(value) if isinstance(value, str) else value)


def to_i2_tables(network: Network) -> tuple[str, str]:
    """``entities.csv`` and ``links.csv``: each link row repeats both ends' identity, type and
    label, so the links table alone is importable with an i2 import specification."""
    by_id = {node["id"]: node for node in network.nodes}
    entities = io.StringIO()
    writer = csv.writer(entities)
    writer.writerow(ENTITY_COLUMNS)
    for node in network.nodes:
        writer.writerow(
            [
                _safe_cell(v)
                for v in (
                    node["id"],
                    node["kind"],
                    node["name"],
                    node.get("label"),
                    node.get("status"),
                    node.get("risk"),
                    "yes" if node.get("seized") else "no",
                    node.get("date"),
                )
            ]
        )
    links = io.StringIO()
    writer = csv.writer(links)
    writer.writerow(LINK_COLUMNS)
    for edge in network.edges:
        a, b = by_id[edge["source"]], by_id[edge["target"]]
        writer.writerow(
            [
                _safe_cell(v)
                for v in (
                    edge["id"],
                    a["id"],
                    a["kind"],
                    a["name"],
                    b["id"],
                    b["kind"],
                    b["name"],
                    edge["type"],
                    edge.get("date"),
                    edge.get("evidence"),
                    edge.get("count"),
                )
            ]
        )
    return entities.getvalue(), links.getvalue()


def to_i2_zip(network: Network) -> bytes:
    entities, links = to_i2_tables(network)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("entities.csv", entities)
        archive.writestr("links.csv", links)
    return buffer.getvalue()
