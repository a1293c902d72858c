"""Does ``neo4j-rust-ext`` speed the driver up on this machine? (issue 7, item 3)

The extension replaces the driver's pure-Python PackStream codec when it can be imported.
Both codecs are measured in the same run, each in a fresh interpreter: the baseline one
is started with ``neo4j._rust`` made unimportable, which is exactly what the driver sees
when the extension is not installed. Each probe writes declaration-like rows in batches
(parameters packed by the codec) and reads them back (records unpacked by the codec).

Run by ``bench.run`` (section ``driver``); a probe by hand:
``NEO4J_URI=... NEO4J_USER=... NEO4J_PASSWORD=... python -m bench.codec [--pure]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

ROWS = 40_000
BATCH = 2_000
CREATE = "UNWIND $rows AS row CREATE (n:BenchCodecRow) SET n = row"
READ = "MATCH (n:BenchCodecRow) RETURN n {.*} AS n"
WIPE = "MATCH (n:BenchCodecRow) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def _rows() -> list[dict[str, Any]]:
    """Shaped like a declaration line: ids, dates, codes, amounts, a list, a JSON text."""
    items = json.dumps([{"hs": "847130", "description": "laptops", "quantity": 400,
                         "value": 12000.0, "currency": "EUR"}] * 3)
    return [{"id": f"DEC-C-{i:08d}", "date": "2025-03-12", "flow": "import",
             "office": "NLRTM001", "origin": "CN", "departure": "CN", "destination": "NL",
             "mode": "sea", "value": 1000.0 + i, "value_cif": 1050.0 + i, "weight_kg": 80.5,
             "taxes": 210.0, "hs": ["847130", "851712"], "items_json": items}
            for i in range(ROWS)]


def probe() -> dict[str, Any]:
    """Rows/s written and read through the driver this interpreter has."""
    from neo4j import GraphDatabase

    rows = _rows()
    auth = (os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"])
    with GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth) as driver:
        _wipe(driver)
        t0 = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            driver.execute_query(CREATE, rows=rows[start : start + BATCH])
        write = len(rows) / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        read_rows = len(driver.execute_query(READ).records)
        read = read_rows / (time.perf_counter() - t0)
        _wipe(driver)
    from neo4j._codec.packstream import v1

    return {"write_rows_per_s": write, "read_rows_per_s": read,
            "rust": getattr(v1, "_rust_pack", None) is not None}


def _wipe(driver: Any) -> None:
    with driver.session() as session:  # CALL ... IN TRANSACTIONS needs an implicit one
        session.run(WIPE).consume()


def measure(endpoint: Any, pure: bool) -> dict[str, Any]:
    env = {**os.environ, "NEO4J_URI": endpoint.uri, "NEO4J_USER": endpoint.user,
           "NEO4J_PASSWORD": endpoint.password}
    args = [sys.executable, "-m", "bench.codec", *(["--pure"] if pure else [])]
    out = subprocess.run(args, env=env, capture_output=True, text=True,  # noqa: S603 - own module
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if out.returncode:
        raise RuntimeError(f"codec probe failed: {out.stderr.strip()[-600:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def driver_codec(bench: Any, endpoint: Any) -> None:
    """Figures: write and read rows/s with the extension against the pure-Python codec."""
    from bench.measure import Figure

    pure = measure(endpoint, pure=True)
    rust = measure(endpoint, pure=False)
    if not rust["rust"]:
        raise RuntimeError("neo4j-rust-ext is not installed: nothing to compare")
    for what, key in (("write", "write_rows_per_s"), ("read", "read_rows_per_s")):
        bench.add(Figure(f"driver {what} rows/s with neo4j-rust-ext", rust[key], "rows/s",
                         "pure-Python driver codec", pure[key],
                         note=f"{ROWS} declaration-like rows, batches of {BATCH}"))


if __name__ == "__main__":
    if "--pure" in sys.argv:
        sys.modules["neo4j._rust"] = None  # type: ignore[assignment]  # as if not installed
    print(json.dumps(probe()))
