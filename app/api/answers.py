"""What every API module answers alike, written once so the wording cannot drift between
modules: the 404 for a record the caller may not see (worded exactly like one that does
not exist), and a service's refusal that names its form field and the HTTP status to
answer with. (A body of the wrong shape is answered by its model: app/api/openapi.py.)"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

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


def not_visible(what: str, ident: str):
    """404 for a record that does not exist or that the caller may not see: one answer for
    both, so the API never tells a caller that a hidden record exists."""
    return error_response(404, "Not found", f"No {what} {ident} that you may see.")


def refused(exc: FieldRefusal):
    """A service's refusal: its status, with the field and the message for the caller."""
    return error_response(exc.status, TITLES.get(exc.status, "Bad request"),
                          {"field": exc.field, "message": str(exc)})


def refusals_answered(what: str, ident: str, refusal: type[Exception]):
    """Decorate a view on the ``what`` named by its path parameter ``ident``: a record the
    caller may not see answers 404 (as one that does not exist), the service's ``refusal``
    its own status with the field and the message. The views then say only what they do;
    every module's operations answer alike."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def answered(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except NotFound:
                return not_visible(what, kwargs.get(ident, ""))
            except refusal as exc:
                return refused(exc)

        return answered

    return decorate
