"""API tokens expire, can be listed and revoked (commands, admin page, owner's page),
stop with their user, and are shown by a short id, never by their secret."""

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import csrf_from


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _issue(runner, email: str, *args: str) -> str:
    result = runner.invoke(args=["tokens", "create", email, *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _ids(runner, *args: str) -> list[str]:
    output = runner.invoke(args=["tokens", "list", *args]).output
    return re.findall(r"^([0-9a-f]{12}) ", output, re.M)


def test_tokens_list_and_revoke_from_the_command_line(runner, client, make_user, graph):
    make_user("a@customs.example")
    make_user("b@customs.example")
    token_a = _issue(runner, "a@customs.example")
    _issue(runner, "b@customs.example")
    listing = runner.invoke(args=["tokens", "list"]).output
    assert token_a not in listing and token_a[4:14] not in listing  # no part of the secret
    expires = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()
    assert f"expires {expires}" in listing and listing.count("live") == 2

    mine = _ids(runner, "--user", "a@customs.example")
    assert len(mine) == 1 and len(_ids(runner)) == 2
    assert client.get("/api/v1/me", headers=_bearer(token_a)).status_code == 200
    result = runner.invoke(args=["tokens", "revoke", mine[0]])
    assert result.exit_code == 0 and "revoked" in result.output
    assert client.get("/api/v1/me", headers=_bearer(token_a)).status_code == 401
    assert "revoked" in runner.invoke(args=["tokens", "list", "--user", "a@customs.example"]).output
    assert runner.invoke(args=["tokens", "revoke", "000000000000"]).exit_code != 0
    events = graph.query("MATCH (e:AuditEvent {action: 'token.revoke'}) "
                         "RETURN e.target AS target, e.detail AS detail")
    assert len(events) == 1 and events[0]["target"] == "a@customs.example"
    assert mine[0] in events[0]["detail"]


def test_a_token_expires(runner, client, make_user, monkeypatch):
    import graph.users

    make_user("a@customs.example")
    token = _issue(runner, "a@customs.example", "--days", "2")
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    later = (datetime.now(UTC) + timedelta(days=2, minutes=1)).isoformat(timespec="seconds")
    monkeypatch.setattr(graph.users, "utc_now", lambda: later)  # the clock, not the database
    response = client.get("/api/v1/me", headers=_bearer(token))
    assert response.status_code == 401 and "expired" in response.get_json()["detail"]


def test_default_lifetime_comes_from_the_setting(app, runner, make_user):
    app.config["TOKEN_DAYS"] = 7
    make_user("a@customs.example")
    _issue(runner, "a@customs.example")
    expires = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    assert f"expires {expires}" in runner.invoke(args=["tokens", "list"]).output


def test_admin_lists_and_revokes_tokens_on_a_page(client, auth, runner, make_user, graph):
    make_user("admin@customs.example", role="admin")
    make_user("officer@customs.example")
    token = _issue(runner, "officer@customs.example")
    [token_id] = _ids(runner)
    auth.login("admin@customs.example")
    page = client.get("/admin/tokens")
    assert page.status_code == 200 and token_id in page.text and token not in page.text
    assert "officer@customs.example" in page.text
    response = client.post(f"/admin/tokens/{token_id}/revoke",
                           data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert "revoked" in client.get("/admin/tokens").text
    assert client.post(f"/admin/tokens/{token_id}/revoke", data={}).status_code in (302, 400)
    events = graph.query("MATCH (e:AuditEvent {action: 'token.revoke'}) RETURN e.actor AS actor")
    assert [e["actor"] for e in events] == ["admin@customs.example"]


def test_non_admin_cannot_use_the_token_admin_page(client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    assert client.get("/admin/tokens").status_code == 403


def test_owner_sees_and_revokes_only_their_own_tokens(client, auth, runner, make_user):
    make_user("a@customs.example")
    make_user("b@customs.example")
    token_a = _issue(runner, "a@customs.example")
    token_b = _issue(runner, "b@customs.example")
    [id_a] = _ids(runner, "--user", "a@customs.example")
    [id_b] = _ids(runner, "--user", "b@customs.example")
    auth.login("a@customs.example")
    page = client.get("/account")
    assert id_a in page.text and id_b not in page.text and token_a not in page.text
    csrf = csrf_from(page.text)
    assert client.post(f"/account/tokens/{id_b}/revoke",
                       data={"csrf_token": csrf}).status_code == 404
    assert client.get("/api/v1/me", headers=_bearer(token_b)).status_code == 200
    assert client.post(f"/account/tokens/{id_a}/revoke",
                       data={"csrf_token": csrf}).status_code == 302
    assert client.get("/api/v1/me", headers=_bearer(token_a)).status_code == 401


def test_a_disabled_users_tokens_stop_at_once(client, auth, runner, make_user):
    make_user("admin@customs.example", role="admin")
    officer = make_user("officer@customs.example")
    token = _issue(runner, "officer@customs.example")
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    auth.login("admin@customs.example")
    page = client.get(f"/admin/users/{officer.id}")
    client.post(f"/admin/users/{officer.id}", data={
        "name": "Officer", "role": "analyst", "unit": "HQ", "csrf_token": csrf_from(page.text)})
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert "user disabled" in client.get("/admin/tokens").text
    assert runner.invoke(args=["tokens", "create", "officer@customs.example"]).exit_code != 0
