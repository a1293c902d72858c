"""Sign in and sign out."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import service
from app.audit import audit
from app.auth import bp
from app.auth.forms import LoginForm, LogoutForm
from app.extensions import login_manager
from app.limits import limiter
from app.sessions import start_session
from graph.db import get_graph


@login_manager.user_loader
def load_user(user_id: str):
    return service.load_user(get_graph(), user_id)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes to the dashboard."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = service.authenticate(get_graph(), form.email.data, form.password.data)
        outcome = "success" if result.user else ("locked" if result.locked else "failure")
        audit(f"login.{outcome}", target=form.email.data.strip().lower()[:254], actor="anonymous")
        if result.user is not None:
            session.clear()
            login_user(result.user)
            session.permanent = True
            start_session()
            return redirect(_safe_next(request.args.get("next")))
        if result.locked:
            form.email.errors.append(
                "This account is locked after too many failed sign-ins. Try again in 10 minutes."
            )
        else:
            form.password.errors.append("Unknown e-mail or wrong password.")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        audit("logout", target=current_user.email)
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
