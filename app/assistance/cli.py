"""``flask assistance remind | package``: reminders for cron, and a request's package for
partners reached by hand (air-gapped: the file travels on a medium)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from app.assistance import bp, exchange, service
from app.cooperation.cli import active_officer
from graph.db import get_graph
from graph.errors import NotFound
from graph.private import open_private


@bp.cli.command("remind")
def remind_command() -> None:
    """Remind the officers of requests due within CORDON_ASSISTANCE_REMIND_DAYS, and of
    overdue ones (for cron; the web workers do it too), once per request and stage."""
    try:
        told = service.remind(get_graph(), current_app.config["ASSISTANCE_REMIND_DAYS"])
    except service.AssistanceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"reminded {len(told)} officer{'' if len(told) == 1 else 's'}")


@bp.cli.command("package")
@click.option("--request", "ident", required=True,
              help="The request's reference (MAR-2026-000012) or id.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the package file.")
@click.option("--by", "email", required=True, help="The officer who sends it.")
def package_command(ident: str, out: Path, email: str) -> None:
    """Seal an outgoing request, or our reply to an incoming one, for its partner."""
    graph = get_graph()
    user = active_officer(graph, email)
    request_id = service.resolve(graph, ident)
    try:
        found = service.read(graph, user, request_id, via="cli")
        build = (exchange.build_request_package if found["direction"] == "outgoing"
                 else exchange.build_reply_package)
        sent = build(graph, user, current_app.config, request_id)
    except NotFound:
        raise click.ClickException(f"No assistance request {ident} that {email} may see.") \
            from None
    except service.AssistanceError as exc:
        raise click.ClickException(f"nothing sent: {exc}") from None
    with open_private(out, "wb") as handle:
        handle.write(sent["data"])
    click.echo(f"package {sent['package_id']} for {sent['partner']} written to {out}: "
               f"{found['reference']}")
