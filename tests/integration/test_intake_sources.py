"""The source register: a source's identity appears in no page and no API answer for anyone
but its handler and controller, who see it only with a stated reason, audited."""

import datetime

import pytest

from app.accounts.service import issue_token
from tests.conftest import csrf_from
from tests.factories import report

NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
SECRET_NAME = "Zlatka Secretova"
SECRET_PHONE = "+359 88 999 0101"


@pytest.fixture
def register(graph, make_user, auth, client):
    """A handler registers informant KX-17 through the page; returns the users."""
    handler = make_user("handler@customs.example", role="handler")
    controller = make_user("controller@customs.example", role="handler")
    auth.login("handler@customs.example")
    page = client.get("/sources/new")
    assert page.status_code == 200
    answer = client.post("/sources/new", data={
        "csrf_token": csrf_from(page.text), "codename": "kx-17", "type": "informant",
        "reliability": "B", "handler_id": handler.id, "controller_id": controller.id,
        "name": SECRET_NAME, "contact": SECRET_PHONE, "address": "", "notes": "",
    })
    assert answer.status_code == 302, answer.text
    auth.logout()
    auth.login("controller@customs.example")  # the controller approves the recruitment
    page = client.get("/")
    approved = client.post("/sources/KX-17/approve", data={
        "csrf_token": csrf_from(page.text), "review_due": NEXT_YEAR})
    assert approved.status_code == 302, approved.text
    auth.logout()
    return handler, controller




def test_identity_is_encrypted_at_rest(graph, register):
    rows = graph.query("MATCH (n) RETURN properties(n) AS p")
    dump = repr(rows)
    assert SECRET_NAME not in dump and "999 0101" not in dump
    source = graph.query(
        "MATCH (s:Source {codename: 'KX-17'})-[:HANDLED_BY]->(h), (s)-[:CONTROLLED_BY]->(c) "
        "RETURN s.identity_enc AS enc, h.email AS h, c.email AS c, s.reliability AS grade"
    )[0]
    assert source["enc"].startswith("gAAAA")  # a Fernet token
    assert (source["h"], source["c"], source["grade"]) == (
        "handler@customs.example", "controller@customs.example", "B")


ROLES = ["admin", "analyst", "liaison", "investigator", "auditor", "committee", "handler"]


@pytest.mark.parametrize("role", ROLES)
def test_identity_in_no_page_or_api_answer_for_others(role, graph, register, make_user,
                                                      client, auth):
    handler_token = issue_token(graph, "handler@customs.example")
    filed = client.post(
        "/api/v1/reports",
        json={"channel": "informant", "source": "KX-17", "handling": "open",
              "text": "KX-17 says cigarettes move through Varna on Fridays."},
        headers={"Authorization": "Bearer " + handler_token},
    )
    assert filed.status_code == 201, filed.json
    rid = filed.json["id"]
    email = f"other-{role}@customs.example"
    make_user(email, role=role)
    bodies = []
    auth.login(email)
    for path in ("/", "/sources/", "/sources/KX-17", f"/reports/{rid}", "/reports/",
                 "/reports/?q=cigarettes"):
        bodies.append(client.get(path).text)
    page = client.get("/")
    token = csrf_from(page.text)
    reveal = client.post("/sources/KX-17/identity",
                         data={"csrf_token": token, "reason": "curious about it"})
    assert reveal.status_code in (403, 404)
    bodies.append(reveal.text)
    auth.logout()
    headers = {"Authorization": "Bearer " + issue_token(graph, email)}
    for path in ("/api/v1/sources", "/api/v1/sources/KX-17", f"/api/v1/reports/{rid}",
                 "/api/v1/reports?q=cigarettes"):
        bodies.append(client.get(path, headers=headers).text)
    api_reveal = client.post("/api/v1/sources/KX-17/identity", json={"reason": "curious"},
                             headers=headers)
    assert api_reveal.status_code in (403, 404)
    bodies.append(api_reveal.text)
    for body in bodies:
        assert SECRET_NAME not in body and "999 0101" not in body
        assert "gAAAA" not in body  # not even the ciphertext
    assert "KX-17" in bodies[3]  # the report shows the codename
    assert graph.query("MATCH (a:AuditEvent {action: 'source.identity.view'}) "
                       "RETURN count(a) AS n")[0]["n"] == 0


@pytest.mark.parametrize("email", ["handler@customs.example", "controller@customs.example"])
def test_handler_and_controller_see_identity_with_a_reason(email, graph, register, client,
                                                           auth):
    auth.login(email)
    detail = client.get("/sources/KX-17")
    assert SECRET_NAME not in detail.text and "Show identity" in detail.text
    token = csrf_from(detail.text)
    no_reason = client.post("/sources/KX-17/identity", data={"csrf_token": token, "reason": ""},
                            follow_redirects=True)
    assert SECRET_NAME not in no_reason.text and "State why" in no_reason.text
    shown = client.post("/sources/KX-17/identity",
                        data={"csrf_token": token, "reason": "arrange a meeting"})
    assert shown.status_code == 200 and SECRET_NAME in shown.text and SECRET_PHONE in shown.text
    headers = {"Authorization": "Bearer " + issue_token(graph, email)}
    api = client.post("/api/v1/sources/KX-17/identity", json={"reason": "payment record"},
                      headers=headers)
    assert api.status_code == 200 and api.json["identity"]["name"] == SECRET_NAME
    assert client.post("/api/v1/sources/KX-17/identity", json={},
                       headers=headers).status_code == 400
    events = graph.query(
        "MATCH (a:AuditEvent {action: 'source.identity.view'}) "
        "RETURN a.actor AS actor, a.reason AS reason, a.target AS target ORDER BY a.seq"
    )
    source_id = graph.query("MATCH (s:Source {codename: 'KX-17'}) RETURN s.id AS id")[0]["id"]
    assert [(e["actor"], e["reason"], e["target"]) for e in events] == [
        (email, "arrange a meeting", source_id), (email, "payment record", source_id)]


def test_register_rules_and_referenced_sources(graph, make, make_user, client, auth):
    handler = make_user("handler@customs.example", role="handler")
    analyst = make_user("ana@customs.example", role="analyst")
    headers = {"Authorization": "Bearer " + issue_token(graph, "handler@customs.example")}
    same = client.post("/api/v1/sources", headers=headers, json={
        "codename": "QX-1", "type": "informant", "controller_id": handler.id})
    assert same.status_code == 400 and same.json["detail"]["field"] == "controller_id"
    bad_grade = client.post("/api/v1/sources", headers=headers, json={
        "codename": "QX-1", "type": "informant", "controller_id": analyst.id,
        "reliability": "Q"})
    assert bad_grade.status_code == 400 and bad_grade.json["detail"]["field"] == "reliability"
    # an import only referenced this codename: registering it completes the node
    make.import_lines(report("R-QX", "QX-1 says the lorry leaves on Friday.", source="QX-1"))
    listed = client.get("/api/v1/sources", headers=headers).json["sources"]
    assert [s["codename"] for s in listed] == ["QX-1"] and listed[0]["status"] == "referenced"
    done = client.post("/api/v1/sources", headers=headers, json={
        "codename": "QX-1", "type": "partner_agency", "controller_id": analyst.id})
    assert done.status_code == 201
    again = client.post("/api/v1/sources", headers=headers, json={
        "codename": "QX-1", "type": "informant", "controller_id": analyst.id})
    assert again.status_code == 409
    source = client.get("/api/v1/sources/QX-1", headers=headers).json
    # registered, waiting for the controller to approve the recruitment
    assert source["status"] == "pending" and source["reliability"] == "F"  # not yet judged
    assert graph.query("MATCH (s:Source) RETURN count(s) AS n")[0]["n"] == 1
    liaison = make_user("liaison@customs.example", role="liaison")
    assert client.get("/api/v1/sources", headers={
        "Authorization": "Bearer " + issue_token(graph, liaison.email)}).status_code == 403
    # an analyst regrades with a reason; the history keeps both grades
    ana = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    assert client.post("/api/v1/sources/QX-1/grades", json={"grade": "C"},
                       headers=ana).status_code == 400
    assert client.post("/api/v1/sources/QX-1/grades", json={"grade": "C", "reason":
                       "two reports confirmed"}, headers=ana).json["reliability"] == "C"
    grades = client.get("/api/v1/sources/QX-1", headers=ana).json["grades"]
    assert [g["grade"] for g in grades] == ["C", "F"]


def test_source_writes_and_identity_views_are_recorded_with_them(graph, register, client,
                                                                 monkeypatch):
    from app.sources import service
    from graph.errors import DatabaseUnavailable

    headers = {"Authorization": "Bearer " + issue_token(graph, "handler@customs.example")}
    graded = client.post("/api/v1/sources/KX-17/grades", headers=headers,
                         json={"grade": "C", "reason": "two reports not confirmed"})
    assert graded.status_code == 200, graded.json
    events = graph.query("MATCH (a:AuditEvent) WHERE a.action STARTS WITH 'source.' "
                         "RETURN a.action AS action, a.reason AS reason ORDER BY a.seq")
    assert events == [{"action": "source.create", "reason": None},
                      {"action": "source.approve", "reason": None},
                      {"action": "source.regrade", "reason": "two reports not confirmed"}]

    def audit_log_down(*args, **kwargs):
        raise DatabaseUnavailable("The graph database is unavailable")

    monkeypatch.setattr(service, "audit", audit_log_down)
    refused = client.post("/api/v1/sources/KX-17/identity", json={"reason": "meeting"},
                          headers=headers)
    assert refused.status_code == 503 and SECRET_NAME not in refused.text  # no record, no view
    regraded = client.post("/api/v1/sources/KX-17/grades", headers=headers,
                           json={"grade": "A", "reason": "confirmed by a seizure"})
    assert regraded.status_code == 503
    assert graph.query("MATCH (s:Source {codename: 'KX-17'}) RETURN s.reliability AS r") == [
        {"r": "C"}]  # the grade did not change without its record


def test_a_sources_page_lists_its_reports_by_their_references(graph, register, client, auth):
    handler = {"Authorization": "Bearer " + issue_token(graph, "handler@customs.example")}
    filed = client.post("/api/v1/reports", headers=handler, json={
        "channel": "informant", "source": "KX-17", "handling": "restricted",
        "text": "KX-17 says cigarettes move through Varna on Fridays."})
    assert filed.status_code == 201, filed.json
    auth.login("handler@customs.example")
    page = client.get("/sources/KX-17").text
    reports = page.split("Reports from", 1)[1].split("</section>", 1)[0]
    assert f'href="/reports/{filed.json["id"]}"' in reports
    assert filed.json["reference"] in reports and "None" not in reports


def test_a_source_an_import_names_reads_as_its_type(graph, make, make_user, client, auth,
                                                    runner):
    """A liaison officer's entry names a liaison officer source, read in the page's words and
    found by the register's type filter; a register entry's source has no type until a
    handler registers it. Instances that stored the channel as the type are corrected by
    `flask db upgrade`."""
    make.import_lines(
        report("R-LO", "The lorry CA1234AB left on Friday.", channel="liaison",
               source="LO-Istanbul"),
        report("R-REG", "Trader BG555 changed its director.", channel="register",
               source="company register"),
    )
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    officer = client.get("/sources/LO-Istanbul")
    assert officer.status_code == 200
    assert "<dd>Liaison officer</dd>" in officer.text and "<dd>liaison</dd>" not in officer.text
    register = client.get("/sources/company register")
    assert register.status_code == 200
    assert "<dd>not described yet</dd>" in register.text
    assert "<dd>register</dd>" not in register.text
    ana = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    listed = client.get("/api/v1/sources?type=liaison_officer", headers=ana).json["sources"]
    assert [s["codename"] for s in listed] == ["LO-Istanbul"]
    french = client.get("/sources/LO-Istanbul", headers={"Accept-Language": "fr"})
    assert "<dd>Officier de liaison</dd>" in french.text, french.text

    # As if stored before V0026: the upgrade gives both the types above.
    graph.query("MATCH (s:Source {codename: 'LO-Istanbul'}) SET s.type = 'liaison'", write=True)
    graph.query("MATCH (s:Source {codename: 'company register'}) SET s.type = 'register'",
                write=True)
    graph.query("MATCH (m:Migration {version: 26}) DELETE m", write=True)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert "<dd>Liaison officer</dd>" in client.get("/sources/LO-Istanbul").text
    assert "<dd>not described yet</dd>" in client.get("/sources/company register").text


def test_review_dates_and_token_dates_read_as_dates_elsewhere(graph, register, client, auth,
                                                              make_user):
    """The register, a source's page and the token list give dates as every other page does
    (07 Dec 2026), not in the stored 2026-12-07 form."""
    shown = datetime.date.fromisoformat(NEXT_YEAR).strftime("%d %b %Y")
    auth.login("handler@customs.example")
    for path in ("/sources/", "/sources/KX-17"):
        page = client.get(path).text
        assert f'<time datetime="{NEXT_YEAR}">{shown}</time>' in page, path
        assert f">{NEXT_YEAR}<" not in page and f"<strong>{NEXT_YEAR}</strong>" not in page
    auth.logout()
    make_user("root@customs.example", role="admin")
    issue_token(graph, "root@customs.example")
    auth.login("root@customs.example")
    tokens = client.get("/admin/tokens").text
    today = datetime.date.today()
    assert f'<time datetime="{today.isoformat()}">{today.strftime("%d %b %Y")}</time>' in tokens
    assert f">{today.isoformat()}<" not in tokens
