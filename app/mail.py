"""Notification mail: the outbox (graph/outbox.py) sent over SMTP when CORDON_SMTP_URL is set.

Writes never send mail: they leave an outbox node in their own transaction. This module
sends it later, from the background round of each gunicorn worker (app/background.py)
or from ``flask mail send-pending`` (cron). A mail server that is
down costs a retry with backoff, never a failed write.

Mail leaves the system, so it says only that there is a notification, of which kind,
with a link to it; never what the notification or its record says.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import click
from flask import current_app, has_app_context
from flask.cli import AppGroup

from graph.db import get_graph
from graph.outbox import OutboxRepository

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 10


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: bool  # smtps: TLS from the first byte
    starttls: bool
    user: str | None
    password: str | None


def smtp_settings(url: str) -> SmtpSettings:
    """``smtp://[user:password@]host[:port][?starttls=1]`` or ``smtps://…``."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("CORDON_SMTP_URL must look like smtp://host:port or smtps://host")
    tls = parts.scheme == "smtps"
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=starttls,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def mail_enabled() -> bool:
    """Whether writes leave outbox messages (CORDON_SMTP_URL set)."""
    return has_app_context() and bool(current_app.config.get("SMTP_URL"))


def compose(message: dict[str, Any], sender: str, base_url: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message["to"]
    mail["Subject"] = "Cordon: new notification"
    link = base_url.rstrip("/") + message["link"]
    mail.set_content(f"You have a new notification in Cordon: {message['kind']}\n\n{link}\n")
    return mail


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                              timeout=SMTP_TIMEOUT)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT)
        if settings.starttls:
            smtp.starttls()
    if settings.user:
        smtp.login(settings.user, settings.password or "")
    return smtp


def send_pending(config: Any, limit: int = 50) -> dict[str, int]:
    """Send the due outbox messages once; return how many went and how many failed."""
    outbox = OutboxRepository(get_graph())
    done = {"sent": 0, "failed": 0}
    if not config.get("SMTP_URL"):
        return done
    settings = smtp_settings(config["SMTP_URL"])
    claim = uuid.uuid4().hex
    messages = outbox.claim_due(claim, limit)
    if not messages:
        return done
    smtp: smtplib.SMTP | None = None
    for index, message in enumerate(messages):
        try:
            if smtp is None:
                smtp = _connect(settings)
        except (OSError, smtplib.SMTPException) as exc:
            # the server is away: every message of this round waits for its next attempt
            for waiting in messages[index:]:
                _failed(outbox, waiting, claim, exc, config)
            done["failed"] += len(messages) - index
            break
        try:
            smtp.send_message(compose(message, config["MAIL_FROM"], config["BASE_URL"]))
        except (OSError, smtplib.SMTPException) as exc:
            _failed(outbox, message, claim, exc, config)
            done["failed"] += 1
            _close(smtp)  # start afresh for the next message
            smtp = None
            continue
        outbox.sent(message["id"], claim)
        done["sent"] += 1
    _close(smtp)
    return done


def _failed(
    outbox: OutboxRepository, message: dict[str, Any], claim: str, exc: Exception, config: Any
) -> None:
    outbox.failed(message["id"], claim, int(message["attempts"] or 0),
                  f"{type(exc).__name__}: {exc}", config["MAIL_RETRY_SECONDS"])


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


mail_cli = AppGroup("mail", help="Notification mail (CORDON_SMTP_URL).")


@mail_cli.command("send-pending")
def send_pending_command() -> None:
    """Send the notification mail that is due (for cron; the web workers do it too)."""
    if not current_app.config.get("SMTP_URL"):
        raise click.ClickException("CORDON_SMTP_URL is not set: mail is off.")
    done = send_pending(current_app.config, limit=500)
    counts = OutboxRepository(get_graph()).counts()
    click.echo(
        f"sent {done['sent']}, failed {done['failed']}; "
        f"pending {counts.get('pending', 0)}, given up {counts.get('failed', 0)}"
    )
