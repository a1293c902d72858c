"""Entity extraction for reports with a gazetteer of the entities already in the graph.

Building the gazetteer reads every confirmed trader, person and vessel, so it is cached
per process and per graph, and rebuilt when a cheap signature (count and name lengths of
the confirmed entities) changes; the signature is checked at most every few seconds, by
one thread at a time (a busy server's threads do not each build the same gazetteer).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from graph.connection import Graph
from graph.entities import EntityRepository
from graph.reports import ReportRepository
from nlp import Mention

CHECK_INTERVAL = 5.0  # seconds between signature checks

_lock = threading.Lock()
_building = threading.Lock()
_cache: dict[str, Any] = {"graph": None, "signature": None, "checked": 0.0, "gazetteer": None}


def gazetteer_for(graph: Graph) -> Any:
    """The current ``nlp.Gazetteer`` for this graph (None while the graph knows nobody)."""
    from nlp import Gazetteer

    now = time.monotonic()
    with _lock:
        same_graph = _cache["graph"] is graph
        if same_graph and now - _cache["checked"] < CHECK_INTERVAL:
            return _cache["gazetteer"]
    with _building:  # one thread checks and builds; the others wait and share its result
        with _lock:
            if _cache["graph"] is graph and time.monotonic() - _cache["checked"] < CHECK_INTERVAL:
                return _cache["gazetteer"]
        signature = ReportRepository(graph).gazetteer_signature()
        with _lock:
            if _cache["graph"] is graph and _cache["signature"] == signature:
                _cache["checked"] = time.monotonic()
                return _cache["gazetteer"]
        entries = EntityRepository(graph).gazetteer_entries() if signature[0] else []
        gazetteer = Gazetteer(entries) if entries else None
        with _lock:
            _cache.update(graph=graph, signature=signature, checked=time.monotonic(),
                          gazetteer=gazetteer)
        return gazetteer


def extract_mentions(graph: Graph, text: str) -> list[Mention]:
    """The mentions in ``text``; known entities carry their ``entity_id``."""
    from nlp import extract

    if not text.strip():
        return []
    return extract(text, gazetteer_for(graph))
