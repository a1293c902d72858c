"""``flask exchange keys | package | receive | push | stix | ftm | seizures``: exchange
packages and partner formats from the shell (for air-gapped partners: the file travels by
hand)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from app.accounts.models import User
from app.accounts.service import normalise_email
from app.cooperation import bp, formats, service
from app.i18n import say
from app.intake.service import ReportService
from app.spreadsheet import csv_text
from graph.db import get_graph
from graph.private import open_private
from graph.users import UserRepository


@bp.cli.command("keys")
def keys_command() -> None:
    """Print this instance's public keys (give them to partners)."""
    own = service.keys(current_app.config)
    click.echo(f"verify key (Ed25519):     {own.verify_key}")
    click.echo(f"encryption key (X25519):  {own.encryption_key}")


@bp.cli.command("package")
@click.option("--partner", required=True, help="The registered partner's name.")
@click.option("--report", "reports", multiple=True, required=True,
              help="A report reference (R-2026-000123) or id; repeat for several.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the package file.")
@click.option("--by", "email", required=True,
              help="The intelligence officer who sends (the dissemination rules are theirs).")
@click.option("--conditions", default="", help="The originator's conditions of use.")
def package_command(partner: str, reports: tuple[str, ...], out: Path, email: str,
                    conditions: str) -> None:
    """Pack sanitised reports for a partner agency: signed, encrypted to the partner,
    recorded in the dissemination log."""
    graph = get_graph()
    user = active_officer(graph, email)
    intake = ReportService.from_config(graph, current_app.config)
    ids = [intake.resolve(user, ref) for ref in reports]
    try:
        sent = service.build_package(graph, user, current_app.config, partner, ids, conditions)
    except service.Refused as exc:
        raise click.ClickException(f"nothing sent: {exc}") from None
    with open_private(out, "wb") as handle:
        handle.write(sent["data"])
    click.echo(f"package {sent['package_id']} for {sent['partner']} written to {out}: "
               f"{', '.join(sent['references'])}")


@bp.cli.command("receive")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def receive_command(file: Path) -> None:
    """Verify a partner's package and import its reports as partner_agency intake."""
    try:
        result = service.receive_package(get_graph(), current_app.config, file.read_bytes(),
                                         by="cli")
    except service.PackageRefused as exc:
        raise click.ClickException(f"package refused: {say(exc)}") from None
    if result["duplicate"]:
        click.echo(f"package {result['package_id']} from {result['partner']} was received "
                   "before; nothing new stored")
        return
    click.echo(f"package {result['package_id']} from {result['partner']}: "
               f"{len(result['reports'])} report(s), {result['created']} new")
    for line in result.get("assistance", []):
        click.echo(line)


def active_officer(graph, email: str) -> User:
    """The active officer a command acts as (``--by``); a clear refusal otherwise."""
    row = UserRepository(graph).by_email(normalise_email(email))
    if row is None or not row.get("active", True):
        raise click.ClickException(f"No active user {email}.")
    return User.from_row(row)


def _write(out: Path, data: bytes) -> None:
    with open_private(out, "wb") as handle:
        handle.write(data)


@bp.cli.command("stix")
@click.option("--report", "reports", multiple=True,
              help="A report reference or id to export; repeat for several.")
@click.option("--by", "email", help="The intelligence officer who exports.")
@click.option("--partner", help="The partner it goes to (its terms apply); with --receive, "
              "the partner who sent the bundle.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the bundle.")
@click.option("--receive", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Take a partner's STIX 2.1 bundle in instead (needs --partner).")
def stix_command(reports: tuple[str, ...], email: str | None, partner: str | None,
                 out: Path | None, receive: Path | None) -> None:
    """Export reports as a STIX 2.1 bundle, or take a partner's bundle in."""
    graph = get_graph()
    if receive is not None:
        try:
            result = formats.import_stix(graph, current_app.config, receive.read_bytes(),
                                         partner or "", None)
        except service.PackageRefused as exc:
            raise click.ClickException(f"bundle refused: {say(exc)}") from None
        click.echo(f"bundle from {result['partner']}: {len(result['reports'])} report(s), "
                   f"{result['created']} new")
        return
    if not (reports and email and out):
        raise click.UsageError("Give --report, --by and --out (or --receive FILE).")
    user = active_officer(graph, email)
    ids = [ReportService.from_config(graph, current_app.config).resolve(user, r)
           for r in reports]
    try:
        bundle = formats.stix_bundle(graph, user, current_app.config, ids, partner)
    except service.Refused as exc:
        raise click.ClickException(f"nothing exported: {exc}") from None
    _write(out, json.dumps(bundle, indent=1).encode())
    click.echo(f"STIX bundle of {len(ids)} report(s) written to {out}")


@bp.cli.command("ftm")
@click.option("--report", "reports", multiple=True, required=True,
              help="A report reference or id; repeat for several.")
@click.option("--by", "email", required=True, help="The intelligence officer who exports.")
@click.option("--partner", help="The partner it goes to (its terms apply).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def ftm_command(reports: tuple[str, ...], email: str, partner: str | None, out: Path) -> None:
    """Export the persons and companies of reports, with ownership and directorship, as
    FollowTheMoney entities (one JSON object a line, as Aleph reads them)."""
    graph = get_graph()
    user = active_officer(graph, email)
    ids = [ReportService.from_config(graph, current_app.config).resolve(user, r)
           for r in reports]
    try:
        data = formats.ftm_lines(graph, user, current_app.config, ids, partner)
    except service.Refused as exc:
        raise click.ClickException(f"nothing exported: {exc}") from None
    _write(out, data)
    click.echo(f"{len(data.splitlines())} FollowTheMoney entities written to {out}")


@bp.cli.command("seizures")
@click.option("--by", "email", required=True, help="The intelligence officer who exports.")
@click.option("--from", "start", help="First seizure date (YYYY-MM-DD).")
@click.option("--to", "end", help="Last seizure date (YYYY-MM-DD).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def seizures_command(email: str, start: str | None, end: str | None, out: Path) -> None:
    """Export seizures as the WCO seizure CSV (one line per seized item)."""
    graph = get_graph()
    try:
        rows = formats.seizure_rows(graph, active_officer(graph, email), start, end)
    except service.Refused as exc:
        raise click.ClickException(str(exc)) from None
    _write(out, csv_text(formats.SEIZURE_HEADER, rows).encode())
    click.echo(f"{len(rows)} seized item(s) written to {out}")


@bp.cli.command("push")
def push_command() -> None:
    """Push the packages waiting for their partners' inboxes (for cron; the web workers'
    background round does it too)."""
    done = service.push_due(get_graph(), current_app.config)
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(done.items())) or "nothing due")
