"""Graph, scoring and page benchmarks for ``make bench`` (issue 7) and the load scenario (issue 6).

Each measure times Cordon's real code (``graph.network``, ``app.risk.scoring``, the pages
served by gunicorn) beside a bare baseline taken in the same run, so the ratio says what
Cordon's need-to-know, bounds and rendering cost on top of the database itself.

The synthetic graph of :func:`load_graph` is written with bare batched ``UNWIND ... CREATE``
(this section measures queries, not import); it is shaped like Cordon's graph
(docs/graph-model.md) with a skewed degree distribution: a few traders declare thousands
of declarations, a few brokers lodge most of them, a few phones and addresses are shared by
many companies, as in real registers.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import secrets
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any, LiteralString
from urllib.parse import quote

from bench.measure import Bench, Figure, percentile
from graph.connection import Graph

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = REPO_ROOT / ".venv" / "bin"
SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
BATCH = 10_000

# Share of the nodes per kind (sums to 1).
SHARES = {
    "trader": 0.08,
    "person": 0.12,
    "phone": 0.09,
    "address": 0.06,
    "email": 0.05,
    "container": 0.05,
    "declaration": 0.40,
    "control": 0.10,
    "report": 0.05,
}

# The viewer of the graph benchmarks: an analyst at HQ (sees open reports, not the
# restricted ones of the regional unit, so the need-to-know predicates do real work).
VIEWER = {"id": "bench-viewer", "unit": "HQ", "role": "analyst"}
# Throwaway accounts on a loopback server: a new password every run.
PASSWORD = secrets.token_urlsafe(24)

# -- Cypher: bulk load ---------------------------------------------------------------------

CREATE_NODES: dict[str, LiteralString] = {
    "trader": "UNWIND $rows AS row CREATE (e:Entity:Trader) SET e = row",
    "person": "UNWIND $rows AS row CREATE (e:Entity:Person) SET e = row",
    "phone": "UNWIND $rows AS row CREATE (e:Entity:Phone) SET e = row",
    "address": "UNWIND $rows AS row CREATE (e:Entity:Address) SET e = row",
    "email": "UNWIND $rows AS row CREATE (e:Entity:Email) SET e = row",
    "container": "UNWIND $rows AS row CREATE (e:Entity:Container) SET e = row",
    "declaration": "UNWIND $rows AS row CREATE (d:Declaration) SET d = row",
    "control": "UNWIND $rows AS row CREATE (c:Control) SET c = row",
    "report": "UNWIND $rows AS row CREATE (r:Report) SET r = row",
}

_ENTITY_PAIR: LiteralString = (
    "UNWIND $rows AS row MATCH (a:Entity {id: row.a}) MATCH (b:Entity {id: row.b}) "
)
_DECL_ENTITY: LiteralString = (
    "UNWIND $rows AS row MATCH (a:Declaration {id: row.a}) MATCH (b:Entity {id: row.b}) "
)
CREATE_RELATIONS: dict[str, LiteralString] = {
    "DIRECTOR_OF": _ENTITY_PAIR
    + "CREATE (a)-[:DIRECTOR_OF {source: 'register', via: 'trader', role: 'director'}]->(b)",
    "USES_PHONE": _ENTITY_PAIR + "CREATE (a)-[:USES_PHONE {source: 'register'}]->(b)",
    "USES_EMAIL": _ENTITY_PAIR + "CREATE (a)-[:USES_EMAIL {source: 'register'}]->(b)",
    "LOCATED_AT": _ENTITY_PAIR + "CREATE (a)-[:LOCATED_AT {source: 'register'}]->(b)",
    "ASSOCIATE_OF": _ENTITY_PAIR + "CREATE (a)-[:ASSOCIATE_OF {source: 'report'}]->(b)",
    "IMPORTED_BY": _DECL_ENTITY + "CREATE (a)-[:IMPORTED_BY]->(b)",
    "DECLARED_BY": _DECL_ENTITY + "CREATE (a)-[:DECLARED_BY]->(b)",
    "SHIPPED_IN": _DECL_ENTITY + "CREATE (a)-[:SHIPPED_IN]->(b)",
    "CONTROL_OF": "UNWIND $rows AS row MATCH (a:Control {id: row.a}) "
    "MATCH (b:Declaration {id: row.b}) CREATE (a)-[:CONTROL_OF]->(b)",
    "MENTIONS": "UNWIND $rows AS row MATCH (a:Report {id: row.a}) MATCH (b:Entity {id: row.b}) "
    "CREATE (a)-[:MENTIONS {label: row.label, provenance: 'model', review: 'accepted', "
    "confidence: 0.9}]->(b)",
}

AWAIT_INDEXES: LiteralString = "CALL db.awaitIndexes(600)"
ENTITY_IDS: LiteralString = "MATCH (e:Entity) RETURN e.id AS id"
ENTITY_STEP: LiteralString = "MATCH (:Entity {id: $id})--(b:Entity) RETURN b.id AS id LIMIT 50"

# -- Cypher: baselines -----------------------------------------------------------------------

# The same bound as Cordon's explorer (500 nodes) but no whitelist, no per-node cap and
# no need-to-know: what the database does on its own.
BARE_TWO_HOP: LiteralString = """
MATCH (e:Entity {id: $id})-[*1..2]-(n)
WITH DISTINCT n LIMIT 500
RETURN count(n) AS n
"""
BARE_SHORTEST_PATH: LiteralString = """
MATCH (s:Entity {id: $a})
MATCH (t:Entity {id: $b})
MATCH p = shortestPath((s)-[*..6]-(t))
RETURN length(p) AS hops
"""

# -- Cypher: load-scenario checks --------------------------------------------------------------

LOAD_REPORT_IDS: LiteralString = (
    "MATCH (r:Report) WHERE r.title STARTS WITH $prefix RETURN r.id AS id"
)
LOAD_CONTROL_IDS: LiteralString = "MATCH (c:Control) WHERE c.finding = $marker RETURN c.id AS id"
SAMPLE_DECLARATIONS: LiteralString = (
    "MATCH (d:Declaration) WHERE d.status = 'confirmed' RETURN d.id AS id ORDER BY d.id LIMIT $n"
)
SAMPLE_TRADER: LiteralString = "MATCH (e:Trader) RETURN e.id AS id ORDER BY e.id LIMIT 1"


# -- 1. synthetic graph ----------------------------------------------------------------------


def _skewed(rng: random.Random, n: int, power: float = 2.0) -> int:
    """An index in ``range(n)`` where low indices are hubs (u**power piles mass near 0)."""
    return min(n - 1, int(n * rng.random() ** power))


def _counts(total: int) -> dict[str, int]:
    return {kind: max(10, int(total * share)) for kind, share in SHARES.items()}


def _entity_id(kind: str, i: int) -> str:
    return {
        "trader": f"trader:NL{100000 + i}",
        "person": f"person:P-{i:07d}",
        "phone": f"phone:+3110{i:07d}",
        "address": f"address:{i} BENCH STREET ROTTERDAM",
        "email": f"email:office{i}@bench.example",
        "container": f"container:BNCU{i:07d}",
    }[kind]


def _entity_rows(kind: str, n: int) -> Iterator[dict[str, Any]]:
    label = {"trader": "ORG", "person": "PERSON", "phone": "PHONE", "address": "LOCATION",
             "email": "EMAIL", "container": "CONTAINER"}[kind]
    for i in range(n):
        ident = _entity_id(kind, i)
        ref = ident.split(":", 1)[1]
        name = f"Bench Trading {i} BV" if kind == "trader" else (
            f"Person {i}" if kind == "person" else ref)
        yield {"id": ident, "label": label, "ref": ref, "key": ref.lower(), "name": name,
               "status": "confirmed"}


def _declaration_id(i: int) -> str:
    return f"DEC-B-{i:08d}"


def _graph_rows(total: int, seed: int) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    """("node"|"rel", kind or type, batch) in load order, deterministic from ``seed``."""
    rng = random.Random(seed)
    n = _counts(total)
    for kind in ("trader", "person", "phone", "address", "email", "container"):
        yield from _batched("node", kind, _entity_rows(kind, n[kind]))

    start = date(2022, 1, 1)
    hs = ["8517120000", "2208300000", "6403990000", "8703230000", "3004900000", "6110200000"]
    origins = ["CN", "TR", "US", "IN", "VN", "AE", "BR"]

    def declarations() -> Iterator[dict[str, Any]]:
        for i in range(n["declaration"]):
            value = round(rng.lognormvariate(9, 1.2), 2)
            yield {"id": _declaration_id(i), "status": "confirmed", "flow": "import",
                   "date": (start + timedelta(days=i * 1000 // n["declaration"])).isoformat(),
                   "office": "NLRTM001", "origin": rng.choice(origins), "mode": "sea",
                   "value": value, "value_cif": round(value * 1.05, 2),
                   "weight_kg": round(value / 7, 1), "taxes": round(value * 0.12, 2),
                   "hs": [rng.choice(hs)]}

    yield from _batched("node", "declaration", declarations())
    controlled = rng.sample(range(n["declaration"]), n["control"])

    def controls() -> Iterator[dict[str, Any]]:
        for i in controlled:
            day = (start + timedelta(days=i * 1000 // n["declaration"] + 2)).isoformat()
            positive = rng.random() < 0.15
            yield {"id": f"{_declaration_id(i)}/{day}", "date": day,
                   "lane": rng.choice(["red", "yellow"]),
                   "result": "positive" if positive else "negative",
                   "revenue": round(rng.uniform(500, 20000), 2) if positive else 0.0}

    yield from _batched("node", "control", controls())

    def reports() -> Iterator[dict[str, Any]]:
        for i in range(n["report"]):
            restricted = rng.random() < 0.2
            yield {"id": f"R-B-{i:07d}", "channel": "open_source", "status": "submitted",
                   "title": f"Bench report {i}", "text": "Synthetic report for benchmarks.",
                   "handling": "restricted" if restricted else "open",
                   "unit": "Region North" if restricted else "HQ",
                   "author_id": "bench-author", "source_grade": "B", "info_grade": "2",
                   "received": (start + timedelta(days=i % 1000)).isoformat() + "T09:00:00Z",
                   "created_at": (start + timedelta(days=i % 1000)).isoformat() + "T09:00:00Z"}

    yield from _batched("node", "report", reports())

    def rel(kind_a: str, kind_b: str, per: float, power: float) -> Iterator[dict[str, Any]]:
        """``per`` links on average from each ``kind_a`` node to a skewed ``kind_b`` node."""
        for i in range(n[kind_a]):
            k = int(per) + (1 if rng.random() < per - int(per) else 0)
            for _ in range(k):
                yield {"a": _entity_id(kind_a, i), "b": _entity_id(kind_b,
                                                                   _skewed(rng, n[kind_b], power))}

    yield from _batched("rel", "DIRECTOR_OF", (
        {"a": _entity_id("person", _skewed(rng, n["person"], 1.6)), "b": _entity_id("trader", i)}
        for i in range(n["trader"]) for _ in range(1 + (rng.random() < 0.5))))
    yield from _batched("rel", "USES_PHONE", rel("trader", "phone", 1.2, 1.8))
    yield from _batched("rel", "USES_PHONE", rel("person", "phone", 0.6, 1.5))
    yield from _batched("rel", "USES_EMAIL", rel("trader", "email", 1.0, 1.3))
    yield from _batched("rel", "LOCATED_AT", rel("trader", "address", 1.0, 1.8))
    yield from _batched("rel", "ASSOCIATE_OF", rel("person", "person", 0.3, 1.5))

    def trade(kind_b: str, power: float, share: float) -> Iterator[dict[str, Any]]:
        for i in range(n["declaration"]):
            if rng.random() < share:
                yield {"a": _declaration_id(i),
                       "b": _entity_id(kind_b, _skewed(rng, n[kind_b], power))}

    yield from _batched("rel", "IMPORTED_BY", trade("trader", 2.0, 1.0))
    yield from _batched("rel", "DECLARED_BY", trade("trader", 3.0, 0.8))
    yield from _batched("rel", "SHIPPED_IN", trade("container", 1.2, 0.6))
    yield from _batched("rel", "CONTROL_OF", (
        {"a": f"{_declaration_id(i)}/"
              f"{(start + timedelta(days=i * 1000 // n['declaration'] + 2)).isoformat()}",
         "b": _declaration_id(i)} for i in controlled))
    kinds = ("trader", "person", "phone", "container")

    def mentions() -> Iterator[dict[str, Any]]:
        for i in range(n["report"]):
            for _ in range(rng.randint(2, 5)):
                kind = rng.choice(kinds)
                label = {"trader": "ORG", "person": "PERSON", "phone": "PHONE",
                         "container": "CONTAINER"}[kind]
                yield {"a": f"R-B-{i:07d}", "label": label,
                       "b": _entity_id(kind, _skewed(rng, n[kind], 2.0))}

    yield from _batched("rel", "MENTIONS", mentions())


def _batched(what: str, kind: str, rows: Iterator[dict[str, Any]]
             ) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield what, kind, batch
            batch = []
    if batch:
        yield what, kind, batch


def load_graph(graph: Graph, scale: str, seed: int = 7) -> dict[str, Any]:
    """Bulk-load a synthetic graph of about ``SCALES[scale]`` nodes and apply the migrations.

    Expects an empty, unmigrated database (the migrations run between nodes and
    relationships; the time includes building the indexes). Returns node and relationship
    counts and the seconds taken.
    """
    from graph.migrations import upgrade

    t0 = time.perf_counter()
    nodes = relations = 0
    migrated = False
    for what, kind, rows in _graph_rows(SCALES[scale], seed):
        if what == "rel" and not migrated:
            # Nodes first, then the constraints and indexes (populated in bulk, far faster
            # than per-batch updates of the full-text index); relationships need them.
            upgrade(graph)
            graph.query(AWAIT_INDEXES, write=True)
            migrated = True
        cypher = CREATE_NODES[kind] if what == "node" else CREATE_RELATIONS[kind]
        tb = time.perf_counter()
        graph.query(cypher, {"rows": rows}, write=True)
        if os.environ.get("BENCH_DEBUG"):
            print(f"    {kind} {len(rows)} rows {time.perf_counter() - tb:.2f} s", flush=True)
        if what == "node":
            nodes += len(rows)
        else:
            relations += len(rows)
    seconds = time.perf_counter() - t0
    print(f"  loaded {nodes} nodes, {relations} relationships in {seconds:.0f} s", flush=True)
    return {"nodes": nodes, "relationships": relations, "seconds": seconds}


# -- 2. neighbourhood and paths ---------------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def _sample_entities(graph: Graph, count: int, seed: int) -> list[str]:
    ids = sorted(row["id"] for row in graph.query(ENTITY_IDS))
    return random.Random(seed).sample(ids, min(count, len(ids)))


def _walk(graph: Graph, start: str, steps: int, rng: random.Random) -> str | None:
    """An entity a few hops from ``start`` (so that a path exists), or None."""
    current, seen = start, {start}
    for _ in range(steps):
        options = sorted(r["id"] for r in graph.query(ENTITY_STEP, {"id": current})
                         if r["id"] not in seen)
        if not options:
            break
        current = rng.choice(options)
        seen.add(current)
    return current if current != start else None


def neighbourhood_and_paths(bench: Bench, graph: Graph, scale: str, samples: int = 200,
                            seed: int = 11) -> None:
    """Two-hop neighbourhood and shortest path p50/p95 through ``graph.network``.

    Cordon's and the bare queries alternate on the same start entities so that cache
    warmth and machine noise hit both alike; the first 10 of each are a warm-up.
    """
    from graph.network import NetworkQuery, NetworkRepository

    repo = NetworkRepository(graph)
    two_hop = NetworkQuery(depth=2)
    ids = _sample_entities(graph, samples + 10, seed)
    cordon, bare = [], []
    for i, node_id in enumerate(ids):
        c = _timed(lambda n=node_id: repo.neighbourhood(n, two_hop, VIEWER))
        b = _timed(lambda n=node_id: graph.query(BARE_TWO_HOP, {"id": n}))
        if i >= 10:
            cordon.append(c)
            bare.append(b)
    for q in (50, 95):
        bench.add(Figure(f"two-hop neighbourhood p{q} at {scale} graph",
                         percentile(cordon, q), "ms",
                         f"bare Cypher 2-hop p{q}", percentile(bare, q),
                         note=f"{len(cordon)} start entities, depth 2, 500-node cap"))

    rng = random.Random(seed + 1)
    pairs = [(a, b) for a in ids[: samples // 2 + 10] if (b := _walk(graph, a, 4, rng))]
    cordon, bare = [], []
    for i, (a, b) in enumerate(pairs):
        c = _timed(lambda a=a, b=b: repo.paths(a, b, NetworkQuery(), VIEWER))
        s = _timed(lambda a=a, b=b: graph.query(BARE_SHORTEST_PATH, {"a": a, "b": b}))
        if i >= 10:
            cordon.append(c)
            bare.append(s)
    for q in (50, 95):
        bench.add(Figure(f"shortest path p{q} at {scale} graph", percentile(cordon, q), "ms",
                         f"bare shortestPath p{q}", percentile(bare, q),
                         note=f"{len(cordon)} pairs 1-4 hops apart, all shortest paths <= 6"))


# -- 3. scoring ---------------------------------------------------------------------------------


def prepare_scoring(app: Any, data_file: Path, bench: Bench | None = None, where: str = ""
                    ) -> dict[str, Any]:
    """Import the generated exchange file with Cordon's importer and train the model; with
    ``bench``, the training's figures (:func:`training_time`)."""
    from app.exchange.load import import_file
    from app.risk import training
    from graph.db import get_graph
    from graph.riskstats import stream_history

    with app.app_context():
        graph = get_graph()
        _ensure_units(graph, data_file)
        t0 = time.perf_counter()
        summary = import_file(graph, data_file, train=False, warm=False).summary
        imported = time.perf_counter() - t0
        history = _timed(lambda: sum(1 for _ in stream_history(graph))) / 1000
        t0 = time.perf_counter()
        trained = training.train_from_graph(graph, by="bench")
        seconds = time.perf_counter() - t0
        if bench is not None:
            training_time(bench, graph, trained, seconds, history, where)
    print(f"  imported {data_file.name} in {imported:.0f} s, model {trained['version']}",
          flush=True)
    return {"import_seconds": imported, "summary": summary, "model": trained["version"]}


def training_time(bench: Bench, graph: Graph, trained: dict[str, Any], seconds: float,
                  history: float, where: str = "", sample: int = 100) -> None:
    """Training with its ranking of every trader (issue 21: 3 minutes at 1M), beside the
    history read alone; the ranking beside ranking each trader alone (its own read of the
    register, as a recorded control does) on ``sample`` traders, scaled to them all."""
    from app.risk.rankings import rank_traders
    from app.risk.scoring import active_model
    from graph.traderscores import TraderScoreRepository
    from risk.ranking import ranking_model

    steps = trained["seconds"]
    bench.add(Figure(f"training with its ranking{where}", seconds, "s",
                     "reading the history alone", history,
                     note=", ".join(f"{k} {v:.1f} s" for k, v in steps.items())))
    refs = TraderScoreRepository(graph).all_traders()
    model = ranking_model(active_model(graph, trained["version"]))
    picked = refs[:: max(1, len(refs) // sample)][:sample]
    alone = sum(_timed(lambda r=ref: graph.read(rank_traders, model, [r])) for ref in picked)
    bench.add(Figure(f"ranking every trader after training{where}", steps["ranking"], "s",
                     f"each ranked alone, {len(picked)} sampled, scaled to {len(refs)}",
                     alone / 1000 * len(refs) / max(1, len(picked))))


def scoring(bench: Bench, app: Any, data_file: Path) -> None:
    """The exchange file imported and trained on (training's figures), then scored."""
    prepare_scoring(app, data_file, bench)
    scoring_latency(bench, app, data_file)


def _ensure_units(graph: Graph, data_file: Path) -> None:
    """The units that the file's reports name (HQ, then regional units under it)."""
    from app.accounts.service import AccountError, create_unit

    names = set()
    for line in data_file.read_text().splitlines():
        if line.startswith('{"kind":"report"'):
            names.add(json.loads(line).get("unit") or "HQ")
    for name in ["HQ", *sorted(names - {"HQ"})]:
        with contextlib.suppress(AccountError):  # exists already
            create_unit(graph, name, kind="hq" if name == "HQ" else "regional",
                        parent=None if name == "HQ" else "HQ")


def _declarations(data_file: Path, count: int) -> list[dict[str, Any]]:
    """The last ``count`` declarations of the exchange file, validated as the API does."""
    from graph.exchange.records import SCORING, LineError, validate

    lines = [line for line in data_file.read_text().splitlines()
             if line.startswith('{"kind":"declaration"')]
    out = []
    for line in lines[-count:]:
        with contextlib.suppress(LineError):
            out.append(validate(json.loads(line), "declaration", SCORING).clean)
    return out


def scoring_latency(bench: Bench, app: Any, data_file: Path, samples: int = 200,
                    batch: int = 1000, decls: list[dict[str, Any]] | None = None,
                    where: str = "") -> None:
    """One-declaration p50/p95 through the service vs the in-memory engine; batch rate.

    The baseline is the same declaration scored by :mod:`risk` alone (features and model)
    from a context read beforehand: the difference is the graph read of each call.
    """
    from app.risk import scoring, service
    from graph.db import get_graph
    from graph.riskparties import NO_VIEWER
    from risk.features import extract
    from risk.scoring import context_for

    decls = decls or _declarations(data_file, max(samples + 10, batch))
    with app.app_context():
        graph = get_graph()
        single = []
        for i, decl in enumerate(decls[: samples + 10]):
            t = _timed(lambda d=decl: scoring.score_declarations(graph, [d]))
            if i >= 10:
                single.append(t)
        model_version = service.current_settings(graph).get("model_version")
        model = scoring.active_model(graph, model_version)
        pure = []
        for decl in decls[10: samples + 10]:
            ctx = graph.read(scoring.read_context, [decl], NO_VIEWER)
            pure.append(_timed(lambda d=decl, c=ctx: model.score(
                extract(d, c.stats, c.values, context_for(d, c)))))
        for q in (50, 95):
            bench.add(Figure(f"one-declaration scoring p{q}{where}", percentile(single, q), "ms",
                             f"in-memory engine p{q}", percentile(pure, q),
                             note="scoring.score_declarations; baseline without graph read"))
        chunk = decls[:batch]
        t0 = time.perf_counter()
        scoring.score_declarations(graph, chunk)
        rate = len(chunk) / (time.perf_counter() - t0)
        single_rate = 1000 * len(single) / sum(single)
        bench.add(Figure(f"scoring throughput, batches of {len(chunk)}{where}", rate, "decl/s",
                         "one call per declaration", single_rate))


def scoring_at_scale(bench: Bench, app: Any, data_file: Path, scale: str, seed: int = 5
                     ) -> None:
    """One-declaration scoring on the large synthetic graph of :func:`load_graph`.

    The exchange file is imported on top (risk aggregates, controls) and the model trained
    from it; the scored declarations are the file's last ones with their importer and
    declarant replaced by traders of the large graph, drawn with the same skew as its
    links (hubs with thousands of declarations and shared phones come up often), so each
    call reads its parties' reports, cases and 3-hop network in the large graph.
    """
    prepare_scoring(app, data_file, bench, where=f" at {scale} graph")
    rng = random.Random(seed)
    traders = _counts(SCALES[scale])["trader"]
    decls = _declarations(data_file, 1010)
    for decl in decls:
        for party in ("importer", "declarant"):
            decl[party] = _entity_id("trader", _skewed(rng, traders, 2.0)).split(":", 1)[1]
    scoring_latency(bench, app, data_file, decls=decls, where=f" at {scale} graph")


# -- 4 and 5: the live server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(data_dir: Path, endpoint: Any) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "NEO4J_URI": endpoint.uri,
        "NEO4J_USER": endpoint.user,
        "NEO4J_PASSWORD": endpoint.password,
        "CORDON_DATA": str(data_dir),
        "FLASK_APP": "wsgi",
        # One loopback address signs in every virtual user: the per-address limits would
        # measure the limiter, not the pages.
        "CORDON_RATELIMIT_LOGIN": "100000 per minute",
        "CORDON_RATELIMIT_API": "100000 per minute",
    })
    return env


def _flask(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - fixed argv, our own CLI
        [str(VENV_BIN / "flask"), *args], input=stdin, env=env, cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)}: {done.stderr.strip()[-500:]}")
    return done.stdout.strip()


def start_server(data_dir: Path, endpoint: Any, workers: int = 2, threads: int = 8
                 ) -> tuple[str, Callable[[], None], dict[str, Any]]:
    """Start ``gunicorn wsgi:app`` on loopback against the bench Neo4j, with accounts.

    ``endpoint`` is a :class:`graph.embedded.BoltEndpoint`. Returns the base URL, a
    function that stops the server, and the credentials the page and load measures use:
    ``{"users": [(email, password)], "tokens": [token], "entity": id, "declarations": [...]}``.
    """
    import requests
    from neo4j import GraphDatabase

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _server_env(data_dir, endpoint)
    _flask(env, "db", "upgrade")
    users, tokens = [], []
    for i in range(4):
        email = f"bench.analyst{i}@cordon.local"
        try:
            _flask(env, "users", "create", email, "--role", "analyst", "--unit", "HQ",
                   "--password-stdin", stdin=PASSWORD + "\n")
        except RuntimeError as exc:
            if "exist" not in str(exc).lower():
                raise
        users.append((email, PASSWORD))
        tokens.append(_flask(env, "tokens", "create", email).splitlines()[-1].strip())

    driver = GraphDatabase.driver(endpoint.uri, auth=(endpoint.user, endpoint.password),
                                  notifications_min_severity="OFF")
    try:
        graph = Graph(driver)
        trader = graph.query(SAMPLE_TRADER)
        declarations = [r["id"] for r in graph.query(SAMPLE_DECLARATIONS, {"n": 200})]
    finally:
        driver.close()

    port = _free_port()
    log = (data_dir / "gunicorn.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [str(VENV_BIN / "gunicorn"), "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--timeout", "120", "wsgi:app"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(base_url + "/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"gunicorn did not start; see {data_dir / 'gunicorn.log'}")
        time.sleep(0.5)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()

    credentials = {"users": users, "tokens": tokens,
                   "entity": trader[0]["id"] if trader else None,
                   "declarations": declarations, "endpoint": endpoint}
    return base_url, stop, credentials


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _login(base_url: str, email: str, password: str) -> Any:
    """A requests.Session signed in through the real form, CSRF token included."""
    import requests

    session = requests.Session()
    page = session.get(base_url + "/login", timeout=30)
    match = _CSRF.search(page.text)
    if not match:
        raise RuntimeError("no CSRF token on the login page")
    done = session.post(base_url + "/login", timeout=30, allow_redirects=False, data={
        "email": email, "password": password, "csrf_token": match.group(1)})
    if done.status_code not in (302, 303):
        raise RuntimeError(f"sign-in failed for {email}: HTTP {done.status_code}")
    return session


def _pages(entity: str | None) -> list[str]:
    pages = ["/", "/search?q=bench", "/reports/", "/risk/traders", "/risk/effectiveness"]
    if entity:
        pages += [f"/entities/{quote(entity, safe=':')}",
                  f"/explorer/api/neighbours?id={quote(entity)}&depth=2"]
    return pages


def _run_users(users: int, work: Callable[[int], list[tuple[float, int]]]
               ) -> list[tuple[float, int]]:
    with ThreadPoolExecutor(max_workers=users) as pool:
        return [hit for hits in pool.map(work, range(users)) for hit in hits]


def page_latency(bench: Bench, base_url: str, credentials: dict[str, Any], users: int = 20,
                 rounds: int = 5, max_seconds: float = 90.0) -> None:
    """Page p95 with ``users`` signed-in users in parallel vs ``/healthz`` under the same load."""
    import requests

    pages = _pages(credentials.get("entity"))
    by_path: dict[str, list[float]] = {}
    problems: list[str] = []
    accounts = credentials["users"]
    sessions = [_login(base_url, *accounts[i % len(accounts)]) for i in range(users)]

    def visit(paths: list[str]) -> Callable[[int], list[tuple[float, int]]]:
        def work(index: int) -> list[tuple[float, int]]:
            session = sessions[index]
            deadline = time.monotonic() + max_seconds
            hits = []
            for _ in range(rounds):
                for path in paths:
                    if time.monotonic() > deadline:
                        return hits
                    t0 = time.perf_counter()
                    try:
                        status = session.get(base_url + path, timeout=60).status_code
                    except requests.RequestException as exc:
                        status, problem = 0, type(exc).__name__
                    else:
                        problem = str(status)
                    hits.append(((time.perf_counter() - t0) * 1000, status))
                    by_path.setdefault(path, []).append(hits[-1][0])
                    if status >= 400 or status == 0:
                        problems.append(f"{path}: {problem}")
            return hits
        return work

    page_hits = _run_users(users, visit(pages))
    slowest = sorted(((percentile(v, 95), p) for p, v in by_path.items()), reverse=True)[:3]
    health_hits = _run_users(users, visit(["/healthz"] * len(pages)))
    errors = sum(1 for _, status in page_hits if status >= 400 or status == 0)
    bench.add(Figure(f"page p95, {users} concurrent users",
                     percentile([t for t, _ in page_hits], 95), "ms",
                     f"/healthz p95, {users} concurrent users",
                     percentile([t for t, _ in health_hits], 95),
                     note=f"{len(page_hits)} requests over {len(pages)} pages, {errors} errors; "
                          "slowest p95: " + ", ".join(f"{p} {t:.0f} ms" for t, p in slowest)))
    bench.add(Figure(f"page p50, {users} concurrent users",
                     percentile([t for t, _ in page_hits], 50), "ms",
                     f"/healthz p50, {users} concurrent users",
                     percentile([t for t, _ in health_hits], 50)))
    if errors:
        bench.failures.append(f"pages: {errors} of {len(page_hits)} requests failed "
                              f"({'; '.join(problems[:5])})")


def load_scenario(bench: Bench, base_url: str, credentials: dict[str, Any], users: int = 50,
                  seconds: float = 60.0, write_share: float = 0.2, seed: int = 5) -> None:
    """``users`` API clients mixing reads and writes, then every 2xx write counted in the graph.

    Writes are reports (``POST /api/v1/reports``) and control results
    (``POST /api/v1/controls``), each marked with this run's tag, so the check finds exactly
    the acknowledged ones: a missing id is a lost write, an unknown one a phantom.
    """
    import requests
    from neo4j import GraphDatabase

    tag = f"load-{int(time.time())}"
    tokens = credentials["tokens"]
    declarations = credentials["declarations"]
    acked_reports: list[str] = []
    acked_controls: list[str] = []
    lock = threading.Lock()
    errors: list[str] = []
    in_doubt: list[str] = []
    latencies: list[float] = []
    # /risk/traders is left out: it ranks every trader per call and is measured, and
    # slowest, in :func:`page_latency`; here it would turn the scenario into its own test.
    reads = ["/api/v1/reports?limit=20", "/api/v1/reports?q=bench&limit=10"]
    if credentials.get("entity"):
        reads.append(f"/api/v1/entities/{quote(credentials['entity'], safe=':')}")
    stop_at = time.monotonic() + seconds

    def work(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[index % len(tokens)]}"
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            t0 = time.perf_counter()
            what = "request"
            try:
                if rng.random() >= write_share:
                    what = rng.choice(reads)
                    response = session.get(base_url + what, timeout=60)
                    ok = response.status_code == 200
                elif rng.random() < 0.5 or not declarations:
                    what = "POST /api/v1/reports"
                    response = session.post(base_url + "/api/v1/reports", timeout=60, json={
                        "channel": "open_source", "handling": "open",
                        "source_grade": "B", "info_grade": "2", "title": f"{tag} {index}-{n}",
                        "text": f"Phone +31 10 555 {index:02d}{n % 100:02d} called about "
                                "a container of spirits for Bench Trading 3 BV."})
                    ok = response.status_code == 201
                    if ok:
                        with lock:
                            acked_reports.append(response.json()["id"])
                else:
                    what = "POST /api/v1/controls"
                    decl = declarations[index % len(declarations)]
                    day = (date(2030, 1, 1) + timedelta(days=n)).isoformat()
                    response = session.post(base_url + "/api/v1/controls", timeout=60, json={
                        "declaration": decl, "date": day, "lane": "red",
                        "result": "negative", "revenue": 0, "finding": tag})
                    ok = response.status_code == 201
                    if ok:
                        with lock:
                            acked_controls.append(response.json()["id"])
                status = response.status_code
            except requests.RequestException as exc:
                ok, status = False, type(exc).__name__
                if what.startswith("POST"):
                    with lock:
                        in_doubt.append(what)  # may have committed after we gave up
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                if not ok:
                    errors.append(f"{what} {status}")
                    if len(errors) <= 3 and not isinstance(status, str):
                        print(f"    {what}: {status} {response.text[:200]}", flush=True)

    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(work, range(users)))

    endpoint = credentials["endpoint"]
    driver = GraphDatabase.driver(endpoint.uri, auth=(endpoint.user, endpoint.password),
                                  notifications_min_severity="OFF")
    try:
        graph = Graph(driver)
        found_reports = {r["id"] for r in graph.query(LOAD_REPORT_IDS, {"prefix": tag + " "})}
        found_controls = {r["id"] for r in graph.query(LOAD_CONTROL_IDS, {"marker": tag})}
    finally:
        driver.close()
    acked = set(acked_reports) | set(acked_controls)
    found = found_reports | found_controls
    lost = acked - found
    # A write whose answer never came (timeout) may still have committed: that is
    # unacknowledged, not phantom. Only more unacknowledged finds than such writes are.
    phantom = max(0, len(found - acked) - len(in_doubt))
    bench.add(Figure("load: acknowledged writes found", len(acked & found), "writes",
                     "acknowledged writes", len(acked),
                     note=f"{users} users, {seconds:.0f} s; {len(lost)} lost, {phantom} phantom, "
                          f"{len(found - acked)} found of {len(in_doubt)} unanswered writes"))
    bench.add(Figure("load: failed requests", len(errors), "requests", "requests",
                     len(latencies), note=", ".join(sorted(set(errors)))[:200]))
    bench.add(Figure("load: request p95", percentile(latencies, 95), "ms", "request p50",
                     percentile(latencies, 50)))
    if lost or phantom or errors:
        bench.failures.append(f"load: {len(lost)} lost, {phantom} phantom writes, "
                              f"{len(errors)} failed requests")


def hub_pages(bench: Bench, data_dir: Path, endpoint: Any, scale: str, samples: int = 40
              ) -> None:
    """The busiest trader's entity page, a search for its name and its explorer JSON, one
    signed-in user at a time, on the large graph (issue 21: each ≤ 300 ms p95 at 1M), beside
    ``/healthz`` p95 in the same run and session.

    The hub is trader 0 of :func:`load_graph` (the skew piles declarations, phones and
    directors on the lowest indices); the first three requests of each page are a warm-up.
    """
    hub = _entity_id("trader", 0)
    base_url, stop, credentials = start_server(data_dir, endpoint)
    try:
        session = _login(base_url, *credentials["users"][0])
        pages = {
            "hub entity page": f"/entities/{quote(hub, safe=':')}",
            "search for the hub's name": "/search?q=" + quote("Bench Trading 0 BV"),
            "hub explorer JSON, depth 2": f"/explorer/api/neighbours?id={quote(hub)}&depth=2",
            "/healthz": "/healthz",
        }
        timings: dict[str, list[float]] = {name: [] for name in pages}
        for i in range(samples + 3):
            for name, path in pages.items():
                t0 = time.perf_counter()
                status = session.get(base_url + path, timeout=60).status_code
                if i >= 3:
                    timings[name].append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    bench.failures.append(f"hub pages: {path} answered HTTP {status}")
        health = percentile(timings.pop("/healthz"), 95)
        for name, values in timings.items():
            bench.add(Figure(f"{name} p95, one user, at {scale} graph", percentile(values, 95),
                             "ms", "/healthz p95, same session", health,
                             note=f"{len(values)} requests; target 300 ms at 1M"))
    finally:
        stop()
