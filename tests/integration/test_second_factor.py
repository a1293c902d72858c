"""Two-step sign-in: required for handlers, optional for others, no code replay."""

import re

from app.accounts import totp
from tests.conftest import PASSWORD, csrf_from


def _enrol(client):
    page = client.get("/account/second-factor")
    secret = re.search(r"data-totp-secret>(?:<bdi>)?([A-Z2-7]+)<", page.text).group(1)
    code = totp.code_at(secret, totp.current_step())
    response = client.post(
        "/account/second-factor", data={"code": code, "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 302
    return secret


def test_handler_must_enrol_before_anything_else(app, client, auth, make_user):
    app.config["TOTP_REQUIRED_ROLES"] = "handler"
    make_user("handler@customs.example", role="handler")
    auth.login("handler@customs.example")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/second-factor"
    _enrol(client)
    assert client.get("/").status_code == 200


def test_enrolled_officer_needs_the_code_and_codes_do_not_replay(
    app, client, auth, make_user, graph
):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    secret = _enrol(client)
    auth.logout()

    response = auth.login("officer@customs.example")
    assert response.headers["Location"] == "/login/second-factor"
    assert client.get("/").status_code == 302  # password alone is not a session

    page = client.get("/login/second-factor")
    wrong = client.post(
        "/login/second-factor", data={"code": "000000", "csrf_token": csrf_from(page.text)}
    )
    assert "not valid" in wrong.text

    # The enrolment used the current step, so wait-free: the next step's code is valid now
    # (clock drift window) and newer than the used one.
    code = totp.code_at(secret, totp.current_step() + 1)
    page = client.get("/login/second-factor")
    ok = client.post(
        "/login/second-factor", data={"code": code, "csrf_token": csrf_from(page.text)}
    )
    assert ok.status_code == 302 and client.get("/").status_code == 200

    auth.logout()
    auth.login("officer@customs.example")
    page = client.get("/login/second-factor")
    replay = client.post(
        "/login/second-factor", data={"code": code, "csrf_token": csrf_from(page.text)}
    )
    assert "not valid" in replay.text
    stored = graph.query(
        "MATCH (u:User {email: 'officer@customs.example'}) RETURN u.totp_enc AS enc"
    )[0]["enc"]
    assert stored and secret not in stored


def _code_form(client, url, **data):
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.text)})


def test_setup_page_shows_a_qr_code_drawn_by_the_server(client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    page = client.get("/account/second-factor")
    assert '<figure class="qr"' in page.text and "<svg" in page.text
    assert "http" not in page.text.split('<figure class="qr"')[1].split("</figure>")[0].replace(
        "http://www.w3.org/2000/svg", "")  # no outside QR service


def test_five_wrong_codes_lock_the_account(app, client, auth, make_user):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    _enrol(client)
    auth.logout()

    auth.login("officer@customs.example")
    for _ in range(4):
        assert "not valid" in _code_form(client, "/login/second-factor", code="000000").text
    # The right password again does not give the code guesser five fresh tries.
    assert auth.login("officer@customs.example").headers["Location"] == "/login/second-factor"
    locked = _code_form(client, "/login/second-factor", code="000000")
    assert locked.status_code == 302 and locked.headers["Location"] == "/login"
    assert "locked" in client.get("/login").text

    # The right password while locked does not even reach the code step.
    response = auth.login("officer@customs.example")
    assert response.status_code == 200 and "wrong password" in response.text
    assert client.get("/login/second-factor").headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_replacing_the_authenticator_needs_password_and_current_code(
    client, auth, make_user, graph
):
    make_user("officer@customs.example")
    auth.login("officer@customs.example")
    old_secret = _enrol(client)
    stored = graph.query("MATCH (u:User) RETURN u.totp_enc AS enc")[0]["enc"]

    page = client.get("/account/second-factor")
    assert "Your password" in page.text and "current authenticator" in page.text
    new_secret = re.search(r"data-totp-secret>(?:<bdi>)?([A-Z2-7]+)<", page.text).group(1)
    new_code = totp.code_at(new_secret, totp.current_step())
    old_code = totp.code_at(old_secret, totp.current_step() + 1)

    without = client.post("/account/second-factor", data={
        "code": new_code, "csrf_token": csrf_from(page.text)})
    assert without.status_code == 200
    wrong_password = _code_form(client, "/account/second-factor", password="not-my-password-1",
                                current_code=old_code, code=new_code)
    assert "not your password" in wrong_password.text
    wrong_code = _code_form(client, "/account/second-factor", password=PASSWORD,
                            current_code="000000", code=new_code)
    assert "not valid for your current app" in wrong_code.text
    assert graph.query("MATCH (u:User) RETURN u.totp_enc AS enc")[0]["enc"] == stored

    replaced = _code_form(client, "/account/second-factor", password=PASSWORD,
                          current_code=old_code, code=new_code)
    assert replaced.status_code == 302
    assert graph.query("MATCH (u:User) RETURN u.totp_enc AS enc")[0]["enc"] != stored


def test_api_tokens_of_a_role_that_needs_a_second_factor(app, client, auth, runner, make_user):
    """Design: a token is a second way in, so it needs what the pages need. It is issued
    only once the officer enrolled, and the API refuses it while the officer's role
    requires a second factor they have not set up (a role changed after issue)."""
    app.config["TOTP_REQUIRED_ROLES"] = "handler"
    make_user("admin@customs.example", role="admin")
    analyst = make_user("analyst@customs.example", role="analyst")
    make_user("handler@customs.example", role="handler")

    refused = runner.invoke(args=["tokens", "create", "handler@customs.example"])
    assert refused.exit_code != 0 and "two-step sign-in" in refused.output
    auth.login("handler@customs.example")
    _enrol(client)
    auth.logout()
    token = runner.invoke(args=["tokens", "create", "handler@customs.example"]).output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    analyst_token = runner.invoke(args=["tokens", "create", "analyst@customs.example"])
    headers = {"Authorization": f"Bearer {analyst_token.output.strip()}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    auth.login("admin@customs.example")
    page = client.get(f"/admin/users/{analyst.id}")
    client.post(f"/admin/users/{analyst.id}", data={
        "name": "Analyst", "role": "handler", "unit": "HQ", "active": "y",
        "csrf_token": csrf_from(page.text)})
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and "two-step" in response.get_json()["detail"]
