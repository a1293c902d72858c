"""Fuzzy duplicates are proposed (never merged silently); a merge keeps both nodes behind a
SAME_AS link, and a split restores the graph exactly; bad API input is a JSON 4xx."""

import re

import pytest

from tests.conftest import csrf_from


@pytest.fixture
def entities(make):
    """Two reports typed by an officer name "Baltic Starr Trading" (a misspelling) and
    "Baltic Star Trading Ltd", an unrelated company and a person: extraction makes each an
    entity. Returns (the misspelt one, the right one, the person)."""
    officer = make.user("officer@customs.example", role="liaison")
    found = {}
    for text in ("Baltic Starr Trading sent the papers.",
                 "Baltic Star Trading Ltd pays Danube Grain OOD; Ivan Petrov signs."):
        for mention in make.typed_report(text, by=officer, handling="open")["entities"]:
            found[mention["text"]] = mention["entity_id"]
    assert {"Danube Grain OOD", "Ivan Petrov"} <= set(found), found
    return found["Baltic Starr Trading"], found["Baltic Star Trading Ltd"], found["Ivan Petrov"]


def entity_count(graph):
    return graph.query("MATCH (e:Entity) RETURN count(e) AS n")[0]["n"]


def snapshot(graph):
    """Entities, reports and every relationship touching them, as comparable text."""
    nodes = graph.query(
        "MATCH (n) WHERE n:Entity OR n:Report RETURN labels(n) AS l, properties(n) AS p"
    )
    rels = graph.query(
        "MATCH (a)-[r]->(b) WHERE (a:Entity OR a:Report) AND (b:Entity OR b:Report) "
        "RETURN a.id AS a, type(r) AS t, properties(r) AS p, b.id AS b"
    )
    return sorted(map(repr, nodes)), sorted(map(repr, rels))


def test_merge_on_the_page_then_split_over_the_api_restores_everything(
    client, auth, graph, make_user, entities
):
    from app.accounts.service import issue_token
    from graph.merges import canonical_id

    dup, survivor, _person = entities
    make_user("analyst@customs.example", role="analyst")
    auth.login("analyst@customs.example")
    before = snapshot(graph)
    before_count = entity_count(graph)

    # The fuzzy candidate is proposed, the unrelated company and the person are not.
    page = client.get(f"/merges/entities/{dup}")
    assert page.status_code == 200
    assert survivor in page.text and "danube" not in page.text and "ivan" not in page.text
    overview = client.get("/merges/")
    assert "Baltic Starr Trading" in overview.text and survivor in overview.text
    assert graph.query("MATCH ()-[s:SAME_AS]->() RETURN count(s) AS n")[0]["n"] == 0

    response = client.post(
        "/merges/merge",
        data={
            "from_id": dup,
            "into_id": survivor,
            "reason": "same VAT number",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302
    link = graph.query("MATCH (a)-[s:SAME_AS]->(b) RETURN a.id AS a, b.id AS b, s {.*} AS s")
    assert len(link) == 1 and link[0]["a"] == dup and link[0]["b"] == survivor
    assert link[0]["s"]["reason"] == "same VAT number" and link[0]["s"]["by"] and link[0]["s"]["at"]
    assert canonical_id(graph, dup) == survivor and canonical_id(graph, survivor) == survivor
    assert entity_count(graph) == before_count  # both kept

    token = issue_token(graph, "analyst@customs.example")
    headers = {"Authorization": f"Bearer {token}"}
    # Merging it again (or the survivor back into it) is refused with a reason.
    again = client.post(
        f"/api/v1/entities/{dup}/merge", json={"into": survivor, "reason": "x"}, headers=headers
    )
    assert again.status_code == 409 and "split it first" in again.json["detail"]
    cycle = client.post(
        f"/api/v1/entities/{survivor}/merge", json={"into": dup, "reason": "x"}, headers=headers
    )
    assert cycle.status_code == 409

    split = client.post(
        f"/api/v1/entities/{dup}/split", json={"reason": "different firms"}, headers=headers
    )
    assert split.status_code == 200 and split.json == {"id": dup, "from": survivor, "merged": False}
    assert snapshot(graph) == before
    actions = {r["a"] for r in graph.query("MATCH (a:AuditEvent) RETURN a.action AS a")}
    assert {"entity.merge", "entity.split"} <= actions


def test_api_merge_and_bad_input(client, graph, make_user, entities):
    from app.accounts.service import issue_token

    dup, survivor, person = entities
    make_user("analyst@customs.example", role="analyst")
    make_user("liaison@customs.example", role="liaison")
    headers = {"Authorization": f"Bearer {issue_token(graph, 'analyst@customs.example')}"}
    url = f"/api/v1/entities/{dup}/merge"

    cases = [
        (client.post(url, data="not json", headers=headers), 400),
        (client.post(url, json=["x"], headers=headers), 400),
        (client.post(url, json={"reason": "x"}, headers=headers), 400),
        (client.post(url, json={"into": survivor}, headers=headers), 400),  # no reason
        (client.post(url, json={"into": survivor, "reason": 5}, headers=headers), 400),
        (client.post(url, json={"into": dup, "reason": "x"}, headers=headers), 400),
        (
            client.post(url, json={"into": person, "reason": "x"}, headers=headers),
            400,
        ),
        (
            client.post(url, json={"into": "organisation:nobody", "reason": "x"}, headers=headers),
            404,
        ),
        (client.post(f"/api/v1/entities/{survivor}/split", headers=headers), 409),
        (client.post("/api/v1/entities/organisation:nobody/split", headers=headers), 404),
        (client.post(url, json={"into": survivor, "reason": "x"}), 401),
    ]
    for response, status in cases:
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.is_json and response.json["error"] and response.json["detail"]
    liaison = {"Authorization": f"Bearer {issue_token(graph, 'liaison@customs.example')}"}
    denied = client.post(url, json={"into": survivor, "reason": "x"}, headers=liaison)
    assert denied.status_code == 403
    assert graph.query("MATCH ()-[s:SAME_AS]->() RETURN count(s) AS n")[0]["n"] == 0

    merged = client.post(
        url, json={"into": survivor, "reason": "same register number"}, headers=headers
    )
    assert merged.status_code == 201 and merged.json["into"] == survivor
    paths = client.get("/api/v1/openapi.json", headers=headers).json["paths"]
    assert "/entities/{entity_id}/merge" in paths and "/entities/{entity_id}/split" in paths


def test_duplicates_are_same_kind_plausible_pairs_with_why(client, graph, make_user, auth,
                                                          runner, tmp_path):
    """A city is not proposed against each street in it, nor a place against a company;
    namesakes registered with the same phone are, with the reason said."""
    import json

    lines = [
        {"kind": "trader", "id": "BG1", "name": "Varna Freight OOD", "country": "BG",
         "addresses": ["1 Quay St, Varna", "2 Port Rd, Varna"], "phones": [], "emails": []},
        {"kind": "person", "id": "P-1", "name": "Georgi Dimitrov", "nationality": "BG",
         "phones": ["+359 888 111 222"]},
        {"kind": "person", "id": "P-2", "name": "Georgi Dimitrov Ivanov", "nationality": "BG",
         "phones": ["+359 888 111 222"]},
    ]
    register = tmp_path / "register.jsonl"
    register.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert runner.invoke(args=["import", str(register)]).exit_code == 0
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    page = client.get("/reports/new?channel=register")
    client.post("/reports/new?channel=register", data={
        "csrf_token": csrf_from(page.text), "channel": "register",
        "text": "Lorries left Varna for the port with Varna Freight OOD papers.",
        "event_type": "seizure", "event_date": "2025-03-12", "place": "Varna",
        "commodity": "", "quantity": "", "value": "", "currency": "EUR", "persons": "",
        "vehicles": "", "containers": "", "handling": "open", "info_grade": "2",
        "submit": "Submit report"})

    listing = client.get("/merges/")
    assert listing.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", listing.text, re.S)
    assert not any("Quay St" in row or "Port Rd" in row for row in rows), rows
    pair = [row for row in rows if "person:P-1" in row and "person:P-2" in row]
    assert pair, rows
    assert "both registered with" in pair[0] and "111" in pair[0]
    assert "0 mentions" in pair[0]  # counted words: one mention, no "1 mentions"
    french = client.get("/merges/", headers={"Accept-Language": "fr"})
    assert "0 mention" in french.text and "0 mentions" not in french.text
