"""The exchange inbox: a partner's Cordon pushes a package (``POST /exchange/inbox``); and
the formats partners read (STIX 2.1, FollowTheMoney, the WCO seizure CSV).

Two keys guard the inbox: the caller's bearer token — the token the partner presents to us
(kept hashed on its register entry), or an intelligence officer's API token — and the
package's own signature, which must be a registered partner's (with a partner's token:
that partner's). The package is the file ``flask exchange package`` writes, sent as
the request body; it is taken exactly as ``flask exchange receive`` takes it.
"""

from __future__ import annotations

import json

from flask import Response, current_app, jsonify, request

from app.api import bp
from app.api.answers import not_visible
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, json_request, json_response, register
from app.cooperation import formats, service
from app.errors import error_response
from app.spreadsheet import csv_download
from graph.db import get_graph
from graph.errors import NotFound

RECEIVER_ROLES = {"analyst", "admin"}


@bp.post("/exchange/inbox")
def exchange_inbox():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    partner = (service.partner_for_token(get_graph(), token.strip())
               if scheme.lower() == "bearer" else None)
    if partner is not None:
        return _take_in(f"partner:{partner['name']}", partner)
    return _officer_inbox()


@token_required
def _officer_inbox():
    user = api_user()
    if str(user.role) not in RECEIVER_ROLES:
        return error_response(403, "Forbidden", "Only an intelligence officer's account "
                              "takes packages in.")
    return _take_in(user.id, None)


def _take_in(by: str, partner: dict | None):
    data = request.get_data(cache=False)
    if not data:
        return error_response(400, "Bad request", "Send the package file as the body.")
    try:
        result = service.receive_package(get_graph(), current_app.config, data,
                                         by=by, sender=partner)
    except service.PackageRefused as exc:
        return error_response(422, "Package refused", str(exc))
    body = {"package_id": result["package_id"], "partner": result["partner"],
            "reports": len(result["reports"]), "created": result["created"],
            "duplicate": result["duplicate"]}
    return jsonify(body), (200 if result["duplicate"] else 201)


def _export(report_id: str, make):
    try:
        return make(get_graph(), api_user(), current_app.config, [report_id],
                    request.args.get("partner") or None)
    except NotFound:
        return not_visible("report", report_id)
    except service.Refused as exc:
        return error_response(403, "Refused", str(exc))


@bp.get("/exchange/reports/<report_id>/stix")
@token_required
def exchange_stix(report_id: str):
    answer = _export(report_id, formats.stix_bundle)
    if isinstance(answer, dict):
        return Response(json.dumps(answer), mimetype="application/stix+json")
    return answer


@bp.get("/exchange/reports/<report_id>/ftm")
@token_required
def exchange_ftm(report_id: str):
    answer = _export(report_id, formats.ftm_lines)
    if isinstance(answer, bytes):
        return Response(answer, mimetype="application/json")
    return answer


@bp.get("/exchange/seizures")
@token_required
def exchange_seizures():
    try:
        rows = formats.seizure_rows(get_graph(), api_user(), request.args.get("from"),
                                    request.args.get("to"))
    except service.Refused as exc:
        return error_response(403 if "officers" in str(exc) else 400, "Refused", str(exc))
    return csv_download(formats.SEIZURE_HEADER, rows, "seizures-wco.csv")


@bp.post("/exchange/stix")
@token_required
def exchange_stix_import():
    try:
        result = formats.import_stix(get_graph(), current_app.config,
                                     request.get_data(cache=False),
                                     request.args.get("partner") or "", api_user())
    except service.PackageRefused as exc:
        return error_response(422, "Bundle refused", str(exc))
    return jsonify(result), 201 if result["created"] else 200


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
