"""Administrators manage users and units through the pages; others cannot."""

from tests.conftest import csrf_from


def test_admin_creates_unit_and_user(client, auth, make_user, graph):
    from graph.users import UserRepository

    make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    page = client.get("/admin/units")
    response = client.post(
        "/admin/units",
        data={
            "name": "South Region",
            "kind": "regional",
            "parent": "HQ",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302
    page = client.get("/admin/units")
    assert "South Region" in page.text
    client.post(
        "/admin/units",
        data={
            "name": "Kapitan Andreevo",
            "kind": "bcp",
            "parent": "South Region",
            "csrf_token": csrf_from(page.text),
        },
    )
    page = client.get("/admin/users")
    response = client.post(
        "/admin/users",
        data={
            "email": "liaison@customs.example",
            "name": "Liaison One",
            "role": "liaison",
            "unit": "Kapitan Andreevo",
            "password": "border-post-passphrase-7",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302
    row = UserRepository(graph).by_email("liaison@customs.example")
    assert row["role"] == "liaison" and row["unit"] == "Kapitan Andreevo"
    assert row["password_hash"].startswith("$argon2")


def test_bad_user_form_shows_errors_and_writes_nothing(client, auth, make_user, graph):
    from graph.users import UserRepository

    make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    page = client.get("/admin/users")
    response = client.post(
        "/admin/users",
        data={
            "email": "admin@customs.example",
            "role": "analyst",
            "unit": "HQ",
            "password": "a-long-password-xyz",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 200
    assert "exists already" in response.text
    response = client.post(
        "/admin/users",
        data={
            "email": "new@customs.example",
            "role": "analyst",
            "unit": "HQ",
            "password": "short",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 200 and "at least 12" in response.text
    assert UserRepository(graph).by_email("new@customs.example") is None


def test_last_admin_cannot_demote_itself(client, auth, make_user):
    admin = make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    page = client.get(f"/admin/users/{admin.id}")
    response = client.post(
        f"/admin/users/{admin.id}",
        data={
            "name": "A",
            "role": "analyst",
            "unit": "HQ",
            "active": "y",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 200 and "last active administrator" in response.text


def test_account_administration_is_audited(client, auth, make_user, graph):
    from app.accounts.service import issue_token

    make_user("admin@customs.example", role="admin")
    officer = make_user("officer@customs.example", role="analyst")
    auth.login("admin@customs.example")
    page = client.get(f"/admin/users/{officer.id}")
    changed = client.post(f"/admin/users/{officer.id}", data={
        "name": "Officer", "role": "committee", "unit": "HQ", "active": "y",
        "csrf_token": csrf_from(page.text)})
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


def test_a_common_password_is_refused_with_a_clear_message(client, auth, make_user, graph):
    from graph.users import UserRepository

    make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    page = client.get("/admin/users")
    response = client.post("/admin/users", data={
        "email": "new@customs.example", "role": "analyst", "unit": "HQ",
        "password": "qwerty123456", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 200
    assert "one of the 10,000 most common passwords" in response.text
    assert UserRepository(graph).by_email("new@customs.example") is None
