"""Error pages and JSON errors: one mapping from failures to HTTP, HTML or JSON by request."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from graph.errors import DatabaseUnavailable, NotFound, Refused
from graph.safejson import JSONRefused

log = logging.getLogger(__name__)


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


DATABASE_AWAY = (
    "The graph database cannot be reached right now. Nothing was saved by this "
    "request; please try again in a minute."
)
# Error pages in the reader's language; JSON errors keep the English text.
PAGE_TEXTS = {
    "Bad Request": _l("Bad request"), "Bad request": _l("Bad request"),
    "Forbidden": _l("Forbidden"), "Not Found": _l("Not found"), "Not found": _l("Not found"),
    "Payload too large": _l("Too large"),
    "Method Not Allowed": _l("Method not allowed"), "Conflict": _l("Conflict"),
    "Request Entity Too Large": _l("Too large"), "Too Many Requests": _l("Too many requests"),
    "Internal error": _l("Internal error"), "The error was logged.": _l("The error was logged."),
    "The form expired or was tampered with": _l("The form expired or was tampered with"),
    "Database unavailable": _l("Database unavailable"),
    DATABASE_AWAY: _l(
        "The graph database cannot be reached right now. Nothing was saved by this "
        "request; please try again in a minute."
    ),
}


def error_response(status: int, error: str, detail: object = None):
    if wants_json():
        return jsonify({"error": error, "detail": detail}), status
    if isinstance(detail, str):
        detail = PAGE_TEXTS.get(detail, detail)
    return render_template(
        "errors/error.html", status=status, error=PAGE_TEXTS.get(error, error), detail=detail
    ), status


# The title beside each status a refusal (graph.errors.Refused) may carry; others read as 400's.
TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 409: "Conflict",
          413: "Payload too large"}
NOT_VISIBLE = "No such record, or none that you may see."


def refusal_response(exc: Refused):
    """A refusal as its status: JSON names the field, the message and every reason (the
    shape of a refused body, app/api/openapi.py); a page shows the message."""
    title = TITLES.get(exc.status, "Bad request")
    if wants_json():
        return error_response(exc.status, title, {"field": exc.field, "message": str(exc),
                                                  "reasons": exc.reasons})
    return error_response(exc.status, title, str(exc))


def register(app: Flask) -> None:
    """The one mapping from failures to answers: the domain errors of graph/errors.py (a
    service raises them; the pages, the API and the CLI share it), HTTP errors, the rest."""

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        # missing and hidden answer alike (app/audit.py's recorded_read tells them apart)
        return error_response(404, "Not found", NOT_VISIBLE)

    @app.errorhandler(Refused)
    def refused(exc: Refused):
        return refusal_response(exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500, exc.name, exc.description)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge):
        limit = app.config.get("MAX_UPLOAD_MB", 20)
        return error_response(413, "Upload too large",
                              f"Files are limited to {limit} MB in all per upload; nothing "
                              "was saved. Send a smaller file, or one file at a time.")

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "The form expired or was tampered with", exc.description)

    @app.errorhandler(JSONRefused)
    def json_refused(exc: JSONRefused):
        return error_response(400, "Bad request", f"The JSON body was refused: {exc}.")

    @app.errorhandler(DatabaseUnavailable)
    def database_unavailable(exc: DatabaseUnavailable):
        return error_response(
            503,
            "Database unavailable",
            DATABASE_AWAY,
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Internal error", "The error was logged.")
