"""Feedback is asked for: recipients of a disseminated report see it awaiting their
feedback (dashboard and list page), are reminded once after CORDON_FEEDBACK_DAYS by the
reminder round (`flask feedback remind`, and each web worker's background round), and the
dashboard's feedback rate per unit counts only the sendings the viewer may see. Setup
through the API and the pages."""

import time

import pytest

from tests.conftest import csrf_from

TEXT = "Lorry CA1234KX carries undeclared cigarettes through Varna on Friday."


@pytest.fixture
def world(make, make_unit, make_user):
    for unit in ("South", "North", "East"):
        make_unit(unit)
    return make.with_tokens({
        "ana": make_user("ana@customs.example", "analyst", "South"),
        "eva": make_user("eva@customs.example", "analyst", "South"),
        "nina": make_user("nina@customs.example", "analyst", "North"),
        "nick": make_user("nick@customs.example", "investigator", "North"),
        "ed": make_user("ed@customs.example", "analyst", "East"),
    })


def _sent_report(client, world, *, units=(), users=()):
    tokens = world["tokens"]
    made = client.post("/api/v1/reports", headers=tokens["ana"], json={
        "channel": "open_source", "handling": "restricted", "title": "Cigarettes by lorry",
        "text": TEXT})
    assert made.status_code == 201, made.json
    rid = made.json["id"]
    done = client.post(f"/api/v1/reports/{rid}/transitions", headers=tokens["eva"],
                       json={"action": "evaluate", "info_grade": "2", "source_grade": "B"})
    assert done.status_code == 200, done.json
    sent = client.post(f"/api/v1/reports/{rid}/dissemination", headers=tokens["ana"],
                       json={"units": list(units), "users": list(users)})
    assert sent.status_code in (200, 201), sent.json
    return rid, made.json["reference"]


def _reminders(graph):
    return graph.query(
        "MATCH (n:Notification {kind: 'feedback'})-[:FOR]->(u:User) "
        "RETURN u.email AS email, n.text AS text, n.link AS link ORDER BY email")


def _remind(runner):
    result = runner.invoke(args=["feedback", "remind"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_recipients_are_asked_reminded_once_and_the_rate_follows(
        app, client, auth, graph, runner, world):
    rid, reference = _sent_report(client, world, units=["North"])

    auth.login("nina@customs.example")
    dashboard = client.get("/")
    awaiting = dashboard.text.split('id="awaiting-h"', 1)[1].split("</section>", 1)[0]
    assert reference in awaiting and "your unit" in awaiting and "overdue" not in awaiting
    listed = client.get("/dissemination/awaiting-feedback")
    assert listed.status_code == 200 and reference in listed.text
    assert f'href="/dissemination/reports/{rid}/feedback"' in listed.text
    rate = dashboard.text.split('id="feedback-by-unit"', 1)[1].split("</table>", 1)[0]
    assert 'data-unit="North"' in rate and "0%" in rate
    auth.logout()

    # not due yet: fourteen days by default
    assert _remind(runner) == "reminded 0 officers"
    assert _reminders(graph) == []

    # fourteen days later (the app's clock cannot be moved: the wait is shortened instead)
    app.config["FEEDBACK_DAYS"] = 0
    assert _remind(runner) == "reminded 2 officers"  # both members of North
    assert _remind(runner) == "reminded 0 officers"  # once per report and recipient
    reminders = _reminders(graph)
    assert [r["email"] for r in reminders] == ["nick@customs.example", "nina@customs.example"]
    assert reminders[0]["text"] == f"Report {reference} awaits your feedback"
    assert reminders[0]["link"] == f"/dissemination/reports/{rid}/feedback"

    auth.login("nina@customs.example")
    assert "awaits your feedback" in client.get("/notifications/").text
    assert "overdue" in client.get("/dissemination/awaiting-feedback").text
    form = client.get(f"/dissemination/reports/{rid}/feedback")
    given = client.post(f"/dissemination/reports/{rid}/feedback", data={
        "csrf_token": csrf_from(form.text), "useful": "y", "actioned": "y",
        "result": "Lorry stopped; 12,000 cigarettes seized."})
    assert given.status_code == 302, given.text
    dashboard = client.get("/")
    assert reference not in dashboard.text.split('id="awaiting-h"', 1)[1].split("</section>")[0]
    rate = dashboard.text.split('id="feedback-by-unit"', 1)[1].split("</table>", 1)[0]
    assert "100%" in rate
    auth.logout()

    # the API says the same as the pages
    api = client.get("/api/v1/dissemination/awaiting-feedback",
                     headers=world["tokens"]["nick"]).json
    assert api["days"] == 0 and api["awaiting"] == []
    assert api["by_unit"] == [{"unit": "North", "sent": 1, "answered": 1, "rate": 1.0}]

    # the unit answered: its other member is no longer asked
    auth.login("nick@customs.example")
    assert reference not in client.get("/dissemination/awaiting-feedback").text
    auth.logout()

    # the sender's unit sees the rate of the units it sent to
    auth.login("ana@customs.example")
    rate = client.get("/").text.split('id="feedback-by-unit"', 1)[1].split("</table>", 1)[0]
    assert 'data-unit="North"' in rate and "100%" in rate
    auth.logout()

    # need-to-know: East neither sent nor received it, so counts nothing of it
    auth.login("ed@customs.example")
    dashboard = client.get("/")
    assert 'id="feedback-by-unit"' not in dashboard.text
    assert reference not in client.get("/dissemination/awaiting-feedback").text
    auth.logout()


def test_an_officer_sent_to_is_asked_personally(app, client, auth, graph, runner, world):
    nick = world["users"]["nick"]
    _rid, reference = _sent_report(client, world, users=[nick.id])
    app.config["FEEDBACK_DAYS"] = 0
    assert _remind(runner) == "reminded 1 officer"
    assert [r["email"] for r in _reminders(graph)] == ["nick@customs.example"]

    auth.login("nick@customs.example")
    listed = client.get("/dissemination/awaiting-feedback").text
    assert reference in listed and "<td>you</td>" in listed
    api = client.get("/api/v1/dissemination/awaiting-feedback",
                     headers=world["tokens"]["nick"]).json
    assert [(a["reference"], a["to"], a["overdue"]) for a in api["awaiting"]] == [
        (reference, "you", True)]
    auth.logout()
    auth.login("nina@customs.example")  # the unit was not sent it
    assert reference not in client.get("/dissemination/awaiting-feedback").text


def test_the_reminder_command_refuses_a_negative_wait(app, runner, world):
    from app.background import start_worker

    app.config["FEEDBACK_DAYS"] = -1
    result = runner.invoke(args=["feedback", "remind"])
    assert result.exit_code != 0
    assert "CORDON_FEEDBACK_DAYS is a number of days, 0 or more." in result.output
    with pytest.raises(ValueError, match="CORDON_FEEDBACK_DAYS"):
        start_worker(app)  # the web worker says so at start


def test_the_web_workers_background_round_sends_the_reminders(app, client, graph, world):
    from app.background import start_worker

    _sent_report(client, world, units=["North"])
    app.config.update(FEEDBACK_DAYS=0, REMINDER_POLL_SECONDS=0.2)
    worker = start_worker(app)
    try:
        deadline = time.monotonic() + 20
        while len(_reminders(graph)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # further rounds add nothing
    finally:
        worker.stopping.set()
        worker.join(timeout=10)
    assert [r["email"] for r in _reminders(graph)] == ["nick@customs.example",
                                                       "nina@customs.example"]
