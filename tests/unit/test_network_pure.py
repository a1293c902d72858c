"""The explorer's pure parts: analytics doctests, query validation, the relationship
whitelist, Lucene escaping and the export formats (no database)."""

import doctest
import io
import zipfile

import networkx as nx
import pytest

import graph.analytics
import graph.charts
import graph.search
from app.entities import exports
from graph import network
from graph.network import Network, parse_query


@pytest.mark.parametrize("module", [graph.analytics, graph.search, graph.charts])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_the_cypher_pattern_spells_exactly_the_whitelist():
    assert network._PATTERN_TYPES.split("|") == list(network.ALL_RELATIONS)
    assert "FROM_SOURCE" not in network.ALL_RELATIONS
    assert "Source" not in network.NODE_KINDS
    for cypher in (network.EXPAND, network.SHORTEST_PATHS, network.INDUCED_EDGES,
                   network.WALK_ENTITY, network.WALK_REPORT, network.WALK_DECLARATION):
        assert network._PATTERN_TYPES in cypher


def test_parse_query_bounds_and_whitelists():
    query = parse_query(
        {
            "depth": "3",
            "types": "uses phone, director_of",
            "kinds": "trader",
            "since": "2025-01-01",
            "until": "2025-12-31T10:00:00Z",
        }
    )
    assert query.depth == 3 and query.types == ("USES_PHONE", "DIRECTOR_OF")
    assert query.kinds == ("Trader",) and query.date_to == "2025-12-31"
    assert parse_query({}).types == network.ALL_RELATIONS
    for bad in (
        {"depth": "4"},
        {"depth": "0"},
        {"types": "FROM_SOURCE"},
        {"types": "USES_PHONE]-() DETACH DELETE n //"},
        {"kinds": "Source"},
        {"kinds": "User"},
        {"since": "2025-02-30"},
        {"limit": "501"},
        {"since": "2025-02-02", "until": "2025-01-01"},
    ):
        with pytest.raises(ValueError):
            parse_query(bad)


def test_lucene_escaping_leaves_no_operator_active():
    query = graph.search.fuzzy_query('name:"x" OR (y~ AND z*) \\')
    assert query == "(name~1 OR name*) AND x* AND or* AND y* AND and* AND z*"
    assert graph.search.fuzzy_query('"\\ ~*') == ""
    assert graph.search.fuzzy_query("") == ""


def _sample() -> Network:
    nodes = [
        {
            "id": "phone:+31105550101",
            "kind": "Phone",
            "name": "+31 10 555 0101",
            "risk": None,
            "seized": False,
            "date": None,
            "community": 0,
            "betweenness": 0.5,
        },
        {
            "id": "trader:NL1",
            "kind": "Trader",
            "name": '=HYPERLINK("x")',
            "risk": 0.8,
            "seized": True,
            "date": None,
            "community": 0,
            "betweenness": 0.0,
        },
    ]
    edges = [
        {
            "id": "a|USES_PHONE|b",
            "source": "trader:NL1",
            "target": "phone:+31105550101",
            "type": "USES_PHONE",
            "date": "2025-01-02",
            "evidence": "register",
            "count": 1,
        },
        {
            "id": "a|RELATED_TO|b",
            "source": "trader:NL1",
            "target": "phone:+31105550101",
            "type": "RELATED_TO",
            "date": None,
            "evidence": None,
            "count": 2,
        },
    ]
    return Network(nodes, edges)


def test_graphml_round_trips_through_networkx_with_parallel_edges():
    loaded = nx.read_graphml(io.BytesIO(exports.to_graphml(_sample())))
    assert set(loaded.nodes()) == {"phone:+31105550101", "trader:NL1"}
    assert {(a, b, k) for a, b, k in loaded.edges(keys=True)} == {
        ("trader:NL1", "phone:+31105550101", "USES_PHONE"),
        ("trader:NL1", "phone:+31105550101", "RELATED_TO"),
    }
    assert loaded.nodes["trader:NL1"]["risk"] == 0.8 and loaded.nodes["trader:NL1"]["seized"]


def test_i2_tables_are_complete_and_formula_safe():
    with zipfile.ZipFile(io.BytesIO(exports.to_i2_zip(_sample()))) as archive:
        entities = archive.read("entities.csv").decode().splitlines()
        links = archive.read("links.csv").decode().splitlines()
    assert entities[0].startswith("Entity ID,Entity Type,Label") and len(entities) == 3
    assert len(links) == 3 and "USES_PHONE" in links[1] + links[2]
    assert "'=HYPERLINK" in "\n".join(entities)  # no formula runs when opened in a sheet
