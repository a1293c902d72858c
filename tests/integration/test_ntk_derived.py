"""Need-to-know of what is derived from reports, and of what cases and edits pass on.

Red-team findings, each reproduced through the API and the pages with setup made the same
way: relations added from a restricted report reached other units through entity pages,
neighbours, paths, exports and the explorer; a case passed restricted reports on to
members the dissemination rules would refuse; an analyst of another unit could edit a
submitted report and open it up.
"""

import datetime
import io
import zipfile

import pytest

from tests.conftest import csrf_from

NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()

PHONE = "phone:+31105550199"
EMAIL = "email:broker@zarko.example"
TEXT = "Call +31 10 555 0199 or write to broker@zarko.example about the load."


@pytest.fixture
def world(make, make_unit, make_user):
    make_unit("South")
    make_unit("North")
    return make.with_tokens({
        "south": make_user("south.analyst@customs.example", "analyst", "South"),
        "south2": make_user("south.analyst2@customs.example", "analyst", "South"),
        "south_inv": make_user("south.inv@customs.example", "investigator", "South"),
        "handler": make_user("south.handler@customs.example", "handler", "South"),
        "north": make_user("north.analyst@customs.example", "analyst", "North"),
        "north_inv": make_user("north.inv@customs.example", "investigator", "North"),
    })


def _report(client, headers, **body):
    body = {"channel": "open_source", "text": TEXT, "handling": "restricted", **body}
    made = client.post("/api/v1/reports", json=body, headers=headers)
    assert made.status_code == 201, made.json
    return made.json


def _informant_report(client, world, handling="restricted"):
    tokens, users = world["tokens"], world["users"]
    source = client.post("/api/v1/sources", headers=tokens["handler"], json={
        "codename": "KX-9", "type": "informant", "controller_id": users["south"].id})
    assert source.status_code in (201, 409), source.json
    if source.status_code == 201:  # the controller approves the recruitment
        approved = client.post("/api/v1/sources/KX-9/approval", headers=tokens["south"],
                               json={"review_due": NEXT_YEAR})
        assert approved.status_code == 200, approved.json
    made = _report(client, tokens["handler"], channel="informant", source="KX-9",
                   handling=handling, text="KX-9 says lorry CA1234KX carries cigarettes.")
    return made["id"]


def _evaluate(client, headers, rid):
    done = client.post(f"/api/v1/reports/{rid}/transitions", headers=headers,
                       json={"action": "evaluate", "info_grade": "2"})
    assert done.status_code == 200, done.json


# -- 1. relations derived from a report follow the report -----------------------------------


@pytest.fixture
def related(client, world):
    """South: an open report naming a phone and an e-mail (so everyone sees both), and a
    restricted one relating them."""
    south = world["tokens"]["south"]
    _report(client, south, handling="open", title="Open note")
    secret = _report(client, south, title="Restricted note")
    named = {e["entity_id"] for e in secret["entities"]}
    assert {PHONE, EMAIL} <= named, named
    added = client.post(f"/api/v1/reports/{secret['id']}/relations", headers=south,
                        json={"from": PHONE, "type": "ASSOCIATE_OF", "to": EMAIL})
    assert added.status_code == 201, added.json
    return secret["id"]


def _leaks(text, rid):
    return rid in text or "ASSOCIATE_OF" in text or "south.analyst@" in text


def test_relation_from_a_restricted_report_is_hidden_from_other_units(client, auth, world,
                                                                      related):
    rid = related
    north, south = world["tokens"]["north"], world["tokens"]["south"]
    assert client.get(f"/api/v1/reports/{rid}", headers=north).status_code == 404

    calls = [
        (f"/api/v1/entities/{PHONE}", {}),
        (f"/api/v1/entities/{PHONE}/neighbours", {"depth": 2}),
        ("/api/v1/paths", {"from": PHONE, "to": EMAIL}),
        (f"/api/v1/entities/{PHONE}/network.graphml", {}),
    ]
    for path, query in calls:
        seen = client.get(path, headers=north, query_string=query)
        assert seen.status_code == 200, (path, seen.status_code)
        assert not _leaks(seen.get_data(as_text=True), rid), path
        # the originating unit still sees the relation with its source
        own = client.get(path, headers=south, query_string=query).get_data(as_text=True)
        assert "ASSOCIATE_OF" in own and rid in own, path
    entity = client.get(f"/api/v1/entities/{PHONE}", headers=north).json
    assert entity["relations"] == [] and entity["identifiers"] == []

    i2 = client.get(f"/api/v1/entities/{PHONE}/network.i2.zip", headers=north)
    with zipfile.ZipFile(io.BytesIO(i2.data)) as archive:
        for name in archive.namelist():
            assert not _leaks(archive.read(name).decode(), rid), name

    auth.login("north.analyst@customs.example")
    page = client.get(f"/entities/{PHONE}")
    assert page.status_code == 200 and not _leaks(page.text, rid)
    explorer = client.get(f"/explorer?id={PHONE}")
    token = csrf_from(explorer.text)
    shown = client.get("/explorer/api/neighbours", query_string={"id": PHONE, "depth": 2})
    assert not _leaks(shown.get_data(as_text=True), rid)
    path = client.get("/explorer/api/paths", query_string={"from": PHONE, "to": EMAIL})
    assert path.status_code == 200 and not _leaks(path.get_data(as_text=True), rid)
    for url in ("/explorer/api/subgraph", "/explorer/export/graphml", "/explorer/export/i2"):
        got = client.post(url, json={"ids": [PHONE, EMAIL]}, headers={"X-CSRFToken": token})
        assert got.status_code == 200, url
        body = got.data
        if url.endswith("i2"):
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"".join(archive.read(n) for n in archive.namelist())
        assert not _leaks(body.decode(), rid), url


def test_the_same_relation_from_an_open_report_stays_visible(client, world, related):
    """A relation stated by a restricted report and again by an open one is two facts:
    the open one shows, the restricted one's source does not."""
    south, north = world["tokens"]["south"], world["tokens"]["north"]
    public = _report(client, south, handling="open", title="Open relation")
    added = client.post(f"/api/v1/reports/{public['id']}/relations", headers=south,
                        json={"from": PHONE, "type": "ASSOCIATE_OF", "to": EMAIL})
    assert added.status_code == 201
    relations = client.get(f"/api/v1/entities/{PHONE}", headers=north).json["identifiers"]
    assert [(r["type"], r["source"]) for r in relations] == [
        ("ASSOCIATE_OF", f"report:{public['id']}")]
    own = client.get(f"/api/v1/entities/{PHONE}", headers=south).json["identifiers"]
    assert sorted(r["source"] for r in own) == sorted(
        [f"report:{public['id']}", f"report:{related}"])


# -- 2. a case never widens who may read a report -------------------------------------------


def _case(client, headers, title="Joint case"):
    made = client.post("/api/v1/cases", headers=headers,
                       json={"title": title, "kind": "investigation"})
    assert made.status_code == 201, made.json
    return made.json["id"]


def _member(client, headers, case_id, email):
    return client.post(f"/api/v1/cases/{case_id}/members", headers=headers,
                       json={"email": email})


def _attach(client, headers, case_id, rid):
    return client.post(f"/api/v1/cases/{case_id}/reports", headers=headers,
                       json={"report_id": rid})


@pytest.fixture
def sent_to_north(client, world):
    """South's evaluated restricted informant report, disseminated to the North analyst."""
    tokens, users = world["tokens"], world["users"]
    rid = _informant_report(client, world)
    _evaluate(client, tokens["south"], rid)
    sent = client.post(f"/api/v1/reports/{rid}/dissemination", headers=tokens["south"],
                       json={"users": [users["north"].id]})
    assert sent.status_code == 201, sent.json
    return rid


def test_a_recipient_cannot_pass_a_restricted_report_on_through_a_case(client, world,
                                                                       sent_to_north):
    rid, tokens = sent_to_north, world["tokens"]
    north, north_inv = tokens["north"], tokens["north_inv"]
    assert client.get(f"/api/v1/reports/{rid}", headers=north).status_code == 200
    # the dissemination API refuses the same sending ...
    direct = client.post(f"/api/v1/reports/{rid}/dissemination", headers=north,
                         json={"users": [world["users"]["north_inv"].id]})
    assert direct.status_code == 403
    # ... and so does a case: attaching to a case that has the investigator on it
    case_id = _case(client, north)
    assert _member(client, north, case_id, "north.inv@customs.example").status_code == 201
    refused = _attach(client, north, case_id, rid)
    assert refused.status_code == 403, refused.json
    message = refused.json["detail"]["message"]
    assert "north.inv@customs.example" in message and "originating unit (South)" in message
    assert client.get(f"/api/v1/reports/{rid}", headers=north_inv).status_code == 404
    # or adding the investigator to a case that holds it
    alone = _case(client, north, "North only")
    assert _attach(client, north, alone, rid).status_code == 201  # nobody new reads it
    joined = _member(client, north, alone, "north.inv@customs.example")
    assert joined.status_code == 403, joined.json
    assert rid in joined.json["detail"]["message"]
    assert client.get(f"/api/v1/reports/{rid}", headers=north_inv).status_code == 404
    case = client.get(f"/api/v1/cases/{alone}", headers=north).json
    assert [m["email"] for m in case["members"]] == ["north.analyst@customs.example"]


def test_a_case_member_of_another_role_cannot_pass_a_report_on(client, world):
    """An investigator of the originating unit reads the report but does not disseminate:
    neither may their case."""
    tokens = world["tokens"]
    rid = _informant_report(client, world)
    case_id = _case(client, tokens["south_inv"])
    assert _member(client, tokens["south_inv"], case_id,
                   "north.analyst@customs.example").status_code == 201
    refused = _attach(client, tokens["south_inv"], case_id, rid)
    assert refused.status_code == 403
    assert "intelligence officers" in refused.json["detail"]["message"]
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["north"]).status_code == 404
    # a member of another unit may not add a colleague either: the report is not named
    hidden = _case(client, tokens["south"], "South holds it")
    assert _attach(client, tokens["south"], hidden, rid).status_code == 201
    assert client.post(f"/api/v1/cases/{hidden}/members", headers=tokens["south"],
                       json={"email": "north.analyst@customs.example",
                             "role": "lead"}).status_code == 201
    joined = _member(client, tokens["north"], hidden, "north.inv@customs.example")
    assert joined.status_code == 403
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["north_inv"]).status_code == 404


def test_the_originating_unit_still_works_its_cases(client, world, graph):
    tokens = world["tokens"]
    rid = _informant_report(client, world)  # submitted, restricted
    case_id = _case(client, tokens["south"])
    assert _member(client, tokens["south"], case_id, "south.inv@customs.example").status_code \
        == 201
    assert _attach(client, tokens["south"], case_id, rid).status_code == 201
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["south_inv"]).status_code == 200
    # the originating unit's analyst chooses to bring in an officer of another unit
    added = _member(client, tokens["south"], case_id, "north.inv@customs.example")
    assert added.status_code == 201, added.json
    assert client.get(f"/api/v1/reports/{rid}", headers=tokens["north_inv"]).status_code == 200
    events = graph.query(
        "MATCH (a:AuditEvent {action: 'case.member.add', target: $case}) "
        "RETURN a.detail AS detail ORDER BY a.seq", {"case": case_id})
    assert rid in events[-1]["detail"] and "north.inv@customs.example" in events[-1]["detail"]


# -- 3. only the originating unit edits a submitted report, and recodes it with a reason -----


def test_a_case_member_of_another_unit_reads_but_does_not_edit(client, auth, world):
    tokens = world["tokens"]
    rid = _informant_report(client, world)  # submitted, restricted
    case_id = _case(client, tokens["south"])
    assert _attach(client, tokens["south"], case_id, rid).status_code == 201
    assert _member(client, tokens["south"], case_id,
                   "north.analyst@customs.example").status_code == 201
    north = tokens["north"]
    assert client.get(f"/api/v1/reports/{rid}", headers=north).status_code == 200
    for body in ({"handling": "open"}, {"handling": "open", "reason": "wider use"},
                 {"title": "Renamed"}):
        changed = client.patch(f"/api/v1/reports/{rid}", headers=north, json=body)
        assert changed.status_code == 403, (body, changed.json)
    stored = client.get(f"/api/v1/reports/{rid}", headers=tokens["south"]).json
    assert stored["handling"] == "restricted" and stored["title"] != "Renamed"

    auth.login("north.analyst@customs.example")
    assert client.get(f"/reports/{rid}/edit").status_code == 403
    detail = client.get(f"/reports/{rid}")
    assert detail.status_code == 200 and f"/reports/{rid}/edit" not in detail.text
    posted = client.post(f"/reports/{rid}/edit", data={
        "csrf_token": csrf_from(detail.text), "text": "x", "handling": "open",
        "reason": "because"})
    assert posted.status_code in (400, 403)
    assert client.get(f"/api/v1/reports/{rid}", headers=north).json["handling"] == "restricted"


def test_the_originating_unit_recodes_within_the_rules_with_a_reason(client, auth, world,
                                                                    graph):
    tokens = world["tokens"]
    rid = _informant_report(client, world)
    south = tokens["south"]
    opened = client.patch(f"/api/v1/reports/{rid}", headers=south,
                          json={"handling": "open", "reason": "wider use"})
    assert opened.status_code == 403 and "sanitised copy" in opened.json["detail"]["message"]
    bare = client.patch(f"/api/v1/reports/{rid}", headers=south, json={"handling": "originator"})
    assert bare.status_code == 400 and bare.json["detail"]["field"] == "reason"
    done = client.patch(f"/api/v1/reports/{rid}", headers=south,
                        json={"handling": "originator", "reason": "source at risk"})
    assert done.status_code == 200 and done.json["handling"] == "originator"
    events = graph.query(
        "MATCH (a:AuditEvent {action: 'report.update', target: $id}) "
        "RETURN a.reason AS reason, a.detail AS detail", {"id": rid})
    assert [e["reason"] for e in events] == ["source at risk"]
    assert '"to": "originator"' in events[0]["detail"]
    # a report from another channel may be opened by its unit, with a reason
    other = _report(client, tokens["south2"], title="Open source note")["id"]
    assert client.patch(f"/api/v1/reports/{other}", headers=south,
                        json={"handling": "open", "reason": "public facts"}).status_code == 200

    # the same on the page: the reason is asked for, and an informant report stays closed
    auth.login("south.analyst@customs.example")
    form = client.get(f"/reports/{rid}/edit")
    assert form.status_code == 200 and 'name="reason"' in form.text
    fields = {"csrf_token": csrf_from(form.text), "title": "Renamed",
              "text": "KX-9 says lorry CA1234KX carries cigarettes.", "info_grade": "2"}
    no_reason = client.post(f"/reports/{rid}/edit", data={**fields, "handling": "restricted"})
    assert no_reason.status_code == 400 and "State why" in no_reason.text
    to_open = client.post(f"/reports/{rid}/edit", data={**fields, "handling": "open",
                                                        "reason": "why not"})
    assert to_open.status_code == 400 and "sanitised copy" in to_open.text
    saved = client.post(f"/reports/{rid}/edit", data={**fields, "handling": "restricted",
                                                      "reason": "threat has passed"})
    assert saved.status_code == 302
    stored = client.get(f"/api/v1/reports/{rid}", headers=south).json
    assert stored["handling"] == "restricted" and stored["title"] == "Renamed"
