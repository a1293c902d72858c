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
from pydantic import Field

from app.api import bp
from app.api.answers import not_visible
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, json_request, operation
from app.cooperation import formats, service
from app.errors import error_response
from app.i18n import say
from app.spreadsheet import csv_download
from graph import policy
from graph.db import get_graph
from graph.errors import NotFound


class Received(Answer):
    package_id: str
    partner: str
    reports: int = Field(description="reports the package holds")
    created: int = Field(description="reports new to this instance")
    duplicate: bool = Field(description="received before: nothing stored")


class Imported(Answer):
    partner: str
    reports: list[str] = Field(description="the reports' ids here")
    created: int = Field(description="reports new to this instance (0: imported before)")


class ForPartner(Body):
    partner: str | None = Field(None, description="the partner's name on the register: "
                                "what its agreement lets it read")


class FromPartner(Body):
    partner: str = Field("", description="the registered partner the bundle comes from")


class SeizureRange(Body):
    start: str | None = Field(None, alias="from", json_schema_extra={"format": "date"})
    to: str | None = Field(None, json_schema_extra={"format": "date"})


def _file(mimetype: str, description: str, schema: dict | None = None) -> dict:
    """The 200 of an operation answering a file rather than a JSON answer."""
    return {"200": {"description": description,
                    "content": {mimetype: {"schema": schema or {"type": "string"}}}}}


_PACKAGE = json_request({"type": "object", "description": "the package file "
                         "(docs/exchange-format.md, Exchange packages)"})
_AGAIN = {"200": {"description": "Received before: nothing new stored", "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/Received"}}}}}


@bp.post("/exchange/inbox")
@operation("Take in an exchange package from a registered partner", answer=(201, Received),
           errors=(400, 401, 403, 422), operation_id="exchangeInbox",
           description="The body is the package file (docs/exchange-format.md, Exchange "
           "packages). Refused with 422 and the reason when it is not from a registered "
           "partner, altered, or not for this instance.",
           requestBody=_PACKAGE, responses=_AGAIN)
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
    if not policy.may(user, policy.RECEIVE_EXCHANGE):
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
        return error_response(422, "Package refused", say(exc))
    body = {"package_id": result["package_id"], "partner": result["partner"],
            "reports": len(result["reports"]), "created": result["created"],
            "duplicate": result["duplicate"]}
    return jsonify(body), (200 if result["duplicate"] else 201)


def _export(report_id: str, make, partner: str | None):
    try:
        return make(get_graph(), api_user(), current_app.config, [report_id],
                    partner or None)
    except NotFound:
        return not_visible("report", report_id)
    except service.Refused as exc:
        return error_response(403, "Refused", str(exc))


@bp.get("/exchange/reports/<report_id>/stix")
@token_required
@operation("A report as a STIX 2.1 bundle, as far as the partner's agreement allows",
           query=ForPartner, errors=(401, 403, 404), operation_id="exchangeStix",
           responses=_file("application/stix+json", "The STIX 2.1 bundle",
                           {"type": "object"}))
def exchange_stix(report_id: str, query: ForPartner):
    answer = _export(report_id, formats.stix_bundle, query.partner)
    if isinstance(answer, dict):
        return Response(json.dumps(answer), mimetype="application/stix+json")
    return answer


@bp.get("/exchange/reports/<report_id>/ftm")
@token_required
@operation("A report as FollowTheMoney entities, as far as the partner's agreement allows",
           query=ForPartner, errors=(401, 403, 404), operation_id="exchangeFtm",
           responses=_file("application/json", "JSON lines: one FollowTheMoney entity a "
                           "line"))
def exchange_ftm(report_id: str, query: ForPartner):
    answer = _export(report_id, formats.ftm_lines, query.partner)
    if isinstance(answer, bytes):
        return Response(answer, mimetype="application/json")
    return answer


@bp.get("/exchange/seizures")
@token_required
@operation("The seizures in a date range as the WCO seizure CSV", query=SeizureRange,
           errors=(400, 401, 403), operation_id="exchangeSeizures",
           responses=_file("text/csv", "One line per seized item"))
def exchange_seizures(query: SeizureRange):
    try:
        rows = formats.seizure_rows(get_graph(), api_user(), query.start, query.to)
    except service.Refused as exc:
        return error_response(403 if "officers" in str(exc) else 400, "Refused", str(exc))
    return csv_download(formats.SEIZURE_HEADER, rows, "seizures-wco.csv")


@bp.post("/exchange/stix")
@token_required
@operation("Import a partner's STIX 2.1 bundle as reports", query=FromPartner,
           answer=(201, Imported), errors=(401, 422), operation_id="importStix",
           description="The body is the bundle. Refused with 422 and the reason when it is "
           "not a bundle or the partner is not registered; a bundle imported before answers "
           "200 and stores nothing.",
           requestBody=json_request({"type": "object", "description": "a STIX 2.1 bundle"}),
           responses={"200": {"description": "Imported before: nothing new stored",
                              "content": {"application/json": {"schema": {
                                  "$ref": "#/components/schemas/Imported"}}}}})
def exchange_stix_import(query: FromPartner):
    try:
        result = formats.import_stix(get_graph(), current_app.config,
                                     request.get_data(cache=False), query.partner or "",
                                     api_user())
    except service.PackageRefused as exc:
        return error_response(422, "Bundle refused", say(exc))
    return jsonify(result), 201 if result["created"] else 200

