"""Bearer-token authentication for the API (cookies are never accepted here)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, request

from app.accounts.models import User
from app.accounts.service import roles_requiring_second_factor, user_for_token
from app.errors import error_response
from graph.db import get_graph


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized("Send an API token as 'Authorization: Bearer TOKEN'.")
        roles = roles_requiring_second_factor(current_app.config.get("TOTP_REQUIRED_ROLES"))
        user = user_for_token(get_graph(), token.strip(), second_factor_roles=roles)
        if user is None:
            return _unauthorized(
                "The API token is unknown, expired or revoked, its user is disabled, or "
                "the user's role requires two-step sign-in they have not set up."
            )
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


def api_user() -> User:
    return g.api_user


def _unauthorized(detail: str):
    response, status = error_response(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="cordon"'
    return response, status
