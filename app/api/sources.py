"""The source register over the API. Identities never appear in these answers except from
``POST /sources/{codename}/identity`` for the handler or controller, with a reason."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.api.answers import object_body, refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, json_request, json_response, register
from app.errors import error_response
from app.sources.service import SourceError, SourceService
from graph.db import get_graph


def _service() -> SourceService:
    return SourceService.from_config(get_graph(), current_app.config)


def _public(source: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "codename", "type", "reliability", "status", "created_at", "handler",
            "controller", "reports", "is_handler", "is_controller", "approved_at",
            "approved_by", "review_due")
    return {k: source[k] for k in keys if k in source}


_answered = refusals_answered("source", "codename", SourceError)


@bp.get("/sources")
@token_required
@_answered
def api_list_sources():
    sources = _service().list(api_user(), type=request.args.get("type") or None,
                              status=request.args.get("status") or None)
    return jsonify({"sources": [_public(s) for s in sources]})


@bp.post("/sources")
@token_required
@_answered
def api_register_source():
    body = object_body()
    identity = body.get("identity")
    if identity is not None and not isinstance(identity, dict):
        return error_response(400, "Bad request", {"field": "identity",
                                                   "message": "identity is an object."})
    codename = _service().register(api_user(), body)
    return jsonify({"codename": codename}), 201


@bp.get("/sources/<codename>")
@token_required
@_answered
def api_get_source(codename: str):
    service = _service()
    source = service.get(api_user(), codename, via="api")
    history = service.history(api_user(), source["codename"])
    return jsonify({**_public(source), "grades": history})


@bp.post("/sources/<codename>/grades")
@token_required
@_answered
def api_regrade_source(codename: str):
    body = object_body()
    code = _service().regrade(api_user(), codename, body.get("grade"),
                              str(body.get("reason") or ""))
    return jsonify({"codename": codename, "reliability": code})


@bp.post("/sources/<codename>/identity")
@token_required
@_answered
def api_source_identity(codename: str):
    body = object_body("Send a JSON object with a reason.")
    service = _service()
    source = service.get(api_user(), codename, audited=False)  # the view is audited
    identity = service.reveal_identity(api_user(), source, str(body.get("reason") or ""))
    return jsonify({"codename": source["codename"], "identity": identity})


@bp.post("/sources/<codename>/approval")
@token_required
@_answered
def api_approve_source(codename: str):
    """The controller approves the recruitment, with the first review date."""
    body = object_body()
    due = _service().approve(api_user(), codename, body.get("review_due"))
    return jsonify({"codename": codename, "status": "active", "review_due": due})


@bp.post("/sources/<codename>/reviews")
@token_required
@_answered
def api_review_source(codename: str):
    body = object_body()
    due = _service().record_review(api_user(), codename, body.get("review_due"),
                                   body.get("note"))
    return jsonify({"codename": codename, "review_due": due})


@bp.route("/sources/<codename>/contacts", methods=["GET", "POST"])
@token_required
@_answered
def api_source_contacts(codename: str):
    """The contact log: read and written by the source's handler and controller only."""
    service = _service()
    source = service.get(api_user(), codename, audited=False)
    if not (source["is_handler"] or source["is_controller"]):
        raise SourceError(_("The contact log is kept by the source's "
                            "handler and controller only."), "codename", status=403)
    if request.method == "GET":
        return jsonify({"codename": source["codename"],
                        "contacts": service.contacts(api_user(), source)})
    contact_id = service.record_contact(api_user(), source["codename"], object_body())
    return jsonify({"id": contact_id}), 201


_CODENAME = {"name": "codename", "in": "path", "required": True, "schema": {"type": "string"}}
_SOURCE = {
    "type": "object",
    "required": ["codename"],
    "properties": {
        "id": {"type": ["string", "null"]}, "codename": {"type": "string"},
        "type": {"type": ["string", "null"], "enum": [
            "informant", "liaison_officer", "partner_agency", "open_source", "hotline", None]},
        "reliability": {"type": ["string", "null"]}, "status": {"type": "string"},
        "approved_at": {"type": ["string", "null"]}, "approved_by": {"type": ["string", "null"]},
        "review_due": {"type": ["string", "null"]},
        "handler": {"type": ["string", "null"]}, "controller": {"type": ["string", "null"]},
    },
}

register(
    {
        "/sources": {
            "get": {
                "summary": "The source register (codenames only; handlers, analysts, admins)",
                "operationId": "listSources",
                "parameters": [{"name": n, "in": "query", "required": False,
                                "schema": {"type": "string"}} for n in ("type", "status")],
                "responses": {"200": json_response({"type": "object", "properties": {
                    "sources": {"type": "array",
                                "items": {"$ref": "#/components/schemas/Source"}}}}),
                    **error_responses(401, 403)},
            },
            "post": {
                "summary": "Register a source (handlers and admins)",
                "operationId": "registerSource",
                "requestBody": json_request({"type": "object",
                                         "required": ["codename", "type", "controller_id"],
                                         "properties": {
                    "codename": {"type": "string"}, "type": {"type": "string"},
                    "reliability": {"type": "string"}, "handler_id": {"type": "string"},
                    "controller_id": {"type": "string"},
                    "identity": {"type": "object", "properties": {
                        "name": {"type": "string"}, "contact": {"type": "string"},
                        "address": {"type": "string"}, "notes": {"type": "string"}}}}}),
                "responses": {"201": json_response({"type": "object", "properties": {
                    "codename": {"type": "string"}}}, "Created"),
                    **error_responses(400, 401, 403, 409)},
            },
        },
        "/sources/{codename}": {
            "get": {
                "summary": "One source with its reliability history (never its identity)",
                "operationId": "getSource",
                "parameters": [_CODENAME],
                "responses": {"200": json_response({"$ref": "#/components/schemas/Source"}),
                              **error_responses(401, 403, 404)},
            },
        },
        "/sources/{codename}/grades": {
            "post": {
                "summary": "Regrade a source's reliability, with a reason",
                "operationId": "regradeSource",
                "parameters": [_CODENAME],
                "requestBody": json_request({"type": "object", "required": ["grade", "reason"],
                                         "properties": {"grade": {"type": "string"},
                                                        "reason": {"type": "string"}}}),
                "responses": {"200": json_response({"type": "object"}),
                              **error_responses(400, 401, 403, 404)},
            },
        },
        "/sources/{codename}/identity": {
            "post": {
                "summary": "The identity, for the source's handler or controller only, "
                "with a reason (audited); 404 for everyone else",
                "operationId": "revealSourceIdentity",
                "parameters": [_CODENAME],
                "requestBody": json_request({"type": "object", "required": ["reason"],
                                         "properties": {"reason": {"type": "string"}}}),
                "responses": {"200": json_response({"type": "object", "properties": {
                    "codename": {"type": "string"}, "identity": {"type": "object"}}}),
                    **error_responses(400, 401, 403, 404)},
            },
        },
        "/sources/{codename}/approval": {
            "post": {
                "summary": "Approve a source's recruitment (its controller only), with the "
                "first review date",
                "operationId": "approveSource",
                "parameters": [_CODENAME],
                "requestBody": json_request({"type": "object", "required": ["review_due"],
                                         "properties": {"review_due": {"type": "string",
                                                                       "format": "date"}}}),
                "responses": {"200": json_response({"type": "object"}),
                              **error_responses(400, 401, 403, 404, 409)},
            },
        },
        "/sources/{codename}/reviews": {
            "post": {
                "summary": "Record a periodic review with the next review date (handler or "
                "controller)",
                "operationId": "reviewSource",
                "parameters": [_CODENAME],
                "requestBody": json_request({"type": "object",
                                         "required": ["review_due", "note"],
                                         "properties": {"review_due": {"type": "string",
                                                                       "format": "date"},
                                                        "note": {"type": "string"}}}),
                "responses": {"200": json_response({"type": "object"}),
                              **error_responses(400, 401, 403, 404, 409)},
            },
        },
        "/sources/{codename}/contacts": {
            "get": {
                "summary": "The contact log (the source's handler and controller only)",
                "operationId": "listSourceContacts",
                "parameters": [_CODENAME],
                "responses": {"200": json_response({"type": "object"}),
                              **error_responses(401, 403, 404)},
            },
            "post": {
                "summary": "Log a contact: date, officer met, place, payment or reward with "
                "amount, currency and reason",
                "operationId": "addSourceContact",
                "parameters": [_CODENAME],
                "requestBody": json_request({"type": "object",
                                         "required": ["date", "officer_id", "place"],
                                         "properties": {
                    "date": {"type": "string", "format": "date"},
                    "officer_id": {"type": "string"}, "place": {"type": "string"},
                    "payment": {"type": "string", "enum": ["none", "payment", "reward"]},
                    "amount": {"type": ["string", "number"]},
                    "currency": {"type": "string"}, "reason": {"type": "string"},
                    "notes": {"type": "string"}}}),
                "responses": {"201": json_response({"type": "object"}, "Created"),
                              **error_responses(400, 401, 403, 404)},
            },
        },
    },
    {"Source": _SOURCE},
)
