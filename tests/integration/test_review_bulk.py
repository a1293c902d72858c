"""Reviewing a report's entities in bulk: accept all / reject all proposed mentions of one
label through the review page's forms, as the page's script sends them (JSON) and as the
plain form does (redirect); rejections are filed as a single rejection files them."""

from tests.conftest import csrf_from
from tests.integration.test_intake_review import mentions

TEXT = ("Orion Freight Ltd called +359 888 123 456 and +359 887 654 321 about cigarettes; "
        "the lorry CA1234AB left Varna for Burgas.")
JSON = {"Accept": "application/json"}


def _report(client, auth):
    auth.login("ana@customs.example")
    form = client.get("/reports/new?channel=open_source")
    saved = client.post("/reports/new?channel=open_source", data={
        "csrf_token": csrf_from(form.text), "channel": "open_source", "text": TEXT,
        "title": "Cigarettes by lorry", "handling": "restricted", "submit": "Submit report"})
    assert saved.status_code == 302, saved.text
    return saved.headers["Location"].rsplit("/", 1)[-1]


def _types(graph, rid):
    return {row["text"]: row["type"] for row in graph.query(
        "MATCH (:Report {id: $id})-[m]->(:Entity) RETURN m.text AS text, type(m) AS type",
        {"id": rid})}


def test_reject_all_and_accept_all_of_a_label(client, auth, make_user, graph):
    make_user("ana@customs.example", role="analyst")
    rid = _report(client, auth)
    page = client.get(f"/reports/{rid}")
    assert 'id="review-keys"' in page.text and "js/review.js" in page.text
    assert "Reject all PHONE" in page.text
    token = csrf_from(page.text)
    before = mentions(graph, rid)
    phones = [m for m in before.values() if m["label"] == "PHONE"]
    assert len(phones) == 2 and all(m["review"] == "proposed" for m in phones)

    # a single phone accepted first: "reject all" takes only what is still proposed
    one = client.post(f"/reports/{rid}/mentions/{phones[0]['id']}", headers=JSON,
                      data={"csrf_token": token, "action": "accepted"})
    assert one.status_code == 200 and one.json == {
        "review": "accepted", "mentions": [phones[0]["id"]], "message": None}
    answer = client.post(f"/reports/{rid}/mentions/by-label", headers=JSON,
                         data={"csrf_token": token, "label": "phone", "action": "rejected"})
    assert answer.status_code == 200, answer.json
    assert answer.json["mentions"] == [phones[1]["id"]]
    assert answer.json["message"] == "1 PHONE mention rejected."
    types = _types(graph, rid)
    assert types[phones[0]["text"]] == "MENTIONS"
    assert types[phones[1]["text"]] == "REJECTED_MENTION"  # as a single rejection files it
    audit = graph.query("MATCH (a:AuditEvent {action: 'report.mention.review'}) "
                        "RETURN a.detail AS detail ORDER BY a.seq")
    assert len(audit) == 2 and "PHONE" in str(audit[-1]["detail"])

    # the plain form (no script): the page again, with a message
    left = {m["label"] for m in mentions(graph, rid).values() if m["review"] == "proposed"}
    assert left, "the text should leave something proposed"
    label = sorted(left)[0]
    plain = client.post(f"/reports/{rid}/mentions/by-label",
                        data={"csrf_token": token, "label": label, "action": "accepted"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("#entities")
    after = client.get(f"/reports/{rid}")
    assert f"{label} mention" in after.text and "accepted." in after.text
    assert all(m["review"] == "accepted" for m in mentions(graph, rid).values()
               if m["label"] == label)

    # nothing of the label left: an answer, not an error
    again = client.post(f"/reports/{rid}/mentions/by-label", headers=JSON,
                        data={"csrf_token": token, "label": "PHONE", "action": "rejected"})
    assert again.status_code == 200 and again.json["mentions"] == []
    assert again.json["message"] == "No PHONE mention was proposed."


def test_bulk_review_refuses_bad_input_and_writes_nothing(client, auth, make_user, make_unit,
                                                          graph):
    make_user("ana@customs.example", role="analyst")
    make_unit("North")
    make_user("liaison@customs.example", role="liaison", unit="North")
    rid = _report(client, auth)
    token = csrf_from(client.get(f"/reports/{rid}").text)
    before = mentions(graph, rid)
    url = f"/reports/{rid}/mentions/by-label"

    def post(data, headers=JSON, path=url):
        return client.post(path, headers=headers, data=data)

    bad_label = post({"csrf_token": token, "label": "ROBOT", "action": "rejected"})
    assert bad_label.status_code == 400 and "Choose an entity label" in bad_label.json["detail"]
    no_label = post({"csrf_token": token, "action": "rejected"})
    assert no_label.status_code == 400 and "Choose an entity label" in no_label.json["detail"]
    bad_action = post({"csrf_token": token, "label": "PHONE", "action": "maybe"})
    assert bad_action.status_code == 400 and bad_action.json["error"] == "Not reviewed"
    back = post({"csrf_token": token, "label": "PHONE", "action": "proposed"})
    assert back.status_code == 400 and "Accept or reject" in back.json["detail"]
    forged = post({"label": "PHONE", "action": "rejected"})
    assert forged.status_code == 400 and "expired" in forged.json["error"]
    unknown_mention = post({"csrf_token": token, "action": "rejected"},
                           path=f"/reports/{rid}/mentions/no-such-mention")
    assert unknown_mention.status_code == 404
    assert post({"csrf_token": token, "label": "PHONE", "action": "rejected"},
                path="/reports/no-such-report/mentions/by-label").status_code == 404
    plain = post({"csrf_token": token, "label": "ROBOT", "action": "rejected"}, headers={})
    assert plain.status_code == 302
    assert "Choose an entity label" in client.get(f"/reports/{rid}").text
    assert mentions(graph, rid) == before

    # an officer of another unit does not even see a restricted report
    auth.logout()
    auth.login("liaison@customs.example")
    token = csrf_from(client.get("/").text)
    hidden = post({"csrf_token": token, "label": "PHONE", "action": "rejected"})
    assert hidden.status_code == 404
    assert mentions(graph, rid) == before


def test_bulk_review_through_the_api(client, auth, make_user, make_unit, graph):
    from app.accounts.service import issue_token

    make_user("ana@customs.example", role="analyst")
    make_unit("North")
    make_user("nina@customs.example", role="analyst", unit="North")
    rid = _report(client, auth)
    auth.logout()
    ana = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    nina = {"Authorization": "Bearer " + issue_token(graph, "nina@customs.example")}
    url = f"/api/v1/reports/{rid}/mentions/by-label"
    before = mentions(graph, rid)

    assert client.post(url, headers=ana, data="label=PHONE").status_code == 400
    for body, field in (({"label": "ROBOT", "review": "rejected"}, "label"),
                        ({"label": "PHONE", "review": "proposed"}, "review"),
                        ({"label": "PHONE", "review": "perhaps"}, "review"),
                        ({"label": ["PHONE"], "review": "rejected"}, "label")):
        answer = client.post(url, headers=ana, json=body)
        assert answer.status_code == 400, (body, answer.json)
        assert answer.json["detail"]["field"] == field, answer.json
    assert client.post("/api/v1/reports/nope/mentions/by-label", headers=ana,
                       json={"label": "PHONE", "review": "rejected"}).status_code == 404
    assert client.post(url, headers=nina,  # restricted to South's unit: not even seen
                       json={"label": "PHONE", "review": "rejected"}).status_code == 404
    assert mentions(graph, rid) == before

    done = client.post(url, headers=ana, json={"label": "PHONE", "review": "rejected"})
    assert done.status_code == 200, done.json
    assert len(done.json["reviewed"]) == 2
    rejected = {e["id"] for e in done.json["entities"] if e["review"] == "rejected"}
    assert rejected == set(done.json["reviewed"])
    assert {t for t in _types(graph, rid).values()} >= {"REJECTED_MENTION"}
