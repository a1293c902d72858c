"""Sign in (with an optional second factor), sign out, and the officer's own account."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import segno
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from app.accounts import service, totp
from app.audit import audit
from app.auth import bp
from app.auth.forms import (
    LanguageForm,
    LoginForm,
    LogoutForm,
    PasswordChangeForm,
    RevokeForm,
    TotpForm,
    TotpReenrolForm,
)
from app.extensions import login_manager
from app.i18n import select_locale
from app.limits import limiter
from app.sessions import end_session, load_session_user, start_session
from graph.db import get_graph
from graph.errors import NotFound

# One answer for every failed sign-in, whether the account is unknown, the password
# wrong or the account locked: the page never tells which accounts exist.
LOGIN_FAILED = _l(
    "Unknown e-mail or wrong password. After five failed tries an account is locked "
    "for %(lockout)s."
)


@login_manager.user_loader
def load_user(user_id: str):
    return load_session_user(user_id)


def _lockout() -> timedelta:
    return timedelta(seconds=current_app.config["LOCKOUT_SECONDS"])

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
        result = service.authenticate(
            get_graph(), form.email.data, form.password.data, lockout=_lockout()
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
        form.password.errors.append(str(LOGIN_FAILED) % {"lockout": _duration(_lockout())})
    return render_template("auth/login.html", form=form)


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)


def _sign_in(user) -> None:
    session.clear()
    start_session(user)


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
        result = service.check_second_factor(
            get_graph(), user_id, form.code.data, totp_box(), lockout=_lockout()
        )
        if result.user is not None:
            target = session.get("pending_next") or url_for("main.dashboard")
            audit("login.second_factor.success", target=result.user.email,
                  actor=result.user.email)
            _sign_in(result.user)
            return redirect(target)
        audit("login.second_factor.failure", target=user_id, actor="anonymous")
        if result.locked:
            # The password was right, so saying "locked" tells nothing new to the person.
            session.clear()
            flash(_("Too many wrong codes: the account is locked for %(duration)s. "
                    "Sign in again then.", duration=_duration(_lockout())), "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(
            _("That code is not valid. Enter the current code from your app."))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def totp_setup():
    """Enrol an authenticator app: the secret waits in the session until a code proves it.

    Replacing an enrolled app asks for the password and a code of the current app.
    """
    secret = session.get("totp_candidate") or totp.new_secret()
    session["totp_candidate"] = secret
    replacing = current_user.totp_enabled
    form = TotpReenrolForm() if replacing else TotpForm()
    if form.validate_on_submit():
        try:
            if replacing:
                service.reenrol_totp(
                    get_graph(), current_user.id, password=form.password.data,
                    current_code=form.current_code.data, secret=secret, code=form.code.data,
                    box=totp_box(), lockout=_lockout(),
                )
            else:
                service.enable_totp(
                    get_graph(), current_user.id, secret, form.code.data, totp_box()
                )
        except service.AccountError as exc:
            getattr(form, exc.field, form.code).errors.append(str(exc))
        else:
            session.pop("totp_candidate", None)
            flash(_("Two-step sign-in is on for your account."), "success")
            return redirect(url_for("main.dashboard"))
    uri = totp.provisioning_uri(secret, current_user.email)
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret=secret,
        uri=uri,
        qr_svg=segno.make(uri, error="m").svg_inline(scale=4, border=2),
        replacing=replacing,
        required=current_user.role.value in required_roles(),
    )


def required_roles() -> frozenset[str]:
    return service.roles_requiring_second_factor(current_app.config.get("TOTP_REQUIRED_ROLES"))


@bp.before_app_request
def require_own_password():
    """An officer whose password an administrator chose sets their own before anything
    else (the pages; API tokens are issued by administrators, not signed in with it)."""
    if request.blueprint == "api" or request.endpoint == "static":
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.endpoint in {"auth.change_password", "auth.logout"}:
        return None
    return redirect(url_for("auth.change_password"))


@bp.before_app_request
def require_second_factor_enrolment():
    """Roles that must use a second factor (handlers by default) enrol before anything else."""
    if request.blueprint == "api" or request.endpoint == "static":
        return None
    if not current_user.is_authenticated or current_user.totp_enabled:
        return None
    if current_user.role.value not in required_roles():
        return None
    if request.endpoint in {"auth.totp_setup", "auth.logout", "auth.change_password"}:
        return None
    return redirect(url_for("auth.totp_setup"))


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        audit("logout", target=current_user.email)
        end_session()
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account():
    """The officer's own account: password, second factor, their API tokens."""
    return render_template(
        "auth/account.html",
        tokens=service.list_tokens(get_graph(), current_user.id),
        revoke_form=RevokeForm(),
        language_form=LanguageForm(language=current_user.language or ""),
        token_days=current_app.config["TOKEN_DAYS"],
    )


@bp.post("/account/language")
@login_required
def set_language():
    """The officer's interface language, kept on their user for every browser."""
    form = LanguageForm()
    if form.validate_on_submit():
        chosen = form.language.data or None
        service.set_language(get_graph(), current_user.id, chosen)
        # The message is read on the next page, already in the chosen language.
        with force_locale(chosen or select_locale()):
            flash(_("Your language is saved."), "success")
    else:
        flash(_("Choose one of the languages offered."), "error")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens/<token_id>/revoke")
@login_required
def revoke_own_token(token_id: str):
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            service.revoke_token(get_graph(), token_id, owner_id=current_user.id)
        except NotFound:
            abort(404)  # another's token is as unknown as a missing one
        flash(_("Token %(token)s is revoked.", token=token_id), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                get_graph(), current_user.id, form.current.data, form.new.data
            )
        except service.AccountError as exc:
            getattr(form, exc.field, form.new).errors.append(str(exc))
        else:
            # Every session of the account ended with the change; this browser gets a new one.
            user = current_user._get_current_object()
            _sign_in(user)
            flash(_("Your password is changed. Other browsers and devices are signed out."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)
