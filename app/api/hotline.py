"""Hotline tips over the API for officers: the queue, one tip with its thread, and the
reply the tipster reads with reference and code (same rules as app/hotline/service.py).

Tipsters themselves use the public pages only: the API needs an officer's token.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from pydantic import Field

from app.api import bp
from app.api.answers import not_visible
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.errors import error_response
from app.hotline import service
from app.hotline.service import MAX_TEXT, TipError
from graph.db import get_graph
from graph.errors import Forbidden, NotFound


class Tips(Answer):
    tips: list[dict[str, Any]]


class Tip(Answer):
    id: str
    thread: list[dict[str, Any]]
    reference: str | None = None


class Reply(Body):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class Replied(Answer):
    report_id: str
    replied: bool


@bp.get("/hotline/tips")
@token_required
@operation("Hotline tips the caller may see, latest activity first", answer=Tips)
def api_tips():
    return jsonify({"tips": service.tips_for(get_graph(), api_user())})


@bp.get("/hotline/tips/<report_id>")
@token_required
@operation("One tip with its thread (audited)", answer=Tip, errors=(401, 404))
def api_tip(report_id: str):
    try:
        return jsonify(service.tip_for(get_graph(), api_user(), report_id, via="api"))
    except NotFound:
        return not_visible("tip", report_id)


@bp.post("/hotline/tips/<report_id>/replies")
@token_required
@operation("Answer the tipster (analysts and admins; never name sources)", body=Reply,
           answer=(201, Replied), errors=(400, 401, 403, 404, 422))
def api_reply(report_id: str, body: Reply):
    try:
        service.reply(get_graph(), api_user(), report_id, body.text)
    except Forbidden as exc:
        return error_response(403, "Forbidden", str(exc))
    except NotFound:
        return not_visible("tip", report_id)
    except TipError as exc:
        return error_response(422, "Unprocessable", str(exc))
    return jsonify({"report_id": report_id, "replied": True}), 201
