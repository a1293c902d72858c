"""Signing in and out through the real form against the real graph."""

from tests.conftest import PASSWORD, csrf_from


def test_stranger_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/admin/users").headers["Location"].startswith("/login?next=/admin/users")


def test_login_form_has_csrf_and_fields(client):
    page = client.get("/login")
    assert page.status_code == 200
    for name in ("email", "password", "csrf_token"):
        assert f'name="{name}"' in page.text


def test_login_then_dashboard_then_logout(client, auth, make_user):
    make_user("officer@customs.example", role="analyst")
    response = auth.login("officer@customs.example")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "Sign out" in dashboard.text and "Dashboard" in dashboard.text
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_a_form_error(client, auth, make_user):
    make_user("officer@customs.example")
    response = auth.login("officer@customs.example", "not-the-password")
    assert response.status_code == 200
    assert "Unknown e-mail or wrong password." in response.text
    assert client.get("/").status_code == 302


def test_unknown_email_gives_the_same_error(auth):
    response = auth.login("nobody@customs.example", "whatever-password")
    assert "Unknown e-mail or wrong password." in response.text


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("officer@customs.example")
    response = client.post(
        "/login", data={"email": "officer@customs.example", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_parameter_is_followed_within_the_site(client, make_user):
    make_user("admin@customs.example", role="admin")
    page = client.get("/login?next=/admin/units")
    response = client.post(
        "/login?next=/admin/units",
        data={
            "email": "admin@customs.example",
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.headers["Location"] == "/admin/units"


def test_account_locks_after_five_failures(client, auth, make_user):
    make_user("officer@customs.example")
    for _ in range(5):
        auth.login("officer@customs.example", "wrong-password-123")
    response = auth.login("officer@customs.example")  # right password, but locked
    assert response.status_code == 200 and "Unknown e-mail or wrong password" in response.text
    assert client.get("/").status_code == 302


def test_disabled_user_cannot_sign_in(graph, auth, make_user):
    from app.accounts.service import update_user

    user = make_user("officer@customs.example")
    update_user(graph, user.id, name="x", role="analyst", unit="HQ", active=False)
    assert "wrong password" in auth.login("officer@customs.example").text


def test_unknown_page_is_404_page(client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address" in response.text
