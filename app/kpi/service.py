"""KPI figures for a year, cached briefly per app so a page and its charts share one read."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from graph.access import viewer_param
from graph.db import get_graph
from graph.kpi import KpiRepository

CACHE_SECONDS = 60
FIRST_YEAR = 1990
_lock = threading.Lock()


def parse_year(value: Any, user: Any = None) -> int:
    """The requested year; without one, the latest year with data ``user`` may count (the
    current year when there is none); the current year for anything not a sensible year."""
    this_year = datetime.now(UTC).year
    if value in (None, "") and user is not None:
        latest = KpiRepository(get_graph()).latest_year(viewer_param(user))
        return latest if latest and FIRST_YEAR <= latest <= this_year + 1 else this_year
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year


def forget_figures() -> None:
    """Drop the cached figures: a control just recorded shows on the next page."""
    with _lock:
        current_app.extensions.get("kpi_cache", {}).clear()


def figures(year: int, user: Any) -> dict[str, Any]:
    """The figures of ``year`` as ``user`` may count them (cached per reader)."""
    viewer = viewer_param(user)
    key = (year, viewer["id"], viewer["unit"], viewer["role"])
    cache: dict[tuple, tuple[float, dict[str, Any]]] = current_app.extensions.setdefault(
        "kpi_cache", {}
    )
    now = time.monotonic()
    with _lock:
        hit = cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    data = KpiRepository(get_graph()).year(year, viewer)
    with _lock:
        cache[key] = (now, data)
    return data
