"""Entity merge and split over the API (same rules as the Duplicates pages)."""

from __future__ import annotations

from flask import jsonify, request

from app.api import bp
from app.api.answers import json_object
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, register
from app.errors import error_response
from app.merges import service
from app.merges.service import MergeRefused, NotFound
from graph.db import get_graph


@bp.post("/entities/<path:entity_id>/merge")
@token_required
def merge_entity(entity_id: str):
    data = json_object()
    if data is None:
        return error_response(
            400, "Bad request", 'Send a JSON object: {"into": ID, "reason": TEXT}.'
        )
    into, reason = data.get("into"), data.get("reason", "")
    if not isinstance(into, str) or not into.strip():
        return error_response(400, "Bad request", '"into" must be the id of an entity.')
    if not isinstance(reason, str):
        return error_response(400, "Bad request", '"reason" must be text.')
    try:
        result = service.merge(get_graph(), api_user(), entity_id, into.strip(), reason)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    except MergeRefused as exc:
        return error_response(exc.status, "Refused", str(exc))
    return jsonify({"id": result["from"], "into": result["into"], "merged": True}), 201


@bp.post("/entities/<path:entity_id>/split")
@token_required
def split_entity(entity_id: str):
    data = request.get_json(silent=True) if request.data else {}
    if not isinstance(data, dict):
        return error_response(400, "Bad request", 'Send a JSON object, e.g. {"reason": TEXT}.')
    reason = data.get("reason", "")
    if not isinstance(reason, str):
        return error_response(400, "Bad request", '"reason" must be text.')
    try:
        result = service.split(get_graph(), api_user(), entity_id, reason)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    except MergeRefused as exc:
        return error_response(exc.status, "Refused", str(exc))
    return jsonify({"id": result["from"], "from": result["into"], "merged": False})


_ID = {"name": "entity_id", "in": "path", "required": True, "schema": {"type": "string"}}
register(
    {
        "/entities/{entity_id}/merge": {
            "post": {
                "summary": "Merge an entity into another (reversible SAME_AS link)",
                "operationId": "mergeEntity",
                "parameters": [_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/MergeRequest"}
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Merged: the entity now points at the survivor",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/MergeResult"}
                            }
                        },
                    },
                    **error_responses(400, 401, 403, 404, 409),
                },
            }
        },
        "/entities/{entity_id}/split": {
            "post": {
                "summary": "Undo a merge: remove the entity's SAME_AS link",
                "operationId": "splitEntity",
                "parameters": [_ID],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"reason": {"type": "string", "maxLength": 500}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Split",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/MergeResult"}
                            }
                        },
                    },
                    **error_responses(400, 401, 403, 404, 409),
                },
            }
        },
    },
    {
        "MergeRequest": {
            "type": "object",
            "required": ["into", "reason"],
            "properties": {
                "into": {"type": "string", "description": "id of the surviving entity"},
                "reason": {"type": "string", "maxLength": 500},
            },
        },
        "MergeResult": {
            "type": "object",
            "required": ["id", "merged"],
            "properties": {
                "id": {"type": "string"},
                "into": {"type": "string"},
                "from": {"type": "string"},
                "merged": {"type": "boolean"},
            },
        },
    },
)
