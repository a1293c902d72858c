"""Session limits and rate limits on sign-in and the API."""

import time

import pytest

from app import create_app
from config import TestConfig
from tests.conftest import PASSWORD, AuthActions, csrf_from


@pytest.fixture
def short_sessions(app, app_config, make_user):
    """A second app on the same (wiped) graph: 6 s idle, 12 s absolute session limits.

    A first sign-in plans the queries on the cold test Neo4j (seconds on a busy machine),
    so the timed part measures only the limits.
    """
    short = create_app(
        TestConfig, {**app_config, "SESSION_IDLE_SECONDS": 6, "SESSION_ABSOLUTE_SECONDS": 12}
    )
    make_user("warm@customs.example")
    warm = short.test_client()
    AuthActions(warm).login("warm@customs.example")
    assert warm.get("/account").status_code == 200 and warm.get("/").status_code == 200
    yield short
    short.extensions["neo4j"].close()


def _saved_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A fresh browser presenting a cookie copied earlier (a stolen or saved one)."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_idle_session_expires_on_the_server(short_sessions, make_user):
    make_user("officer@customs.example")
    client = short_sessions.test_client()
    AuthActions(client).login("officer@customs.example")
    assert client.get("/account").status_code == 200
    saved = _saved_cookie(client)
    time.sleep(7.5)
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "session expired" in client.get(response.headers["Location"]).text
    assert client.get("/account").status_code == 302  # signed out for good, not just once
    assert _replay(short_sessions, saved).get("/account").status_code == 302


def test_absolute_session_limit_holds_for_an_active_session(short_sessions, make_user):
    make_user("officer@customs.example")
    client = short_sessions.test_client()
    AuthActions(client).login("officer@customs.example")
    started = time.monotonic()
    while time.monotonic() - started < 9:  # never idle, but past the absolute limit soon
        assert client.get("/account").status_code == 200
        time.sleep(1)
    time.sleep(max(0.0, 13.5 - (time.monotonic() - started)))
    assert client.get("/account").status_code == 302


def test_a_cookie_saved_before_logout_no_longer_works(app, client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    saved = _saved_cookie(client)
    assert _replay(app, saved).get("/").status_code == 200  # the copy works while signed in
    auth.logout()
    response = _replay(app, saved).get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_password_change_ends_the_other_sessions(app, client, auth, make_user):
    make_user("officer@customs.example")
    phone = app.test_client()
    AuthActions(phone).login("officer@customs.example")
    auth.login("officer@customs.example")
    saved = _saved_cookie(client)

    page = client.get("/account/password")
    new_password = "a-brand-new-passphrase-9"
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": new_password, "confirm": new_password,
        "csrf_token": csrf_from(page.text)})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert client.get("/").status_code == 200  # the browser that changed it stays in
    assert phone.get("/").status_code == 302
    assert _replay(app, saved).get("/").status_code == 302  # its own cookie from before, too
    stranger = AuthActions(app.test_client())
    assert stranger.login("officer@customs.example").status_code == 200  # old password
    assert stranger.login("officer@customs.example", new_password).status_code == 302


def test_password_change_form_explains_refusals(client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")

    def change(current, new, confirm=None):
        page = client.get("/account/password")
        return client.post("/account/password", data={
            "current": current, "new": new, "confirm": confirm or new,
            "csrf_token": csrf_from(page.text)})

    assert "not your current password" in change("wrong-password-123", "fine-new-pass-phrase").text
    assert "10,000 most common" in change(PASSWORD, "qwerty123456").text
    assert "e-mail name" in change(PASSWORD, "officer-winter-2027").text
    assert "differ" in change(PASSWORD, "fine-new-pass-phrase", "other-new-pass-phrase").text
    assert client.get("/").status_code == 200  # refusals do not sign the officer out


def test_disabling_an_account_ends_its_sessions_for_good(app, client, auth, make_user):
    make_user("admin@customs.example", role="admin")
    officer = make_user("officer@customs.example")
    desk = app.test_client()
    AuthActions(desk).login("officer@customs.example")
    saved = _saved_cookie(desk)
    auth.login("admin@customs.example")

    def save(active: bool):
        page = client.get(f"/admin/users/{officer.id}")
        data = {"name": "Officer", "role": "analyst", "unit": "HQ",
                "csrf_token": csrf_from(page.text)}
        if active:
            data["active"] = "y"
        assert client.post(f"/admin/users/{officer.id}", data=data).status_code == 302

    save(active=False)
    assert desk.get("/").status_code == 302
    save(active=True)  # enabled again: the old session stays ended
    assert _replay(app, saved).get("/").status_code == 302
    assert desk.get("/").status_code == 302


def test_login_burst_gets_429(app_config, _migrated, make_user):
    app = create_app(TestConfig, {**app_config, "RATELIMIT_LOGIN": "3 per minute"})
    client = app.test_client()
    make_user("officer@customs.example")
    statuses = []
    for _ in range(5):
        page = client.get("/login")
        statuses.append(
            client.post(
                "/login",
                data={
                    "email": "x@customs.example",
                    "password": "nope-nope-nope",
                    "csrf_token": csrf_from(page.text),
                },
            ).status_code
        )
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    assert AuthActions(client).login("officer@customs.example", PASSWORD).status_code == 429
    app.extensions["neo4j"].close()


def test_api_burst_gets_429_json(app_config, _migrated):
    app = create_app(TestConfig, {**app_config, "RATELIMIT_API": "2 per minute"})
    client = app.test_client()
    statuses = [client.get("/api/v1/me").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    response = client.get("/api/v1/me")
    assert response.is_json and response.get_json()["error"] == "Too Many Requests"
    app.extensions["neo4j"].close()


def test_a_failing_limiter_does_not_fail_the_request(app_config, _migrated, monkeypatch):
    from app.limits import limiter

    app = create_app(TestConfig, {**app_config, "RATELIMIT_API": "50 per minute"})
    client = app.test_client()
    assert client.get("/api/v1/me").status_code == 401

    def racing_store(*args, **kwargs):  # what the in-memory store raised under load
        raise RuntimeError("threads can only be started once")

    monkeypatch.setattr(limiter.storage, "incr", racing_store)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.is_json  # answered, not a 500
    app.extensions["neo4j"].close()
