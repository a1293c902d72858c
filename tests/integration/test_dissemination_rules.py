"""Dissemination follows the handling code (checked at sending time), sanitised copies lose
the source link and stay linked to the original, and recipients' feedback is counted."""

from functools import partial

import pytest

from tests.conftest import csrf_from, submit_form
from tests.dissemination_seed import TEXT, seed_officers, seed_report


@pytest.fixture
def world(graph, make, make_unit, make_user):
    return seed_officers(make_unit, make_user), partial(seed_report, make)


def sent_to(graph, rid):
    rows = graph.query(
        "MATCH (:Report {id: $id})-[d:DISSEMINATED_TO]->(t) "
        "RETURN coalesce(t.name, t.email) AS name, d.by AS by, d.handling AS handling",
        {"id": rid},
    )
    return {r["name"] for r in rows}


def send(client, rid, units=(), users=()):
    page = client.get(f"/dissemination/reports/{rid}")
    assert page.status_code == 200
    return client.post(
        f"/dissemination/reports/{rid}/send",
        data={"units": list(units), "users": list(users), "csrf_token": csrf_from(page.text)},
    )


def test_restricted_report_is_sent_by_the_originating_unit_only(client, auth, graph, world):
    users, report = world
    rid = report("R-1", handling="restricted")
    auth.login("hq@customs.example")
    response = send(client, rid, units=["South Region"])
    assert response.status_code == 302
    row = graph.query(
        "MATCH (r:Report {id: 'R-1'})-[d:DISSEMINATED_TO]->(u:Unit) "
        "RETURN r.status AS status, d.by AS by, d.handling AS handling, d.at AS at, u.name AS u"
    )[0]
    assert row == {
        **row,
        "status": "disseminated",
        "by": users["hq"].id,
        "handling": "restricted",
        "u": "South Region",
    }
    assert row["at"]
    auth.logout()

    # South received it and may read it, but may not pass a restricted report on.
    auth.login("south@customs.example")
    response = send(client, rid, units=["North Region"])
    assert response.status_code == 400
    assert "only the originating unit (HQ)" in response.text
    assert sent_to(graph, rid) == {"South Region"}
    log = client.get("/dissemination/")
    assert "R-1" in log.text and "hq@customs.example" in log.text
    auth.logout()

    # North never received it: the report does not exist for them.
    auth.login("north@customs.example")
    assert client.get(f"/dissemination/reports/{rid}").status_code == 404
    assert "R-1" not in client.get("/dissemination/").text


def test_open_and_unevaluated_and_originator_rules(client, auth, graph, world):
    _users, report = world
    open_id = report("R-open", handling="open", unit="South Region")
    draftish = report("R-sub", handling="open", status="submitted")
    orcon = report("R-orcon", handling="originator", unit="HQ")

    auth.login("north@customs.example")  # not the originator: open reports still go
    assert send(client, open_id, units=["HQ"]).status_code == 302
    assert sent_to(graph, open_id) == {"HQ"}
    response = send(client, draftish, units=["HQ"])
    assert response.status_code == 400 and "Only evaluated reports" in response.text
    auth.logout()

    auth.login("hq@customs.example")
    response = send(client, orcon, units=["North Region"])
    assert response.status_code == 400 and "has not consented" in response.text
    assert sent_to(graph, orcon) == set()
    consented = submit_form(client, f"/dissemination/reports/{orcon}/consent",
                            {"consent-units": ["North Region"]},
                            page=f"/dissemination/reports/{orcon}")
    assert consented.status_code == 302
    assert send(client, orcon, units=["North Region"]).status_code == 302
    # Consent for North does not cover South.
    response = send(client, orcon, units=["South Region"])
    assert response.status_code == 400
    assert sent_to(graph, orcon) == {"North Region"}
    auth.logout()

    # A liaison officer (not an analyst) cannot disseminate even an open report.
    auth.login("liaison@customs.example")
    response = send(client, open_id, units=["North Region"])
    assert response.status_code == 400 and "intelligence officers" in response.text


def test_handling_is_checked_again_at_sending_time(app, graph, world):
    from app.dissemination import service
    from graph.dissemination import Refused

    users, report = world
    rid = report("R-late", handling="open", unit="South Region")
    # The code changes after the page was shown: sending re-reads it in the transaction.
    # Cypher: a concurrent writer; no page recodes an evaluated report, so none can race here.
    graph.query("MATCH (r:Report {id: $id}) SET r.handling = 'originator'", {"id": rid}, write=True)
    with app.test_request_context(), pytest.raises(Refused):
        service.disseminate(graph, users["south"], rid, units=["North Region"])
    assert sent_to(graph, rid) == set()


def test_a_sending_and_its_audit_event_commit_together(app, graph, world, monkeypatch):
    from app.dissemination import service

    users, report = world
    rid = report("R-audit", handling="open", unit="South Region")
    events = "MATCH (e:AuditEvent {action: 'report.disseminate', target: $id}) RETURN e.seq"

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(service, "audit", broken)
    with app.test_request_context(), pytest.raises(RuntimeError):
        service.disseminate(graph, users["south"], rid, units=["North Region"])
    assert sent_to(graph, rid) == set()  # not sent without its record

    monkeypatch.undo()
    with app.test_request_context():
        service.disseminate(graph, users["south"], rid, units=["North Region"])
    assert sent_to(graph, rid) == {"North Region"}
    assert len(graph.query(events, {"id": rid})) == 1


def test_bad_recipients_give_form_errors(client, auth, graph, world):
    _users, report = world
    rid = report("R-2", handling="open")
    auth.login("hq@customs.example")
    response = send(client, rid)
    assert response.status_code == 400 and "Choose at least one" in response.text
    response = send(client, rid, units=["Atlantis"])
    assert response.status_code == 400 and "not a valid choice" in response.text
    assert sent_to(graph, rid) == set()


def test_sanitised_copy_is_linked_without_source(client, auth, graph, world):
    _users, report = world
    rid = report("R-3", handling="originator")
    auth.login("hq@customs.example")
    page = client.get(f"/dissemination/reports/{rid}/sanitise")
    assert page.status_code == 200
    token = csrf_from(page.text)
    # Leaving the codename in is refused; nothing is written.
    refused = client.post(
        f"/dissemination/reports/{rid}/sanitise",
        data={"title": "Lorry", "text": TEXT + " More.", "handling": "open", "csrf_token": token},
    )
    assert refused.status_code == 400 and "codename" in refused.text
    clean = "A lorry CA1234KX near Varna is linked to Baltic Star Trading Ltd."
    response = client.post(
        f"/dissemination/reports/{rid}/sanitise",
        data={"title": "Lorry near Varna", "text": clean, "handling": "open", "csrf_token": token},
    )
    assert response.status_code == 302
    row = graph.query(
        "MATCH (c:Report)-[:SANITISED_FROM]->(o:Report {id: $id}) "
        "RETURN c {.*} AS c, EXISTS { (c)-[:FROM_SOURCE]->() } AS has_source, "
        "EXISTS { (c)-[:ORIGINATED_IN]->(:Unit {name: 'HQ'}) } AS in_hq, "
        "[(c)-[:MENTIONS]->(e) | e.id] AS entities",
        {"id": rid},
    )
    assert len(row) == 1
    copy = row[0]["c"]
    assert copy["text"] == clean and "NIGHTJAR" not in str(copy)
    assert copy["handling"] == "open" and copy["status"] == "evaluated" and copy["sanitised"]
    assert not row[0]["has_source"] and row[0]["in_hq"]
    assert "vehicle:CA1234KX" in row[0]["entities"]
    # The open copy goes where the original could not.
    assert send(client, copy["id"], units=["North Region"]).status_code == 302
    original = client.get(f"/dissemination/reports/{rid}")
    assert copy["id"] in original.text


def test_feedback_is_given_by_recipients_and_counted(client, auth, graph, world):
    users, report = world
    rid = report("R-4", handling="restricted")
    report("R-5", handling="restricted")
    auth.login("hq@customs.example")
    send(client, rid, units=["South Region"], users=[users["north"].id])
    send(client, "R-5", units=["South Region"])
    auth.logout()

    auth.login("south@customs.example")
    response = submit_form(client, f"/dissemination/reports/{rid}/feedback", {
        "useful": "y", "actioned": "y", "result": "Lorry stopped, 40,000 cigarettes"})
    assert response.status_code == 302
    page = client.get(f"/dissemination/reports/{rid}")
    assert "1 of 2 recipients answered" in page.text and "40,000 cigarettes" in page.text
    log = client.get("/dissemination/")
    assert 'id="feedback-rate">50%' in log.text
    auth.logout()

    # The originating unit reads it but did not receive it: no feedback from there.
    auth.login("hq@customs.example")
    response = submit_form(client, f"/dissemination/reports/{rid}/feedback", {"useful": "y"})
    assert response.status_code == 400 and "Only recipients" in response.text
    counts = graph.query(
        "MATCH (f:Feedback)-[:ON]->(:Report {id: $id}) RETURN count(f) AS n", {"id": rid}
    )
    assert counts[0]["n"] == 1
