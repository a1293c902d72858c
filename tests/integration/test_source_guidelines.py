"""The informant guidelines in the register: the controller approves recruitment before a
source is used, contacts and payments are logged with reasons and read only by the
handler and controller, reviews fall due, and the guidelines text is the admins' to set.
Setup through the pages and the API, as an officer would; bad input never writes."""

import datetime

import pytest

from app.accounts.service import issue_token
from tests.conftest import csrf_from

TODAY = datetime.date.today()
NEXT_MONTH = (TODAY + datetime.timedelta(days=30)).isoformat()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()
HANDLER, CONTROLLER = "handler@customs.example", "controller@customs.example"


@pytest.fixture
def world(graph, make_user, auth, client):
    """A handler registers KX-17 through the page; the controller is an analyst."""
    people = {
        "handler": make_user(HANDLER, role="handler"),
        "controller": make_user(CONTROLLER, role="analyst"),
        "other": make_user("other.handler@customs.example", role="handler"),
        "analyst": make_user("ana@customs.example", role="analyst"),
        "admin": make_user("admin@customs.example", role="admin"),
    }
    auth.login(HANDLER)
    page = client.get("/sources/new")
    made = client.post("/sources/new", data={
        "csrf_token": csrf_from(page.text), "codename": "KX-17", "type": "informant",
        "reliability": "B", "handler_id": people["handler"].id,
        "controller_id": people["controller"].id, "name": "Secret Person"})
    assert made.status_code == 302, made.text
    auth.logout()
    tokens = {k: {"Authorization": "Bearer " + issue_token(graph, u.email)}
              for k, u in people.items()}
    return {"users": people, "tokens": tokens}


def _post(client, path, **data):
    page = client.get("/sources/KX-17")
    return client.post(path, data={"csrf_token": csrf_from(page.text), **data})


def _contacts(graph):
    return graph.query("MATCH (c:SourceContact) RETURN count(c) AS n")[0]["n"]


def _status(graph):
    return graph.query("MATCH (s:Source {codename: 'KX-17'}) "
                       "RETURN s.status AS status, s.review_due AS due")[0]


def test_a_source_is_used_only_after_its_controller_approves_the_recruitment(
        graph, world, client, auth):
    tokens, users = world["tokens"], world["users"]
    auth.login(HANDLER)
    page = client.get("/sources/KX-17")
    assert "Awaiting approval by the controller" in page.text
    assert "cannot be named in a new informant report" in page.text
    form = client.get("/reports/new?channel=informant").text
    assert 'id="awaiting-approval"' in form and '<option value="KX-17"' not in form
    refused = client.post("/api/v1/reports", headers=tokens["handler"], json={
        "channel": "informant", "source": "KX-17", "handling": "restricted",
        "text": "KX-17 says a lorry carries cigarettes."})
    assert refused.status_code == 400
    assert "awaits its controller's approval" in refused.json["detail"]["message"]
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 0
    # the approach may be logged, but nothing is paid before approval
    paid = _post(client, "/sources/KX-17/contacts", date=YESTERDAY,
                 officer_id=users["handler"].id, place="Cafe Roma", payment="payment",
                 amount="100", currency="EUR", reason="first meeting expenses")
    assert paid.status_code == 400 and "Nothing is paid to a source before" in paid.text
    assert _contacts(graph) == 0
    met = _post(client, "/sources/KX-17/contacts", date=YESTERDAY,
                officer_id=users["handler"].id, place="Cafe Roma", payment="none")
    assert met.status_code == 302 and _contacts(graph) == 1
    # the handler is not the controller: no approval form, and a POST is refused
    assert 'action="/sources/KX-17/approve"' not in page.text
    assert _post(client, "/sources/KX-17/approve", review_due=NEXT_MONTH).status_code == 403
    auth.logout()

    auth.login(CONTROLLER)
    page = client.get("/sources/KX-17")
    assert 'action="/sources/KX-17/approve"' in page.text
    for due, message in ((YESTERDAY, "a date after today"), ("soon", "as YYYY-MM-DD"),
                         ("2026-02-30", "as YYYY-MM-DD"),
                         ((TODAY + datetime.timedelta(days=4000)).isoformat(),
                          "at most three years ahead")):
        bad = _post(client, "/sources/KX-17/approve", review_due=due)
        assert bad.status_code == 400 and message in bad.text, due
        assert _status(graph) == {"status": "pending", "due": None}
    done = _post(client, "/sources/KX-17/approve", review_due=NEXT_MONTH)
    assert done.status_code == 302
    assert _status(graph) == {"status": "active", "due": NEXT_MONTH}
    page = client.get("/sources/KX-17").text
    assert "Approved by" in page and "Awaiting approval" not in page
    again = client.post("/api/v1/sources/KX-17/approval", headers=tokens["controller"],
                        json={"review_due": NEXT_MONTH})
    assert again.status_code == 409 and "not waiting for approval" in again.text
    auth.logout()

    made = client.post("/api/v1/reports", headers=tokens["handler"], json={
        "channel": "informant", "source": "KX-17", "handling": "restricted",
        "text": "KX-17 says a lorry carries cigarettes."})
    assert made.status_code == 201, made.json
    events = graph.query("MATCH (a:AuditEvent {action: 'source.approve'}) "
                         "RETURN a.actor AS actor, a.target AS target")
    assert events == [{"actor": CONTROLLER, "target": "KX-17"}]


@pytest.fixture
def approved(world, client):
    answer = client.post("/api/v1/sources/KX-17/approval", headers=world["tokens"]["controller"],
                         json={"review_due": NEXT_MONTH})
    assert answer.status_code == 200, answer.json
    return world


CONTACT_ERRORS = [
    ({"payment": "payment", "amount": "150", "currency": "EUR", "reason": ""},
     "needs its reason", "reason"),
    ({"payment": "reward", "amount": "lots", "currency": "EUR", "reason": "tip on a lorry"},
     "as a number", "amount"),
    ({"payment": "payment", "amount": "-5", "currency": "EUR", "reason": "tip on a lorry"},
     "more than 0", "amount"),
    ({"payment": "payment", "amount": "1.005", "currency": "EUR", "reason": "tip on a lorry"},
     "two decimals", "amount"),
    ({"payment": "payment", "amount": "150", "currency": "EURO", "reason": "tip on a lorry"},
     "three letters", "currency"),
    ({"payment": "none", "amount": "150"}, "needs a payment or reward", "payment"),
    ({"payment": "bribe"}, "Choose no payment", "payment"),
    ({"date": TOMORROW}, "in the future", "date"),
    ({"date": "31/12/2025"}, "as YYYY-MM-DD", "date"),
    ({"place": ""}, "where the contact took place", "place"),
    ({"officer": "other"}, "its handler or controller", "officer_id"),
]


@pytest.mark.parametrize(("change", "message", "field"), CONTACT_ERRORS)
def test_bad_contact_input_is_refused_with_a_message_and_writes_nothing(
        graph, approved, client, auth, change, message, field):
    users, tokens = approved["users"], approved["tokens"]
    change = dict(change)
    officer = users[change.pop("officer", "handler")].id
    data = {"date": YESTERDAY, "officer_id": officer, "place": "Cafe Roma",
            "payment": "none", "amount": "", "currency": "EUR", "reason": "", **change}
    auth.login(HANDLER)
    answer = _post(client, "/sources/KX-17/contacts", **data)
    assert answer.status_code == 400 and message in answer.text
    api = client.post("/api/v1/sources/KX-17/contacts", headers=tokens["handler"], json=data)
    assert api.status_code == 400 and api.json["detail"]["field"] == field
    assert _contacts(graph) == 0
    assert graph.query("MATCH (a:AuditEvent {action: 'source.contact'}) "
                       "RETURN count(a) AS n")[0]["n"] == 0


def test_the_contact_log_is_read_by_the_handler_and_controller_only(
        graph, approved, client, auth):
    users, tokens = approved["users"], approved["tokens"]
    auth.login(HANDLER)
    logged = _post(client, "/sources/KX-17/contacts", date=YESTERDAY,
                   officer_id=users["handler"].id, place="Petrol station Sliven",
                   payment="payment", amount="250,50", currency="eur",
                   reason="Report on lorry CA1234KX", notes="Nervous; asked for more.")
    assert logged.status_code == 302, logged.text
    page = client.get("/sources/KX-17").text
    assert "Petrol station Sliven" in page and "payment: 250.50 EUR" in page
    auth.logout()
    auth.login(CONTROLLER)
    assert "Petrol station Sliven" in client.get("/sources/KX-17").text
    listed = client.get("/api/v1/sources/KX-17/contacts", headers=tokens["controller"])
    assert listed.status_code == 200
    assert [(c["place"], c["amount"], c["reason"]) for c in listed.json["contacts"]] == [
        ("Petrol station Sliven", "250.50", "Report on lorry CA1234KX")]
    auth.logout()
    for who in ("other", "analyst", "admin"):
        auth.login(users[who].email)
        page = client.get("/sources/KX-17")
        assert page.status_code == 200, who
        assert "Petrol station Sliven" not in page.text and "250.50" not in page.text
        assert "kept and read by the source's handler and controller only" in page.text
        denied = _post(client, "/sources/KX-17/contacts", date=YESTERDAY,
                       officer_id=users["handler"].id, place="x", payment="none")
        assert denied.status_code == 403, who
        auth.logout()
        api = client.get("/api/v1/sources/KX-17/contacts", headers=tokens[who])
        assert api.status_code == 403 and "Petrol" not in api.text
    event = graph.query("MATCH (a:AuditEvent {action: 'source.contact'}) "
                        "RETURN a.reason AS reason, a.detail AS detail")
    assert event[0]["reason"] == "Report on lorry CA1234KX"
    assert '"amount": "250.50"' in event[0]["detail"] and "Sliven" not in event[0]["detail"]


def test_reviews_fall_due_and_show_on_the_dashboard(graph, approved, client, auth,
                                                    monkeypatch):
    from graph import clock

    auth.login(HANDLER)
    dashboard = client.get("/").text
    assert 'id="reviews-overdue"' in dashboard and "No review of a source" in dashboard
    for data, message in (({"note": "ok", "review_due": NEXT_MONTH}, "a few words"),
                          ({"note": "Still useful, reliable.", "review_due": YESTERDAY},
                           "a date after today")):
        bad = _post(client, "/sources/KX-17/review", **data)
        assert bad.status_code == 400 and message in bad.text
    assert _status(graph)["due"] == NEXT_MONTH

    later = (TODAY + datetime.timedelta(days=45)).isoformat()
    monkeypatch.setattr(clock, "today", lambda: later)
    dashboard = client.get("/").text
    overdue = dashboard.split('id="reviews-overdue"', 1)[1].split("</section>", 1)[0]
    assert "KX-17" in overdue and NEXT_MONTH in overdue
    assert "overdue" in client.get("/sources/KX-17").text
    auth.logout()
    auth.login(CONTROLLER)  # the controller sees it too; an unrelated handler does not
    assert "KX-17" in client.get("/").text.split('id="reviews-overdue"', 1)[1]
    auth.logout()
    auth.login("other.handler@customs.example")
    assert "No review of a source" in client.get("/").text
    auth.logout()

    auth.login(HANDLER)
    next_due = (TODAY + datetime.timedelta(days=120)).isoformat()
    done = _post(client, "/sources/KX-17/review", note="Still useful, reliable.",
                 review_due=next_due)
    assert done.status_code == 302
    assert _status(graph)["due"] == next_due
    assert "No review of a source" in client.get("/").text


def test_admins_set_the_guidelines_handlers_read_them(graph, world, client, auth):
    auth.login("admin@customs.example")
    page = client.get("/admin/guidelines")
    assert page.status_code == 200 and "None adopted yet" in page.text
    token = csrf_from(page.text)
    for text, message in (("   ", "empty text is not adopted"),
                          ("x" * 20_001, "under 20,000 characters"),
                          ("Pay \x07 nobody", "control character")):
        bad = client.post("/admin/guidelines", data={"csrf_token": token, "text": text})
        assert bad.status_code == 400 and message in bad.text
    assert graph.query("MATCH (g:Guidelines) RETURN count(g) AS n")[0]["n"] == 0
    text = "1. The controller approves every recruitment.\n2. Every payment has a reason."
    saved = client.post("/admin/guidelines", data={"csrf_token": token, "text": text})
    assert saved.status_code == 302
    saved = client.post("/admin/guidelines", data={"csrf_token": token,
                                                   "text": text + "\n3. Review yearly."})
    assert "version 2" in client.get("/admin/guidelines").text
    auth.logout()

    auth.login(HANDLER)
    for path in ("/sources/", "/sources/new", "/sources/KX-17"):
        shown = client.get(path).text
        assert "Every payment has a reason." in shown and "3. Review yearly." in shown, path
    assert client.get("/admin/guidelines").status_code == 403
    auth.logout()
    events = graph.query("MATCH (a:AuditEvent {action: 'guidelines.update'}) "
                         "RETURN a.actor AS actor ORDER BY a.seq")
    assert [e["actor"] for e in events] == ["admin@customs.example"] * 2


def test_an_officer_created_by_an_admin_chooses_a_password_first(graph, make_user, client,
                                                                 auth):
    make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    page = client.get("/admin/users")
    made = client.post("/admin/users", data={
        "csrf_token": csrf_from(page.text), "email": "new@customs.example", "name": "New",
        "role": "liaison", "unit": "HQ", "password": "initial-passphrase-42"})
    assert made.status_code == 302
    auth.logout()
    auth.login("new@customs.example", "initial-passphrase-42")
    for path in ("/", "/reports/", "/account"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/account/password"
    page = client.get("/account/password")
    assert "Choose your own now" in page.text
    same = client.post("/account/password", data={
        "csrf_token": csrf_from(page.text), "current": "initial-passphrase-42",
        "new": "initial-passphrase-42", "confirm": "initial-passphrase-42"})
    assert same.status_code == 200 and "different from the current one" in same.text
    assert client.get("/").status_code == 302
    changed = client.post("/account/password", data={
        "csrf_token": csrf_from(page.text), "current": "initial-passphrase-42",
        "new": "my-own-border-phrase-9", "confirm": "my-own-border-phrase-9"})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200


def test_the_guidelines_api_answers_bad_requests_with_reasons(graph, world, client):
    tokens, users = world["tokens"], world["users"]
    approval = "/api/v1/sources/KX-17/approval"
    assert client.post(approval, headers=tokens["controller"], data="[1]",
                       content_type="application/json").status_code == 400
    not_theirs = client.post(approval, headers=tokens["handler"],
                             json={"review_due": NEXT_MONTH})
    assert not_theirs.status_code == 403 and "controller approves" in not_theirs.text
    assert client.post("/api/v1/sources/NOPE-1/approval", headers=tokens["controller"],
                       json={"review_due": NEXT_MONTH}).status_code == 404
    listed = client.post(approval, headers=tokens["controller"], json={"review_due": []})
    assert listed.status_code == 400 and listed.json["detail"]["field"] == "review_due"
    early = client.post("/api/v1/sources/KX-17/reviews", headers=tokens["handler"],
                        json={"review_due": NEXT_MONTH, "note": "Looks fine to me."})
    assert early.status_code == 409 and "once its recruitment is approved" in early.text
    odd = client.post("/api/v1/sources/KX-17/contacts", headers=tokens["handler"],
                      json={"date": YESTERDAY, "officer_id": users["handler"].id,
                            "place": {"x": 1}})
    assert odd.status_code == 400 and odd.json["detail"]["field"] == "place"
    assert _status(graph) == {"status": "pending", "due": None} and _contacts(graph) == 0
