"""Batch listeners: code that must change together with imported rows of one kind.

``fn(tx, rows)`` runs inside the write transaction of each batch of that kind, right
after the batch is written, so whatever it derives (risk aggregates, hit rates) commits
or rolls back with the data. ``rows`` are the normalised records of the batch (see
``graph.exchange`` for their shape), each with ``created``: True when the record did not
exist before (or only as a reference). Listeners must be idempotent (a retried
transaction runs them again; a re-imported file passes the same rows with
``created=False``): recompute from the graph rather than increment counters blindly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.exchange.records import KINDS

BatchListener = Callable[[Any, list[dict[str, Any]]], None]
FinishListener = Callable[[Any], None]

_LISTENERS: dict[str, list[BatchListener]] = {kind: [] for kind in KINDS}
_FINISH: list[FinishListener] = []


def register_batch_listener(kind: str, fn: BatchListener) -> BatchListener:
    """Call ``fn(tx, rows)`` after each written batch of ``kind``; registering twice is a no-op."""
    if kind not in _LISTENERS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    if fn not in _LISTENERS[kind]:
        _LISTENERS[kind].append(fn)
    return fn


def unregister_batch_listener(kind: str, fn: BatchListener) -> None:
    if fn in _LISTENERS.get(kind, []):
        _LISTENERS[kind].remove(fn)


def on_batch(kind: str) -> Callable[[BatchListener], BatchListener]:
    """Decorator form: ``@on_batch("control")`` over ``def update(tx, rows): ...``."""

    def decorate(fn: BatchListener) -> BatchListener:
        return register_batch_listener(kind, fn)

    return decorate


def listeners_for(kind: str) -> tuple[BatchListener, ...]:
    return tuple(_LISTENERS.get(kind, ()))


def register_finish_listener(fn: FinishListener) -> FinishListener:
    """Call ``fn(graph)`` once when an import has written all its batches: work that
    would be repeated in every batch (ranking a trader present in each). It runs in its
    own transactions; what it derives must be recoverable if it never runs (mark the
    affected records in the batch listener, clear the marks here)."""
    if fn not in _FINISH:
        _FINISH.append(fn)
    return fn


def finish_listeners() -> tuple[FinishListener, ...]:
    return tuple(_FINISH)
