"""The first load (`flask import FILE --initial`): an empty database filled by Neo4j's
offline importer, then finished like any import (app/exchange/load.py).

Steps: refuse a database holding records; validate every line (``--strict`` refuses the
file on any error, before anything is written) and count what the import's pass after the
file would derive from them (risk aggregates, marks, selection records, AEO status lines:
``graph.exchange.bulkderived``); write the CSV files (``graph.exchange.bulk``); stop the
embedded Neo4j, run ``neo4j-admin database import full`` on its store, start it again;
apply the migrations (constraints, indexes); then the reports and relation lines (the
online writers: extraction, sources, mentions), and the import use case's steps after the
write, once for the whole file: watch notifications, trader scores, training when due,
re-planning. With an external Neo4j (``NEO4J_URI``) the operator runs the importer:
``--csv-only DIR`` writes the files and prints the command, and ``--finish`` afterwards
does the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.exchange.load import Clock, Loaded, after_write, importer_for
from graph import migrations
from graph.connection import Graph
from graph.exchange import bulk
from graph.exchange.importer import Importer, Written
from graph.units import UnitRepository


class InitialLoadRefused(RuntimeError):
    """Why the first load cannot run: a message for the operator."""


@dataclass
class InitialLoad:
    """What the first load did: the import's outcome (summary, training, seconds per
    step), the CSV files and the operator's command."""

    loaded: Loaded
    csv: bulk.CsvFiles | None = None
    command: str | None = None


def initial_load(
    path: Path, *, strict: bool = False, csv_only: Path | None = None, finish: bool = False,
    train: bool = True, on_error: Callable[[int, str], None] | None = None,
) -> InitialLoad:
    extension = current_app.extensions["neo4j"]
    graph: Graph = extension.graph
    embedded = extension.embedded
    if embedded is None and csv_only is None and not finish:
        raise InitialLoadRefused(
            "NEO4J_URI is set: Neo4j's offline importer must run on that server. Use "
            "--csv-only DIR to write the files and the command, then --finish here.")
    if not finish and not bulk.is_empty(graph):
        raise InitialLoadRefused(
            "--initial loads an empty database only, and this one already holds records; "
            "use `flask import FILE` (without --initial) to add to it.")
    importer = importer_for(graph, on_error=on_error)
    clock = Clock({})
    plan = bulk.plan(path, importer.context(path), strict=strict, on_error=on_error)
    clock.lap("validate")
    outcome = InitialLoad(Loaded(plan.summary, seconds=clock.seconds))
    if not plan.summary.written:
        return outcome
    if not finish:
        folder = csv_only or Path(current_app.config["CORDON_DATA"]) / "bulk" / str(
            int(time.time()))
        outcome.csv = bulk.write_csv(plan, bulk.read_kept(graph), folder)
        outcome.command = bulk.operator_command(outcome.csv)
        clock.lap("csv")
        if csv_only is not None:
            plan.summary.written = False
            return outcome
        extension.close()
        embedded.stop()
        bulk.run_admin_import(outcome.csv, embedded.data_dir / "home", lib_dir=embedded.lib_dir,
                              java=embedded.java, heap=embedded.heap,
                              log=embedded.data_dir / "import.log")
        clock.lap("neo4j-admin")
        graph = extension.graph  # starts the embedded Neo4j on the new store
        importer.graph = graph
    _finish(graph, importer, plan, clock)
    after_write(graph, Written(
        declarations=[{**row, "created": True} for row in plan.declaration_rows.values()],
        controls=[{**row, "created": True} for row in plan.control_rows.values()],
        reports=importer.written.reports), outcome.loaded, train=train, counted=True)
    return outcome


def _finish(graph: Graph, importer: Importer, plan: bulk.BulkPlan, clock: Clock) -> None:
    migrations.upgrade(graph)
    UnitRepository(graph).ensure_headquarters()
    bulk.fill_empty_lists(graph)
    clock.lap("migrations")
    importer.summary = plan.summary
    importer.write_records(plan.online)  # reports, relations
    clock.lap("reports, relations")
