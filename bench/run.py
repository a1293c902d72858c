"""`make bench`: each figure beside a baseline measured in the same run, and their ratio.

Ratios hold when the machine is noisy; absolute numbers do not. Results go to
``bench/results/latest.json`` (schema in the interfaces contract). The benchmarks run on a
throwaway Neo4j under ``bench/data/`` and never touch a user's data.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench.measure import Bench, Figure, machine, percentile

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
RESULTS = BENCH_DIR / "results" / "latest.json"

# Sections ------------------------------------------------------------------------------


def extraction(bench: Bench) -> None:
    """Words/s of Cordon's pipeline against the plain model of the language (en_core_web_sm,
    fr_core_news_sm, spaCy's blank Arabic) on the same texts; target ratio 0.8 or more."""
    from bench.texts_corpus import corpus_texts, report_texts
    from nlp.evaluate import benchmark

    texts = report_texts(400)
    result = benchmark(texts, repeat=3)
    bench.add(
        Figure(
            "extraction words/s (1 process)",
            result["cordon_wps"],
            "words/s",
            "plain en_core_web_sm nlp.pipe",
            result["plain_wps"],
        )
    )
    # Arabic has no statistical model on PyPI: beside spaCy's blank tokenizer (which finds
    # nothing), the plain model a service would otherwise run on the text, English's.
    for language, plain, model in (("fr", None, "fr_core_news_sm"),
                                   ("ar", None, "blank Arabic"),
                                   ("ar", "en", "en_core_web_sm on the Arabic texts")):
        # the corpus texts, repeated to about as many words as the English run
        result = benchmark(corpus_texts(language), repeat=3 * 400 // 30, language=language,
                           plain_language=plain)
        bench.add(
            Figure(
                f"extraction words/s {language} (1 process)",
                result["cordon_wps"],
                "words/s",
                f"plain {model} nlp.pipe",
                result["plain_wps"],
            )
        )
    multi = multiprocess_extraction(texts * 3)
    bench.add(
        Figure(
            "extraction words/s (2 processes)",
            multi["two"],
            "words/s",
            "Cordon, 1 process",
            multi["one"],
        )
    )


def multiprocess_extraction(texts: list[str]) -> dict[str, float]:
    from nlp import extract_many

    words = sum(len(t.split()) for t in texts)
    extract_many(texts[:20])
    t0 = time.perf_counter()
    extract_many(texts, n_process=1)
    one = words / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    extract_many(texts, n_process=2)
    two = words / (time.perf_counter() - t0)
    return {"one": one, "two": two}


def targeting_quality(bench: Bench, data_file: Path) -> None:
    """Precision and revenue captured at 1, 2, 5, 10 % against random selection, on the
    register file and on files of the public customs structure (their later declarations
    scored only): one inspected by a legacy selection, one where every declaration was
    inspected, as in the public set, and one where the declared categories also tell fraud
    more directly (as the public set's do: a plain LightGBM finds most of it). Each beside a
    plain LightGBM on the same raw fields (categories as LightGBM categorical features), in
    the same run; "our model" is the one training keeps (``--model auto``), the ratio is ours
    over the plain LightGBM's."""
    from bench.customs import outcomes_path, read_outcomes, write
    from graph.grading import ADMIRALTY  # the generator grades its reports so
    from risk.evaluate import evaluate

    runs = [("register", evaluate(data_file, ADMIRALTY.signal, seeds=20))]
    for label, n, inspected, spread in (
            ("customs", 60_000, "legacy", 0.6), ("customs, all inspected", 20_000, "all", 0.6),
            ("customs, all inspected, fields telling", 20_000, "all", 1.5)):
        customs = DATA_DIR / f"customs-{inspected}-{spread:g}.jsonl"
        write(customs, n, seed=11, inspected=inspected, spread=spread)
        runs.append((label, evaluate(customs, ADMIRALTY.signal, seeds=20,
                                     scored_only=read_outcomes(outcomes_path(customs)))))
    for label, result in runs:
        models = result["models"]
        for ours, boosted, logistic, raw in zip(models["chosen"], models["boosted"],
                                                models["logistic"], models["raw_baseline"],
                                                strict=True):
            pct = f"{ours['rate'] * 100:g}%"
            bench.add(Figure(f"targeting precision @{pct} ({label})", ours["model_precision"],
                             "share", "random selection", ours["random_precision"]))
            bench.add(Figure(f"targeting revenue captured @{pct} ({label})",
                             ours["model_revenue_share"], "share", "random selection",
                             ours["random_revenue_share"]))
            bench.add(Figure(f"our model ({result['chosen']}) precision @{pct} ({label})",
                             ours["model_precision"], "share", "plain LightGBM on raw fields",
                             raw["model_precision"]))
            bench.add(Figure(f"boosted precision @{pct} ({label})", boosted["model_precision"],
                             "share", "plain LightGBM on raw fields", raw["model_precision"]))
            bench.add(Figure(f"logistic precision @{pct} ({label})",
                             logistic["model_precision"], "share",
                             "plain LightGBM on raw fields", raw["model_precision"]))
        bench.add(Figure(f"boosted training seconds ({label})",
                         result["seconds"]["boosted_training"], "s", "plain LightGBM",
                         result["seconds"]["baseline_training"]))


class BenchNeo4j:
    """A throwaway Neo4j under bench/data/, emptied at start; never a user's data."""

    def __init__(self, name: str, heap: str, pagecache: str) -> None:
        import shutil

        from graph.embedded import EmbeddedNeo4j

        folder = DATA_DIR / name
        EmbeddedNeo4j(folder).stop()
        shutil.rmtree(folder, ignore_errors=True)
        self.server = EmbeddedNeo4j(folder, heap=heap, pagecache=pagecache)
        self.endpoint = self.server.ensure_running()
        from neo4j import GraphDatabase, NotificationMinimumSeverity

        from graph.connection import Graph

        self.driver = GraphDatabase.driver(
            self.endpoint.uri,
            auth=(self.endpoint.user, self.endpoint.password),
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )
        self.graph = Graph(self.driver)

    def migrate(self) -> None:
        from graph.migrations import upgrade

        upgrade(self.graph)

    def app(self):
        from app import create_app
        from config import Config

        return create_app(
            Config,
            {
                "NEO4J_URI": self.endpoint.uri,
                "NEO4J_USER": self.endpoint.user,
                "NEO4J_PASSWORD": self.endpoint.password,
                "CORDON_DATA": str(DATA_DIR / "app"),
                "RATELIMIT_LOGIN": "100000 per minute",
                "RATELIMIT_API": "100000 per minute",
            },
        )

    def close(self) -> None:
        self.driver.close()
        self.server.stop()


def store_sections(bench: Bench, data_file: Path, scale: str, only: set[str] | None) -> None:
    """Import, ingestion, scoring, pages and load on one Neo4j; graph queries on another."""
    from bench import codec, ingest, queries

    wanted = lambda name: only is None or name in only  # noqa: E731
    if any(wanted(n) for n in ("driver", "import", "ingestion", "scoring", "pages", "load")):
        store = BenchNeo4j(f"neo4j-store-{scale}", heap="2g", pagecache="2g")
        try:
            store.migrate()
            if wanted("driver"):
                bench.section("driver", lambda b: codec.driver_codec(b, store.endpoint))
            if wanted("import"):
                bench.section(
                    "import", lambda b: ingest.import_throughput(b, data_file, store.graph)
                )
            if wanted("ingestion"):
                bench.section("ingestion", lambda b: ingest.report_ingestion(b, store.graph))
            app = store.app()
            if wanted("scoring"):
                bench.section("scoring", lambda b: queries.scoring(b, app, data_file))
            if wanted("pages") or wanted("load"):
                base_url, stop, credentials = queries.start_server(
                    DATA_DIR / "server", store.endpoint
                )
                try:
                    if wanted("pages"):
                        bench.section(
                            "pages", lambda b: queries.page_latency(b, base_url, credentials)
                        )
                    if wanted("load"):
                        bench.section(
                            "load", lambda b: queries.load_scenario(b, base_url, credentials)
                        )
                finally:
                    stop()
            app.extensions["neo4j"].close()
        finally:
            store.close()
    if wanted("graph"):
        graph_scale = "100k" if scale == "10k" else scale
        network = BenchNeo4j(f"neo4j-graph-{graph_scale}", heap="2g", pagecache="2g")
        try:
            queries.load_graph(network.graph, graph_scale)
            bench.section("graph", lambda b: queries.neighbourhood_and_paths(
                b, network.graph, graph_scale))
            app = network.app()
            bench.section("scoring at scale", lambda b: queries.scoring_at_scale(
                b, app, dataset("10k"), graph_scale))
            app.extensions["neo4j"].close()
            bench.section("hub pages", lambda b: queries.hub_pages(
                b, DATA_DIR / "server-graph", network.endpoint, graph_scale))
        finally:
            network.close()


def dataset(scale: str, seed: int = 7) -> Path:
    """The generated exchange file for a scale, made once and kept under bench/data/."""
    from bench.generator import write

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"cordon-{scale}-seed{seed}.jsonl"
    if not path.exists():
        t0 = time.perf_counter()
        write(path, scale=scale, seed=seed)
        print(f"  generated {path.name} in {time.perf_counter() - t0:.0f} s", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="10k", choices=["10k", "100k", "1m"])
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated sections: extraction, targeting, bulk, driver, import, "
        "ingestion, scoring, pages, load, graph",
    )
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None

    bench = Bench()
    print(f"Cordon benchmarks, scale {args.scale}, on {machine()}")
    # Exchange files go through the importer and the risk engine's training; at 1m the
    # graph sections load a million nodes in bulk and these use the 100k file (importing
    # a million records takes about an hour here: docs/performance.md).
    if only is None or "extraction" in only:
        bench.section("extraction", extraction)
    if only == {"extraction"}:  # texts only: no generated data, no Neo4j
        bench.write(RESULTS, args.scale)
        return 1 if bench.failures else 0
    data_file = dataset("100k" if args.scale == "1m" else args.scale)
    if only is None or "targeting" in only:
        bench.section("targeting", lambda b: targeting_quality(b, data_file))
    if only is None or "bulk" in only:
        from bench.ingest import bulk_load

        bench.section("bulk", lambda b: bulk_load(b, dataset(args.scale), DATA_DIR / "bulk"))
    try:
        store_sections(bench, data_file, args.scale, only)
    except Exception as exc:  # Neo4j could not start: say so, keep what was measured
        bench.failures.append(f"store: {type(exc).__name__}: {exc}")
    bench.write(RESULTS, args.scale)
    if bench.failures:
        print("\nsections that failed:\n  " + "\n  ".join(bench.failures))
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["Bench", "Figure", "percentile", "statistics"]
