"""Record who did what from the web and API layers into the hash-chained audit log.

Services call ``audit(...)`` for every sensitive read and every write; the actor and the
origin (client address) come from the request. Public hotline requests are never
audited with an address: tipsters are not identified.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user

from graph.audit import AuditRepository, append_tx
from graph.connection import Graph
from graph.db import get_graph


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
) -> int:
    """Append one event; returns its sequence number. Inside ``Graph.atomically`` it joins
    that transaction (``graph`` names the graph where there is no app to ask)."""
    return AuditRepository(graph or get_graph()).append(
        **_who(actor, anonymous), action=action, target=target, detail=detail, reason=reason
    )


def audit_tx(
    tx: Any, action: str, target: str = "", detail: dict[str, Any] | None = None
) -> int:
    """``audit`` inside a write transaction of the caller (the event commits with it)."""
    return append_tx(tx, **_who(None, False), action=action, target=target, detail=detail)


def _who(actor: str | None, anonymous: bool) -> dict[str, str | None]:
    origin = None
    if has_request_context() and not anonymous:
        origin = request.remote_addr
    return {"actor": actor or ("anonymous" if anonymous else current_actor()),
            "origin": origin}
