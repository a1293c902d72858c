"""What every API module reads and answers alike, written once so the wording cannot drift
between modules: the JSON object a write sends, the 400 when it sends something else, the
404 for a record the caller may not see (worded exactly like one that does not exist), and
a service's refusal that names its form field and the HTTP status to answer with."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from flask import request

from app.errors import error_response
from graph.errors import NotFound

# The title beside each status a service's refusal may carry; any other reads as 400's.
TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 409: "Conflict",
          413: "Payload too large"}


class FieldRefusal(Protocol):
    """A service's refusal (ReportError, CaseError, SourceError): the field it is about and
    the status the API answers with; its message is ``str(exc)``."""

    field: str
    status: int


class NotAnObject(ValueError):
    """The request's body is not a JSON object; the message says what to send."""


def json_object() -> dict[str, Any] | None:
    """The request's JSON body when it is an object; None for anything else (no body,
    broken JSON, a list), which the view answers with :func:`not_an_object`."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def object_body(detail: str = "Send a JSON object.") -> dict[str, Any]:
    """The request's JSON object; anything else raises :class:`NotAnObject` with ``detail``."""
    body = json_object()
    if body is None:
        raise NotAnObject(detail)
    return body


def not_an_object(detail: str = "Send a JSON object."):
    return error_response(400, "Bad request", detail)


def not_visible(what: str, ident: str):
    """404 for a record that does not exist or that the caller may not see: one answer for
    both, so the API never tells a caller that a hidden record exists."""
    return error_response(404, "Not found", f"No {what} {ident} that you may see.")


def refused(exc: FieldRefusal):
    """A service's refusal: its status, with the field and the message for the caller."""
    return error_response(exc.status, TITLES.get(exc.status, "Bad request"),
                          {"field": exc.field, "message": str(exc)})


def refusals_answered(what: str, ident: str, refusal: type[Exception]):
    """Decorate a view on the ``what`` named by its path parameter ``ident``: a body that is
    not an object answers 400, a record the caller may not see 404 (as one that does not
    exist), the service's ``refusal`` its own status with the field and the message. The
    views then say only what they do; every module's operations answer alike."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def answered(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except NotAnObject as exc:
                return not_an_object(str(exc))
            except NotFound:
                return not_visible(what, kwargs.get(ident, ""))
            except refusal as exc:
                return refused(exc)

        return answered

    return decorate
