"""Human references for reports, hotline tips and mutual assistance requests:
``R-2026-000123``, ``T-2026-000045``, ``MAR-2026-000012``.

A per-year counter node per series is incremented in the transaction that creates the
record, so a reference is never handed out twice and a rolled-back write returns nothing
to anyone (the counter's increment rolls back with it). ``Report.reference`` is unique
(migration V0014). Numbers already used as a report id or reference (an import may carry
ids of that shape) are skipped. Sanitised copies take their original's reference with
``-S1``, ``-S2``.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from graph.connection import tx_run


class Series(Enum):
    """Reference prefix → the counter label it draws from (labels cannot be parameters)."""

    REPORT = "R"
    TIP = "T"
    ASSISTANCE = "MAR"  # mutual administrative assistance requests


_RESERVE = {
    Series.REPORT: """
MERGE (c:ReportCounter {year: $year})
ON CREATE SET c.next = 0
SET c.next = c.next + $count
RETURN c.next - $count AS base
""",
    Series.TIP: """
MERGE (c:TipCounter {year: $year})
ON CREATE SET c.next = 0
SET c.next = c.next + $count
RETURN c.next - $count AS base
""",
    Series.ASSISTANCE: """
MERGE (c:AssistanceCounter {year: $year})
ON CREATE SET c.next = 0
SET c.next = c.next + $count
RETURN c.next - $count AS base
""",
}

TAKEN = """
UNWIND $refs AS ref
WITH ref WHERE EXISTS { (:Report {id: ref}) } OR EXISTS { (:Report {reference: ref}) }
RETURN collect(ref) AS taken
"""

REFERENCE = re.compile(r"^[RT]-\d{4}-\d{6,}(-S\d+)?$")


def format_reference(series: Series, year: str, number: int) -> str:
    return f"{series.value}-{year}-{number:06d}"


def next_references(tx: Any, series: Series, year: str, count: int = 1) -> list[str]:
    """``count`` fresh references of ``year`` in order, drawn from the series' counter."""
    out: list[str] = []
    while len(out) < count:
        wanted = count - len(out)
        base = int(tx_run(tx, _RESERVE[series], year=year, count=wanted)[0]["base"])
        refs = [format_reference(series, year, base + i) for i in range(1, wanted + 1)]
        taken = set(tx_run(tx, TAKEN, refs=refs)[0]["taken"])
        out.extend(ref for ref in refs if ref not in taken)
    return out


def next_reference(tx: Any, series: Series, year: str) -> str:
    return next_references(tx, series, year)[0]


def looks_like_reference(text: str) -> bool:
    return bool(REFERENCE.match((text or "").strip().upper()))
