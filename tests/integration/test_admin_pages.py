"""Administrators manage users and units through the pages; others cannot."""

import pytest

from tests.conftest import submit_form


def test_admin_creates_unit_and_user(client, auth, make_user, graph):
    from graph.users import UserRepository

    make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    response = submit_form(client, "/admin/units",
                           {"name": "South Region", "kind": "regional", "parent": "HQ"})
    assert response.status_code == 302
    assert "South Region" in client.get("/admin/units").text
    submit_form(client, "/admin/units",
                {"name": "Kapitan Andreevo", "kind": "bcp", "parent": "South Region"})
    response = submit_form(client, "/admin/users", {
        "email": "liaison@customs.example", "name": "Liaison One", "role": "liaison",
        "unit": "Kapitan Andreevo", "password": "border-post-passphrase-7"})
    assert response.status_code == 302
    row = UserRepository(graph).by_email("liaison@customs.example")
    assert row["role"] == "liaison" and row["unit"] == "Kapitan Andreevo"
    assert row["password_hash"].startswith("$argon2")


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("admin@customs.example", "a-long-password-xyz", "exists already"),
        ("new@customs.example", "short", "at least 12"),
        ("new@customs.example", "qwerty123456", "one of the 10,000 most common passwords"),
    ],
)
def test_a_refused_user_form_says_why_and_writes_nothing(
    email, password, reason, client, auth, make_user, graph
):
    from graph.users import UserRepository

    make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    response = submit_form(client, "/admin/users",
                           {"email": email, "name": "New Officer", "role": "analyst",
                            "unit": "HQ", "password": password})
    assert response.status_code == 200 and reason in response.text
    row = UserRepository(graph).by_email(email)
    assert row is None or row["role"] == "admin"  # the existing account is left as it was


def test_a_user_without_a_full_name_is_refused_beside_the_field(client, auth, make_user, graph):
    from graph.users import UserRepository

    make_user("admin@customs.example", role="admin")
    officer = make_user("officer@customs.example", role="analyst")
    auth.login("admin@customs.example")
    created = submit_form(client, "/admin/users", {
        "email": "nameless@customs.example", "name": "  ", "role": "analyst", "unit": "HQ",
        "password": "border-post-passphrase-7"})
    assert created.status_code == 200
    assert 'id="name-errors"' in created.text and "This field is required." in created.text
    assert UserRepository(graph).by_email("nameless@customs.example") is None
    edited = submit_form(client, f"/admin/users/{officer.id}",
                         {"name": "", "role": "analyst", "unit": "HQ", "active": "y"})
    assert edited.status_code == 200
    assert 'id="name-errors"' in edited.text and "This field is required." in edited.text
    assert UserRepository(graph).by_email("officer@customs.example")["name"] == "officer"


def test_last_admin_cannot_demote_itself(client, auth, make_user):
    admin = make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    response = submit_form(client, f"/admin/users/{admin.id}",
                           {"name": "A", "role": "analyst", "unit": "HQ", "active": "y"})
    assert response.status_code == 200 and "last active administrator" in response.text


def test_account_administration_is_audited(client, auth, make_user, graph):
    from app.accounts.service import issue_token

    make_user("admin@customs.example", role="admin")
    officer = make_user("officer@customs.example", role="analyst")
    auth.login("admin@customs.example")
    changed = submit_form(client, f"/admin/users/{officer.id}", {
        "name": "Officer", "role": "committee", "unit": "HQ", "active": "y"})
    assert changed.status_code == 302
    token = issue_token(graph, "officer@customs.example")
    events = graph.query(
        "MATCH (a:AuditEvent) WHERE a.action IN ['user.create', 'user.update', 'token.issue'] "
        "RETURN a.action AS action, a.actor AS actor, a.target AS target, a.detail AS detail "
        "ORDER BY a.seq")
    assert [(e["action"], e["target"]) for e in events] == [
        ("user.create", "admin@customs.example"), ("user.create", "officer@customs.example"),
        ("user.update", "officer@customs.example"), ("token.issue", "officer@customs.example")]
    assert events[2]["actor"] == "admin@customs.example"
    assert '"role": ["analyst", "committee"]' in events[2]["detail"]
    assert token not in events[3]["detail"]  # the token itself is shown once, never stored


def test_non_admin_gets_403(client, auth, make_user):
    make_user("analyst@customs.example", role="analyst")
    auth.login("analyst@customs.example")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/units").status_code == 403


def test_dashboard_shows_real_counts(client, auth, make_user, make_unit):
    make_user("analyst@customs.example")
    make_unit("North Region")
    auth.login("analyst@customs.example")
    text = client.get("/").text
    assert '<div class="tile" data-count="users">\n    <span class="tile-value">1</span>' in text
    assert '<div class="tile" data-count="units">\n    <span class="tile-value">2</span>' in text
