"""The public hotline (no login) and the analysts' side of it (tips and replies).

The blueprint is in ``PUBLIC_BLUEPRINTS``: the tip and follow-up pages are open to
strangers, the analyst pages use ``login_required`` themselves.

What is never stored: on the public pages the client address, user agent, referrer and
forwarding headers are removed from the WSGI environ before the view runs (after the
rate limiter has turned the address into an HMAC under a salt that only lives in memory).
So neither the graph, the audit log (``anonymous=True``), the app's logs nor the WSGI
server's access log (gunicorn and werkzeug read the same environ) can hold them.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from app.hotline.ratelimit import SlidingWindowLimiter
from app.navigation import nav_item

bp = Blueprint("hotline", __name__)
nav_item("hotline.tips", "Hotline tips", roles={"analyst", "admin"}, order=25)

# Public endpoints whose requests are anonymised; the analyst pages keep normal auditing.
PUBLIC = {"hotline.tip", "hotline.follow_up", "hotline.add_information"}
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


@bp.before_request
def anonymise() -> None:
    if request.endpoint not in PUBLIC:
        return
    # Flask-Login checks the session against address + user agent: let it do so with
    # the real values before they go, so a signed-in officer is not signed out here.
    current_user._get_current_object()
    limiters = current_app.extensions["hotline_limits"]
    g.hotline_client = limiters["tip"].key_for(request.remote_addr)
    environ = request.environ
    environ["REMOTE_ADDR"] = ANONYMOUS_ADDRESS
    for name in _IDENTIFYING:
        environ.pop(name, None)


from app.hotline import routes  # noqa: E402, F401
