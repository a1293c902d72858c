"""The ``import`` and ``export`` commands: parse arguments, run, print, audit."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app

from app.audit import audit
from app.exchange import bp
from graph.connection import Graph
from graph.db import get_graph
from graph.errors import DatabaseUnavailable
from graph.exchange import DEFAULT_BATCH_SIZE, Importer, export_graph
from graph.exchange.bulk import BulkRefused
from graph.filestore import FileStoreError, file_store
from graph.grading import Grading


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Validate the whole file first; write nothing if any line is invalid.",
)
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True,
              type=click.IntRange(1, 50_000), help="Records per write transaction.")  # fmt: skip
@click.option("--no-train", is_flag=True,
              help="Do not retrain the risk model, even when enough new controls arrived.")
@click.option("--initial", is_flag=True,
              help="First load of an empty database through Neo4j's offline importer.")
@click.option("--csv-only", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --initial: write the importer's CSV files into DIR and print the "
                   "neo4j-admin command (for an external Neo4j); nothing is written.")
@click.option("--finish", is_flag=True,
              help="With --initial: after the operator ran that command, finish the load.")
def import_command(file: Path, strict: bool, batch_size: int, no_train: bool, initial: bool,
                   csv_only: Path | None, finish: bool) -> None:
    """Import a register exchange file (JSON Lines; see docs/exchange-format.md)."""
    if initial:
        _initial(file, strict=strict, csv_only=csv_only, finish=finish, no_train=no_train)
        return
    if csv_only or finish:
        raise click.UsageError("--csv-only and --finish go with --initial")
    graph = get_graph()

    def report_error(line: int, reason: str) -> None:
        click.echo(f"{file.name}:{line}: {reason}", err=True)

    started = time.perf_counter()
    with click.progressbar(
        length=file.stat().st_size, label="importing", file=sys.stderr, show_pos=False
    ) as bar:
        importer = Importer(
            graph, batch_size=batch_size, grading=Grading.from_config(current_app.config),
            on_error=report_error, on_progress=bar.update,
            store=file_store(current_app.config["CORDON_DATA"]),
        )
        try:
            summary = importer.run(file, strict=strict)
        except DatabaseUnavailable as exc:
            click.echo(f"import stopped: {exc}; committed batches stay, run it again", err=True)
            sys.exit(2)
    seconds = time.perf_counter() - started
    audit("exchange.import", str(file), {**summary.as_dict(), "strict": strict})
    records = summary.created + summary.updated
    if not summary.written:
        click.echo(f"--strict: {summary.rejected} invalid line(s); nothing was written")
    click.echo(
        f"lines read {summary.lines}, created {summary.created}, updated {summary.updated}, "
        f"rejected {summary.rejected} ({records / seconds if seconds else 0:.0f} records/s)"
    )
    if summary.reviews_dropped:
        click.echo(f"{summary.reviews_dropped} reviewed mention(s) whose words are no longer "
                   "in their report's new text were removed")
    if summary.by_kind["control"]["created"] and not no_train:
        _retrain_if_due(graph)
    if records:
        _refresh_plans()
    if not summary.ok:
        sys.exit(1)


def _initial(file: Path, *, strict: bool, csv_only: Path | None, finish: bool,
             no_train: bool) -> None:
    """`flask import FILE --initial`: see app/exchange/initial.py."""
    from app.exchange.initial import InitialLoadRefused, initial_load

    def report_error(line: int, reason: str) -> None:
        click.echo(f"{file.name}:{line}: {reason}", err=True)

    started = time.perf_counter()
    try:
        outcome = initial_load(file, strict=strict, csv_only=csv_only, finish=finish,
                               on_error=report_error)
    except (InitialLoadRefused, BulkRefused) as exc:
        raise click.ClickException(str(exc)) from None
    summary = outcome.summary
    seconds = time.perf_counter() - started
    if outcome.csv is not None and csv_only is not None:
        click.echo(f"CSV files written to {csv_only}; on the stopped Neo4j server run:")
        click.echo(outcome.command)
        click.echo(f"then start it and run: flask import {file} --initial --finish")
    elif summary.written:
        audit("exchange.import", str(file), {**summary.as_dict(), "strict": strict,
                                             "initial": True, "seconds": outcome.seconds})
        records = summary.created + summary.updated
        steps = ", ".join(f"{step} {s:.1f} s" for step, s in outcome.seconds.items())
        click.echo(
            f"lines read {summary.lines}, created {summary.created}, updated "
            f"{summary.updated}, rejected {summary.rejected} "
            f"({records / seconds if seconds else 0:.0f} records/s; {steps})")
        graph = get_graph()
        if summary.by_kind["control"]["created"] and not no_train:
            _retrain_if_due(graph)
        if records:
            _refresh_plans()
    else:
        click.echo(f"--strict: {summary.rejected} invalid line(s); nothing was written")
    if not summary.ok:
        sys.exit(1)




def _retrain_if_due(graph: Graph) -> None:
    """Controls are what the risk engine learns from: when this file brought enough of
    them (``retrain_after``, or any at all before the first model), the model is retrained
    now, as ``flask risk train --if-due`` would, so the next score uses them. A failed
    training leaves the active model in place and does not fail the import."""
    from app.risk import service, training
    from app.risk.cli import report_training

    if not training.retrain_due(graph):
        return
    click.echo("retraining the risk model on the controls in the graph (--no-train skips)")
    try:
        result = training.train_from_graph(graph, by="import")
    except service.RiskError as exc:
        click.echo(f"risk model not retrained: {exc}")
        return
    audit("risk.train", result["version"], {"metrics": result["metrics"], "by": "import"})
    report_training(result)


def _refresh_plans() -> None:
    """Neo4j replans a query once the data has changed enough since its plan; after an
    import that cost falls on the first officer to open a page. Running the pages' reads
    here pays it now (plans are shared by every connection to the database)."""
    from app.warmup import warm_up

    started = time.perf_counter()
    outcome = warm_up(current_app._get_current_object())
    failed = {step: why for step, why in outcome.items() if why != "ok"}
    click.echo(f"page queries re-planned in {time.perf_counter() - started:.1f} s"
               + (f" (skipped: {failed})" if failed else ""))


@bp.cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--files", "with_files", is_flag=True,
              help="Copy the reports' evidence files into FILE.files/ beside it.")
def export_command(file: Path, with_files: bool) -> None:
    """Export the whole graph in the exchange format (a backup that `flask import` restores)."""
    store = file_store(current_app.config["CORDON_DATA"])
    try:
        counts = export_graph(get_graph(), file, store if with_files else None)
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    except FileStoreError as exc:
        raise click.ClickException(f"{exc}; the export is incomplete") from None
    audit("exchange.export", str(file), counts, reason="full register export")
    detail = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    click.echo(f"exported {sum(counts.values())} lines to {file}: {detail}")
