"""The first load (`flask import FILE --initial`): an empty database filled by Neo4j's
offline importer, then finished through the online import's own writers and listeners.

Steps: refuse a database holding records; validate every line (``--strict`` refuses the
file on any error, before anything is written); write the CSV files
(``graph.exchange.bulk``); stop the embedded Neo4j, run ``neo4j-admin database import
full`` on its store, start it again; apply the migrations (constraints, indexes); then the
AEO status lines, the risk aggregates (the batch listeners, over the whole file in file
order), reports and relation lines (the online writers: extraction, sources, mentions),
and the trader scores once at the end. With an external Neo4j (``NEO4J_URI``) the
operator runs the importer: ``--csv-only DIR`` writes the files and prints the command,
and ``--finish`` afterwards does the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from graph import migrations
from graph.aeo import record_statuses
from graph.connection import Graph
from graph.exchange import bulk
from graph.exchange.importer import Importer, ImportSummary
from graph.exchange.listeners import listeners_for
from graph.filestore import file_store
from graph.grading import Grading
from graph.units import UnitRepository

LISTENER_BATCH = 20_000


class InitialLoadRefused(RuntimeError):
    """Why the first load cannot run: a message for the operator."""


@dataclass
class InitialLoad:
    """What the first load did: the import summary, the CSV files, seconds per step."""

    summary: ImportSummary
    csv: bulk.CsvFiles | None = None
    command: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def initial_load(
    path: Path, *, strict: bool = False, csv_only: Path | None = None, finish: bool = False,
    on_error: Callable[[int, str], None] | None = None,
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
    importer = Importer(graph, grading=Grading.from_config(current_app.config),
                        on_error=on_error, store=file_store(current_app.config["CORDON_DATA"]))
    clock = _Clock()
    plan = bulk.plan(path, importer.context(path), strict=strict, on_error=on_error)
    clock.lap("validate")
    outcome = InitialLoad(plan.summary, seconds=clock.seconds)
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
    return outcome


def _finish(graph: Graph, importer: Importer, plan: bulk.BulkPlan, clock: _Clock) -> None:
    migrations.upgrade(graph)
    UnitRepository(graph).ensure_headquarters()
    bulk.fill_empty_lists(graph)
    clock.lap("migrations")
    for chunk in _chunks(plan.aeo_history):
        graph.write(record_statuses, chunk, "import", keep_flag=True)
    for kind, rows in (("declaration", plan.declaration_rows), ("control", plan.control_rows)):
        for chunk in _chunks(list(rows.values())):
            graph.write(_listen, kind, [{**row, "created": True} for row in chunk])
    clock.lap("aggregates")
    importer.summary = plan.summary
    importer.write_records(plan.online)  # reports, relations; then the trader scores
    clock.lap("reports, relations, scores")


def _listen(tx: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    for listener in listeners_for(kind):
        listener(tx, rows)


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i:i + LISTENER_BATCH] for i in range(0, len(rows), LISTENER_BATCH)]


class _Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(now - self._last, 2)
        self._last = now
