"""Session limits and rate limits on sign-in and the API."""

import time

from app import create_app
from config import TestConfig
from tests.conftest import PASSWORD, AuthActions, csrf_from


def test_idle_session_expires(client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 31 * 60
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302  # signed out for good, not just once


def test_absolute_session_limit(client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    with client.session_transaction() as session:
        session["login_at"] = int(time.time()) - 13 * 3600
    assert client.get("/").status_code == 302


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
