"""The JSON API under /api/v1: each feature's operations live in their own module."""

from flask import current_app, request

from app.api.openapi import ApiBlueprint
from app.limits import limiter

bp = ApiBlueprint("api", __name__)
# One limit for the whole API, read from the serving app's configuration on each request
# (the limiter outlives any one app: tests create several in one process).
limiter.limit(lambda: current_app.config["RATELIMIT_API"])(bp)


@bp.before_request
def parse_json_body() -> None:
    """Read a JSON body once, before any view: one that parses but cannot be taken (too
    deep, lone surrogates, NaN; see graph.safejson) answers 400 with its reason from every
    operation alike (app.errors). Broken syntax is left to each view's own message."""
    if request.is_json and request.content_length != 0:
        request.get_json(silent=True)

# Importing the modules registers their routes and OpenAPI paths on ``bp``.
from app.api import (  # noqa: E402
    aeo,  # noqa: F401
    assistance,  # noqa: F401
    auditlog,  # noqa: F401
    cases,  # noqa: F401
    dissemination,  # noqa: F401
    entities,  # noqa: F401
    exchange,  # noqa: F401
    files,  # noqa: F401
    hotline,  # noqa: F401
    merges,  # noqa: F401
    pca,  # noqa: F401
    reports,  # noqa: F401
    risk,  # noqa: F401
    routes,  # noqa: F401
    sources,  # noqa: F401
    watch,  # noqa: F401
)
