"""Sign in (with an optional second factor) and sign out."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import service, totp
from app.audit import audit
from app.auth import bp
from app.auth.forms import LoginForm, LogoutForm, TotpForm
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
        lockout = timedelta(seconds=current_app.config["LOCKOUT_SECONDS"])
        result = service.authenticate(
            get_graph(), form.email.data, form.password.data, lockout=lockout
        )
        outcome = "success" if result.user else ("locked" if result.locked else "failure")
        audit(f"login.{outcome}", target=form.email.data.strip().lower()[:254], actor="anonymous")
        if result.user is not None:
            session.clear()
            if result.user.totp_enabled:
                # Password accepted; the session is only a pending second step until the code.
                session["pending_user"] = result.user.id
                session["pending_at"] = int(time.time())
                session["pending_next"] = _safe_next(request.args.get("next"))
                return redirect(url_for("auth.second_factor"))
            _sign_in(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.locked:
            form.email.errors.append(
                "This account is locked after too many failed sign-ins. "
                f"Try again in {_duration(lockout)}."
            )
        else:
            form.password.errors.append("Unknown e-mail or wrong password.")
    return render_template("auth/login.html", form=form)


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 60:
        return f"{seconds} seconds"
    return "1 minute" if seconds == 60 else f"{seconds // 60} minutes"


def _sign_in(user) -> None:
    login_user(user)
    session.permanent = True
    start_session()


def totp_box() -> totp.SecretBox:
    return totp.SecretBox(current_app.config.get("TOTP_KEY") or current_app.config["SECRET_KEY"])


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def second_factor():
    user_id = session.get("pending_user")
    if not user_id or time.time() - session.get("pending_at", 0) > 300:
        session.clear()
        return redirect(url_for("auth.login"))
    form = TotpForm()
    if form.validate_on_submit():
        if service.check_totp(get_graph(), user_id, form.code.data, totp_box()):
            user = service.load_user(get_graph(), user_id)
            target = session.get("pending_next") or url_for("main.dashboard")
            session.clear()
            if user is not None:
                audit("login.second_factor.success", target=user.email, actor=user.email)
                _sign_in(user)
                return redirect(target)
        audit("login.second_factor.failure", target=user_id, actor="anonymous")
        form.code.errors.append("That code is not valid. Enter the current code from your app.")
    return render_template("auth/second_factor.html", form=form)


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def totp_setup():
    """Enrol an authenticator app: the secret waits in the session until a code proves it."""
    secret = session.get("totp_candidate") or totp.new_secret()
    session["totp_candidate"] = secret
    form = TotpForm()
    if form.validate_on_submit():
        try:
            service.enable_totp(get_graph(), current_user.id, secret, form.code.data, totp_box())
        except service.AccountError as exc:
            form.code.errors.append(str(exc))
        else:
            session.pop("totp_candidate", None)
            flash("Two-step sign-in is on for your account.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret=secret,
        uri=totp.provisioning_uri(secret, current_user.email),
        required=current_user.role.value in required_roles(),
    )


def required_roles() -> set[str]:
    roles = current_app.config.get("TOTP_REQUIRED_ROLES") or ""
    return {r.strip() for r in roles.split(",") if r.strip()}


@bp.before_app_request
def require_second_factor_enrolment():
    """Roles that must use a second factor (handlers by default) enrol before anything else."""
    if not current_user.is_authenticated or current_user.totp_enabled:
        return None
    if current_user.role.value not in required_roles():
        return None
    if (
        request.endpoint in {"auth.totp_setup", "auth.logout", "static"}
        or request.blueprint == "api"
    ):
        return None
    return redirect(url_for("auth.totp_setup"))


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
