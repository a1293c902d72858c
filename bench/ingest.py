"""Ingestion figures for `make bench`: `flask import` and report ingestion against floors.

Each figure is measured on a clean database beside its baseline, in the same run and
through the same driver, so the ratio holds on a noisy machine:

* ``import_throughput``: the import use case (the code path of ``flask import``: the
  importer, then the risk aggregates, notifications and trader scores once for the file;
  training and re-planning left out) against a bare batched
  ``UNWIND $rows AS row CREATE (n:X) SET n = row`` of the same parsed rows, the least any
  import of those rows can cost;
* ``report_ingestion``: reports written end to end (extract, resolve, write, link) against
  extraction alone on the same texts.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from graph.connection import Graph, tx_run

FLOOR_CREATE = "UNWIND $rows AS row CREATE (n:BenchFloorRow) SET n = row"
WIPE_BATCH = """
MATCH (n) WHERE NOT n:Migration
WITH n LIMIT 10000
DETACH DELETE n
RETURN count(*) AS deleted
"""
ENSURE_UNITS = "UNWIND $names AS name MERGE (u:Unit {name: name}) ON CREATE SET u.kind = 'hq'"
BENCH_UNIT = "Bench HQ"
WARM_UP = 2000  # lines written once, then wiped, before the timed runs


def import_throughput(bench: Any, data_file: Path, graph: Graph) -> None:
    """Records/s of ``Importer.run`` on ``data_file`` versus the bare batched CREATE floor."""
    from app.exchange.load import Loaded, after_write, import_records
    from bench.measure import Figure
    from graph.exchange import DEFAULT_BATCH_SIZE, Importer, parse_line
    from graph.exchange.records import Context
    from graph.grading import Grading

    units = _report_units(data_file)
    records = []
    with data_file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            record = parse_line(raw, number, Context(units=frozenset(units)))
            if record is not None:
                records.append(record)
    rows = [_flat(record) for record in records]

    # Warm-up: both code paths once on the first lines, so that neither figure pays for
    # the JVM's just-in-time compilation and Cypher planning of a fresh server.
    _wipe(graph)
    graph.query(ENSURE_UNITS, {"names": sorted(units)}, write=True)
    for start in range(0, WARM_UP, DEFAULT_BATCH_SIZE):
        graph.write(_create_rows, rows[start : min(WARM_UP, start + DEFAULT_BATCH_SIZE)])
    import_records(graph, records[:WARM_UP], Grading.from_config({}))

    _wipe(graph)
    t0 = time.perf_counter()
    for start in range(0, len(rows), DEFAULT_BATCH_SIZE):
        graph.write(_create_rows, rows[start : start + DEFAULT_BATCH_SIZE])
    floor = len(rows) / (time.perf_counter() - t0)

    _wipe(graph)
    graph.query(ENSURE_UNITS, {"names": sorted(units)}, write=True)
    t0 = time.perf_counter()
    importer = Importer(graph)
    summary = importer.run(data_file)
    after_write(graph, importer.written, Loaded(summary), train=False, warm=False)
    seconds = time.perf_counter() - t0
    if summary.rejected:
        raise RuntimeError(f"import rejected {summary.rejected} lines: {summary.first_errors[:3]}")
    value = (summary.created + summary.updated) / seconds
    _wipe(graph)
    bench.add(Figure("flask import records/s", value, "records/s",
                     "bare batched UNWIND CREATE", floor,
                     note=f"{len(rows)} records from {data_file.name}"))  # fmt: skip


def report_ingestion(bench: Any, graph: Graph, n: int = 200) -> None:
    """Reports/s written end to end (the import's report path) versus extraction alone."""
    import nlp
    from app.exchange.load import import_records
    from bench.measure import Figure
    from bench.texts_corpus import report_texts
    from graph.exchange import parse_line
    from graph.exchange.records import Context
    from graph.grading import Grading

    texts = report_texts(n)
    nlp.extract_many(texts[:10])  # load the model outside both timings
    t0 = time.perf_counter()
    nlp.extract_many(texts)
    extraction = len(texts) / (time.perf_counter() - t0)

    _wipe(graph)
    graph.query(ENSURE_UNITS, {"names": [BENCH_UNIT]}, write=True)
    ctx = Context(units=frozenset({BENCH_UNIT}))
    lines = [
        {
            "kind": "report",
            "id": f"BENCH-R{i:05d}",
            "channel": "informant",
            "received": "2025-03-12",
            "unit": BENCH_UNIT,
            "text": text,
            "source": f"BENCH-S{i % 17}",
        }
        for i, text in enumerate(texts, start=1)
    ]
    records = [parse_line(json.dumps(line), i, ctx) for i, line in enumerate(lines, start=1)]
    t0 = time.perf_counter()
    summary = import_records(graph, [r for r in records if r is not None],
                             Grading.from_config({}))
    seconds = time.perf_counter() - t0
    if summary.rejected:
        raise RuntimeError(f"reports rejected {summary.rejected}: {summary.first_errors[:3]}")
    value = (summary.created + summary.updated) / seconds
    _wipe(graph)
    bench.add(Figure("report ingestion reports/s", value, "reports/s", "extraction only",
                     extraction, note=f"{len(texts)} report texts"))  # fmt: skip


def _report_units(data_file: Path) -> set[str]:
    units = set()
    with data_file.open("rb") as handle:
        for raw in handle:
            if b'"report"' in raw:
                obj = json.loads(raw)
                if obj.get("kind") == "report" and isinstance(obj.get("unit"), str):
                    units.add(obj["unit"].strip())
    return units


def _flat(record: Any) -> dict[str, Any]:
    """A record as node properties: scalars and lists of text as they are, the rest JSON."""
    row: dict[str, Any] = {"kind": record.kind, "key": record.key}
    for name, value in record.data.items():
        if value is None or value == [] or value == {}:
            continue
        scalar = isinstance(value, str | int | float | bool)
        if scalar or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            row[name] = value
        else:
            row[name] = json.dumps(value, separators=(",", ":"))
    return row


def _create_rows(tx: Any, rows: list[dict[str, Any]]) -> None:
    tx_run(tx, FLOOR_CREATE, rows=rows)


def _wipe(graph: Graph) -> None:
    """Everything but the migration records: the benchmark database is throwaway."""
    while graph.query(WIPE_BATCH, write=True)[0]["deleted"]:
        pass


BULK_UNITS = ("VAR-INT", "SVI-INT", "SOF-INT")  # the units the generator's reports name


def bulk_load(bench: Any, data_file: Path, folder: Path) -> None:
    """``flask import FILE --initial`` on a fresh data folder (own embedded Neo4j): the
    whole first load (validate, CSV, neo4j-admin, migrations, aggregates, reports,
    scores, training, re-planning) against the target of 10 minutes, and the share of
    it that is Neo4j's importer alone on the CSV files the load wrote (run again on a
    scratch store, same heap)."""
    import os
    import shutil
    import subprocess

    from app import create_app
    from bench.measure import Figure
    from config import Config
    from graph.embedded import EmbeddedNeo4j
    from graph.exchange import bulk

    EmbeddedNeo4j(folder / "neo4j").stop()
    shutil.rmtree(folder, ignore_errors=True)
    app = create_app(Config, {"CORDON_DATA": str(folder), "NEO4J_URI": None,
                              "NEO4J_HEAP": "2g", "NEO4J_PAGECACHE": "2g"})
    runner = app.test_cli_runner()
    try:
        runner.invoke(args=["db", "upgrade"])
        for unit in BULK_UNITS:
            runner.invoke(args=["units", "create", unit, "--kind", "regional",
                                "--parent", "HQ"])
        started = time.perf_counter()
        result = runner.invoke(args=["import", str(data_file), "--initial"])
        total = time.perf_counter() - started
        if result.exit_code != 0:
            raise RuntimeError(result.output[-2000:])
        print("  " + next(line for line in result.output.splitlines()
                          if line.startswith("lines read")), flush=True)
        csv_folder = max((folder / "bulk").iterdir())
        written = bulk.CsvFiles(files={p.stem: p for p in csv_folder.glob("*.csv")})
        scratch = folder / "scratch"
        scratch.mkdir()
        embedded = app.extensions["neo4j"].embedded
        command = ["java", f"-Xmx{embedded.heap}", "-cp", f"{embedded.lib_dir.resolve()}/*",
                   "org.neo4j.cli.AdminTool", *bulk.admin_arguments(written)]
        t0 = time.perf_counter()
        subprocess.run(command, env={**os.environ, "NEO4J_HOME": str(scratch)},  # noqa: S603
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        importer = time.perf_counter() - t0
    finally:
        app.extensions["neo4j"].close()
        if app.extensions["neo4j"].embedded is not None:
            app.extensions["neo4j"].embedded.stop()
    lines = sum(1 for _ in data_file.open("rb"))
    bench.add(Figure(f"bulk first load of {lines:,} lines", total, "s",
                     "target: 10 minutes", 600.0))
    bench.add(Figure("neo4j-admin alone on the load's CSV files", importer, "s",
                     "the whole --initial load", total,
                     note="share of the load spent in Neo4j's importer (target >= 0.25)"))
    shutil.rmtree(scratch, ignore_errors=True)
