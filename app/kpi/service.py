"""KPI figures for a year, cached briefly per app so a page and its charts share one read."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from graph.db import get_graph
from graph.kpi import KpiRepository

CACHE_SECONDS = 60
FIRST_YEAR = 1990
_lock = threading.Lock()


def parse_year(value: Any) -> int:
    """The requested year, or the current one for anything that is not a sensible year."""
    this_year = datetime.now(UTC).year
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year


def figures(year: int) -> dict[str, Any]:
    cache: dict[int, tuple[float, dict[str, Any]]] = current_app.extensions.setdefault(
        "kpi_cache", {}
    )
    now = time.monotonic()
    with _lock:
        hit = cache.get(year)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    data = KpiRepository(get_graph()).year(year)
    with _lock:
        cache[year] = (now, data)
    return data
