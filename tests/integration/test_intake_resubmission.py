"""A report sent twice is stored once: the answer to the first send can be lost on a
border crossing's network, and the officer (or an API client) sends again with the same
submission key. Concurrent copies too: the uniqueness constraint keeps one."""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlparse

from app.accounts.service import issue_token
from tests.conftest import csrf_from

LOGS = "MATCH (r:Report {channel: 'liaison'}) RETURN r.id AS id, r.text AS text"


def _log_form(client, **fields):
    page = client.get("/reports/log")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.text), "crossing": "Kapitan Andreevo",
            "vehicle": "CA 1234 AB", "container": "", "text": "Seals look new.",
            "handling": "restricted", **fields}
    return client.post("/reports/log", data=data)


def _logged(response) -> str:
    assert response.status_code == 302, response.text[:500]
    return parse_qs(urlparse(response.headers["Location"]).query)["logged"][0]


def _liaison(make_unit, make_user, auth, email="lo@customs.example"):
    make_unit("Kapitan Andreevo", kind="bcp")
    make_user(email, role="liaison", unit="Kapitan Andreevo")
    auth.login(email)


def test_a_quick_log_sent_twice_is_stored_once(client, graph, auth, make_unit, make_user):
    _liaison(make_unit, make_user, auth)
    first = _logged(_log_form(client, submission="k3y-of-one-log"))
    again = _logged(_log_form(client, submission="k3y-of-one-log"))
    assert again == first
    assert graph.query(LOGS) == [{"id": first, "text": "Seals look new."}]

    other = _logged(_log_form(client, submission="k3y-of-the-next-log", text="Second one."))
    assert other != first and len(graph.query(LOGS)) == 2

    page = client.get("/reports/log")  # each form carries a fresh key
    fresh = re.search(r'name="submission" type="hidden" value="([\w-]+)"', page.text)
    assert fresh and fresh.group(1) not in ("k3y-of-one-log", "k3y-of-the-next-log")
    assert fresh.group(1) != re.search(r'name="submission" type="hidden" value="([\w-]+)"',
                                       client.get("/reports/log").text).group(1)


def test_a_bad_submission_key_is_a_form_error(client, graph, auth, make_unit, make_user):
    _liaison(make_unit, make_user, auth)
    response = _log_form(client, submission="bad key!")
    assert response.status_code == 400
    assert "submission key" in response.text
    assert graph.query(LOGS) == []


def test_a_report_form_sent_twice_is_stored_once(client, graph, auth, make_user):
    make_user("io@customs.example", role="analyst")
    auth.login("io@customs.example")
    page = client.get("/reports/new?channel=register")
    assert page.status_code == 200, page.status_code
    data = {"csrf_token": csrf_from(page.text), "channel": "register", "title": "Seizure",
            "text": "Seizure of 20 kg at Varna.", "handling": "restricted", "info_grade": "2",
            "event_type": "seizure", "submission": "one-register-entry",
            "submit": "Submit report"}
    first = client.post("/reports/new?channel=register", data=data)
    again = client.post("/reports/new?channel=register", data=data)
    assert first.status_code == again.status_code == 302, again.text[:500]
    assert first.headers["Location"] == again.headers["Location"]
    stored = graph.query("MATCH (r:Report {title: 'Seizure'}) RETURN r.id AS id")
    assert len(stored) == 1 and first.headers["Location"].endswith(stored[0]["id"])


def test_api_idempotency_key(client, graph, make_user):
    make_user("a@customs.example", role="analyst")
    make_user("b@customs.example", role="analyst")

    def post(email, key):
        headers = {"Authorization": "Bearer " + issue_token(graph, email)}
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post("/api/v1/reports", headers=headers, json={
            "channel": "register", "title": "Seizure", "handling": "restricted",
            "event_type": "seizure", "info_grade": "2",
            "text": "Container MSCU1234565 held at Varna."})

    first = post("a@customs.example", "retry-me-0001")
    assert first.status_code == 201, first.get_json()
    again = post("a@customs.example", "retry-me-0001")
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["id"] == first.get_json()["id"]
    assert {e["text"] for e in again.get_json()["entities"]} == \
        {e["text"] for e in first.get_json()["entities"]}
    # the key is the caller's own: another user's identical key is another report
    theirs = post("b@customs.example", "retry-me-0001")
    assert theirs.status_code == 201 and theirs.get_json()["id"] != first.get_json()["id"]
    bad = post("a@customs.example", "no")
    assert bad.status_code == 400 and bad.get_json()["detail"]["field"] == "submission"
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 2
    # the key is not part of the report anyone reads
    read = client.get(f"/api/v1/reports/{first.get_json()['id']}", headers={
        "Authorization": "Bearer " + issue_token(graph, "a@customs.example")})
    assert "submission" not in read.get_json()


def test_copies_sent_at_once_are_stored_once(app, graph, make_user):
    make_user("a@customs.example", role="analyst")
    token = issue_token(graph, "a@customs.example")
    answers: list = []
    start = threading.Barrier(4)

    def send():
        with app.test_client() as client:
            start.wait()
            response = client.post("/api/v1/reports", json={
                "channel": "register", "title": "Race", "handling": "restricted",
                "event_type": "seizure", "info_grade": "2",
                "text": "Truck CA1234AB at Kapitan Andreevo."},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "same-race"})
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in answers) == [200, 200, 200, 201], answers
    assert len({body["id"] for _, body in answers}) == 1
    assert graph.query("MATCH (r:Report {title: 'Race'}) RETURN count(r) AS n")[0]["n"] == 1
