"""Mutual administrative assistance requests over the API: the same services as the pages
(app/assistance/service.py), need-to-know included: a request the caller may not see
answers 404, its hidden subjects are left out."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from pydantic import Field

from app.api import bp
from app.api.answers import refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.assistance import service
from graph.assistance import DIRECTIONS, STATUSES
from graph.db import get_graph

_answered = refusals_answered("assistance request", "request_id", service.AssistanceError)
_DIRECTIONS = {"enum": list(DIRECTIONS)}


class AssistanceRequest(Answer):
    id: str
    reference: str | None = Field(description="MAR-2026-000012")
    direction: str = Field(json_schema_extra=_DIRECTIONS)
    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    overdue: bool
    partner: dict[str, Any]
    legal_basis: str | None = None
    legal_text: str | None = None
    questions: str | None = None
    deadline: str | None = None
    subjects: list[dict[str, Any]] = Field([], description="the persons and traders the "
                                           "caller may see")
    partner_subjects: list[Any] = []
    declarations: list[str] | None = None
    reply_text: str | None = None
    case: dict[str, Any] | None = None
    files: list[dict[str, Any]] = []


class AssistancePage(Answer):
    requests: list[AssistanceRequest]
    next: str | None


class AssistanceQuery(Body):
    direction: str | None = Field(None, json_schema_extra=_DIRECTIONS)
    status: str | None = None
    partner: str | None = None
    after: str | None = Field(None, description="the next page's token from the previous "
                              "answer")


class NewAssistanceRequest(Body):
    """The request's fields; the service holds the rules (which are required, the legal
    bases, the deadline, who may ask)."""

    partner: str | None = None
    direction: str | None = Field(None, json_schema_extra=_DIRECTIONS)
    legal_basis: str | None = None
    legal_text: str | None = None
    questions: str | None = None
    deadline: str | None = Field(None, json_schema_extra={"format": "date"})
    subjects: list[str] | None = None
    declarations: list[str] | None = None
    case: str | None = None


class AssistanceReply(Body):
    reply: str | None = None

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
@_answered
@operation("The mutual assistance register, newest first, a page at a time",
           query=AssistanceQuery, answer=AssistancePage, errors=(400, 401, 403),
           operation_id="listAssistanceRequests")
def api_assistance_list(query: AssistanceQuery):
    page = service.listing(get_graph(), api_user(), direction=query.direction,
                           status=query.status, partner=query.partner, after=query.after)
    return jsonify({"requests": [_public(r) for r in page["requests"]],
                    "next": page["next"]})


@bp.post("/assistance")
@token_required
@_answered
@operation("Record a mutual assistance request (outgoing: a draft)",
           body=NewAssistanceRequest, answer=(201, AssistanceRequest),
           errors=(400, 401, 403, 404), operation_id="createAssistanceRequest")
def api_assistance_create(body: NewAssistanceRequest):
    request_id = service.create(get_graph(), api_user(), body.model_dump(exclude_unset=True))
    return jsonify(_public(service.read(get_graph(), api_user(), request_id, via="api"))), 201


@bp.get("/assistance/<request_id>")
@token_required
@_answered
@operation("A mutual assistance request (by id or reference)", answer=AssistanceRequest,
           errors=(401, 403, 404), operation_id="getAssistanceRequest")
def api_assistance_get(request_id: str):
    found = service.read(get_graph(), api_user(), service.resolve(get_graph(), request_id),
                         via="api")
    return jsonify(_public(found))


@bp.post("/assistance/<request_id>/reply")
@token_required
@_answered
@operation("Record the reply to a request (ours to an incoming one, the partner's to an "
           "outgoing one)", body=AssistanceReply, answer=AssistanceRequest,
           errors=(400, 401, 403, 404, 409), operation_id="replyAssistanceRequest")
def api_assistance_reply(request_id: str, body: AssistanceReply):
    ident = service.resolve(get_graph(), request_id)
    service.reply(get_graph(), api_user(), ident, body.reply)
    return jsonify(_public(service.read(get_graph(), api_user(), ident, via="api")))
