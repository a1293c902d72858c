"""What every API module answers alike, written once so the wording cannot drift between
modules: the 404 for a record the caller may not see (worded exactly like one that does
not exist), and a service's refusal that names its form field and the HTTP status to
answer with. (A body of the wrong shape is answered by its model: app/api/openapi.py.)"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from app.errors import error_response, refusal_response
from graph.errors import NotFound, Refused


def not_visible(what: str, ident: str):
    """404 for a record that does not exist or that the caller may not see: one answer for
    both, so the API never tells a caller that a hidden record exists."""
    return error_response(404, "Not found", f"No {what} {ident} that you may see.")


def refused(exc: Refused):
    """A service's refusal: its status, with the field, the message and the reasons (the
    one mapping, app/errors.py)."""
    return refusal_response(exc)


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
