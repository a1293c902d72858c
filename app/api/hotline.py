"""Hotline tips over the API for officers: the queue, one tip with its thread, and the
reply the tipster reads with reference and code (same rules as app/hotline/service.py).

Tipsters themselves use the public pages only: the API needs an officer's token.
"""

from __future__ import annotations

from flask import jsonify, request

from app.api import bp
from app.api.answers import not_visible
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, json_request, json_response, path_parameter, register
from app.errors import error_response
from app.hotline import service
from app.hotline.service import MAX_TEXT, TipError
from graph.db import get_graph
from graph.errors import NotFound


@bp.get("/hotline/tips")
@token_required
def api_tips():
    return jsonify({"tips": service.tips_for(get_graph(), api_user())})


@bp.get("/hotline/tips/<report_id>")
@token_required
def api_tip(report_id: str):
    try:
        return jsonify(service.tip_for(get_graph(), api_user(), report_id, via="api"))
    except NotFound:
        return not_visible("tip", report_id)


@bp.post("/hotline/tips/<report_id>/replies")
@token_required
def api_reply(report_id: str):
    body = request.get_json(silent=True)
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text or len(text) > MAX_TEXT:
        return error_response(
            400, "Bad request", f'Send {{"text": "..."}} with 1 to {MAX_TEXT} characters.'
        )
    try:
        service.reply(get_graph(), api_user(), report_id, text)
    except PermissionError as exc:
        return error_response(403, "Forbidden", str(exc))
    except NotFound:
        return not_visible("tip", report_id)
    except TipError as exc:
        return error_response(422, "Unprocessable", str(exc))
    return jsonify({"report_id": report_id, "replied": True}), 201



_REPORT_ID = path_parameter("report_id")

register(
    {
        "/hotline/tips": {
            "get": {
                "summary": "Hotline tips the caller may see, latest activity first",
                "operationId": "listTips",
                "responses": {
                    "200": json_response(
                        {
                            "type": "object",
                            "required": ["tips"],
                            "properties": {"tips": {"type": "array", "items": {"type": "object"}}},
                        }
                    ),
                    **error_responses(401),
                },
            }
        },
        "/hotline/tips/{report_id}": {
            "get": {
                "summary": "One tip with its thread (audited)",
                "operationId": "getTip",
                "parameters": [_REPORT_ID],
                "responses": {
                    "200": json_response(
                        {
                            "type": "object",
                            "required": ["id", "thread"],
                            "properties": {
                                "id": {"type": "string"},
                                "reference": {"type": ["string", "null"]},
                                "thread": {"type": "array", "items": {"type": "object"}},
                            },
                        }
                    ),
                    **error_responses(401, 404),
                },
            }
        },
        "/hotline/tips/{report_id}/replies": {
            "post": {
                "summary": "Answer the tipster (analysts and admins; never name sources)",
                "operationId": "replyToTip",
                "parameters": [_REPORT_ID],
                "requestBody": json_request({
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
                    },
                }),
                "responses": {
                    "201": json_response(
                        {
                            "type": "object",
                            "required": ["report_id", "replied"],
                            "properties": {
                                "report_id": {"type": "string"},
                                "replied": {"type": "boolean"},
                            },
                        },
                        "Sent",
                    ),
                    **error_responses(400, 401, 403, 404, 422),
                },
            }
        },
    }
)
