"""Mutual administrative assistance requests: customs A asks partner B about a trader and a
declaration, B receives the request in an exchange package and answers with a file, and
the answer lands on A's request; reminders before and after the deadline; the printable
register; need-to-know; refusals.

Instances A (the ``app`` fixture) and B (``instance_b``, its own keys) share the test
Neo4j at the same time: each registers the other as a partner under its own name, and the
request lives twice (A's outgoing, B's incoming), as it would in two databases.
Everything goes through the real entry points: pages, API, ``flask assistance``,
``flask exchange receive`` and the exchange inbox.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest

from tests.conftest import AuthActions, csrf_from
from tests.exchange_setup import partner_form, public_keys
from tests.factories import Factories, declaration, trader

ANALYST = "desk@customs.example"
ADMIN = "admin@customs.example"
OUTSIDER = "north@customs.example"
HIDDEN = "person:zoran kostadinov"
TODAY = datetime.date.today()


def _day(days: int) -> str:
    return (TODAY + datetime.timedelta(days=days)).isoformat()


def _new(client, **fields):
    page = client.get("/assistance/new")
    assert page.status_code == 200
    data = {"partner": "", "direction": "outgoing", "legal_basis": "naples_ii",
            "legal_text": "", "subjects": "trader:BG123456789", "declarations": "26BG0001",
            "questions": "Did Baltic Star Trading Ltd export the goods of declaration "
                         "26BG0001 to you? Please send the export declaration.",
            "deadline": _day(10), "case": "", "csrf_token": csrf_from(page.text)}
    partner = re.search(r'<option[^>]*value="([^"]+)"[^>]*>Customs B', page.text)
    data["partner"] = partner.group(1) if partner else ""
    data.update(fields)
    return client.post("/assistance/new", data=data)


def _post(client, path, page_path, **data):
    token = csrf_from(client.get(page_path).text)
    return client.post(path, data={**data, "csrf_token": token})


@pytest.fixture
def partner_b(client, auth, make, make_user, instance_b):
    """A's admin registered instance B as partner Customs B; A's register holds the trader
    and the declaration a request asks about."""
    make_user(ADMIN, role="admin")
    make_user(ANALYST, role="analyst")
    auth.login(ADMIN)
    assert partner_form(client, public_keys(instance_b), name="Customs B",
                        kind="administration", country="RO").status_code == 302
    auth.logout()
    make.import_lines(trader("BG123456789", "Baltic Star Trading Ltd"),
                      declaration("26BG0001", "2026-11-02"))
    return instance_b


def _analyst_with_mail(app, auth):
    """Mail is configured (to a closed port: queued, never sent) and the analyst signed in."""
    app.config.update(SMTP_URL="smtp://127.0.0.1:1", MAIL_FROM="cordon@customs.example")
    auth.login(ANALYST)


def _notes(graph, email=None):
    return graph.query(
        "MATCH (n:Notification {kind: 'assistance'})-[:FOR]->(u:User) "
        "WHERE $email IS NULL OR u.email = $email "
        "RETURN u.email AS email, n.text AS text, n.link AS link ORDER BY email, text",
        {"email": email})


def test_a_request_goes_to_the_partner_and_its_reply_comes_back(
    app, graph, client, auth, make, make_user, instance_b, partner_b, tmp_path
):
    _analyst_with_mail(app, auth)
    assert "Mutual assistance" in client.get("/").text  # the menu entry

    # bad input: the form says why, never a 500
    for fields, message in (({"deadline": "soon"}, "YYYY-MM-DD"),
                            ({"deadline": _day(-3)}, "from today on"),
                            ({"subjects": "trader:NOPE"}, "No person or trader trader:NOPE"),
                            ({"declarations": "XX"}, "No declaration XX"),
                            ({"questions": ""}, "This is required"),
                            ({"legal_basis": "other"}, "This is required"),
                            ({"partner": "nobody"}, "No partner nobody")):
        bad = _new(client, **fields)
        assert bad.status_code == 400, fields
        assert message in bad.text, (fields, message)
    made = _new(client)
    assert made.status_code == 302
    request_id = made.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/assistance/{request_id}").text
    reference = re.search(r"MAR-\d{4}-\d{6}", page).group(0)
    assert "Baltic Star Trading Ltd" in page and "Naples II" in page and "draft" in page

    # A sends it: a signed, encrypted package; the request is sent
    out = tmp_path / "request-to-b.json"
    runner = app.test_cli_runner()
    sent = runner.invoke(args=["assistance", "package", "--request", reference,
                               "--out", str(out), "--by", ANALYST])
    assert sent.exit_code == 0, sent.output
    assert f"for Customs B written to {out}: {reference}" in sent.output
    assert make.api("get", f"/assistance/{reference}", as_=ANALYST,
                    expect=200)["status"] == "sent"

    # -- instance B registers A, and takes the package in --------------------------------
    b_client = instance_b.test_client()
    b_runner = instance_b.test_cli_runner()
    b_auth = AuthActions(b_client)
    b_auth.login(ADMIN)
    assert partner_form(b_client, public_keys(app), name="Customs A", kind="administration",
                        country="BG").status_code == 302
    b_auth.logout()
    received = b_runner.invoke(args=["exchange", "receive", str(out)])
    assert received.exit_code == 0, received.output
    ours = re.search(rf"assistance request {reference} received as (MAR-\d{{4}}-\d{{6}})",
                     received.output).group(1)
    again = b_runner.invoke(args=["exchange", "receive", str(out)])
    assert "was received before" in again.output

    make_b = Factories(instance_b, b_runner, tmp_path, make_user)
    listed = make_b.api("get", "/assistance?direction=incoming", as_=ANALYST,
                        expect=200)["requests"]
    assert [r["reference"] for r in listed] == [ours]
    incoming = listed[0]
    assert incoming["partner"]["name"] == "Customs A"
    assert incoming["partner_reference"] == reference and incoming["status"] == "sent"
    assert incoming["partner_subjects"] == [
        {"kind": "Trader", "ref": "BG123456789", "name": "Baltic Star Trading Ltd"}]
    told = _notes(graph)
    assert any(n["text"] == f"Mutual assistance request {ours} received from Customs A"
               for n in told)

    # B's officer answers on the page, with a file, and downloads the package back
    b_auth.login(ANALYST)
    b_page = f"/assistance/{incoming['id']}"
    answered = b_client.post(f"{b_page}/reply", data={
        "reply": "Yes: exported on 2026-11-03 under our declaration 26RO7777.",
        "csrf_token": csrf_from(b_client.get(b_page).text),
        "files": [(__import__("io").BytesIO(b"Export declaration 26RO7777\n"),
                   "export-26RO7777.txt")]}, content_type="multipart/form-data")
    assert answered.status_code == 302
    assert "export-26RO7777.txt" in b_client.get(b_page).text
    reply = b_client.post(f"{b_page}/package",
                          data={"csrf_token": csrf_from(b_client.get(b_page).text)})
    assert reply.status_code == 200 and "attachment" in reply.headers["Content-Disposition"]

    # -- A: the reply lands on the request through the exchange inbox -------------------
    pushed = make.api("post", "/exchange/inbox", as_=ANALYST, data=reply.data,
                      content_type="application/json")
    assert pushed.status_code == 201, pushed.json
    mine = make.api("get", f"/assistance/{request_id}", as_=ANALYST, expect=200)
    assert mine["status"] == "answered" and mine["partner_reference"] == ours
    assert mine["reply_text"].startswith("Yes: exported on 2026-11-03")
    assert [f["name"] for f in mine["files"]] == ["export-26RO7777.txt"]
    shown = client.get(f"/assistance/{request_id}").text
    assert "26RO7777" in shown and "export-26RO7777.txt" in shown
    assert {"email": ANALYST, "link": f"/assistance/{request_id}",
            "text": f"Customs B answered mutual assistance request {reference}"} in _notes(graph)
    assert graph.query("MATCH (m:MailOutbox {kind: 'assistance'}) RETURN count(m) AS n")[0]["n"]

    actions = {r["action"] for r in graph.query(
        "MATCH (a:AuditEvent) WHERE a.action STARTS WITH 'assistance.' "
        "RETURN a.action AS action")}
    assert {"assistance.create", "assistance.send", "assistance.receive", "assistance.reply",
            "assistance.reply.send", "assistance.reply.receive"} <= actions

    # a reply to a request never sent to that partner is refused with the reason
    refused = make.api("post", "/exchange/inbox", as_=ANALYST, data=out.read_bytes(),
                       content_type="application/json")
    assert refused.status_code == 422  # A's own package is not for A


def test_reminders_before_and_after_the_deadline_and_the_printable_register(
    app, graph, client, auth, make, make_user, partner_b, monkeypatch
):
    from app.background import start_worker
    from graph import clock

    _analyst_with_mail(app, auth)
    request_id = _new(client).headers["Location"].rsplit("/", 1)[1]
    detail = f"/assistance/{request_id}"
    assert _post(client, f"{detail}/status", detail, status="acknowledged").status_code == 302
    assert "cannot become acknowledged" in client.get(detail).text  # a draft is not
    assert _post(client, f"{detail}/status", detail, status="sent").status_code == 302
    reference = make.api("get", detail, as_=ANALYST, expect=200)["reference"]
    runner = app.test_cli_runner()

    def remind():
        result = runner.invoke(args=["assistance", "remind"])
        assert result.exit_code == 0, result.output
        return result.output.strip()

    assert remind() == "reminded 0 officers"  # ten days ahead, reminders at seven
    monkeypatch.setattr(clock, "today", lambda: _day(4))
    assert remind() == "reminded 2 officers"  # the desk's analyst and administrator
    assert remind() == "reminded 0 officers"  # once per request and stage
    assert _notes(graph, email=ANALYST) == [{"email": ANALYST, "link": detail,
                              "text": f"Mutual assistance request {reference} is due on "
                                      f"{_day(10)}"}]
    assert graph.query("MATCH (m:MailOutbox {to: $to, kind: 'assistance'}) "
                       "RETURN count(m) AS n", {"to": ANALYST})[0]["n"] == 1

    # past the deadline: the web worker's background round tells once more
    monkeypatch.setattr(clock, "today", lambda: _day(12))
    app.config.update(SMTP_URL=None, REMINDER_POLL_SECONDS=0.2)
    worker = start_worker(app)
    try:
        deadline = time.monotonic() + 20
        while len(_notes(graph, email=ANALYST)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # further rounds add nothing
    finally:
        worker.stopping.set()
        worker.join(timeout=10)
    assert [n["text"] for n in _notes(graph, email=ANALYST)] == [
        f"Mutual assistance request {reference} is due on {_day(10)}",
        f"Mutual assistance request {reference} is overdue: its deadline was {_day(10)}"]

    # the register shows it overdue, filtered and printable
    listing = client.get("/assistance/?status=overdue")
    assert listing.status_code == 200
    assert re.search(rf'<tr data-request="{reference}" class="overdue">', listing.text)
    assert reference not in client.get("/assistance/?status=draft").text
    printed = client.get("/assistance/print?direction=outgoing")
    assert printed.status_code == 200
    assert "Register of mutual administrative assistance requests" in printed.text
    assert 'class="assistance-register"' in printed.text and "js/print.js" in printed.text
    assert "Baltic Star Trading Ltd" in printed.text and "overdue" in printed.text
    one = client.get(f"{detail}/print")
    assert one.status_code == 200 and reference in one.text and "Naples II" in one.text
    css = client.get("/static/css/workspace.css").text
    assert "@media print" in css and ".assistance-register" in css


def test_need_to_know_and_refusals(app, graph, client, auth, make, make_user, make_unit,
                                   partner_b):
    make_unit("North")
    make_user(OUTSIDER, role="analyst", unit="North")
    make_user("liaison@customs.example", role="liaison")
    partner = graph.query("MATCH (p:Partner {name: 'Customs B'}) RETURN p.id AS id")[0]["id"]
    # a person known only from a restricted HQ report (a proposed entity)
    hidden = make.typed_report("Zoran Kostadinov is director of Quiet Goods EOOD in Varna.",
                               by=ANALYST, channel="partner_agency", handling="restricted",
                               source_grade="B", info_grade="2", title="Quiet Goods")
    assert HIDDEN in {e["entity_id"] for e in hidden["entities"]}
    body = {"partner": "Customs B", "legal_basis": "bilateral", "questions": "Who owns it?",
            "deadline": _day(20), "subjects": ["trader:BG123456789", HIDDEN]}
    made = make.api("post", "/assistance", as_=ANALYST, json=body, expect=201)
    assert {e["name"] for e in made["subjects"]} == {"Baltic Star Trading Ltd",
                                                     "Zoran Kostadinov"}
    assert make.api("post", "/assistance", as_=OUTSIDER, json=body).json["detail"][
        "field"] == "subjects"  # North may not name a person it may not see

    # bad input over the API: 400 with the field, never a 500
    for bad, field in (({**body, "deadline": "tomorrow"}, "deadline"),
                       ({**body, "subjects": "x" * 300}, "subjects"),
                       ({**body, "subjects": [1, 2]}, "subjects"),
                       ({**body, "partner": 7}, "partner"),
                       ({**body, "legal_basis": "treaty"}, "legal_basis"),
                       ({**body, "direction": "sideways"}, "direction"),
                       ({**body, "questions": "a\x00b"}, "questions"),
                       ({**body, "case": "C-none"}, "case")):
        answer = make.api("post", "/assistance", as_=ANALYST, json=bad)
        assert answer.status_code == 400, (bad, answer.json)
        assert answer.json["detail"]["field"] == field
    assert make.api("post", "/assistance", as_=ANALYST, data="[1]",
                    content_type="application/json").status_code == 400
    for query in ("status=lost", "direction=up", "after=zzz"):
        assert make.api("get", f"/assistance?{query}", as_=ANALYST).status_code == 400
    assert make.api("post", f"/assistance/{made['id']}/reply", as_=ANALYST,
                    json={"reply": ""}).status_code == 400
    assert make.api("get", "/assistance", as_="liaison@customs.example").status_code == 403

    # an officer of another unit: neither the page, the API, the list nor the print
    auth.login(OUTSIDER)
    assert client.get(f"/assistance/{made['id']}").status_code == 404
    assert client.get(f"/assistance/{made['id']}/print").status_code == 404
    assert made["reference"] not in client.get("/assistance/").text
    assert make.api("get", f"/assistance/{made['id']}", as_=OUTSIDER).status_code == 404
    assert make.api("get", f"/assistance?partner={partner}", as_=OUTSIDER,
                    expect=200)["requests"] == []
    assert "Baltic Star" not in client.get("/assistance/print").text
    auth.logout()
    auth.login("liaison@customs.example")
    assert client.get("/assistance/").status_code == 403

    # linked to a case, the request is seen by the case's members (North's officer)
    case_id = make.case("Baltic Star exports", by=ANALYST)
    make.api("post", f"/cases/{case_id}/members", as_=ANALYST,
             json={"email": OUTSIDER, "role": "member"}, expect=201)
    auth.logout()
    auth.login(ANALYST)
    detail = f"/assistance/{made['id']}"
    assert _post(client, f"{detail}/case", detail, case="C-nothing").status_code == 302
    assert "No case C-nothing that you may see" in client.get(detail).text
    assert _post(client, f"{detail}/case", detail, case=case_id).status_code == 302
    assert "Baltic Star exports" in client.get(detail).text
    seen = make.api("get", f"/assistance/{made['id']}", as_=OUTSIDER, expect=200)
    assert seen["case"]["id"] == case_id
    assert [e["name"] for e in seen["subjects"]] == ["Baltic Star Trading Ltd"]
    auth.logout()
    auth.login(OUTSIDER)
    page = client.get(detail)
    assert page.status_code == 200 and "Baltic Star" in page.text
    assert "Zoran" not in page.text and "Zoran" not in client.get(f"{detail}/print").text
    refused = graph.query("MATCH (a:AuditEvent {action: 'assistance.read'}) "
                          "WHERE a.outcome IS NOT NULL RETURN a.outcome AS o")
    assert refused  # the refused reads are in the audit log

    # the audit log names the request by its reference only, never its internal id
    make_user("aud@customs.example", role="auditor")
    auth.logout()
    auth.login("aud@customs.example")
    for action in ("assistance.create", "assistance.case"):
        log = client.get("/audit/", query_string={"action": action}).text
        assert f"<code>{action}</code>" in log and made["reference"] in log
        assert made["id"] not in log
