"""Each web worker's background round, so that nothing needs a cron.

A daemon thread per gunicorn worker (started from gunicorn.conf.py) runs, each at its own
pace: the notification mail outbox every MAIL_POLL_SECONDS when CORDON_SMTP_URL is set
(app/mail.py), and the feedback reminders every REMINDER_POLL_SECONDS (recipients who
have not answered a report sent CORDON_FEEDBACK_DAYS ago) with the mutual assistance
reminders (requests due within CORDON_ASSISTANCE_REMIND_DAYS, or overdue), and the
exchange packages waiting for a partner's inbox every CORDON_PUSH_POLL_SECONDS
(app/cooperation). All are idempotent, so several workers, or a cron running ``flask mail
send-pending``, ``flask feedback remind``, ``flask assistance remind`` or ``flask exchange
push`` as well, never send a mail, a reminder or a package twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.assistance.service import remind as remind_assistance
from app.cooperation.service import push_due
from app.dissemination.service import InvalidInput, remind_feedback
from app.mail import send_pending
from graph.db import get_graph

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[Flask], object]


def jobs_for(app: Flask) -> list[Job]:
    jobs = [Job("feedback reminders", app.config["REMINDER_POLL_SECONDS"],
                lambda a: remind_feedback(get_graph(), a.config["FEEDBACK_DAYS"])),
            Job("assistance reminders", app.config["REMINDER_POLL_SECONDS"],
                lambda a: remind_assistance(get_graph(), a.config["ASSISTANCE_REMIND_DAYS"]))]
    jobs.append(Job("partner pushes", app.config["PUSH_POLL_SECONDS"],
                    lambda a: push_due(get_graph(), a.config)))
    if app.config.get("SMTP_URL"):
        jobs.append(Job("mail outbox", app.config["MAIL_POLL_SECONDS"],
                        lambda a: send_pending(a.config)))
    return jobs


class BackgroundWorker(threading.Thread):
    """Runs each job every ``every_seconds`` for as long as the process lives."""

    def __init__(self, app: Flask, jobs: list[Job]) -> None:
        super().__init__(name="background", daemon=True)
        self.app = app
        self.jobs = jobs
        self.stopping = threading.Event()

    def run(self) -> None:
        tick = min(job.every_seconds for job in self.jobs)
        due = {job.name: time.monotonic() + job.every_seconds for job in self.jobs}
        while not self.stopping.wait(tick):
            for job in self.jobs:
                if time.monotonic() < due[job.name]:
                    continue
                due[job.name] = time.monotonic() + job.every_seconds
                try:
                    with self.app.app_context():
                        job.run(self.app)
                except Exception:  # the worker must outlive a bad round (Neo4j away, …)
                    log.exception("%s round failed; retrying next round", job.name)


def start_worker(app: Flask) -> BackgroundWorker:
    """Start the background round (gunicorn's post_worker_init)."""
    # a malformed setting shows at start, not as a failed round every few minutes
    if app.config["FEEDBACK_DAYS"] < 0:
        raise ValueError("CORDON_FEEDBACK_DAYS is a number of days, 0 or more.")
    if app.config["ASSISTANCE_REMIND_DAYS"] < 0:
        raise ValueError("CORDON_ASSISTANCE_REMIND_DAYS is a number of days, 0 or more.")
    if app.config.get("SMTP_URL"):
        from app.mail import smtp_settings

        smtp_settings(app.config["SMTP_URL"])
    worker = BackgroundWorker(app, jobs_for(app))
    worker.start()
    return worker


feedback_cli = AppGroup("feedback", help="Feedback on disseminated reports.")


@feedback_cli.command("remind")
def remind_command() -> None:
    """Remind recipients whose feedback is CORDON_FEEDBACK_DAYS overdue (for cron; the web
    workers do it too). Each recipient is reminded once per report."""
    try:
        told = remind_feedback(get_graph(), current_app.config["FEEDBACK_DAYS"])
    except InvalidInput as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"reminded {len(told)} officer{'' if len(told) == 1 else 's'}")
