"""The public hotline (no login) and the analysts' side of it (tips and replies).

The blueprint is in ``PUBLIC_BLUEPRINTS``: the tip and follow-up pages are open to
strangers, the analyst pages use ``login_required`` themselves.

What is never stored: for every request to the public pages (``/hotline`` and everything
under it but the analysts' ``/hotline/tips``: pages, follow-ups, 404s, CSRF failures) and
for every static asset (``/static/``, ``/favicon.ico``, whoever asks), the client address,
user agent, referrer and forwarding headers are removed from the WSGI environ before
anything else in the app runs (``anonymise`` is the app's first ``before_request``, ahead of
CSRF; the address first becomes an HMAC under a salt that only lives in memory, for the
rate limiter). So neither the graph, the audit log (``anonymous=True``), the app's logs nor
the WSGI server's access log (gunicorn and werkzeug read the same environ) can hold them;
gunicorn.conf.py's logger blanks them again for those paths and for any request whose
Referer names the hotline. The hotline pages send ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.hotline.ratelimit import SlidingWindowLimiter
from app.navigation import nav_item
from graph import policy

bp = Blueprint("hotline", __name__)
nav_item("hotline.tips", _l("Hotline tips"), roles=policy.REPLY_TO_TIPS, order=25)

_IDENTIFYING = (
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "REMOTE_PORT",
)
ANONYMOUS_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder, never bound


@bp.record_once
def _limiters(state) -> None:
    """Per-app limiters (tests get fresh ones); sizes from config, defaults below."""
    config = state.app.config
    state.app.extensions["hotline_limits"] = {
        "tip": SlidingWindowLimiter(
            int(config.get("HOTLINE_TIP_LIMIT", 5)),
            float(config.get("HOTLINE_WINDOW_SECONDS", 600)),
            global_limit=int(config.get("HOTLINE_GLOBAL_TIP_LIMIT", 500)),
        ),
        "followup": SlidingWindowLimiter(
            int(config.get("HOTLINE_FOLLOWUP_LIMIT", 20)),
            float(config.get("HOTLINE_WINDOW_SECONDS", 600)),
        ),
    }


def is_anonymous_path(path: str) -> bool:
    """The tipster's side of the hotline, and assets any page loads (they would carry the
    tipster's address and browser right after a tip)."""
    if path == "/hotline/tips" or path.startswith("/hotline/tips/"):
        return False  # the analysts' pages: signed-in officers, audited as usual
    return path.startswith(("/hotline", "/static/")) or path == "/favicon.ico"


def anonymise() -> None:
    """The app's first ``before_request`` (create_app registers it ahead of CSRF)."""
    path = request.path
    if not is_anonymous_path(path):
        return
    environ = request.environ
    if path.startswith("/hotline"):
        # Flask-Login checks the session against address + user agent: let it do so with
        # the real values before they go, so a signed-in officer is not signed out here.
        current_user._get_current_object()
        limiters = current_app.extensions["hotline_limits"]
        g.hotline_client = limiters["tip"].key_for(request.remote_addr)
    environ["REMOTE_ADDR"] = ANONYMOUS_ADDRESS
    request.remote_addr = ANONYMOUS_ADDRESS  # werkzeug copied it from the environ
    for name in _IDENTIFYING:
        environ.pop(name, None)


@bp.after_app_request
def no_referrer(response):
    if is_anonymous_path(request.path):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


from app.hotline import routes  # noqa: E402, F401
