"""KPI figures for a year, cached briefly per app so a page and its charts share one read."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import current_app

from graph.access import viewer_param
from graph.db import get_graph
from graph.kpi import KpiRepository

CACHE_SECONDS = 60
FIRST_YEAR = 1990
_lock = threading.Lock()
T = TypeVar("T")


def parse_year(value: Any, user: Any = None) -> int:
    """The requested year; without one, the latest year with data ``user`` may count (the
    current year when there is none); the current year for anything not a sensible year."""
    this_year = datetime.now(UTC).year
    if value in (None, "") and user is not None:
        viewer = viewer_param(user)
        latest = _cached(
            "kpi_cache", ("latest", viewer["id"], viewer["unit"], viewer["role"]),
            lambda: KpiRepository(get_graph()).latest_year(viewer))
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


def _cached(name: str, key: tuple, read: Callable[[], T]) -> T:
    """``read()``, kept CACHE_SECONDS in the app's cache ``name`` under ``key``."""
    cache: dict[tuple, tuple[float, Any]] = current_app.extensions.setdefault(name, {})
    now = time.monotonic()
    with _lock:
        hit = cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    data = read()
    with _lock:
        cache[key] = (now, data)
    return data


def figures(year: int, user: Any) -> dict[str, Any]:
    """The figures of ``year`` as ``user`` may count them: reports and cases cached per
    reader, the trade figures (the same for every reader) once for all of them."""
    viewer = viewer_param(user)
    repo = KpiRepository(get_graph())
    return _cached(
        "kpi_cache", (year, viewer["id"], viewer["unit"], viewer["role"]),
        lambda: repo.year(year, viewer, _cached("kpi_cache", ("trade", year),
                                                lambda: repo.trade(year))))
