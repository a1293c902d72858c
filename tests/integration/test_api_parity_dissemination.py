"""Dissemination through the API follows the page's rules: handling codes checked at
sending time, originator consent, sanitised copies without the source, recipients'
feedback; need-to-know answers 404, rules 403 with the reason, bad bodies 400/422."""

from functools import partial

import pytest

from tests.dissemination_seed import TEXT, seed_officers, seed_report


@pytest.fixture
def world(graph, make, make_unit, make_user):
    people = seed_officers(make_unit, make_user)
    tokens = {name: make.bearer(user.email) for name, user in people.items()}
    return people, tokens, partial(seed_report, make)


def sent_to(graph, rid):
    rows = graph.query(
        "MATCH (:Report {id: $id})-[:DISSEMINATED_TO]->(t) RETURN coalesce(t.name, t.email) AS n",
        {"id": rid},
    )
    return {r["n"] for r in rows}


def audited(graph, action, target):
    rows = graph.query(
        "MATCH (a:AuditEvent {action: $action, target: $target}) RETURN a.actor AS actor",
        {"action": action, "target": target},
    )
    return [r["actor"] for r in rows]


def test_send_makes_the_report_visible_to_the_recipients_only(client, graph, world):
    people, tokens, report = world
    rid = report("R-1", handling="restricted")
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["south"]).status_code == 404

    sent = client.post(
        f"/api/v1/reports/{rid}/dissemination",
        json={"units": ["South Region"]},
        headers=tokens["hq"],
    )
    assert sent.status_code == 201, sent.json
    assert sent.json["sent_to"] == [{"kind": "unit", "id": "South Region", "name": "South Region"}]
    assert sent_to(graph, rid) == {"South Region"}
    assert audited(graph, "report.disseminate", rid) == ["hq@customs.example"]

    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["south"]).status_code == 200
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["north"]).status_code == 404

    # South received it but may not pass a restricted report on: 403 with the reason.
    onward = client.post(
        f"/api/v1/reports/{rid}/dissemination",
        json={"units": ["North Region"]},
        headers=tokens["south"],
    )
    assert onward.status_code == 403
    assert "only the originating unit (HQ)" in onward.json["detail"]
    assert sent_to(graph, rid) == {"South Region"}
    assert audited(graph, "report.disseminate.refused", rid) == ["south@customs.example"]

    # The record: the recipient sees the sending, North sees nothing at all.
    record = client.get(f"/api/v1/reports/{rid}/dissemination", headers=tokens["south"])
    assert record.status_code == 200
    assert [(e["recipient"], e["by"]) for e in record.json["log"]] == [
        ("South Region", "hq@customs.example")
    ]
    assert record.json["may_give_feedback"] is True and record.json["may_consent"] is False
    assert "consents" not in record.json["report"]
    log = client.get("/api/v1/dissemination", headers=tokens["south"]).json
    assert [e["report_id"] for e in log["entries"]] == [rid]
    assert (
        client.get(f"/api/v1/reports/{rid}/dissemination", headers=tokens["north"]).status_code
        == 404
    )
    assert client.get("/api/v1/dissemination", headers=tokens["north"]).json["entries"] == []
    north_send = client.post(
        f"/api/v1/reports/{rid}/dissemination",
        json={"units": ["North Region"]},
        headers=tokens["north"],
    )
    assert north_send.status_code == 404
    assert set(north_send.json) == {"error", "detail"}

    # A user disseminated to personally sees it too.
    client.post(
        f"/api/v1/reports/{rid}/dissemination",
        json={"users": [people["north"].id]},
        headers=tokens["hq"],
    )
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["north"]).status_code == 200


def test_originator_report_needs_consent_before_it_goes(client, graph, world):
    _people, tokens, report = world
    rid = report("R-orcon", handling="originator", unit="HQ")
    url = f"/api/v1/reports/{rid}/dissemination"

    refused = client.post(url, json={"units": ["North Region"]}, headers=tokens["hq"])
    assert refused.status_code == 403 and "has not consented" in refused.json["detail"]
    assert sent_to(graph, rid) == set()

    # Only the originating unit consents.
    foreign = client.post(
        f"/api/v1/reports/{rid}/consents", json={"units": ["North Region"]}, headers=tokens["south"]
    )
    assert foreign.status_code == 404  # South cannot even see an originator report of HQ
    consent = client.post(
        f"/api/v1/reports/{rid}/consents", json={"units": ["North Region"]}, headers=tokens["hq"]
    )
    assert consent.status_code == 201, consent.json
    assert audited(graph, "report.consent", rid) == ["hq@customs.example"]
    record = client.get(url, headers=tokens["hq"]).json
    assert [c["name"] for c in record["report"]["consents"]] == ["North Region"]

    assert (
        client.post(url, json={"units": ["North Region"]}, headers=tokens["hq"]).status_code == 201
    )
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["north"]).status_code == 200
    # Consent for North does not cover South.
    south = client.post(url, json={"units": ["South Region"]}, headers=tokens["hq"])
    assert south.status_code == 403
    assert sent_to(graph, rid) == {"North Region"}


def test_roles_and_states_are_refused_with_reasons(client, graph, world):
    _people, tokens, report = world
    open_id = report("R-open", handling="open", unit="South Region")
    submitted = report("R-sub", handling="open", status="submitted")

    liaison = client.post(
        f"/api/v1/reports/{open_id}/dissemination",
        json={"units": ["North Region"]},
        headers=tokens["liaison"],
    )
    assert liaison.status_code == 403 and "intelligence officers" in liaison.json["detail"]
    early = client.post(
        f"/api/v1/reports/{submitted}/dissemination", json={"units": ["HQ"]}, headers=tokens["hq"]
    )
    assert early.status_code == 403 and "Only evaluated reports" in early.json["detail"]
    assert sent_to(graph, open_id) == set() and sent_to(graph, submitted) == set()
    assert client.get("/api/v1/reports/R-x/dissemination").status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ([], 400),
        ({}, 400),
        ({"units": []}, 400),
        ({"units": "South Region"}, 400),
        ({"units": [1]}, 400),
        ({"units": [""]}, 400),
        ({"units": ["x" * 301]}, 400),
        ({"users": ["u"] * 101}, 400),
        ({"units": ["Atlantis"]}, 422),
        ({"users": ["no-such-user"]}, 422),
    ],
)
def test_bad_recipients_are_4xx_json(client, graph, world, body, status):
    _people, tokens, report = world
    rid = report("R-bad", handling="open")
    for path in ("dissemination", "consents"):
        kwargs = {"data": body} if isinstance(body, str) else {"json": body}
        response = client.post(f"/api/v1/reports/{rid}/{path}", headers=tokens["hq"], **kwargs)
        assert response.status_code == status, (path, response.json)
        assert set(response.json) == {"error", "detail"} and response.json["detail"]
    assert sent_to(graph, rid) == set()


def test_sanitised_copy_through_the_api(client, graph, world):
    _people, tokens, report = world
    rid = report("R-3", handling="originator")
    url = f"/api/v1/reports/{rid}/sanitised"
    clean = "A lorry CA1234KX near Varna is linked to Baltic Star Trading Ltd."

    for body, status in [
        ({"title": "Lorry"}, 400),
        ({"title": "", "text": clean}, 400),
        ({"title": "Lorry", "text": clean, "handling": "secret"}, 400),
        ({"title": "Lorry", "text": 5}, 400),
        ({"title": "Lorry", "text": "x" * 50_001}, 400),
        ({"title": "Lorry", "text": TEXT + " More."}, 422),  # the codename is still there
        ({"title": "Lorry", "text": TEXT}, 422),  # unedited
    ]:
        response = client.post(url, json=body, headers=tokens["hq"])
        assert response.status_code == status, (body, response.json)
        assert set(response.json) == {"error", "detail"}
    assert (
        client.post(url, json={"title": "L", "text": clean}, headers=tokens["south"]).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/reports/R-none/sanitised",
            json={"title": "L", "text": clean},
            headers=tokens["hq"],
        ).status_code
        == 404
    )

    made = client.post(
        url,
        json={"title": "Lorry near Varna", "text": clean, "handling": "open"},
        headers=tokens["hq"],
    )
    assert made.status_code == 201, made.json
    copy_id = made.json["id"]
    row = graph.query(
        "MATCH (c:Report {id: $id})-[:SANITISED_FROM]->(:Report {id: $rid}) "
        "RETURN c.text AS text, c.handling AS handling, EXISTS { (c)-[:FROM_SOURCE]->() } AS src",
        {"id": copy_id, "rid": rid},
    )
    assert row == [{"text": clean, "handling": "open", "src": False}]
    assert audited(graph, "report.sanitise", copy_id) == ["hq@customs.example"]
    # The open copy is readable by North; the original is not.
    copy = client.get(f"/api/v1/reports/{copy_id}", headers=tokens["north"])
    assert copy.status_code == 200 and "NIGHTJAR" not in str(copy.json)
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["north"]).status_code == 404
    original = client.get(f"/api/v1/reports/{rid}/dissemination", headers=tokens["hq"]).json
    assert [c["id"] for c in original["report"]["copies"]] == [copy_id]


def test_feedback_is_stored_and_shown_where_the_page_shows_it(client, auth, graph, world):
    people, tokens, report = world
    rid = report("R-4", handling="restricted")
    client.post(
        f"/api/v1/reports/{rid}/dissemination",
        json={"units": ["South Region"], "users": [people["north"].id]},
        headers=tokens["hq"],
    )
    url = f"/api/v1/reports/{rid}/feedback"
    for body, status in [
        ("nope", 400),
        ({"useful": "yes"}, 400),
        ({"result": 12}, 400),
        ({"result": "x" * 2001}, 400),
    ]:
        kwargs = {"data": body} if isinstance(body, str) else {"json": body}
        response = client.post(url, headers=tokens["south"], **kwargs)
        assert response.status_code == status, (body, response.json)

    given = client.post(
        url,
        json={"useful": True, "actioned": True, "result": "Lorry stopped, 40,000 cigarettes"},
        headers=tokens["south"],
    )
    assert given.status_code == 201, given.json
    assert audited(graph, "report.feedback", rid) == ["south@customs.example"]

    # The originating unit reads it but did not receive it: no feedback from there.
    hq = client.post(url, json={"useful": True}, headers=tokens["hq"])
    assert hq.status_code == 403 and "Only recipients" in hq.json["detail"]
    assert client.post(url, json={}, headers=tokens["liaison"]).status_code == 201  # South unit

    summary = client.get(url, headers=tokens["hq"]).json
    assert summary["count"] == 2 and summary["useful"] == 1 and summary["actioned"] == 1
    assert summary["recipients"] == 2 and summary["answered"] == 1
    assert "Lorry stopped, 40,000 cigarettes" in [i["result"] for i in summary["items"]]
    record = client.get(f"/api/v1/reports/{rid}/dissemination", headers=tokens["hq"]).json
    assert record["feedback"]["count"] == 2

    # The page shows the feedback given through the API.
    auth.login("hq@customs.example")
    page = client.get(f"/dissemination/reports/{rid}")
    assert "1 of 2 recipients answered" in page.text and "40,000 cigarettes" in page.text
