"""``flask`` commands: schema, units, users, tokens and the embedded Neo4j."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.accounts import service
from app.accounts.roles import Role, UnitKind
from app.accounts.service import AccountError
from app.audit import audit
from graph import backup, migrations
from graph.audit import AuditRepository
from graph.clock import utc_now
from graph.db import get_graph
from graph.entities import EntityRepository
from graph.errors import NotFound
from graph.filestore import file_store
from graph.private import private_folder
from graph.units import UnitRepository
from graph.users import UserRepository

db_cli = AppGroup("db", help="Schema migrations.")
units_cli = AppGroup("units", help="Organisational units.")
users_cli = AppGroup("users", help="User accounts.")
tokens_cli = AppGroup("tokens", help="API tokens.")
neo4j_cli = AppGroup("neo4j", help="The embedded Neo4j (when NEO4J_URI is unset).")
audit_cli = AppGroup("audit", help="The hash-chained audit log.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations and make sure the HQ unit exists."""
    graph = get_graph()
    applied = migrations.upgrade(graph)
    UnitRepository(graph).ensure_headquarters()
    EntityRepository(graph).fill_translit_keys()
    for migration in applied:
        click.echo(f"applied V{migration.version:04d} {migration.name}")
    click.echo(f"schema up to date ({len(applied)} applied now)")


@db_cli.command("status")
def db_status() -> None:
    """List migrations and whether each is applied."""
    for row in migrations.status(get_graph()):
        mark = "applied" if row.applied else "pending"
        click.echo(f"V{row.version:04d}  {row.name:<40} {mark}")


@units_cli.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in UnitKind]), required=True)
@click.option("--parent", default=None, help="Name of the parent unit.")
def units_create(name: str, kind: str, parent: str | None) -> None:
    try:
        unit = service.create_unit(get_graph(), name, kind=kind, parent=parent)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created unit {unit['name']} ({unit['kind']})")


@units_cli.command("rename")
@click.argument("name")
@click.argument("new_name")
def units_rename(name: str, new_name: str) -> None:
    """Rename a unit; its reports, cases and tasks follow."""
    try:
        unit = service.rename_unit(get_graph(), name, new_name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"renamed unit {name} to {unit['name']}")


@units_cli.command("move")
@click.argument("name")
@click.option("--parent", required=True, help="Name of the new parent unit.")
def units_move(name: str, parent: str) -> None:
    """Put a unit under another parent (same tree rule as create)."""
    try:
        unit = service.move_unit(get_graph(), name, parent)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"moved unit {unit['name']} under {unit['parent']}")


@units_cli.command("list")
def units_list() -> None:
    for unit in UnitRepository(get_graph()).list():
        click.echo(
            f"{unit['name']:<24} {unit['kind']:<9} {unit['parent'] or '-':<24} {unit['members']}"
        )


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", default="HQ", show_default=True)
@click.option("--name", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, role: str, unit: str, name: str | None, password_stdin: bool) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = service.create_user(
            get_graph(), email, role=role, unit=unit, password=password, name=name
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.role.value} {user.email} in {user.unit}")


@users_cli.command("list")
def users_list() -> None:
    for user in UserRepository(get_graph()).list():
        state = "active" if user["active"] else "disabled"
        click.echo(f"{user['email']:<36} {user['role']:<13} {user['unit']:<20} {state}")


@users_cli.command("bootstrap-admin")
def users_bootstrap_admin() -> None:
    """Create the first administrator if there is none (CORDON_ADMIN_EMAIL/PASSWORD)."""
    email = current_app.config["CORDON_ADMIN_EMAIL"]
    try:
        created, generated = service.ensure_first_admin(
            get_graph(), email, current_app.config["CORDON_ADMIN_PASSWORD"]
        )
    except AccountError as exc:
        raise click.ClickException(f"first admin: {exc}") from None
    if not created:
        return
    click.echo(f"created the first administrator: {email}")
    if generated:
        click.echo(f"  its generated password (shown once, change it): {generated}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--days", type=int, default=None, help="Days until it expires (CORDON_TOKEN_DAYS).")
def tokens_create(email: str, days: int | None) -> None:
    """Print a new API token for EMAIL; only its hash is stored."""
    roles = service.roles_requiring_second_factor(current_app.config.get("TOTP_REQUIRED_ROLES"))
    try:
        click.echo(service.issue_token(
            get_graph(), email, days=days or int(current_app.config["TOKEN_DAYS"]),
            second_factor_roles=roles,
        ))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None


@tokens_cli.command("list")
@click.option("--user", "email", default=None, help="Only the tokens of this e-mail.")
def tokens_list(email: str | None) -> None:
    """List tokens by id with owner, dates and state (the secrets are not stored)."""
    user_id = None
    if email:
        try:
            row = UserRepository(get_graph()).by_email(service.normalise_email(email))
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
        if row is None:
            raise click.ClickException(f"No user with e-mail {email}.")
        user_id = row["id"]
    for token in service.list_tokens(get_graph(), user_id):
        click.echo(
            f"{token['id']:<13} {token['email']:<36} issued {token['created_at'][:10]}  "
            f"expires {(token['expires_at'] or '-')[:10]}  "
            f"used {(token['last_used_at'] or 'never')[:10]:<10}  {token['state']}"
        )


@tokens_cli.command("revoke")
@click.argument("token_id")
def tokens_revoke(token_id: str) -> None:
    """Revoke the token with this id (from `flask tokens list`)."""
    try:
        row = service.revoke_token(get_graph(), token_id)
    except NotFound:
        raise click.ClickException(f"No token with id {token_id}.") from None
    click.echo(f"revoked token {row['id']} of {row['email']}")


def _embedded():
    embedded = current_app.extensions["neo4j"].embedded
    if embedded is None:
        raise click.ClickException("NEO4J_URI is set: Cordon does not manage that Neo4j.")
    return embedded


@neo4j_cli.command("start")
def neo4j_start() -> None:
    endpoint = _embedded().ensure_running()
    click.echo(f"Neo4j serves Bolt on {endpoint.uri}")


@neo4j_cli.command("stop")
def neo4j_stop() -> None:
    if _embedded().stop():
        click.echo("Neo4j stopped")
    else:
        click.echo("Neo4j was not running")


@neo4j_cli.command("status")
def neo4j_status() -> None:
    endpoint = _embedded().running()
    click.echo(f"running on {endpoint.uri}" if endpoint else "not running")
    sys.exit(0 if endpoint else 3)


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 if any entry was changed, removed or inserted."""
    check = AuditRepository(get_graph()).verify()
    if check.ok:
        click.echo(f"audit chain intact: {check.checked} entries")
        return
    click.echo(f"audit chain BROKEN at entry {check.broken_at}: {check.problem}", err=True)
    sys.exit(1)


@click.command("backup")
@with_appcontext
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path | None) -> None:
    """Write a consistent snapshot of the whole graph with a checksummed manifest."""
    if path is None:
        stamp = utc_now().replace(":", "").replace("-", "")
        path = Path(current_app.config["CORDON_DATA"]) / "backups" / f"cordon-{stamp}.jsonl"
        private_folder(path.parent)
    elif not path.parent.exists():
        private_folder(path.parent)
    try:
        manifest = backup.dump(get_graph(), path, file_store(current_app.config["CORDON_DATA"]))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    audit("backup.create", target=str(path), detail={"nodes": manifest.nodes,
                                                      "files": len(manifest.files)})
    click.echo(f"backup {path}: {manifest.nodes} nodes, {manifest.relationships} relationships, "
               f"{len(manifest.files)} evidence files")
    click.echo(f"manifest {backup.manifest_path(path)} sha256 {manifest.sha256}")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Discard the data in the database first.")
def restore_command(path: Path, replace: bool) -> None:
    """Restore a backup made by `flask backup` (checksum and counts are verified)."""
    try:
        manifest = backup.restore(get_graph(), path, replace=replace,
                                  store=file_store(current_app.config["CORDON_DATA"]))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    audit("backup.restore", target=str(path), detail={"nodes": manifest.nodes,
                                                       "files": len(manifest.files)})
    click.echo(f"restored {manifest.nodes} nodes, {manifest.relationships} relationships, "
               f"{len(manifest.files)} evidence files (hashes verified)")


def register_cli(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from app.background import feedback_cli
    from app.mail import mail_cli

    app.cli.add_command(mail_cli)
    app.cli.add_command(feedback_cli)
    for group in (db_cli, units_cli, users_cli, tokens_cli, neo4j_cli, audit_cli):
        app.cli.add_command(group)
