"""Session lifetime rules: 30 minutes idle, 12 hours absolute (CJIS-style session limits).

Flask's signed cookie carries two timestamps; a request past either limit signs the
officer out before anything is read.
"""

from __future__ import annotations

import time

from flask import Flask, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user


def start_session() -> None:
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now


def register(app: Flask) -> None:
    idle = int(app.config["SESSION_IDLE_SECONDS"])
    absolute = int(app.config["SESSION_ABSOLUTE_SECONDS"])

    @app.before_request
    def enforce_session_limits():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = int(time.time())
        login_at = int(session.get("login_at", 0))
        seen_at = int(session.get("seen_at", 0))
        if now - login_at > absolute or now - seen_at > idle:
            logout_user()
            session.clear()
            flash("Your session expired. Please sign in again.", "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        session["seen_at"] = now
        return None
