"""The exchange inbox: a partner's Cordon pushes a package (``POST /exchange/inbox``).

Two keys guard it: the caller's bearer token (an account this instance gave the partner,
an intelligence officer's role) and the package's own signature, which must be a
registered partner's. The package is the file ``flask exchange package`` writes, sent as
the request body; it is taken exactly as ``flask exchange receive`` takes it.
"""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, json_request, json_response, register
from app.cooperation import service
from app.errors import error_response
from graph.db import get_graph

RECEIVER_ROLES = {"analyst", "admin"}


@bp.post("/exchange/inbox")
@token_required
def exchange_inbox():
    user = api_user()
    if str(user.role) not in RECEIVER_ROLES:
        return error_response(403, "Forbidden", "Only an intelligence officer's account "
                              "takes packages in.")
    data = request.get_data(cache=False)
    if not data:
        return error_response(400, "Bad request", "Send the package file as the body.")
    try:
        result = service.receive_package(get_graph(), current_app.config, data,
                                         by=user.id)
    except service.PackageRefused as exc:
        return error_response(422, "Package refused", str(exc))
    body = {"package_id": result["package_id"], "partner": result["partner"],
            "reports": len(result["reports"]), "created": result["created"],
            "duplicate": result["duplicate"]}
    return jsonify(body), (200 if result["duplicate"] else 201)


_RESULT = {
    "type": "object",
    "required": ["package_id", "partner", "reports", "created", "duplicate"],
    "properties": {
        "package_id": {"type": "string"},
        "partner": {"type": "string"},
        "reports": {"type": "integer", "description": "reports the package holds"},
        "created": {"type": "integer", "description": "reports new to this instance"},
        "duplicate": {"type": "boolean", "description": "received before: nothing stored"},
    },
}

register({
    "/exchange/inbox": {
        "post": {
            "summary": "Take in an exchange package from a registered partner",
            "description": "The body is the package file (docs/exchange-format.md, "
                           "Exchange packages). Refused with 422 and the reason when it is "
                           "not from a registered partner, altered, or not for this instance.",
            "operationId": "exchangeInbox",
            "requestBody": json_request({"type": "object"}),
            "responses": {
                "201": json_response(_RESULT, "Taken in: its reports are in the queue"),
                "200": json_response(_RESULT, "Received before: nothing new stored"),
                **error_responses(400, 401, 403, 422),
            },
        }
    }
})
