"""Notifications reach people: watches, dissemination, tasks, hotline follow-ups and
imports notify in the transaction of the write, within need-to-know, on the page, the
badge and the API, and by mail through a real SMTP server (aiosmtpd) when one is set.

Setup goes through the real entry points only: the API with tokens, the pages with CSRF,
`flask import`, `flask tokens create`, `flask mail send-pending`.
"""

from __future__ import annotations

import json
import re
import socket
import time
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import csrf_from

PHONE = "phone:+31105550101"
TRADER = {
    "kind": "trader", "id": "NL123456789", "name": "Baltic Star Trading Ltd", "country": "NL",
    "phones": ["+31 10 555 0101"],
}  # fmt: skip
DECLARATION = {
    "kind": "declaration", "id": "DEC-2025-000001", "date": "2025-03-12", "flow": "import",
    "office": "BGSVI001", "importer": "NL123456789", "origin": "CN", "destination": "BG",
    "items": [{"hs": "8471.30", "description": "laptops", "value": 12000.0}],
}  # fmt: skip
CONTROL = {
    "kind": "control", "declaration": "DEC-2025-000001", "date": "2025-03-13", "lane": "red",
    "result": "positive", "finding": "undervaluation", "revenue": 4100.0,
}  # fmt: skip
SECRET_WORDS = "cigarettes hidden behind the laptops"
REPORT_TEXT = f"Baltic Star answers on +31 10 555 0101 about {SECRET_WORDS}."


# ------------------------------------------------------------------------ helpers


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content, policy=default)
        self.messages.append((list(envelope.rcpt_tos), str(mail) + mail.get_content()))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on a free loopback port; ``start()``/``stop()`` for outages."""

    class Server:
        def __init__(self) -> None:
            self.port = free_port()
            self.inbox = Inbox()
            self.controller: Controller | None = None

        @property
        def url(self) -> str:
            return f"smtp://127.0.0.1:{self.port}"

        def start(self) -> None:
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()

        def stop(self) -> None:
            if self.controller is not None:
                self.controller.stop()
                self.controller = None

    server = Server()
    yield server
    server.stop()


def token(runner, email: str) -> dict[str, str]:
    result = runner.invoke(args=["tokens", "create", email])
    assert result.exit_code == 0, result.output
    return {"Authorization": "Bearer " + result.output.strip().splitlines()[-1]}


def flask_import(runner, tmp_path: Path, name: str, lines: list[dict]) -> None:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--no-train"])
    assert result.exit_code == 0, result.output


def inbox(client, headers, unread: bool = True) -> dict:
    answer = client.get("/api/v1/notifications" + ("?unread=1" if unread else ""),
                        headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def create_report(client, headers, handling: str = "open", text: str = REPORT_TEXT) -> str:
    created = client.post("/api/v1/reports", headers=headers, json={
        "channel": "partner_agency", "title": "Partner message", "handling": handling,
        "info_grade": "2", "text": text})
    assert created.status_code == 201, created.json
    return created.json["id"]


def watching_the_phone(client, runner, make_user, tmp_path,
                       watcher_role: str = "analyst") -> tuple[dict, dict]:
    """The trader's register imported; watcher@ watches the phone that author@'s report
    will name. Returns both officers' API headers (watcher, author)."""
    flask_import(runner, tmp_path, "register.jsonl", [TRADER])
    make_user("watcher@customs.example", watcher_role, "HQ")
    make_user("author@customs.example", "analyst", "HQ")
    watcher = token(runner, "watcher@customs.example")
    author = token(runner, "author@customs.example")
    watched = client.post("/api/v1/watches", json={"entity_id": PHONE}, headers=watcher)
    assert watched.status_code == 201, watched.json
    return watcher, author


def send_mail(runner) -> str:
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    return result.output


# ------------------------------------------------------------------------ tests


def test_a_report_naming_a_watched_entity_notifies_on_page_badge_api_and_mail(
    app, client, runner, make_user, auth, smtp, tmp_path
):
    smtp.start()
    app.config.update(SMTP_URL=smtp.url, MAIL_FROM="cordon@customs.example",
                      BASE_URL="https://cordon.customs.example")
    watcher, author = watching_the_phone(client, runner, make_user, tmp_path, "liaison")

    report_id = create_report(client, author)

    notes = inbox(client, watcher)
    assert notes["unread"] == 1, notes
    note = notes["notifications"][0]
    assert note["kind"] == "report" and note["link"] == f"/reports/{report_id}"
    assert note["text"] == f"Report {report_id} names +31 10 555 0101"
    assert "cigarettes" not in note["text"]  # never the report's text
    assert inbox(client, author)["unread"] == 0  # the author is not told of their own

    # the page and the badge on every page
    auth.login("watcher@customs.example")
    assert "Notifications (1)" in client.get("/watch/").text
    page = client.get("/notifications/")
    assert f'href="/notifications/{note["id"]}"' in page.text and report_id in page.text
    opened = client.get(f"/notifications/{note['id']}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(
        f"/reports/{report_id}")
    assert "Notifications (0)" in client.get("/notifications/").text
    assert inbox(client, watcher)["unread"] == 0
    assert client.get("/notifications/not-mine").status_code == 404

    # the mail: kind and link only, through a real SMTP server
    assert "sent 1" in send_mail(runner)
    assert len(smtp.inbox.messages) == 1
    recipients, content = smtp.inbox.messages[0]
    assert recipients == ["watcher@customs.example"]
    assert "You have a new notification in Cordon: report" in content
    assert f"https://cordon.customs.example/notifications/{note['id']}" in content
    for secret in ("cigarettes", "Baltic", report_id, "+31"):
        assert secret not in content
    assert "sent 0" in send_mail(runner)  # sent once
    assert len(smtp.inbox.messages) == 1


def test_smtp_down_never_fails_the_write_and_the_outbox_retries_later(
    app, client, runner, make_user, smtp, tmp_path
):
    app.config.update(SMTP_URL=smtp.url, MAIL_RETRY_SECONDS=5)  # nothing listens yet
    watcher, author = watching_the_phone(client, runner, make_user, tmp_path)

    create_report(client, author)  # 201 with the mail server down
    assert inbox(client, watcher)["unread"] == 1

    assert "sent 0, failed 1; pending 1" in send_mail(runner)
    assert "sent 0, failed 0; pending 1" in send_mail(runner)  # backing off: not due yet
    smtp.start()
    time.sleep(5.5)
    assert "sent 1, failed 0; pending 0" in send_mail(runner)
    assert [rcpt for rcpt, _ in smtp.inbox.messages] == [["watcher@customs.example"]]


def test_without_smtp_url_no_mail_is_queued(app, client, runner, make_user, tmp_path):
    watcher, author = watching_the_phone(client, runner, make_user, tmp_path)
    create_report(client, author)
    assert inbox(client, watcher)["unread"] == 1
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code != 0 and "CORDON_SMTP_URL is not set" in result.output


def test_a_notification_leaves_with_its_report_when_the_report_is_recoded_restricted(
    client, runner, make_unit, make_user, auth, tmp_path
):
    make_unit("North", "regional", "HQ")
    flask_import(runner, tmp_path, "register.jsonl", [TRADER])
    make_user("north@customs.example", "analyst", "North")
    make_user("author@customs.example", "analyst", "HQ")
    north = token(runner, "north@customs.example")
    author = token(runner, "author@customs.example")
    assert client.post("/api/v1/watches", json={"entity_id": PHONE},
                       headers=north).status_code == 201
    report_id = create_report(client, author)  # open: North reads it and is told
    note = inbox(client, north)["notifications"][0]
    assert note["link"] == f"/reports/{report_id}"

    recoded = client.patch(f"/api/v1/reports/{report_id}", headers=author, json={
        "handling": "restricted", "reason": "the partner asked for it"})
    assert recoded.status_code == 200, recoded.json
    assert client.get(f"/api/v1/reports/{report_id}", headers=north).status_code == 404
    # the notification goes with the report: not listed, not counted, not opened
    assert inbox(client, north, unread=False) == {"notifications": [], "unread": 0}
    auth.login("north@customs.example")
    assert "Notifications (0)" in client.get("/watch/").text
    assert client.get(f"/notifications/{note['id']}").status_code == 404


def test_dissemination_notifies_the_unit_and_a_restricted_report_stays_with_its_readers(
    app, client, runner, make_unit, make_user, tmp_path
):
    make_unit("South", "regional", "HQ")
    make_unit("North", "regional", "HQ")
    flask_import(runner, tmp_path, "register.jsonl", [TRADER])
    tokens = {}
    for name, role, unit in [
        ("author", "analyst", "HQ"), ("evaluator", "analyst", "HQ"), ("south", "liaison", "South"),
        ("north", "analyst", "North"), ("hq-watcher", "investigator", "HQ"),
    ]:  # fmt: skip
        make_user(f"{name}@customs.example", role, unit)
        tokens[name] = token(runner, f"{name}@customs.example")
    author, evaluator, south = tokens["author"], tokens["evaluator"], tokens["south"]
    north, hq_watcher = tokens["north"], tokens["hq-watcher"]
    for headers in (north, hq_watcher):
        assert client.post("/api/v1/watches", json={"entity_id": PHONE},
                           headers=headers).status_code == 201
    assert client.post("/api/v1/watches", json={"query": "laptops"},
                       headers=north).status_code == 201

    report_id = create_report(client, author, handling="restricted")
    # HQ's own restricted report: the HQ watcher is told, North's watcher is not
    assert [n["kind"] for n in inbox(client, hq_watcher)["notifications"]] == ["report"]
    assert inbox(client, north) == {"notifications": [], "unread": 0}

    evaluated = client.post(f"/api/v1/reports/{report_id}/transitions", headers=evaluator,
                            json={"action": "evaluate", "info_grade": "2"})
    assert evaluated.status_code == 200, evaluated.json
    sent = client.post(f"/api/v1/reports/{report_id}/dissemination", headers=evaluator,
                       json={"units": ["South"]})
    assert sent.status_code == 201, sent.json

    south_notes = inbox(client, south)["notifications"]
    assert [n["kind"] for n in south_notes] == ["dissemination"]
    assert south_notes[0]["text"] == f"Report {report_id} was disseminated to your unit"
    assert client.get(south_notes[0]["link"], headers=south).status_code in (200, 302)
    # North may still not read it: nothing, not even through its watch or saved search
    assert inbox(client, north, unread=False) == {"notifications": [], "unread": 0}


def test_task_assignment_notifies_the_assignee_and_a_change_the_author(
    app, client, runner, make_user
):
    make_user("lead@customs.example", "analyst", "HQ")
    make_user("officer@customs.example", "investigator", "HQ")
    lead, officer = token(runner, "lead@customs.example"), token(runner, "officer@customs.example")
    case = client.post("/api/v1/cases", headers=lead,
                       json={"title": "Baltic Star", "kind": "investigation"})
    assert case.status_code == 201, case.json
    task = client.post(f"/api/v1/cases/{case.json['id']}/tasks", headers=lead,
                       json={"title": "Check the lorry", "assignee": "officer@customs.example"})
    assert task.status_code == 201, task.json

    notes = inbox(client, officer)["notifications"]
    assert [(n["kind"], n["text"], n["link"]) for n in notes] == [
        ("task", 'Task "Check the lorry" assigned to you', "/tasks/")]
    assert inbox(client, lead)["unread"] == 0

    done = client.patch(f"/api/v1/tasks/{task.json['id']}", headers=officer,
                        json={"status": "done"})
    assert done.status_code == 200, done.json
    assert [n["text"] for n in inbox(client, lead)["notifications"]] == [
        'Task "Check the lorry" is now done']


def _tip(client) -> tuple[str, str]:
    page = client.get("/hotline")
    sent = client.post("/hotline", data={
        "what": "Cigarettes in container MSCU1234566", "where": "Varna", "when": "Tuesday",
        "who": "", "details": "", "contact": "", "csrf_token": csrf_from(page.text)})
    assert sent.status_code == 200
    reference = re.search(r'id="tip-reference">([^<]+)<', sent.text).group(1)
    code = re.search(r'id="tip-code">([^<]+)<', sent.text).group(1)
    return reference, code


def _follow_up(client, reference: str, code: str, text: str) -> None:
    page = client.get("/hotline/follow-up")
    opened = client.post("/hotline/follow-up", data={
        "reference": reference, "code": code, "csrf_token": csrf_from(page.text)})
    added = client.post("/hotline/follow-up/add", data={
        "reference": reference, "code": code, "text": text,
        "csrf_token": csrf_from(opened.text)})
    assert added.status_code == 200, added.text


def test_a_tipster_follow_up_notifies_the_analysts_handling_the_tip(
    app, client, runner, make_unit, make_user
):
    make_unit("South", "regional", "HQ")
    make_user("one@customs.example", "analyst", "HQ")
    make_user("two@customs.example", "analyst", "HQ")
    make_user("south@customs.example", "analyst", "South")
    one, two = token(runner, "one@customs.example"), token(runner, "two@customs.example")
    south = token(runner, "south@customs.example")
    reference, code = _tip(client)

    _follow_up(client, reference, code, "It was a red lorry.")
    for headers in (one, two):  # the queue's analysts, before anyone answered
        notes = inbox(client, headers)["notifications"]
        # officers know the tip by its numbered reference, never by the tipster's
        assert len(notes) == 1 and re.fullmatch(
            r"The tipster added information to hotline tip T-\d{4}-\d{6}", notes[0]["text"])
        assert reference not in notes[0]["text"]
        assert "red lorry" not in notes[0]["text"]
        tip_id = notes[0]["link"].rsplit("/", 1)[1]
    assert inbox(client, south)["unread"] == 0  # may not read the HQ tip queue

    replied = client.post(f"/api/v1/hotline/tips/{tip_id}/replies", headers=one,
                          json={"text": "Which plate?"})
    assert replied.status_code in (200, 201), replied.json
    _follow_up(client, reference, code, "Plate CA1234KX.")
    assert inbox(client, one)["unread"] == 2  # the analyst handling it now
    assert inbox(client, two)["unread"] == 1


def test_flask_import_and_a_recorded_control_notify_watchers_of_the_trader(
    app, client, runner, make_user, auth, tmp_path
):
    flask_import(runner, tmp_path, "register.jsonl", [TRADER])
    make_user("watcher@customs.example", "analyst", "HQ")
    make_user("officer@customs.example", "liaison", "HQ")
    watcher = token(runner, "watcher@customs.example")
    officer = token(runner, "officer@customs.example")
    auth.login("watcher@customs.example")
    page = client.get("/watch/")
    client.post("/watch/entity", data={"entity_id": "trader:NL123456789",
                                       "csrf_token": csrf_from(page.text)})
    client.post("/watch/entity", data={"entity_id": PHONE, "csrf_token": csrf_from(page.text)})

    report = {"kind": "report", "id": "R-IMP-1", "channel": "partner_agency",
              "received": "2025-03-10T09:00:00Z", "handling": "open", "unit": "HQ",
              "source_grade": "B", "info_grade": "2", "title": "Partner", "text": REPORT_TEXT}
    flask_import(runner, tmp_path, "trade.jsonl", [DECLARATION, CONTROL, report])
    flask_import(runner, tmp_path, "trade.jsonl", [DECLARATION, CONTROL, report])  # again

    notes = inbox(client, watcher)["notifications"]
    said = sorted((n["kind"], n["text"]) for n in notes)
    assert said[:2] == [
        ("control", "Control result recorded for declaration DEC-2025-000001 of "
                    "Baltic Star Trading Ltd"),
        ("declaration", "Declaration DEC-2025-000001 names Baltic Star Trading Ltd"),
    ]
    assert len(said) == 3 and said[2][0] == "report"  # once each, though imported twice
    # the imported report keeps its id and is named by its reference
    assert re.fullmatch(r"Report R-\d{4}-\d{6} names \+31 10 555 0101", said[2][1])

    recorded = client.post("/api/v1/controls", headers=officer, json={
        "declaration": "DEC-2025-000001", "date": "2025-03-20", "lane": "yellow",
        "result": "negative"})
    assert recorded.status_code == 201, recorded.json
    latest = inbox(client, watcher)["notifications"][0]
    assert latest["kind"] == "control" and latest["link"] == "/entities/trader:NL123456789"
    assert "Notifications (4)" in client.get("/").text


def test_a_refused_watch_form_says_why_beside_its_field(client, make_user, auth):
    make_user("watcher@customs.example", "analyst", "HQ")
    auth.login("watcher@customs.example")
    token = csrf_from(client.get("/watch/").text)
    refusals = [("/watch/entity", {"entity_id": "trader:NOBODY"}, "entity_id",
                 "No entity you may see matches trader:NOBODY."),
                ("/watch/entity", {"entity_id": ""}, "entity_id", "This field is required."),
                ("/watch/search", {"query": "ab"}, "query", "between 3 and 200 characters")]
    for path, data, field_id, message in refusals:
        answer = client.post(path, data={**data, "csrf_token": token})
        assert answer.status_code == 400, data
        beside = re.search(rf'<ul id="{field_id}-errors" class="errors"[^>]*>(.*?)</ul>',
                           answer.text, re.S)
        assert beside and message in beside.group(1), (data, answer.text[-2000:])
        assert 'class="flash' not in answer.text
    assert "You watch nothing yet." in client.get("/watch/").text
