"""``flask exchange keys | package | receive``: exchange packages from the shell (for
air-gapped partners: the file travels by hand)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from app.accounts.models import User
from app.accounts.service import normalise_email
from app.cooperation import bp, service
from app.intake.service import ReportService
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
    row = UserRepository(graph).by_email(normalise_email(email))
    if row is None or not row.get("active", True):
        raise click.ClickException(f"No active user {email}.")
    user = User.from_row(row)
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
        raise click.ClickException(f"package refused: {exc}") from None
    if result["duplicate"]:
        click.echo(f"package {result['package_id']} from {result['partner']} was received "
                   "before; nothing new stored")
        return
    click.echo(f"package {result['package_id']} from {result['partner']}: "
               f"{len(result['reports'])} report(s), {result['created']} new")
    for line in result.get("assistance", []):
        click.echo(line)
