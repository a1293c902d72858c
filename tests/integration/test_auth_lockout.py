"""Account lockout on the real sign-in form: it starts, it holds, and it ends.

The lockout lasts ``LOCKOUT_SECONDS`` (10 minutes by default); here an app made with a
six-second lockout lets the test watch the whole cycle.
"""

import re
import time

import pytest

from app import create_app
from config import Config, TestConfig
from tests.conftest import PASSWORD, AuthActions

LOCKOUT = 6


@pytest.fixture
def short_lockout_app(app, app_config):
    """A second app on the same (wiped) graph whose lockout lasts six seconds."""
    short = create_app(TestConfig, {**app_config, "LOCKOUT_SECONDS": LOCKOUT})
    yield short
    short.extensions["neo4j"].close()


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_default_lockout_is_ten_minutes():
    assert Config.LOCKOUT_SECONDS == 600


def _message(response) -> str:
    """The form's answer: every error shown on the page (the e-mail typed is echoed)."""
    return " ".join(re.findall(r'class="errors"[^>]*>(.*?)</ul>', response.text, re.S))


def test_six_wrong_passwords_lock_until_the_lockout_ends(short_lockout_app, make_user):
    make_user("officer@customs.example")
    client = short_lockout_app.test_client()
    auth = AuthActions(client)

    answers = [auth.login("officer@customs.example", "wrong-password-123") for _ in range(6)]
    assert "Unknown e-mail or wrong password" in answers[0].text
    assert "locked for 6 seconds" in answers[0].text  # the rule is said to everybody
    locked_at = time.monotonic()

    refused = auth.login("officer@customs.example")  # the right password, while locked
    assert refused.status_code == 200
    assert not signed_in(client)

    time.sleep(max(0.0, LOCKOUT + 0.5 - (time.monotonic() - locked_at)))
    accepted = auth.login("officer@customs.example")
    assert accepted.status_code == 302
    assert signed_in(client)


def test_a_locked_account_answers_like_an_unknown_one(auth, make_user,
                                                     production_password_hashing):
    """Same words and about the same time: one password hash on every path (at production
    cost, so that a path without a hash stands out)."""
    make_user("officer@customs.example")
    for _ in range(5):
        auth.login("officer@customs.example", "wrong-password-123")

    def timed(email: str, password: str) -> tuple[float, str]:
        started = time.perf_counter()
        response = auth.login(email, password)
        return time.perf_counter() - started, _message(response)

    locked = [timed("officer@customs.example", PASSWORD) for _ in range(3)]
    unknown = [timed("nobody@customs.example", PASSWORD) for _ in range(3)]
    assert {text for _, text in locked} == {text for _, text in unknown}
    assert "wrong password" in locked[0][1]
    locked_time = sorted(t for t, _ in locked)[1]
    unknown_time = sorted(t for t, _ in unknown)[1]
    # Before the fix a locked account answered without hashing: ~15 ms against ~400 ms.
    assert locked_time > 0.5 * unknown_time, (locked_time, unknown_time)


def test_right_password_during_lockout_does_not_extend_or_end_it(short_lockout_app,
                                                                 make_user):
    """Tries while locked are refused without moving the end of the lockout."""
    make_user("officer@customs.example")
    client = short_lockout_app.test_client()
    auth = AuthActions(client)
    for _ in range(5):
        auth.login("officer@customs.example", "wrong-password-123")
    locked_at = time.monotonic()
    while time.monotonic() - locked_at < LOCKOUT - 3:  # a try costs a hash: up to a second
        assert auth.login("officer@customs.example").status_code == 200
        assert not signed_in(client)
        time.sleep(0.3)
    time.sleep(max(0.0, LOCKOUT + 0.5 - (time.monotonic() - locked_at)))
    assert auth.login("officer@customs.example").status_code == 302


def test_a_lockout_that_ended_gives_five_fresh_tries(short_lockout_app, make_user):
    """One mistyped password after a lockout is a mistake, not a new lockout."""
    make_user("officer@customs.example")
    client = short_lockout_app.test_client()
    auth = AuthActions(client)
    for _ in range(5):
        auth.login("officer@customs.example", "wrong-password-123")
    time.sleep(LOCKOUT + 0.5)
    for _ in range(4):
        auth.login("officer@customs.example", "wrong-password-123")
    assert auth.login("officer@customs.example").status_code == 302  # 5th try, right: in
    assert signed_in(client)
