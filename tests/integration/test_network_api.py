"""Search, entity pages, neighbourhoods, paths, exports and charts on the real graph,
with need-to-know checked per role and unit: a restricted report of another unit, an entity
known only from it, and its source never reach a user through any of them."""

import io
import json
import zipfile

import networkx as nx
import pytest

from app.accounts.service import issue_token
from tests.conftest import csrf_from
from tests.network_seed import (
    AHMED,
    BALTIC,
    CONTAINER,
    DANUBE,
    IVAN,
    OPEN_REPORT,
    PHONE,
    RESTRICTED_REPORT,
    SOURCE_CODENAME,
    ZARKOVIC,
    seed_network,
)

SECRET_MARKERS = (RESTRICTED_REPORT, ZARKOVIC, "Zarkovic", SOURCE_CODENAME, "Real Name Of")


@pytest.fixture
def world(graph, make, make_user, make_unit):
    seed_network(make, make_unit)
    users = {
        "investigator": make_user("inv@customs.example", role="investigator", unit="HQ"),
        "auditor": make_user("aud@customs.example", role="auditor", unit="HQ"),
        "south": make_user("south@customs.example", role="analyst", unit="South Region"),
    }
    tokens = {name: issue_token(graph, user.email) for name, user in users.items()}
    return {"users": users, "tokens": tokens}


def api(client, token, path, **kwargs):
    return client.get(path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def ids(network):
    return {n["id"] for n in network["nodes"]}


def test_search_finds_a_phone_in_any_spelling_and_names_fuzzily(client, world):
    token = world["tokens"]["investigator"]
    for spelling in ("+31 10 555 0101", "+31-10-5550101", "+31105550101"):
        found = api(client, token, "/api/v1/entities", query_string={"q": spelling}).json
        assert [e["id"] for e in found["entities"]][:1] == [PHONE], spelling
    typo = api(client, token, "/api/v1/entities", query_string={"q": "Baltik Star"}).json
    assert BALTIC in [e["id"] for e in typo["entities"]]
    first = typo["entities"][0]
    assert {"id", "label", "name", "reports"} <= set(first)
    container = api(client, token, "/api/v1/entities", query_string={"q": "mscu 123456 5"}).json
    assert [e["id"] for e in container["entities"]] == [CONTAINER]
    register_id = api(client, token, "/api/v1/entities", query_string={"q": "NL123456789"}).json
    assert BALTIC in [e["id"] for e in register_id["entities"]]
    persons = api(
        client, token, "/api/v1/entities", query_string={"q": "ahmed", "label": "person"}
    ).json
    assert [e["id"] for e in persons["entities"]] == [AHMED]
    assert persons["entities"][0]["reports"] == 1  # the open report; not a restricted one


@pytest.mark.parametrize("text", ["Baltic (Star", '"', "~", "a AND OR", "*?", "\\", "x:y/z"])
def test_lucene_syntax_in_the_box_is_text_not_a_500(client, world, text):
    response = api(
        client, world["tokens"]["investigator"], "/api/v1/entities", query_string={"q": text}
    )
    assert response.status_code == 200


def test_bad_network_requests_are_4xx_with_a_reason(client, world):
    token = world["tokens"]["investigator"]
    for query, reason in (
        ({"depth": 9}, "depth"),
        ({"depth": "two"}, "depth"),
        ({"types": "FROM_SOURCE"}, "unknown relation type"),
        ({"kinds": "Source"}, "unknown node kind"),
        ({"since": "yesterday"}, "since must be a date"),
        ({"limit": 100000}, "limit"),
    ):
        response = api(client, token, f"/api/v1/entities/{PHONE}/neighbours", query_string=query)
        # the service's sentence, or the declared query model's refusal naming the field
        assert response.status_code == 400 and reason in str(response.json["detail"]), query
    assert api(client, token, "/api/v1/entities/phone:+0/neighbours").status_code == 404
    assert api(client, token, "/api/v1/paths", query_string={"from": PHONE}).status_code == 400
    assert (
        api(client, token, "/api/v1/entities", query_string={"q": "x", "label": "NOPE"}).status_code
        == 400
    )


def test_two_hops_from_the_phone_reach_both_traders_and_the_path_to_the_seized_one(client, world):
    token = world["tokens"]["investigator"]
    one = api(client, token, f"/api/v1/entities/{PHONE}/neighbours?depth=1").json
    assert ids(one) == {PHONE, AHMED, IVAN}
    two = api(client, token, f"/api/v1/entities/{PHONE}/neighbours?depth=2").json
    assert {BALTIC, DANUBE, f"report:{OPEN_REPORT}"} <= ids(two)
    baltic = next(n for n in two["nodes"] if n["id"] == BALTIC)
    ranked = api(client, token, "/api/v1/risk/traders").json["traders"]
    score = next(t["score"] for t in ranked if t["entity_id"] == BALTIC)  # the engine's rank
    assert baltic["seized"] is True and baltic["risk"] == pytest.approx(score) and score > 0
    assert next(n for n in two["nodes"] if n["id"] == DANUBE)["seized"] is False
    assert all("community" in n and "betweenness" in n for n in two["nodes"])
    director = next(e for e in two["edges"] if e["type"] == "DIRECTOR_OF" and e["target"] == BALTIC)
    assert director["source"] == AHMED and director["evidence"] == "chamber of commerce register"

    path = api(client, token, "/api/v1/paths", query_string={"from": PHONE, "to": BALTIC}).json
    assert ids(path) == {PHONE, AHMED, BALTIC}
    assert sorted(e["type"] for e in path["edges"]) == ["DIRECTOR_OF", "USES_PHONE"]

    only_people = api(
        client, token, f"/api/v1/entities/{PHONE}/neighbours?depth=2&types=uses_phone"
    ).json
    assert ids(only_people) == {PHONE, AHMED, IVAN}
    before = api(
        client, token, f"/api/v1/entities/{PHONE}/neighbours?depth=2&until=2024-12-31"
    ).json
    assert IVAN not in ids(before) and AHMED in ids(before)  # Ivan's phone link is dated 2025

    connect = client.post(
        "/api/v1/network/connect",
        json={"ids": [BALTIC, DANUBE, CONTAINER]},
        headers={"Authorization": f"Bearer {token}"},
    ).json
    assert {PHONE, AHMED, IVAN, BALTIC, DANUBE, CONTAINER} <= ids(connect)


def test_graphml_holds_the_nodes_and_edges_of_the_neighbourhood(client, world):
    token = world["tokens"]["investigator"]
    shown = api(client, token, f"/api/v1/entities/{PHONE}/neighbours?depth=3").json
    response = api(client, token, f"/api/v1/entities/{PHONE}/network.graphml?depth=3")
    assert response.status_code == 200 and response.mimetype == "application/graphml+xml"
    loaded = nx.read_graphml(io.BytesIO(response.data), force_multigraph=True)
    assert set(loaded.nodes()) == ids(shown)
    assert {(a, b, k) for a, b, k in loaded.edges(keys=True)} == {
        (e["source"], e["target"], e["type"]) for e in shown["edges"]
    }
    assert loaded.nodes[BALTIC]["seized"] is True
    i2 = api(client, token, f"/api/v1/entities/{PHONE}/network.i2.zip?depth=3")
    with zipfile.ZipFile(io.BytesIO(i2.data)) as archive:
        links = archive.read("links.csv").decode()
        entities = archive.read("entities.csv").decode()
    assert "DIRECTOR_OF" in links and "Baltic Star Trading Ltd" in entities
    assert len(entities.strip().splitlines()) == len(shown["nodes"]) + 1
    actions = {e["action"] for e in _audit(client.application)}
    assert {"export.graphml", "export.csv"} <= actions


@pytest.mark.parametrize("role", ["investigator", "auditor"])
def test_other_units_never_see_the_restricted_report_its_entity_or_the_source(client, world, role):
    token = world["tokens"][role]
    seen = []
    for path, query in (
        ("/api/v1/entities", {"q": "Zarkovic"}),
        ("/api/v1/entities", {"q": "cigarettes laptop"}),
        ("/api/v1/entities", {"q": "KX-17"}),
        (f"/api/v1/entities/{BALTIC}", {}),
        (f"/api/v1/entities/{BALTIC}/neighbours", {"depth": 3}),
        (f"/api/v1/entities/{PHONE}/neighbours", {"depth": 3}),
        (f"/api/v1/entities/{BALTIC}/network.graphml", {"depth": 3}),
        ("/api/v1/paths", {"from": PHONE, "to": BALTIC}),
    ):
        response = api(client, token, path, query_string=query)
        assert response.status_code == 200, path
        seen.append(response.get_data(as_text=True))
    text = "\n".join(seen)
    for marker in SECRET_MARKERS:
        assert marker not in text
    assert '"Source"' not in text
    assert api(client, token, f"/api/v1/entities/{ZARKOVIC}").status_code == 404
    assert api(client, token, f"/api/v1/entities/{ZARKOVIC}/neighbours").status_code == 404
    assert (
        api(client, token, f"/api/v1/entities/report:{RESTRICTED_REPORT}/neighbours").status_code
        == 404
    )
    hidden = api(client, token, "/api/v1/paths", query_string={"from": PHONE, "to": ZARKOVIC})
    assert hidden.status_code == 404


def test_the_originating_unit_sees_its_restricted_report_but_never_the_source(client, world):
    token = world["tokens"]["south"]
    found = api(client, token, "/api/v1/entities", query_string={"q": "Zarkovic"}).json
    assert ZARKOVIC in [e["id"] for e in found["entities"]]
    assert RESTRICTED_REPORT in [r["id"] for r in found["reports"]]
    network = api(client, token, f"/api/v1/entities/{BALTIC}/neighbours?depth=3")
    assert {f"report:{RESTRICTED_REPORT}", ZARKOVIC} <= ids(network.json)
    text = network.get_data(as_text=True)
    assert SOURCE_CODENAME not in text and "Real Name Of" not in text
    assert all(n["kind"] != "Source" for n in network.json["nodes"])
    entity = api(client, token, f"/api/v1/entities/{BALTIC}").json
    assert RESTRICTED_REPORT in [r["id"] for r in entity["reports"]]


def test_entity_page_shows_the_dossier_within_need_to_know(client, auth, world):
    auth.login("inv@customs.example")
    page = client.get(f"/entities/{BALTIC}")
    assert page.status_code == 200
    html = page.text
    for expected in (
        "Baltic Star Trading Ltd",
        "Ahmed Yilmaz",
        "chamber of commerce register",
        "DEC-2025-000001",
        "undervaluation",
        "positive control",
        "Timeline",
    ):
        assert expected in html, expected
    for marker in SECRET_MARKERS:
        assert marker not in html
    person = client.get(f"/entities/{AHMED}").text
    assert OPEN_REPORT in person and "+31 10 555 0101" in person
    assert client.get(f"/entities/{ZARKOVIC}").status_code == 404
    search = client.get("/search", query_string={"q": "Zarkovic cigarettes"}).text
    assert "Zarkovic" in search  # the query echoed in the box, nothing more
    assert RESTRICTED_REPORT not in search and ZARKOVIC not in search
    found = client.get("/search", query_string={"q": "+31 10 555 0101"}).text
    assert f"/entities/{PHONE}" in found
    views = [e for e in _audit(client.application) if e["action"] == "entity.view"]
    assert {e["target"] for e in views} >= {BALTIC, AHMED}


def test_explorer_json_and_exports_need_the_session_and_match(client, auth, world):
    assert client.get("/explorer/api/neighbours", query_string={"id": PHONE}).status_code == 302
    auth.login("inv@customs.example")
    explorer = client.get(f"/explorer?id={PHONE}")
    assert explorer.status_code == 200 and "vendor/cytoscape/cytoscape.min.js" in explorer.text
    token = csrf_from(explorer.text)
    shown = client.get("/explorer/api/neighbours", query_string={"id": PHONE, "depth": 2}).json
    no_csrf = client.post("/explorer/api/subgraph", json={"ids": sorted(ids(shown))})
    assert no_csrf.status_code == 400
    headers = {"X-CSRFToken": token}
    again = client.post(
        "/explorer/api/subgraph",
        json={"ids": [*sorted(ids(shown)), ZARKOVIC, f"report:{RESTRICTED_REPORT}"]},
        headers=headers,
    ).json
    assert ids(again) == ids(shown)  # hidden ids sent by a client are dropped
    exported = client.post(
        "/explorer/export/graphml", json={"ids": sorted(ids(shown))}, headers=headers
    )
    loaded = nx.read_graphml(io.BytesIO(exported.data), force_multigraph=True)
    assert set(loaded.nodes()) == ids(again)
    assert {(a, b, k) for a, b, k in loaded.edges(keys=True)} == {
        (e["source"], e["target"], e["type"]) for e in again["edges"]
    }
    bad = client.post("/explorer/api/subgraph", json={"ids": "nope"}, headers=headers)
    assert bad.status_code == 400


def test_charts_are_saved_to_cases_the_user_may_see(client, auth, world, graph, make):
    case_1 = make.case("Baltic Star", by="inv@customs.example")
    case_s = make.case("South only", by="south@customs.example")
    auth.login("inv@customs.example")
    page = client.get("/explorer")
    assert case_1 in page.text and case_s not in page.text
    headers = {"X-CSRFToken": csrf_from(page.text)}
    chart = {
        "title": "Phone ring",
        "nodes": [{"id": PHONE, "x": 1, "y": 2}, {"id": BALTIC}],
        "edges": [],
        "filters": {"depth": "2"},
    }
    saved = client.post(
        "/explorer/charts", json={"chart": chart, "case_id": case_1}, headers=headers
    )
    assert saved.status_code == 201, saved.json
    linked = graph.query(
        "MATCH (:Case {id: $id})-[:HAS_CHART]->(c:Chart) RETURN c.title AS t, c.json AS j",
        {"id": case_1},
    )
    assert linked[0]["t"] == "Phone ring" and json.loads(linked[0]["j"])["nodes"][0]["id"] == PHONE
    refused = client.post(
        "/explorer/charts", json={"chart": chart, "case_id": case_s}, headers=headers
    )
    assert refused.status_code == 404
    empty = client.post("/explorer/charts", json={"chart": {"title": ""}}, headers=headers)
    assert empty.status_code == 400
    assert graph.query("MATCH (c:Chart) RETURN count(c) AS n")[0]["n"] == 1  # no orphan
    reopened = client.get(f"/explorer/charts/{saved.json['id']}").json
    assert reopened["document"]["title"] == "Phone ring" and reopened["cases"] == [case_1]

    token = world["tokens"]["south"]
    assert api(client, token, f"/api/v1/charts/{saved.json['id']}").status_code == 404
    mine = client.post("/api/v1/charts", json=chart, headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 201
    assert api(client, token, "/api/v1/charts").json["charts"][0]["title"] == "Phone ring"


def test_openapi_lists_the_entity_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {
        "/entities",
        "/entities/{entity_id}",
        "/entities/{entity_id}/neighbours",
        "/entities/{entity_id}/network.graphml",
        "/paths",
        "/charts",
    } <= set(paths)


def _audit(app):
    graph = app.extensions["neo4j"].graph
    return graph.query("MATCH (a:AuditEvent) RETURN a.action AS action, a.target AS target")
