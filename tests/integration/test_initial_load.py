"""`flask import FILE --initial` builds the graph the online import builds.

One varied generator file (traders, persons, declarations, controls, relations, reports)
with hand-made bad lines is imported online into the session's Neo4j and through Neo4j's
offline importer into a fresh data folder with its own embedded Neo4j; the two `flask export`
files are identical, so are the two graphs read whole (what the export leaves out too: risk
aggregates, selections, stale and counted marks, AEO status lines, transliteration keys,
the schema and the migration ledger; times aside), the bad lines get the same reasons, and
the same declarations get the same risk scores through the API.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app import create_app
from bench import generator
from config import TestConfig

pytestmark = pytest.mark.slow

UNITS = ("VAR-INT", "SVI-INT", "SOF-INT")
BAD_LINES = [
    {"kind": "declaration", "id": "BAD-1", "date": "2026-13-40"},
    {"kind": "control", "declaration": "BAD-2", "date": "2026-01-01", "result": "maybe"},
    {"kind": "trader", "name": "NO ID LTD"},
    {"kind": "spaceship", "id": "X"},
]


def _app(data: Path):
    return create_app(TestConfig, {"CORDON_DATA": str(data), "NEO4J_URI": None,
                                   "NEO4J_HEAP": "512m", "NEO4J_PAGECACHE": "128m"})


def _with_units(runner) -> None:
    for unit in UNITS:
        result = runner.invoke(args=["units", "create", unit, "--kind", "regional",
                                     "--parent", "HQ"])
        assert result.exit_code == 0, result.output


def _prepared(data: Path):
    app = _app(data)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    _with_units(runner)
    return app, runner


def _errors(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if re.match(r"^\S+\.jsonl:\d+: ", line))


# Written at the moment of each run (times, and the audit log that records them).
_MOMENT = re.compile(r"(.*_at|at)")
_OWN_LOG = ("AuditEvent", "AuditHead")


def _value(value):
    if isinstance(value, str) and _UUID.fullmatch(value):
        return "uuid"  # drawn at random by each instance (a source's id)
    if isinstance(value, float):
        return float(f"{value:.9g}")  # sums of the same amounts in another order
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value if isinstance(value, (str, int, bool, type(None))) else str(value)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _props(props: dict) -> dict:
    return {k: _value(v) for k, v in sorted(props.items()) if not _MOMENT.fullmatch(k)}


def _graph(app) -> dict[str, list[str]]:
    """Every node and relationship (a node named by its labels and properties), the
    indexes and constraints, in a sorted list each: what two graphs hold, times aside."""
    graph = app.extensions["neo4j"].graph
    nodes = {row["n"]: json.dumps([sorted(row["labels"]), _props(row["props"])])
             for row in graph.query("MATCH (n) WHERE none(l IN labels(n) WHERE l IN $own) "
                                    "RETURN elementId(n) AS n, labels(n) AS labels, "
                                    "properties(n) AS props", {"own": list(_OWN_LOG)})}
    links = [json.dumps([nodes[row["a"]], row["type"],
                         _props({k: v for k, v in row["props"].items() if k != "id"}),
                         nodes[row["b"]]])
             for row in graph.query("MATCH (a)-[r]->(b) RETURN elementId(a) AS a, "
                                    "elementId(b) AS b, type(r) AS type, "
                                    "properties(r) AS props")
             if row["a"] in nodes and row["b"] in nodes]
    schema = [row["statement"] for row in graph.query(
        "SHOW INDEXES YIELD createStatement AS statement")] + [row["statement"] for row in
        graph.query("SHOW CONSTRAINTS YIELD createStatement AS statement")]
    return {"nodes": sorted(nodes.values()), "links": sorted(links),
            "schema": sorted(schema)}


def _difference(one: list[str], other: list[str]) -> tuple[list[str], list[str]]:
    from collections import Counter

    a, b = Counter(one), Counter(other)
    return sorted((a - b).elements())[:5], sorted((b - a).elements())[:5]


def _scores(app, declarations: list[dict]) -> list[float]:
    from app.accounts.service import create_user, issue_token

    graph = app.extensions["neo4j"].graph
    create_user(graph, "scorer@customs.example", role="analyst", unit="HQ",
                password="a-long-test-password-1")
    headers = {"Authorization": "Bearer " + issue_token(graph, "scorer@customs.example")}
    client = app.test_client()
    scores = []
    for decl in declarations:
        response = client.post("/api/v1/declarations/score", json=decl, headers=headers)
        assert response.status_code == 200, response.json
        scores.append(response.json["score"])
    return scores


@pytest.fixture(scope="module")
def exchange_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("file") / "register.jsonl"
    generator.write(path, 500, seed=11)
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(line) + "\n" for line in BAD_LINES)
        handle.write("{not json\n")
    return path


def test_initial_load_builds_the_graph_the_online_import_builds(
        tmp_path, exchange_file, app, runner):
    lines = [json.loads(raw) for raw in exchange_file.read_text().splitlines()[:-5]]
    kinds = {line["kind"] for line in lines}
    assert kinds == {"trader", "person", "relation", "declaration", "control", "report"}
    scored = [line for line in lines if line["kind"] == "declaration"][-5:]

    online_app, online = app, runner
    _with_units(online)
    bulk_app, bulk = _prepared(tmp_path / "bulk")
    try:
        # --strict refuses the file before anything is written: the database stays empty
        refused = bulk.invoke(args=["import", str(exchange_file), "--initial", "--strict"])
        assert refused.exit_code == 1
        assert "nothing was written" in refused.output

        first = online.invoke(args=["import", str(exchange_file)])
        loaded = bulk.invoke(args=["import", str(exchange_file), "--initial"])
        assert first.exit_code == loaded.exit_code == 1  # the bad lines
        assert len(_errors(loaded.output)) == len(BAD_LINES) + 1
        assert _errors(loaded.output) == _errors(first.output)
        assert "neo4j-admin" in loaded.output

        again = bulk.invoke(args=["import", str(exchange_file), "--initial"])
        assert again.exit_code != 0
        assert "already holds records" in again.output

        exports = []
        for name, runner in (("online", online), ("bulk", bulk)):
            out = tmp_path / f"{name}.jsonl"
            assert runner.invoke(args=["export", str(out)]).exit_code == 0
            exports.append(out.read_bytes())
        assert exports[0].count(b"\n") > 500
        assert exports[0] == exports[1]

        graphs = [_graph(online_app), _graph(bulk_app)]
        for part in ("schema", "nodes", "links"):
            assert graphs[0][part] == graphs[1][part], (part, _difference(
                graphs[0][part], graphs[1][part]))

        assert _scores(online_app, scored) == _scores(bulk_app, scored)
    finally:
        bulk_app.extensions["neo4j"].close()
        bulk_app.extensions["neo4j"].embedded.stop()


def test_csv_only_writes_the_files_and_the_command(tmp_path, exchange_file, app, runner):
    """On a server Cordon did not start (the session's Neo4j, reached by its URI)."""
    _with_units(runner)
    result = runner.invoke(args=["import", str(exchange_file), "--initial",
                                 "--csv-only", str(tmp_path / "csv")])
    assert "neo4j-admin database import full" in result.output
    assert "--nodes=" in result.output
    header = (tmp_path / "csv" / "declarations.csv").read_text().splitlines()[0]
    assert "id:ID(Declaration)" in header and "hs:string[]" in header
    assert "value:double" in header
    assert app.extensions["neo4j"].graph.query(
        "MATCH (d:Declaration) RETURN count(d) AS n")[0]["n"] == 0
