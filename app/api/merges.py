"""Entity merge and split over the API (same rules as the Duplicates pages)."""

from __future__ import annotations

from flask import jsonify
from pydantic import Field

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.errors import error_response
from app.merges import service
from app.merges.service import MergeRefused, NotFound
from graph.db import get_graph


class MergeRequest(Body):
    into: str = Field(min_length=1, description="id of the surviving entity")
    reason: str = Field("", max_length=500)


class SplitRequest(Body):
    reason: str = Field("", max_length=500)


class MergeResult(Answer):
    id: str
    merged: bool
    into: str | None = None
    from_: str | None = Field(None, alias="from")


@bp.post("/entities/<path:entity_id>/merge")
@token_required
@operation("Merge an entity into another (reversible SAME_AS link)", body=MergeRequest,
           answer=(201, MergeResult), errors=(400, 401, 403, 404, 409))
def merge_entity(entity_id: str, body: MergeRequest):
    if not body.into.strip():
        return error_response(400, "Bad request", '"into" must be the id of an entity.')
    try:
        result = service.merge(get_graph(), api_user(), entity_id, body.into.strip(),
                               body.reason)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    except MergeRefused as exc:
        return error_response(exc.status, "Refused", str(exc))
    return jsonify({"id": result["from"], "into": result["into"], "merged": True}), 201


@bp.post("/entities/<path:entity_id>/split")
@token_required
@operation("Undo a merge: remove the entity's SAME_AS link", body=SplitRequest,
           answer=MergeResult, errors=(400, 401, 403, 404, 409))
def split_entity(entity_id: str, body: SplitRequest):
    try:
        result = service.split(get_graph(), api_user(), entity_id, body.reason)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    except MergeRefused as exc:
        return error_response(exc.status, "Refused", str(exc))
    return jsonify({"id": result["from"], "from": result["into"], "merged": False})
