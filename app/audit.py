"""Record who did what from the web and API layers into the hash-chained audit log.

Services call ``audit(...)`` for every write, and fetch records for a viewer through
``recorded_read(...)``, which records the consultation with its outcome; the actor and
the origin (client address) come from the request. Public hotline requests are never
audited with an address: tipsters are not identified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, has_request_context, request
from flask_login import current_user

from graph.audit import AuditRepository
from graph.connection import Graph
from graph.db import get_graph
from graph.errors import Hidden, NotFound

T = TypeVar("T")
MAX_TARGET = 300  # a missing record's id is whatever was typed: keep the entry small


def current_actor() -> str:
    if has_request_context():
        api_user = g.get("api_user")
        if api_user is not None:
            return api_user.email
        if current_user and current_user.is_authenticated:
            return current_user.email
    return "system"


def audit(
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    *,
    reason: str | None = None,
    actor: str | None = None,
    anonymous: bool = False,
    graph: Graph | None = None,
    outcome: str | None = None,
) -> int:
    """Append one event; returns its sequence number. Inside ``Graph.atomically`` it joins
    that transaction (``graph`` names the graph where there is no app to ask)."""
    return AuditRepository(graph or get_graph()).append(
        **_who(actor, anonymous), action=action, target=target, detail=detail, reason=reason,
        outcome=outcome,
    )


def recorded_read(
    action: str,
    record_id: str,
    fetch: Callable[[], T],
    detail: dict[str, Any] | None = None,
    summary: Callable[[T], dict[str, Any]] | None = None,
) -> T:
    """Fetch one record for the current viewer and record the consultation (one append):
    outcome ``read``; ``refused`` when the record exists but is hidden from the viewer
    (``fetch`` raised :class:`Hidden`); ``missing`` when there is no such record. The
    error goes on to the caller, which answers both alike (404). The entry is written
    before the record is handed over: no entry, no record. ``summary`` adds to
    ``detail`` what only the record read can tell (a count, say)."""
    target = str(record_id)[:MAX_TARGET]
    try:
        record = fetch()
    except Hidden:
        audit(action, target, detail, outcome="refused")
        raise
    except NotFound:
        audit(action, target, detail, outcome="missing")
        raise
    audit(action, target, {**(detail or {}), **(summary(record) if summary else {})},
          outcome="read")
    return record


def _who(actor: str | None, anonymous: bool) -> dict[str, str | None]:
    origin = None
    if has_request_context() and not anonymous:
        origin = request.remote_addr
    return {"actor": actor or ("anonymous" if anonymous else current_actor()),
            "origin": origin}
