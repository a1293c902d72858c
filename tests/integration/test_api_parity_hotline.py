"""An officer answers a hotline tip through the API: the tipster reads the reply with
reference and code; other roles get 403, other units 404, bad bodies 400/422."""

import pytest


@pytest.fixture
def tip(app, graph, make_unit, make_user):
    from app.accounts.service import issue_token
    from app.hotline import service

    make_unit("South Region")
    make_user("hq@customs.example", role="analyst", unit="HQ")
    make_user("inv@customs.example", role="investigator", unit="HQ")
    make_user("south@customs.example", role="analyst", unit="South Region")
    tokens = {
        name: {"Authorization": "Bearer " + issue_token(graph, f"{name}@customs.example")}
        for name in ("hq", "inv", "south")
    }
    with app.test_request_context():
        receipt = service.submit_tip(graph, what="Cigarettes in container MSCU1234566")
    report_id = graph.query("MATCH (r:Report {channel: 'hotline'}) RETURN r.id AS id")[0]["id"]
    return report_id, receipt, tokens


def test_reply_reaches_the_tipster(app, client, graph, tip):
    from app.hotline import service

    report_id, receipt, tokens = tip
    listed = client.get("/api/v1/hotline/tips", headers=tokens["hq"]).json["tips"]
    assert [t["id"] for t in listed] == [report_id]
    url = f"/api/v1/hotline/tips/{report_id}/replies"

    answer = client.post(url, json={"text": "Thank you. Which night?"}, headers=tokens["hq"])
    assert answer.status_code == 201, answer.json
    with app.test_request_context():
        thread = service.thread(graph, receipt.reference, receipt.code)
    assert [(m["direction"], m["text"]) for m in thread][-1] == (
        "analyst",
        "Thank you. Which night?",
    )
    detail = client.get(f"/api/v1/hotline/tips/{report_id}", headers=tokens["hq"]).json
    assert detail["thread"][-1]["text"] == "Thank you. Which night?"
    actors = graph.query(
        "MATCH (a:AuditEvent {action: 'hotline.reply', target: $id}) RETURN a.actor AS actor",
        {"id": report_id},
    )
    assert [a["actor"] for a in actors] == ["hq@customs.example"]


def test_roles_need_to_know_and_bad_bodies(client, graph, tip):
    report_id, _receipt, tokens = tip
    url = f"/api/v1/hotline/tips/{report_id}/replies"
    before = graph.query("MATCH (m:TipMessage) RETURN count(m) AS n")[0]["n"]

    forbidden = client.post(url, json={"text": "Hello"}, headers=tokens["inv"])
    assert forbidden.status_code == 403 and "intelligence officers" in forbidden.json["detail"]
    assert (
        client.get(f"/api/v1/hotline/tips/{report_id}", headers=tokens["south"]).status_code == 404
    )
    assert client.get("/api/v1/hotline/tips", headers=tokens["south"]).json == {"tips": []}
    assert client.post(url, json={"text": "Hello"}, headers=tokens["south"]).status_code == 404
    assert client.post(url, json={"text": "Hello"}).status_code == 401

    for kwargs, status in [
        ({"data": "text"}, 400),
        ({"json": ["Hello"]}, 400),
        ({"json": {}}, 400),
        ({"json": {"text": 7}}, 400),
        ({"json": {"text": ""}}, 400),
        ({"json": {"text": "x" * 10_001}}, 400),
        ({"json": {"text": "   "}}, 422),
    ]:
        response = client.post(url, headers=tokens["hq"], **kwargs)
        assert response.status_code == status, (kwargs, response.json)
        assert set(response.json) == {"error", "detail"}
    assert graph.query("MATCH (m:TipMessage) RETURN count(m) AS n")[0]["n"] == before
