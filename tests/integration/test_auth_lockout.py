"""Account lockout on the real sign-in form: it starts, it holds, and it ends.

The lockout lasts ``LOCKOUT_SECONDS`` (10 minutes by default); here an app made with a
three-second lockout lets the test watch the whole cycle.
"""

import time

import pytest

from app import create_app
from config import Config, TestConfig
from tests.conftest import AuthActions

LOCKOUT = 3


@pytest.fixture
def short_lockout_app(app, app_config):
    """A second app on the same (wiped) graph whose lockout lasts three seconds."""
    short = create_app(TestConfig, {**app_config, "LOCKOUT_SECONDS": LOCKOUT})
    yield short
    short.extensions["neo4j"].close()


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_default_lockout_is_ten_minutes():
    assert Config.LOCKOUT_SECONDS == 600


def test_six_wrong_passwords_lock_until_the_lockout_ends(short_lockout_app, make_user):
    make_user("officer@customs.example")
    client = short_lockout_app.test_client()
    auth = AuthActions(client)

    answers = [auth.login("officer@customs.example", "wrong-password-123") for _ in range(6)]
    assert "Unknown e-mail or wrong password" in answers[0].text
    assert "locked" not in answers[3].text
    assert "locked" in answers[4].text and "locked" in answers[5].text
    locked_at = time.monotonic()
    assert "Try again in 3 seconds" in answers[5].text

    refused = auth.login("officer@customs.example")  # the right password, while locked
    assert "locked" in refused.text
    assert not signed_in(client)

    time.sleep(max(0.0, LOCKOUT + 0.5 - (time.monotonic() - locked_at)))
    accepted = auth.login("officer@customs.example")
    assert accepted.status_code == 302
    assert signed_in(client)


def test_right_password_during_lockout_does_not_extend_or_end_it(short_lockout_app,
                                                                 make_user):
    """Tries while locked are refused without moving the end of the lockout."""
    make_user("officer@customs.example")
    client = short_lockout_app.test_client()
    auth = AuthActions(client)
    for _ in range(5):
        auth.login("officer@customs.example", "wrong-password-123")
    locked_at = time.monotonic()
    while time.monotonic() - locked_at < LOCKOUT - 1.2:
        assert "locked" in auth.login("officer@customs.example").text
        time.sleep(0.3)
    time.sleep(max(0.0, LOCKOUT + 0.5 - (time.monotonic() - locked_at)))
    assert auth.login("officer@customs.example").status_code == 302


def test_a_lockout_that_ended_gives_five_fresh_tries(short_lockout_app, make_user):
    """One mistyped password after a lockout is a mistake, not a new lockout."""
    make_user("officer@customs.example")
    auth = AuthActions(short_lockout_app.test_client())
    for _ in range(5):
        auth.login("officer@customs.example", "wrong-password-123")
    time.sleep(LOCKOUT + 0.5)
    again = [auth.login("officer@customs.example", "wrong-password-123") for _ in range(5)]
    assert all("locked" not in answer.text for answer in again[:4])
    assert "locked" in again[4].text
