"""Reports on the real graph: entry, extraction and resolution, need-to-know, lifecycle,
review and the API. Each report and its mentions are stored whole or not at all."""

import pytest

from app.accounts.service import issue_token
from tests.factories import trader

TEXT = (
    "Truck CA1234AB carried container MSCU1234565 for BALTIC STAR TRADING LIMITED; "
    "the driver Ivan Petrov called +359 888 123 456 before the crossing."
)


@pytest.fixture
def api(client, graph):
    """api(user).get/post(path, json=...) with a bearer token."""

    class Api:
        def __init__(self, email):
            self.headers = {"Authorization": "Bearer " + issue_token(graph, email)}

        def get(self, path):
            return client.get("/api/v1" + path, headers=self.headers)

        def post(self, path, json=None, data=None):
            return client.post("/api/v1" + path, json=json, data=data, headers=self.headers)

        def patch(self, path, json=None):
            return client.patch("/api/v1" + path, json=json, headers=self.headers)

    return Api


def count(graph, cypher):
    return graph.query(cypher)[0]["n"]


def confirmed_trader(make):
    make.import_lines(trader("NL123456789", "Baltic Star Trading Ltd"))


def hotline(text=TEXT, handling="restricted", **extra):
    return {"channel": "hotline", "handling": handling, "text": text, **extra}


def test_known_company_links_and_two_spellings_resolve_to_one_entity(
    graph, make, make_user, api
):
    make_user("ana@customs.example", role="analyst")
    confirmed_trader(make)
    caller = api("ana@customs.example")
    first = caller.post("/reports", json=hotline())
    assert first.status_code == 201, first.json
    second = caller.post("/reports", json=hotline("Invoice of Baltic Star Trading Ltd, Varna."))
    assert second.status_code == 201
    for answer in (first.json, second.json):
        orgs = [e for e in answer["entities"] if e["label"] == "ORG"]
        assert orgs and orgs[0]["entity_id"] == "trader:NL123456789"
        assert answer["id"].startswith("R-")
    linked = graph.query(
        "MATCH (r:Report)-[m:MENTIONS]->(e:Trader {id: 'trader:NL123456789'}) "
        "RETURN r.id AS id, m.provenance AS provenance"
    )
    assert {row["id"] for row in linked} == {first.json["id"], second.json["id"]}
    assert {row["provenance"] for row in linked} == {"gazetteer"}
    # the statistical/ rule mentions are in the graph at once, proposed, with offsets
    phone = graph.query(
        "MATCH (:Report {id: $id})-[m:MENTIONS {label: 'PHONE'}]->(e:Phone) "
        "RETURN e.id AS id, e.status AS status, m.start AS start, m.end AS end, m.review AS review",
        {"id": first.json["id"]},
    )[0]
    assert phone == {"id": "phone:+359888123456", "status": "proposed",
                     "start": TEXT.index("+359"), "end": TEXT.index(" before"),
                     "review": "proposed"}


def test_unknown_company_two_spellings_one_organisation(graph, make_user, api):
    make_user("ana@customs.example", role="analyst")
    caller = api("ana@customs.example")
    for text in ("Goods declared by Orion Freight Forwarding Ltd at Varna.",
                 "ORION FREIGHT FORWARDING LIMITED paid the duties."):
        assert caller.post("/reports", json=hotline(text)).status_code == 201
    rows = graph.query(
        "MATCH (r:Report)-[:MENTIONS]->(e:Organisation) WHERE e.name CONTAINS 'rion' "
        "OR e.name CONTAINS 'RION' RETURN DISTINCT e.id AS id, count(r) AS reports"
    )
    assert len(rows) == 1 and rows[0]["reports"] == 2


def test_need_to_know_per_unit_list_detail_search_and_api(graph, make_unit, make_user, auth,
                                                         client, api):
    make_unit("East")
    make_user("east@customs.example", role="analyst", unit="East")
    make_user("hq@customs.example", role="analyst", unit="HQ")
    make_user("auditor@customs.example", role="auditor", unit="HQ")
    author = api("east@customs.example")
    secret = author.post("/reports", json=hotline("Zebrafish smuggling via Burgas.")).json["id"]
    public = author.post("/reports", json=hotline("Zebrafish seen in open waters.",
                                                  handling="open")).json["id"]
    for email in ("hq@customs.example", "auditor@customs.example"):
        outsider = api(email)
        assert outsider.get(f"/reports/{secret}").status_code == 404
        assert outsider.get(f"/reports/{public}").status_code == 200
        listed = {r["id"] for r in outsider.get("/reports").json["reports"]}
        assert secret not in listed and public in listed
        found = {r["id"] for r in outsider.get("/reports?q=zebrafish").json["reports"]}
        assert found == {public}
        auth.login(email)
        assert client.get(f"/reports/{secret}").status_code == 404
        assert secret not in client.get("/reports/?q=zebrafish").text
        assert secret not in client.get("/reports/?view=queue").text
        assert public in client.get("/reports/?q=zebrafish").text
        auth.logout()
    insider = api("east@customs.example")
    assert {r["id"] for r in insider.get("/reports?q=zebrafish").json["reports"]} == {secret,
                                                                                     public}
    events = graph.query("MATCH (a:AuditEvent {action: 'report.read'}) "
                         "RETURN a.target AS t, a.outcome AS outcome")
    # refused reads reveal nothing to the reader; only the audit log tells them apart
    assert {(e["t"], e["outcome"]) for e in events} == {(public, "read"), (secret, "refused")}


def test_drafts_are_private_to_their_author(graph, make_user, api):
    make_user("a@customs.example")
    make_user("b@customs.example")
    draft = api("a@customs.example").post("/reports", json=hotline(status="draft",
                                                                    handling="open"))
    assert draft.status_code == 201
    rid = draft.json["id"]
    assert api("b@customs.example").get(f"/reports/{rid}").status_code == 404
    assert api("a@customs.example").get(f"/reports/{rid}").json["status"] == "draft"


def test_bad_input_gives_json_4xx_and_stores_nothing(graph, make_user, api):
    make_user("ana@customs.example", role="analyst")
    caller = api("ana@customs.example")
    cases = [
        (hotline(handling=""), 400, "handling"),
        (hotline(info_grade="7"), 400, "info_grade"),
        (hotline(source_grade="Z"), 400, "source_grade"),
        ({"channel": "register", "handling": "open", "text": "x", "event_type": "picnic"}, 400,
         "event_type"),
        (hotline(received="not a date"), 400, "received"),
        (hotline(text=["a", "list"]), 400, "text"),
        ({"channel": "informant", "handling": "open", "text": "x", "source": "NOPE"}, 403,
         "channel"),
    ]
    for body, status, field in cases:
        answer = caller.post("/reports", json=body)
        assert answer.status_code == status, (body, answer.json)
        assert answer.json["detail"]["field"] == field
    assert caller.post("/reports", data="{not json").status_code == 400
    assert caller.post("/reports", json=["a", "list"]).status_code == 400
    assert caller.post("/extract", json={"text": 42}).status_code == 400
    assert count(graph, "MATCH (r:Report) RETURN count(r) AS n") == 0
    assert count(graph, "MATCH (e:Entity) RETURN count(e) AS n") == 0


def test_a_failed_save_leaves_no_half_report(graph, make_user, api, monkeypatch):
    import graph.mentions as mentions

    make_user("ana@customs.example", role="analyst")

    def broken_link(tx, entities, rows):
        raise RuntimeError("disk full while linking mentions")

    monkeypatch.setattr(mentions, "link_tx", broken_link)
    answer = api("ana@customs.example").post("/reports", json=hotline())
    assert answer.status_code == 500
    assert count(graph, "MATCH (r:Report) RETURN count(r) AS n") == 0
    assert count(graph, "MATCH (e:Entity) RETURN count(e) AS n") == 0


def test_duplicate_id_is_a_conflict(graph, make_user, api):
    make_user("ana@customs.example", role="analyst")
    caller = api("ana@customs.example")
    assert caller.post("/reports", json=hotline(id="R-2025-0042")).status_code == 201
    again = caller.post("/reports", json=hotline(id="R-2025-0042", text="other"))
    assert again.status_code == 409
    assert count(graph, "MATCH (r:Report) RETURN count(r) AS n") == 1


def test_extract_stores_nothing_and_knows_the_gazetteer(graph, make, make_user, api):
    make_user("ana@customs.example", role="analyst")
    confirmed_trader(make)
    domain = "MATCH (n) WHERE n:Entity OR n:Report OR n:ReportCounter RETURN count(n) AS n"
    before = count(graph, domain)
    answer = api("ana@customs.example").post("/extract", json={"text": TEXT})
    assert answer.status_code == 200
    by_label = {e["label"]: e for e in answer.json["entities"]}
    assert by_label["ORG"]["entity_id"] == "trader:NL123456789"
    assert by_label["CONTAINER"]["text"] == "MSCU1234565"
    assert set(by_label["PHONE"]) >= {"start", "end", "label", "text", "normalized",
                                      "confidence"}
    assert count(graph, domain) == before


def test_lifecycle_rules(graph, make_user, api):
    make_user("author@customs.example", role="analyst")
    make_user("other@customs.example", role="analyst")
    make_user("liaison@customs.example", role="liaison")
    author, other = api("author@customs.example"), api("other@customs.example")
    rid = author.post("/reports", json=hotline(status="draft")).json["id"]
    assert other.post(f"/reports/{rid}/transitions", json={"action": "submit"}).status_code == 404
    assert author.post(f"/reports/{rid}/transitions", json={"action": "submit"}).json == {
        "id": rid, "status": "submitted"}
    own = author.post(f"/reports/{rid}/transitions", json={"action": "evaluate",
                                                           "info_grade": "2"})
    assert own.status_code == 403  # four eyes: another officer evaluates
    liaison = api("liaison@customs.example").post(
        f"/reports/{rid}/transitions", json={"action": "evaluate", "info_grade": "2"})
    assert liaison.status_code == 403  # visible (same unit) but liaison officers do not evaluate
    missing = other.post(f"/reports/{rid}/transitions", json={"action": "evaluate"})
    assert missing.status_code == 400 and missing.json["detail"]["field"] == "info_grade"
    done = other.post(f"/reports/{rid}/transitions",
                      json={"action": "evaluate", "info_grade": "2", "source_grade": "C"})
    assert done.json["status"] == "evaluated"
    report = other.get(f"/reports/{rid}").json
    assert (report["info_grade"], report["source_grade"]) == ("2", "C")
    assert report["evaluated_at"] and report["submitted_at"]
    again = other.post(f"/reports/{rid}/transitions", json={"action": "submit"})
    assert again.status_code == 409
    assert other.post(f"/reports/{rid}/transitions",
                      json={"action": "archive"}).json["status"] == "archived"
    actions = [e["a"] for e in graph.query(
        "MATCH (e:AuditEvent) WHERE e.action STARTS WITH 'report.' AND e.target = $id "
        "RETURN e.action AS a ORDER BY e.seq", {"id": rid})]
    assert actions[:1] == ["report.create"] and {"report.submit", "report.evaluate",
                                                 "report.archive"} <= set(actions)
