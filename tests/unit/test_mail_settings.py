"""Mail settings and the outbox backoff, without a database."""

import pytest

from app.mail import compose, smtp_settings
from graph.outbox import backoff_seconds


def test_smtp_urls():
    plain = smtp_settings("smtp://mail.customs.example")
    assert (plain.host, plain.port, plain.tls, plain.starttls, plain.user) == (
        "mail.customs.example", 25, False, False, None)
    secure = smtp_settings("smtps://cordon%40customs.example:p%3Ass@mail:2465")
    assert (secure.port, secure.tls, secure.user, secure.password) == (
        2465, True, "cordon@customs.example", "p:ss")
    assert smtp_settings("smtp://mail:587?starttls=1").starttls
    for bad in ("http://mail", "smtp://", "mail:25"):
        with pytest.raises(ValueError):
            smtp_settings(bad)


def test_backoff_doubles_up_to_six_hours():
    assert [backoff_seconds(n, 60) for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff_seconds(30, 60) == 6 * 3600


def test_mail_says_kind_and_link_only():
    mail = compose({"to": "a@customs.example", "kind": "report", "link": "/notifications/N1"},
                   "cordon@customs.example", "https://cordon.example/")
    assert mail.get_content() == (
        "You have a new notification in Cordon: report\n\nhttps://cordon.example/notifications/N1\n")
