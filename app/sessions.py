"""Session lifetime rules: 30 minutes idle, 12 hours absolute (CJIS-style session limits).

The signed cookie carries only a random session id; the session itself lives in the graph
(``graph/sessions.py``), so the server decides: logout, a password change or a disabled
account end it, and the idle and absolute limits hold even for a cookie saved earlier.
Each signed-in request costs one indexed read (session and user together); the last-seen
time is written at most once a minute.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.accounts.models import User
from graph.db import get_graph
from graph.sessions import SessionRepository


def _key(session_id: str) -> str:
    # The graph keeps only a hash: a copy of the database holds no usable session.
    return hashlib.sha256(session_id.encode()).hexdigest()


def _limits() -> tuple[int, int]:
    config = current_app.config
    return int(config["SESSION_IDLE_SECONDS"]), int(config["SESSION_ABSOLUTE_SECONDS"])


def start_session(user: User) -> None:
    """Sign ``user`` in on a new server-side session (the old cookie's id is dropped)."""
    idle, absolute = _limits()
    session_id = secrets.token_urlsafe(32)
    SessionRepository(get_graph()).start(
        _key(session_id), user.id, now=int(time.time()), idle=idle, absolute=absolute
    )
    login_user(user)
    session.permanent = True
    session["sid"] = session_id


def end_session() -> None:
    """Delete this browser's session in the graph (logout)."""
    session_id = session.get("sid")
    if session_id:
        SessionRepository(get_graph()).end(_key(session_id))


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of a live session in the graph, or nobody."""
    session_id = session.get("sid")
    if not session_id or not isinstance(session_id, str):
        return None
    repo = SessionRepository(get_graph())
    row = repo.with_user(_key(session_id), user_id)
    if row is None or not row.get("active", True):
        return None
    idle, absolute = _limits()
    now = int(time.time())
    if now - int(row["started_at"]) > absolute or now - int(row["seen_at"]) > idle:
        repo.end(_key(session_id))
        g.session_expired = True
        return None
    if now - int(row["seen_at"]) >= min(60, idle // 10):
        repo.touch(_key(session_id), now)
    return User.from_row(row)


def register(app: Flask) -> None:
    @app.before_request
    def enforce_session_limits():
        if request.endpoint == "static" or request.blueprint == "api":
            return None
        if current_user.is_authenticated or not g.get("session_expired"):
            return None
        session.clear()
        flash(_("Your session expired. Please sign in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
