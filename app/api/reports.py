"""Reports and extraction over the API, with the rules of the pages (app/intake/service.py).

A report the caller may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from app.api import bp
from app.api.answers import not_visible, object_body, refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import (
    error_responses,
    json_request,
    json_response,
    path_parameter,
    register,
    schema_ref,
)
from app.errors import error_response
from app.intake.service import AlreadyStored, ReportError, ReportService
from graph.db import get_graph
from graph.errors import NotFound

MAX_EXTRACT = 100_000


_answered = refusals_answered("report", "report_id", ReportError)


def report_service() -> ReportService:
    """The report service as the pages build it, for the API's report and file operations."""
    return ReportService.from_config(get_graph(), current_app.config)


def mention_json(row: dict[str, Any]) -> dict[str, Any]:
    """A stored mention in the extract contract shape plus its review state."""
    out = {
        "id": row.get("id"),
        "start": row.get("start"),
        "end": row.get("end"),
        "label": row.get("label"),
        "text": row.get("text"),
        "normalized": row.get("normalized") or row.get("text"),
        "confidence": round(float(row.get("confidence") or 0.0), 3),
        "entity_id": row.get("entity_id"),
        "provenance": row.get("provenance"),
        "review": row.get("review"),
    }
    if row.get("field"):
        out["field"] = row["field"]
    if row.get("entity_name"):
        out["entity_name"] = row["entity_name"]
    return out


@bp.post("/reports")
@token_required
@_answered
def api_create_report():
    body = object_body()
    draft = str(body.get("status") or "").lower() == "draft"
    service = report_service()
    try:
        rid, rows = service.create(api_user(), body, submit=not draft,
                                   submission=request.headers.get("Idempotency-Key"))
    except AlreadyStored as again:  # a retry of a call that was stored: answer as then
        stored = service.mentions(api_user(), again.report_id)
        return jsonify({"id": again.report_id,
                        "reference": service.reference(api_user(), again.report_id),
                        "entities": [mention_json(r) for r in stored]})
    return jsonify({"id": rid, "reference": service.reference(api_user(), rid),
                    "entities": [mention_json(r) for r in rows]}), 201


@bp.get("/reports")
@token_required
@_answered
def api_list_reports():
    args = request.args
    user = api_user()
    reports, following = report_service().list(
        user,
        q=args.get("q", "")[:200],
        status=args.get("status"),
        channel=args.get("channel"),
        unit=args.get("unit"),
        source=args.get("source"),
        author_id=user.id if args.get("mine") in ("1", "true", "yes") else None,
        limit=_int(args.get("limit"), 50),
        skip=_int(args.get("skip"), 0),
        after=args.get("after"),
    )
    return jsonify({"reports": reports, "next": following})


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@bp.get("/reports/<report_id>")
@token_required
@_answered
def api_get_report(report_id: str):
    service = report_service()
    report_id = service.resolve(api_user(), report_id)  # the id or the reference
    report = service.get(api_user(), report_id, via="api")
    mentions = service.mentions(api_user(), report_id)
    return jsonify({**report, "entities": [mention_json(m) for m in mentions]})


@bp.patch("/reports/<report_id>")
@token_required
@_answered
def api_update_report(report_id: str):
    body = object_body()
    service = report_service()
    service.update(api_user(), report_id, body)
    report = service.get(api_user(), report_id, audited=False)
    mentions = service.mentions(api_user(), report_id)
    return jsonify({**report, "entities": [mention_json(m) for m in mentions]})


@bp.post("/reports/<report_id>/transitions")
@token_required
@_answered
def api_transition_report(report_id: str):
    body = object_body()
    status = report_service().transition(api_user(), report_id, str(body.get("action") or ""),
                                         body)
    return jsonify({"id": report_id, "status": status})


@bp.post("/reports/<report_id>/mentions")
@token_required
@_answered
def api_add_mention(report_id: str):
    body = object_body()
    row = report_service().add_mention(
        api_user(), report_id, label=str(body.get("label") or ""),
        start=body.get("start"), end=body.get("end"), text=body.get("text"),
        occurrence=body.get("occurrence", 1),
    )
    return jsonify(mention_json(row)), 201


@bp.patch("/reports/<report_id>/mentions/<mention_id>")
@token_required
@_answered
def api_change_mention(report_id: str, mention_id: str):
    """``{"review": "accepted"|"rejected"}``, ``{"entity_id"}`` or ``{"label", "start", "end"}``."""
    body = object_body()
    service, user = report_service(), api_user()
    try:
        if body.get("entity_id"):
            service.link_mention(user, report_id, mention_id, str(body["entity_id"]))
        elif body.get("label"):
            service.edit_mention(user, report_id, mention_id, label=str(body["label"]),
                                 start=body.get("start"), end=body.get("end"))
        elif body.get("review"):
            service.review_mention(user, report_id, mention_id, str(body["review"]))
        else:
            return error_response(400, "Bad request", "Send review, entity_id or label.")
        mentions = service.mentions(user, report_id)
    except NotFound:
        return not_visible("mention", mention_id)
    return jsonify({"entities": [mention_json(m) for m in mentions]})


@bp.post("/reports/<report_id>/mentions/by-label")
@token_required
@_answered
def api_review_label(report_id: str):
    """``{"label": "PHONE", "review": "accepted"|"rejected"}``: every proposed mention of
    the label at once (the review page's "Accept all" / "Reject all")."""
    body = object_body()
    service, user = report_service(), api_user()
    ids = service.review_label(user, report_id, str(body.get("label") or ""),
                               str(body.get("review") or ""))
    mentions = service.mentions(user, report_id)
    return jsonify({"reviewed": ids, "entities": [mention_json(m) for m in mentions]})


@bp.post("/reports/<report_id>/relations")
@token_required
@_answered
def api_add_relation(report_id: str):
    body = object_body()
    report_service().relate(api_user(), report_id, str(body.get("from") or ""),
                            str(body.get("type") or ""), str(body.get("to") or ""))
    return jsonify({"from": body["from"], "to": body["to"], "type": body["type"]}), 201


@bp.post("/extract")
@token_required
@_answered
def api_extract():
    body = object_body()
    text = body.get("text")
    if not isinstance(text, str):
        return error_response(400, "Bad request", {"field": "text",
                                                   "message": "text must be a string."})
    if len(text) > MAX_EXTRACT:
        return error_response(413, "Payload too large",
                              f"text is longer than {MAX_EXTRACT} characters.")
    return jsonify({"entities": report_service().extract(text)})


# --------------------------------------------------------------------------- OpenAPI





_REPORT_ID = path_parameter("report_id")
_MENTION_ID = path_parameter("mention_id")
_STRINGS = {"type": "array", "items": {"type": "string"}}

_SCHEMAS = {
    "ExtractedEntity": {
        "type": "object",
        "required": ["start", "end", "label", "text", "normalized", "confidence"],
        "properties": {
            "start": {"type": "integer"}, "end": {"type": "integer"},
            "label": {"type": "string", "enum": [
                "PERSON", "ORG", "AGENCY", "LOCATION", "VESSEL", "CONTAINER", "HS_CODE",
                "COMMODITY", "VEHICLE", "PHONE", "EMAIL", "MONEY", "QUANTITY", "DATE",
                "ID_DOCUMENT"]},
            "text": {"type": "string"}, "normalized": {"type": "string"},
            "confidence": {"type": "number"}, "entity_id": {"type": "string"},
        },
    },
    "ReportMention": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "start": {"type": ["integer", "null"]}, "end": {"type": ["integer", "null"]},
            "label": {"type": "string"}, "text": {"type": "string"},
            "normalized": {"type": "string"}, "confidence": {"type": "number"},
            "entity_id": {"type": "string"},
            "provenance": {"type": "string", "enum": ["model", "rule", "gazetteer", "person"]},
            "review": {"type": "string", "enum": ["proposed", "accepted", "rejected"]},
            "field": {"type": "string"},
        },
    },
    "NewReport": {
        "type": "object",
        "required": ["channel", "handling"],
        "description": "A report object of the exchange format; `kind` may be left out. "
        "Grades are checked against the configured grading scheme.",
        "properties": {
            "kind": {"type": "string", "enum": ["report"]},
            "id": {"type": "string"},
            "channel": {"type": "string", "enum": [
                "informant", "register", "liaison", "hotline", "open_source",
                "partner_agency"]},
            "received": {"type": "string", "format": "date-time"},
            "source": {"type": "string", "description": "codename (informant reports)"},
            "source_grade": {"type": "string"}, "info_grade": {"type": "string"},
            "handling": {"type": "string", "enum": ["open", "restricted", "originator"]},
            "scheme_handling": {"type": "string"},
            "unit": {"type": "string"}, "title": {"type": "string"}, "text": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "submitted"]},
            "event_type": {"type": "string", "enum": ["seizure", "offence",
                                                       "suspicious_event"]},
            "event_date": {"type": "string", "format": "date"},
            "place": {"type": "string"}, "commodity": {"type": "string"},
            "quantity": {"type": "string"}, "value": {"type": "number"},
            "currency": {"type": "string"}, "persons": _STRINGS, "vehicles": _STRINGS,
            "containers": _STRINGS, "crossing": {"type": "string"},
        },
    },
    "Report": {
        "type": "object",
        "required": ["id", "channel", "status", "handling", "unit"],
        "properties": {
            "id": {"type": "string"},
            "reference": {"type": ["string", "null"],
                          "description": "what people read: R-2026-000123 (reports), "
                          "T-2026-000045 (hotline tips); the paths accept it for the id"},
            "channel": {"type": "string"},
            "status": {"type": "string", "enum": [
                "draft", "submitted", "evaluated", "disseminated", "archived"]},
            "title": {"type": "string"}, "text": {"type": "string"},
            "source": {"type": ["string", "null"], "description": "codename only"},
            "source_grade": {"type": ["string", "null"]},
            "info_grade": {"type": ["string", "null"]},
            "handling": {"type": "string"}, "unit": {"type": "string"},
            "received": {"type": "string"}, "author": {"type": "string"},
            "entities": {"type": "array", "items": schema_ref("ReportMention")},
        },
    },
}

_CREATED = {"type": "object", "required": ["id", "reference", "entities"],
            "properties": {"id": {"type": "string"}, "reference": {"type": "string"},
                           "entities": {"type": "array", "items": schema_ref("ReportMention")}}}

register(
    {
        "/reports": {
            "get": {
                "summary": "Reports the caller may see; full-text search with q",
                "description": "Newest first (with q: best matches first); `next` of an "
                "answer as `after` gives the page after it (keyset: prefer it to `skip`).",
                "operationId": "listReports",
                "parameters": [
                    {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                    for n in ("q", "status", "channel", "unit", "source", "mine", "limit",
                              "skip", "after")
                ],
                "responses": {
                    "200": json_response({"type": "object", "properties": {
                        "reports": {"type": "array", "items": {"type": "object"}},
                        "next": {"type": ["string", "null"]}}}),
                    **error_responses(400, 401),
                },
            },
            "post": {
                "summary": "Store a report: graded, extracted and resolved",
                "operationId": "createReport",
                "parameters": [{
                    "name": "Idempotency-Key", "in": "header", "required": False,
                    "description": "The client's key for this one report (8-100 letters, "
                                   "digits, - or _): a retry with the same key stores "
                                   "nothing new and answers 200 with the first report.",
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,100}$"}}],
                "requestBody": json_request(schema_ref("NewReport")),
                "responses": {
                    "201": json_response(_CREATED, "Created"),
                    "200": json_response(_CREATED, "Stored before under this Idempotency-Key"),
                    **error_responses(400, 401, 403, 409),
                },
            },
        },
        "/reports/{report_id}": {
            "get": {
                "summary": "One report with its entities (audited); 404 when not visible",
                "operationId": "getReport",
                "parameters": [_REPORT_ID],
                "responses": {
                    "200": json_response(schema_ref("Report")),
                    **error_responses(401, 404),
                },
            },
            "patch": {
                "summary": "Change a draft or submitted report; new text is re-extracted",
                "description": "The author changes a draft; the author and the originating "
                               "unit's analysts a submitted report. A new handling code on a "
                               "submitted report needs `reason` (audited) and the "
                               "originating unit.",
                "operationId": "updateReport",
                "parameters": [_REPORT_ID],
                "requestBody": json_request({"type": "object", "properties": {
                    "reason": {"type": "string", "maxLength": 500}}}),
                "responses": {"200": json_response(schema_ref("Report")),
                              **error_responses(400, 401, 403, 404, 409)},
            },
        },
        "/reports/{report_id}/transitions": {
            "post": {
                "summary": "Move a report on: submit, evaluate (info_grade), archive",
                "operationId": "transitionReport",
                "parameters": [_REPORT_ID],
                "requestBody": json_request({"type": "object", "required": ["action"],
                                         "properties": {
                    "action": {"type": "string", "enum": ["submit", "evaluate", "archive"]},
                    "info_grade": {"type": "string"}, "source_grade": {"type": "string"},
                    "evaluation": {"type": "string"}}}),
                "responses": {"200": json_response({"type": "object", "properties": {
                    "id": {"type": "string"}, "status": {"type": "string"}}}),
                    **error_responses(400, 401, 403, 404, 409)},
            },
        },
        "/reports/{report_id}/mentions": {
            "post": {
                "summary": "Add a missed entity by offsets or by text and occurrence",
                "operationId": "addReportMention",
                "parameters": [_REPORT_ID],
                "requestBody": json_request({"type": "object", "required": ["label"],
                                         "properties": {
                    "label": {"type": "string"}, "start": {"type": "integer"},
                    "end": {"type": "integer"}, "text": {"type": "string"},
                    "occurrence": {"type": "integer"}}}),
                "responses": {"201": json_response(schema_ref("ReportMention"), "Created"),
                              **error_responses(400, 401, 403, 404)},
            },
        },
        "/reports/{report_id}/mentions/{mention_id}": {
            "patch": {
                "summary": "Review a mention: accept/reject, relabel or re-span, or link it",
                "operationId": "changeReportMention",
                "parameters": [_REPORT_ID, _MENTION_ID],
                "requestBody": json_request({"type": "object", "properties": {
                    "review": {"type": "string", "enum": ["accepted", "rejected"]},
                    "entity_id": {"type": "string"}, "label": {"type": "string"},
                    "start": {"type": "integer"}, "end": {"type": "integer"}}}),
                "responses": {"200": json_response({"type": "object"}),
                              **error_responses(400, 401, 403, 404)},
            },
        },
        "/reports/{report_id}/mentions/by-label": {
            "post": {
                "summary": "Accept or reject every proposed mention of one label",
                "operationId": "reviewReportMentionsByLabel",
                "parameters": [_REPORT_ID],
                "requestBody": json_request({"type": "object", "required": ["label", "review"],
                                         "properties": {
                    "label": {"type": "string", "description": "PERSON, ORG, PHONE, ..."},
                    "review": {"type": "string", "enum": ["accepted", "rejected"]}}}),
                "responses": {"200": json_response({"type": "object", "properties": {
                    "reviewed": {"type": "array", "items": {"type": "string"}},
                    "entities": {"type": "array", "items": schema_ref("ReportMention")}}}),
                    **error_responses(400, 401, 403, 404)},
            },
        },
        "/reports/{report_id}/relations": {
            "post": {
                "summary": "Relate two entities mentioned in the report",
                "operationId": "addReportRelation",
                "parameters": [_REPORT_ID],
                "requestBody": json_request({"type": "object", "required": ["from", "type", "to"],
                                         "properties": {
                    "from": {"type": "string"}, "to": {"type": "string"},
                    "type": {"type": "string", "description": "director_of, associate_of, "
                             "uses_phone, ..."}}}),
                "responses": {"201": json_response({"type": "object"}, "Created"),
                              **error_responses(400, 401, 403, 404)},
            },
        },
        "/extract": {
            "post": {
                "summary": "Entity extraction without storing anything",
                "operationId": "extract",
                "requestBody": json_request({"type": "object", "required": ["text"],
                                         "properties": {"text": {"type": "string"}}}),
                "responses": {
                    "200": json_response({
                        "type": "object", "required": ["entities"], "properties": {
                            "entities": {"type": "array",
                                         "items": schema_ref("ExtractedEntity")}}}),
                    **error_responses(400, 401, 413),
                },
            },
        },
    },
    _SCHEMAS,
)
