"""Ingestion figures for `make bench`: `flask import` and report ingestion against floors.

Each figure is measured on a clean database beside its baseline, in the same run and
through the same driver, so the ratio holds on a noisy machine:

* ``import_throughput``: the import use case (the code path of ``flask import``: the
  importer, then the risk aggregates, notifications and trader scores once for the file;
  training and re-planning left out) against the same nodes and relationships written
  from the same parsed lines by bare batched ``UNWIND $rows AS row MERGE`` statements on
  the same constraints (:func:`write_bare`): no validation, no report text extraction, no
  existence lookups, no aggregates, notifications or scores;
* ``report_ingestion``: reports written end to end (extract, resolve, write, link) against
  extraction alone on the same texts.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from graph.connection import Graph, tx_run

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
    """Records/s of the import use case on ``data_file`` versus :func:`write_bare` of the
    same parsed lines; the nodes and relationships of both runs are counted and printed."""
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

    nodes, links = bare_rows(records)  # like the lines, made before the clock starts

    # Warm-up: both code paths once on the first lines, so that neither figure pays for
    # the JVM's just-in-time compilation and Cypher planning of a fresh server.
    _fresh(graph, units)
    write_bare(graph, *bare_rows(records[:WARM_UP]), DEFAULT_BATCH_SIZE)
    _fresh(graph, units)
    import_records(graph, records[:WARM_UP], Grading.from_config({}))

    # The baseline before and after the import, their mean taken: the load of a shared
    # machine moves within a few minutes, and the ratio should not follow it.
    _fresh(graph, units)
    bare_seconds = [_seconds(write_bare, graph, nodes, links, DEFAULT_BATCH_SIZE)]
    bare = _counts(graph)

    _fresh(graph, units)
    t0 = time.perf_counter()
    importer = Importer(graph)
    summary = importer.run(data_file)
    after_write(graph, importer.written, Loaded(summary), train=False, warm=False)
    seconds = time.perf_counter() - t0
    imported = _counts(graph)

    _fresh(graph, units)
    bare_seconds.append(_seconds(write_bare, graph, nodes, links, DEFAULT_BATCH_SIZE))
    if summary.rejected:
        raise RuntimeError(f"import rejected {summary.rejected} lines: {summary.first_errors[:3]}")
    value = (summary.created + summary.updated) / seconds
    baseline = len(records) / (sum(bare_seconds) / len(bare_seconds))
    print(f"    bare {bare_seconds[0]:.1f} s and {bare_seconds[1]:.1f} s, import {seconds:.1f} s",
          flush=True)
    _wipe(graph)
    differ = _print_counts(bare, imported)
    bench.add(Figure("flask import records/s", value, "records/s",
                     "bare batched UNWIND MERGE of its nodes and relationships", baseline,
                     note=f"{len(records)} records from {data_file.name}; only the import "
                          f"writes {differ or 'nothing else'} (report mentions, aggregates, "
                          "selections, report references)"))  # fmt: skip


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


def _props(data: dict[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A record's data as node properties: scalars and lists of text as they are, the rest
    JSON (what the import stores too, field by field)."""
    props: dict[str, Any] = {}
    for name, value in data.items():
        if name in skip or value is None or value == [] or value == {}:
            continue
        scalar = isinstance(value, str | int | float | bool)
        if scalar or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            props[name] = value
        else:
            props[name] = json.dumps(value, separators=(",", ":"))
    return props


# The bare baseline of the import: one literal MERGE per node label and one per
# relationship type (labels and types cannot be parameters), nothing looked up first.
BARE_NODES = {
    "Trader": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Trader, n += r.props",
    "Organisation": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Organisation, n+=r.props",
    "Agency": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Agency, n += r.props",
    "Person": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Person, n += r.props",
    "Location": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Location, n += r.props",
    "Vessel": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Vessel, n += r.props",
    "Container": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Container, n += r.props",
    "Vehicle": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Vehicle, n += r.props",
    "Phone": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Phone, n += r.props",
    "Email": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Email, n += r.props",
    "Document": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Document, n += r.props",
    "Commodity": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Commodity, n += r.props",
    "Address": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n:Address, n += r.props",
    "Declaration": "UNWIND $rows AS row MERGE (n:Declaration {id: row.id}) SET n += row.props",
    "Control": "UNWIND $rows AS row MERGE (n:Control {id: row.id}) SET n += row.props",
    "Report": "UNWIND $rows AS row MERGE (n:Report {id: row.id}) SET n += row.props",
    "Source": """
UNWIND $rows AS row MERGE (n:Source {codename: row.id})
ON CREATE SET n.id = randomUUID() SET n += row.props""",
}
BARE_LINKS = {
    "DIRECTOR_OF": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:DIRECTOR_OF]->(b) SET r += row.props""",
    "EMPLOYEE_OF": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:EMPLOYEE_OF]->(b) SET r += row.props""",
    "OWNER_OF": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:OWNER_OF]->(b) SET r += row.props""",
    "SHAREHOLDER_OF": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:SHAREHOLDER_OF]->(b) SET r += row.props""",
    "ASSOCIATE_OF": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:ASSOCIATE_OF]->(b) SET r += row.props""",
    "RELATIVE_OF": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:RELATIVE_OF]->(b) SET r += row.props""",
    "USES_PHONE": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:USES_PHONE]->(b) SET r += row.props""",
    "USES_EMAIL": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:USES_EMAIL]->(b) SET r += row.props""",
    "LOCATED_AT": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:LOCATED_AT]->(b) SET r += row.props""",
    "HOLDS_DOCUMENT": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:HOLDS_DOCUMENT]->(b) SET r += row.props""",
    "OPERATES": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:OPERATES]->(b) SET r += row.props""",
    "RELATED_TO": """
UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[r:RELATED_TO]->(b) SET r += row.props""",
    "IMPORTED_BY": """
UNWIND $rows AS row MATCH (a:Declaration {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[:IMPORTED_BY]->(b)""",
    "EXPORTED_BY": """
UNWIND $rows AS row MATCH (a:Declaration {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[:EXPORTED_BY]->(b)""",
    "DECLARED_BY": """
UNWIND $rows AS row MATCH (a:Declaration {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[:DECLARED_BY]->(b)""",
    "SHIPPED_IN": """
UNWIND $rows AS row MATCH (a:Declaration {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[:SHIPPED_IN]->(b)""",
    "CARRIED_BY": """
UNWIND $rows AS row MATCH (a:Declaration {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[:CARRIED_BY]->(b)""",
    "TRANSPORTED_BY": """
UNWIND $rows AS row MATCH (a:Declaration {id: row.from}) MATCH (b:Entity {id: row.to})
MERGE (a)-[:TRANSPORTED_BY]->(b)""",
    "CONTROL_OF": """
UNWIND $rows AS row MATCH (a:Control {id: row.from}) MATCH (b:Declaration {id: row.to})
MERGE (a)-[:CONTROL_OF]->(b)""",
    "ORIGINATED_IN": """
UNWIND $rows AS row MATCH (a:Report {id: row.from}) MATCH (b:Unit {name: row.to})
MERGE (a)-[:ORIGINATED_IN]->(b)""",
    "FROM_SOURCE": """
UNWIND $rows AS row MATCH (a:Report {id: row.from}) MATCH (b:Source {codename: row.to})
MERGE (a)-[:FROM_SOURCE]->(b)""",
}


def bare_rows(
    records: list[Any],
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """The nodes (by label) and relationships (by type) the import writes for ``records``,
    each node once, a described entity or declaration over its references."""
    nodes: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in BARE_NODES}
    links: dict[str, list[dict[str, Any]]] = {rel: [] for rel in BARE_LINKS}

    def node(label: str, key: str, props: dict[str, Any], confirmed: bool) -> None:
        if confirmed or key not in nodes[label]:
            nodes[label][key] = {"id": key, "props": props}

    for record in records:
        data = record.data
        for ref in record.refs:
            row = ref.to_param()
            node(ref.kind.value, row["id"], {k: v for k, v in row.items() if k != "props"}
                 | row["props"], ref.status == "confirmed")  # fmt: skip
        if record.kind in ("trader", "person"):
            label = "Trader" if record.kind == "trader" else "Person"
            props = _props(data, ("id", "links")) | {"ref": data["id"], "status": "confirmed"}
            node(label, record.key, props, True)
            via = record.kind
            for rel, to, role in data["links"]:
                links[rel].append({"from": record.key, "to": to,
                                   "props": {"role": role, "via": via, "source": "register"}})
        elif record.kind == "declaration":
            node("Declaration", record.key, _props(data, ("links",)), True)
            for rel, to in data["links"]:
                links[rel].append({"from": record.key, "to": to})
        elif record.kind == "control":
            node("Declaration", data["declaration"], {"status": "referenced"}, False)
            node("Control", record.key, _props(data), True)
            links["CONTROL_OF"].append({"from": record.key, "to": data["declaration"]})
        elif record.kind == "report":
            node("Report", record.key, _props(data), True)
            links["ORIGINATED_IN"].append({"from": record.key, "to": data["unit"]})
            if data["source"]:
                node("Source", data["source"], {"status": "referenced"}, False)
                links["FROM_SOURCE"].append({"from": record.key, "to": data["source"]})
        elif record.kind == "relation":
            links[data["type"]].append({"from": data["from"], "to": data["to"], "props": {
                "source": data["source"], "date": data["date"], "detail": data["detail"]}})
    return {label: list(rows.values()) for label, rows in nodes.items()}, links


def write_bare(graph: Graph, nodes: dict[str, list[dict[str, Any]]],
               links: dict[str, list[dict[str, Any]]], batch_size: int) -> None:
    """The baseline of ``flask import``: the nodes, then the relationships, of
    :func:`bare_rows` by bare batched MERGE, one transaction per batch."""
    for statements, by_name in ((BARE_NODES, nodes), (BARE_LINKS, links)):
        for name, rows in by_name.items():
            for start in range(0, len(rows), batch_size):
                graph.write(_run_rows, statements[name], rows[start:start + batch_size])


def _run_rows(tx: Any, cypher: str, rows: list[dict[str, Any]]) -> None:
    tx_run(tx, cypher, rows=rows)


COUNT_LABELS = "MATCH (n) WHERE NOT n:Migration UNWIND labels(n) AS name RETURN name, count(*) AS n"
COUNT_TYPES = "MATCH ()-[r]->() RETURN type(r) AS name, count(*) AS n"


def _counts(graph: Graph) -> dict[str, int]:
    labels = {row["name"]: row["n"] for row in graph.query(COUNT_LABELS)}
    types = {f"-[:{row['name']}]-": row["n"] for row in graph.query(COUNT_TYPES)}
    return labels | types


def _print_counts(bare: dict[str, int], imported: dict[str, int]) -> str:
    """Nodes per label and relationships per type of both runs, side by side; the names
    whose counts differ by more than 1 %."""
    differ = []
    print(f"    {'label or type':<20} {'bare':>8} {'import':>8}", flush=True)
    for name in sorted(bare.keys() | imported.keys()):
        a, b = bare.get(name, 0), imported.get(name, 0)
        mark = "" if abs(a - b) <= 0.01 * max(a, b) else "  *"
        print(f"    {name:<20} {a:>8} {b:>8}{mark}", flush=True)
        if mark:
            differ.append(name)
    return ", ".join(differ)


def _seconds(work: Any, *args: Any) -> float:
    t0 = time.perf_counter()
    work(*args)
    return time.perf_counter() - t0


def _fresh(graph: Graph, units: set[str]) -> None:
    """An empty database but for the migrations and the units the file's reports name."""
    _wipe(graph)
    graph.query(ENSURE_UNITS, {"names": sorted(units)}, write=True)


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
