"""The import, whatever the entry point: `flask import FILE`, `flask import FILE --initial`
(app/exchange/initial.py) and a partner's package (app/cooperation/service.py).

validate -> write (``graph.exchange.Importer``, or Neo4j's offline importer for the first
load) -> what derives from the written records, once for the whole file -> retraining when
due -> re-planning the pages' queries.

Deriving once per file rather than per batch: the risk aggregates (trader activity,
unit-value windows, hit rates, selection records of controls) are written with a few
statements per ``CHUNK`` rows of the file, the parties of the file's declarations are
marked stale and ranked once, watchers hear of the file's declarations, controls and
reports once. Each step is idempotent (declarations and controls are marked counted,
traders stale), so a file whose import stopped half-way is completed by importing it
again; only notifications of declarations created by the interrupted run are not sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from app.audit import audit
from app.watch.notify import imported_tx
from graph.connection import Graph
from graph.controls import record_selections_from_controls
from graph.exchange import DEFAULT_BATCH_SIZE, Importer, ImportSummary, Written
from graph.filestore import file_store
from graph.grading import Grading
from graph.riskstats import record_controls, record_declarations
from graph.traderscores import TraderScoreRepository

CHUNK = 20_000  # rows of the file per transaction of the pass after it


@dataclass
class Loaded:
    """What one import did after writing: training (its result, or why it did not run),
    the warm-up's outcome per step, and seconds per step."""

    summary: ImportSummary
    training: dict[str, Any] | None = None
    not_trained: str | None = None
    warm_up: dict[str, str] | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def importer_for(graph: Graph, **options: Any) -> Importer:
    """An importer with the app's grading scheme and evidence store."""
    return Importer(graph, grading=Grading.from_config(current_app.config),
                    store=file_store(current_app.config["CORDON_DATA"]), **options)


def import_file(graph: Graph, path: Path, *, strict: bool = False,
                batch_size: int = DEFAULT_BATCH_SIZE, train: bool = True, warm: bool = True,
                on_error: Callable[[int, str], None] | None = None,
                on_progress: Callable[[int], None] | None = None) -> Loaded:
    """`flask import FILE`: the online import of one file, then :func:`after_write`."""
    importer = importer_for(graph, batch_size=batch_size, on_error=on_error,
                            on_progress=on_progress)
    started = time.perf_counter()
    summary = importer.run(path, strict=strict)
    loaded = Loaded(summary, seconds={"write": round(time.perf_counter() - started, 2)})
    if summary.written:
        after_write(graph, importer.written, loaded, train=train, warm=warm)
    return loaded


def import_records(graph: Graph, records: list[Any], grading: Grading) -> ImportSummary:
    """Records checked by another entry point (a partner's package): written and derived
    like a file, in the caller's request, so neither training nor re-planning."""
    importer = Importer(graph, grading=grading)
    summary = importer.import_records(records)
    after_write(graph, importer.written, Loaded(summary), train=False, warm=False)
    return summary


def after_write(graph: Graph, written: Written, loaded: Loaded, *, train: bool = True,
                warm: bool = True, counted: bool = False) -> None:
    """The steps after the records are in the graph, each once for the whole file;
    ``counted``: the aggregates and marks were written with the records (a first load)."""
    clock = Clock(loaded.seconds)
    summary = loaded.summary
    derive(graph, written, counted=counted)
    clock.lap("aggregates, notifications")
    trained = False
    if train and summary.by_kind["control"]["created"]:
        trained = _retrain_if_due(graph, loaded)
        clock.lap("training")
    if trained:
        _clear_stale(graph)  # training ranked every trader with the new model
    elif summary.created or summary.updated:
        from app.risk.rankings import rescore_stale_traders

        rescore_stale_traders(graph)
        clock.lap("trader ranking")
    if warm and current_app.config["REPLAN_AFTER_IMPORT"] and (
            summary.created or summary.updated):
        # Neo4j replans a query once the data changed enough; running the pages' reads now
        # pays that here rather than on the first officer's page (plans are shared).
        from app.warmup import warm_up

        loaded.warm_up = warm_up(current_app._get_current_object())
        clock.lap("re-planning")


def derive(graph: Graph, written: Written, *, counted: bool = False) -> None:
    """Risk aggregates, selection records, stale marks and watch notifications of a file's
    records, in file order (declarations before the controls, as within each batch of the
    import); only the notifications when the rest is ``counted`` already."""
    from risk.scoring import PARTY_ROLES

    for rows in _chunks(written.declarations):
        graph.write(_declarations, rows, PARTY_ROLES, counted)
    for rows in _chunks(written.controls):
        graph.write(_controls, rows, counted)
    for start in range(0, len(written.reports), CHUNK):
        graph.write(imported_tx, reports=written.reports[start:start + CHUNK])


def _declarations(tx: Any, rows: list[dict[str, Any]], roles: Sequence[str],
                  counted: bool) -> None:
    if not counted:
        record_declarations(tx, rows)
        TraderScoreRepository.mark_stale(tx, refs=[r.get(role) for r in rows for role in roles])
    imported_tx(tx, declarations=[str(r["id"]) for r in rows if r.get("created")])


def _controls(tx: Any, rows: list[dict[str, Any]], counted: bool) -> None:
    if not counted:
        record_selections_from_controls(tx, rows)
        record_controls(tx, rows)
        TraderScoreRepository.mark_stale(tx, declarations=[r.get("declaration") for r in rows])
    imported_tx(tx, controls=[str(r["id"]) for r in rows if r.get("id")])


def _retrain_if_due(graph: Graph, loaded: Loaded) -> bool:
    """Controls are what the risk engine learns from: when the file brought enough of them
    (``retrain_after``, or any at all before the first model), the model is retrained now,
    as ``flask risk train --if-due`` would. A failed training leaves the active model in
    place and does not fail the import."""
    from app.risk import service, training

    if not training.retrain_due(graph):
        return False
    try:
        result = training.train_from_graph(graph, by="import")
    except service.RiskError as exc:
        loaded.not_trained = str(exc)
        return False
    audit("risk.train", result["version"], {"metrics": result["metrics"], "by": "import"})
    loaded.training = result
    return True


def _clear_stale(graph: Graph) -> None:
    while refs := graph.read(TraderScoreRepository.stale_traders, 5000):
        graph.write(TraderScoreRepository.clear_stale, refs)


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


class Clock:
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(now - self._last, 2)
        self._last = now
