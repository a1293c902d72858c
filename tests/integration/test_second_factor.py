"""Two-step sign-in: required for handlers, optional for others, no code replay."""

import re

from app.accounts import totp
from tests.conftest import csrf_from


def _enrol(client):
    page = client.get("/account/second-factor")
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", page.text).group(1)
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
