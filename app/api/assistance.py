"""Mutual administrative assistance requests over the API: the same services as the pages
(app/assistance/service.py), need-to-know included: a request the caller may not see
answers 404, its hidden subjects are left out."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.api import bp
from app.api.answers import object_body, refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import (
    error_responses,
    json_request,
    json_response,
    path_parameter,
    register,
    schema_ref,
)
from app.assistance import service
from app.errors import error_response
from graph.db import get_graph

_SHOWN = ("id", "reference", "direction", "status", "legal_basis", "legal_text", "questions",
          "deadline", "unit", "created_at", "sent_at", "answered_at", "partner_reference",
          "reply_text", "reply_by", "declarations")  # fmt: skip


def _public(row: dict[str, Any]) -> dict[str, Any]:
    body = {k: row.get(k) for k in _SHOWN}
    body["overdue"] = bool(row.get("overdue"))
    body["partner"] = {"id": row["partner"]["id"], "name": row["partner"]["name"],
                       "country": row["partner"].get("country")}
    body["subjects"] = [{"id": e["id"], "name": e.get("name"), "kind": e.get("kind")}
                        for e in row.get("subjects") or []]
    body["partner_subjects"] = row.get("partner_subjects") or []
    if "case" in row:
        body["case"] = row["case"]
    if "files" in row:
        body["files"] = [{"id": f["id"], "name": f["name"], "mime": f["mime"],
                          "size": f["size"]} for f in row["files"]]
    return body


@bp.get("/assistance")
@token_required
def api_assistance_list():
    args = request.args
    try:
        page = service.listing(get_graph(), api_user(), direction=args.get("direction"),
                               status=args.get("status"), partner=args.get("partner"),
                               after=args.get("after"))
    except service.AssistanceError as exc:
        return error_response(exc.status, "Forbidden" if exc.status == 403 else "Bad request",
                              {"field": exc.field, "message": str(exc)})
    return jsonify({"requests": [_public(r) for r in page["requests"]],
                    "next": page["next"]})


@bp.post("/assistance")
@token_required
@refusals_answered("assistance request", "request_id", service.AssistanceError)
def api_assistance_create():
    body = object_body('Send {"partner", "direction", "legal_basis", "questions", '
                       '"deadline", "subjects", "declarations", "case"} as JSON.')
    request_id = service.create(get_graph(), api_user(), body)
    return jsonify(_public(service.read(get_graph(), api_user(), request_id, via="api"))), 201


@bp.get("/assistance/<request_id>")
@token_required
@refusals_answered("assistance request", "request_id", service.AssistanceError)
def api_assistance_get(request_id: str):
    found = service.read(get_graph(), api_user(), service.resolve(get_graph(), request_id),
                         via="api")
    return jsonify(_public(found))


@bp.post("/assistance/<request_id>/reply")
@token_required
@refusals_answered("assistance request", "request_id", service.AssistanceError)
def api_assistance_reply(request_id: str):
    body = object_body('Send {"reply": "..."} as JSON.')
    ident = service.resolve(get_graph(), request_id)
    service.reply(get_graph(), api_user(), ident, body.get("reply"))
    return jsonify(_public(service.read(get_graph(), api_user(), ident, via="api")))


_STRINGS = {"type": "array", "items": {"type": "string"}}
_REQUEST = {
    "type": "object",
    "required": ["id", "reference", "direction", "status", "overdue", "partner"],
    "properties": {
        "id": {"type": "string"},
        "reference": {"type": "string", "description": "MAR-2026-000012"},
        "direction": {"type": "string", "enum": ["outgoing", "incoming"]},
        "status": {"type": "string",
                   "enum": ["draft", "sent", "acknowledged", "answered", "closed"]},
        "overdue": {"type": "boolean"},
        "partner": {"type": "object"},
        "legal_basis": {"type": ["string", "null"]},
        "legal_text": {"type": ["string", "null"]},
        "questions": {"type": ["string", "null"]},
        "deadline": {"type": ["string", "null"]},
        "subjects": {"type": "array", "items": {"type": "object"},
                     "description": "the persons and traders the caller may see"},
        "partner_subjects": {"type": "array", "items": {"type": "object"}},
        "declarations": {"type": ["array", "null"], "items": {"type": "string"}},
        "reply_text": {"type": ["string", "null"]},
        "case": {"type": ["object", "null"]},
        "files": {"type": "array", "items": {"type": "object"}},
    },
}
_ID = [path_parameter("request_id")]

register({
    "/assistance": {
        "get": {
            "summary": "The mutual assistance register, newest first, a page at a time",
            "operationId": "listAssistanceRequests",
            "parameters": [
                {"name": "direction", "in": "query",
                 "schema": {"type": "string", "enum": ["outgoing", "incoming"]}},
                {"name": "status", "in": "query", "schema": {"type": "string"}},
                {"name": "partner", "in": "query", "schema": {"type": "string"}},
                {"name": "after", "in": "query", "schema": {"type": "string"},
                 "description": "the next page's token from the previous answer"}],
            "responses": {"200": json_response({
                "type": "object", "required": ["requests", "next"],
                "properties": {"requests": {"type": "array", "items": schema_ref(
                    "AssistanceRequest")}, "next": {"type": ["string", "null"]}}}),
                **error_responses(400, 401, 403)},
        },
        "post": {
            "summary": "Record a mutual assistance request (outgoing: a draft)",
            "operationId": "createAssistanceRequest",
            "requestBody": json_request({
                "type": "object", "required": ["partner", "legal_basis", "questions",
                                               "deadline"],
                "properties": {"partner": {"type": "string"},
                               "direction": {"type": "string"},
                               "legal_basis": {"type": "string"},
                               "legal_text": {"type": "string"},
                               "questions": {"type": "string"},
                               "deadline": {"type": "string", "format": "date"},
                               "subjects": _STRINGS, "declarations": _STRINGS,
                               "case": {"type": "string"}}}),
            "responses": {"201": json_response(schema_ref("AssistanceRequest"), "Recorded"),
                          **error_responses(400, 401, 403, 404)},
        },
    },
    "/assistance/{request_id}": {"get": {
        "summary": "A mutual assistance request (by id or reference)",
        "operationId": "getAssistanceRequest", "parameters": _ID,
        "responses": {"200": json_response(schema_ref("AssistanceRequest")),
                      **error_responses(401, 403, 404)}}},
    "/assistance/{request_id}/reply": {"post": {
        "summary": "Record the reply to a request (ours to an incoming one, the "
                   "partner's to an outgoing one)",
        "operationId": "replyAssistanceRequest", "parameters": _ID,
        "requestBody": json_request({"type": "object", "required": ["reply"],
                                     "properties": {"reply": {"type": "string"}}}),
        "responses": {"200": json_response(schema_ref("AssistanceRequest")),
                      **error_responses(400, 401, 403, 404, 409)}}},
}, {"AssistanceRequest": _REQUEST})
