"""Watch lists and notifications through the API: own watches only, the same audit events
as the pages, notifications raised by new records, and 4xx JSON for bad bodies."""

import json

TRADER = {"kind": "trader", "id": "NL1", "name": "Baltic Star Trading", "country": "NL"}
DECLARATION = {"kind": "declaration", "id": "DEC-1", "date": "2025-03-12", "flow": "import",
               "importer": "NL1", "items": [{"hs": "8471.30", "value": 1200.0}]}


def _import(runner, path, lines):
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--no-train"])
    assert result.exit_code == 0, result.output


def test_watch_list_and_notifications_over_the_api(client, graph, make_user, runner, tmp_path):
    from app.accounts.service import issue_token

    _import(runner, tmp_path / "traders.jsonl", [TRADER])
    make_user("south@customs.example", role="liaison")
    make_user("hq@customs.example", role="analyst")
    mine = {"Authorization": "Bearer " + issue_token(graph, "south@customs.example")}
    other = {"Authorization": "Bearer " + issue_token(graph, "hq@customs.example")}

    entity = client.post("/api/v1/watches", json={"entity_id": "trader:NL1"}, headers=mine)
    assert entity.status_code == 201, entity.json
    assert entity.json["kind"] == "entity" and entity.json["entity_id"] == "trader:NL1"
    search = client.post("/api/v1/watches", json={"query": "  laptops  "}, headers=mine)
    assert search.status_code == 201 and search.json["query"] == "laptops"
    listed = client.get("/api/v1/watches", headers=mine).json["watches"]
    assert {w["id"] for w in listed} == {entity.json["id"], search.json["id"]}
    assert client.get("/api/v1/watches", headers=other).json == {"watches": []}
    added = graph.query(
        "MATCH (a:AuditEvent {action: 'watch.add'}) RETURN a.actor AS actor, a.target AS t"
    )
    assert {(a["actor"], a["t"]) for a in added} == {
        ("south@customs.example", entity.json["id"]),
        ("south@customs.example", search.json["id"]),
    }

    # A new declaration of the watched trader notifies the watcher, who marks it read.
    _import(runner, tmp_path / "declarations.jsonl", [DECLARATION])
    inbox = client.get("/api/v1/notifications?unread=1", headers=mine).json
    assert inbox["unread"] == 1 and len(inbox["notifications"]) == 1
    assert inbox["notifications"][0]["text"] == "Declaration DEC-1 names Baltic Star Trading"
    assert client.get("/api/v1/notifications", headers=other).json["unread"] == 0
    note_id = inbox["notifications"][0]["id"]
    assert client.post("/api/v1/notifications/read", json={"id": note_id}, headers=other).json == {
        "marked": 0
    }
    assert client.post("/api/v1/notifications/read", json={"id": note_id}, headers=mine).json == {
        "marked": 1
    }
    assert client.get("/api/v1/notifications?unread=1", headers=mine).json == {
        "notifications": [],
        "unread": 0,
    }

    # Someone else's watch does not exist for the caller.
    assert client.delete(f"/api/v1/watches/{entity.json['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/watches/{entity.json['id']}", headers=mine).status_code == 204
    assert client.delete(f"/api/v1/watches/{entity.json['id']}", headers=mine).status_code == 404
    assert [w["id"] for w in client.get("/api/v1/watches", headers=mine).json["watches"]] == [
        search.json["id"]
    ]
    removed = graph.query("MATCH (a:AuditEvent {action: 'watch.remove'}) RETURN a.target AS t")
    assert removed == [{"t": entity.json["id"]}]


def test_bad_watch_bodies_are_4xx_json(client, graph, make_user):
    from app.accounts.service import issue_token

    make_user("hq@customs.example", role="analyst")
    token = {"Authorization": "Bearer " + issue_token(graph, "hq@customs.example")}
    for kwargs, status in [
        ({"data": "x"}, 400),
        ({"json": []}, 400),
        ({"json": {}}, 400),
        ({"json": {"entity_id": "trader:NL1", "query": "abc"}}, 400),
        ({"json": {"entity_id": 5}}, 400),
        ({"json": {"entity_id": "x" * 301}}, 400),
        ({"json": {"query": ["abc"]}}, 400),
        ({"json": {"query": "x" * 201}}, 400),
        ({"json": {"query": "ab"}}, 422),
        ({"json": {"entity_id": "trader:NOPE"}}, 422),
    ]:
        response = client.post("/api/v1/watches", headers=token, **kwargs)
        assert response.status_code == status, (kwargs, response.json)
        assert set(response.json) == {"error", "detail"}
    assert (
        client.post("/api/v1/notifications/read", json={"id": 3}, headers=token).status_code == 400
    )
    assert client.get("/api/v1/watches").status_code == 401
    assert not graph.query("MATCH (w:Watch) RETURN w")
