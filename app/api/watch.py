"""Watch lists and notifications over the API: the caller's own only, as on the pages
(app/watch/service.py keeps the rules and the audit events)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, json_response, register
from app.errors import error_response
from app.watch import service
from app.watch.service import WatchError
from graph.errors import NotFound
from graph.watch import MAX_QUERY

MAX_ENTITY_ID = 300


@bp.get("/watches")
@token_required
def api_watches():
    return jsonify({"watches": service.watches(api_user())})


@bp.post("/watches")
@token_required
def api_add_watch():
    """``{"entity_id": ID}`` watches an entity, ``{"query": TEXT}`` saves a search."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    entity_id, query = body.get("entity_id"), body.get("query")
    if (entity_id is None) == (query is None):
        return error_response(400, "Bad request", 'Send {"entity_id": ID} or {"query": TEXT}.')
    try:
        if entity_id is not None:
            if not isinstance(entity_id, str) or not 0 < len(entity_id) <= MAX_ENTITY_ID:
                return error_response(
                    400, "Bad request", f"entity_id: 1 to {MAX_ENTITY_ID} characters."
                )
            watch_id = service.watch_entity(api_user(), entity_id)
        else:
            if not isinstance(query, str) or len(query) > MAX_QUERY:
                return error_response(400, "Bad request", f"query: up to {MAX_QUERY} characters.")
            watch_id = service.watch_search(api_user(), query)
    except WatchError as exc:
        return error_response(422, "Unprocessable", str(exc))
    watch = next((w for w in service.watches(api_user()) if w["id"] == watch_id), {"id": watch_id})
    return jsonify(watch), 201


@bp.delete("/watches/<watch_id>")
@token_required
def api_remove_watch(watch_id: str):
    try:
        service.unwatch(api_user(), watch_id)
    except NotFound:
        return error_response(404, "Not found", f"You have no watch {watch_id}.")
    return "", 204


@bp.get("/notifications")
@token_required
def api_notifications():
    include_read = request.args.get("unread") not in ("1", "true")
    return jsonify(
        {
            "notifications": service.notifications(api_user(), include_read=include_read),
            "unread": service.unread_count(api_user()),
        }
    )


@bp.post("/notifications/read")
@token_required
def api_mark_read():
    """``{"id": ID}`` marks one notification read; ``{}`` marks them all."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, "Bad request", 'Send {"id": ID} or {} for all.')
    notification_id = body.get("id")
    if notification_id is not None and (
        not isinstance(notification_id, str) or not notification_id
    ):
        return error_response(400, "Bad request", "id: a notification id.")
    return jsonify({"marked": service.mark_read(api_user(), notification_id)})



def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": required or [], "properties": properties}


_SCHEMAS = {
    "Watch": _object(
        {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["entity", "search"]},
            "entity_id": {"type": ["string", "null"]},
            "query": {"type": ["string", "null"]},
            "label": {"type": ["string", "null"]},
            "created_at": {"type": ["string", "null"]},
        },
        ["id"],
    ),
    "Notification": _object(
        {
            "id": {"type": "string"},
            "kind": {
                "type": ["string", "null"],
                "enum": ["report", "dissemination", "task", "tip", "control", "declaration",
                         "aeo", "assistance", None],
            },
            "text": {"type": ["string", "null"]},
            "link": {"type": ["string", "null"], "description": "the page of the record"},
            "created_at": {"type": ["string", "null"]},
            "read": {"type": ["boolean", "null"]},
        },
        ["id"],
    ),
}
_WATCH = {"$ref": "#/components/schemas/Watch"}
_NOTIFICATION = {"$ref": "#/components/schemas/Notification"}

register(
    {
        "/watches": {
            "get": {
                "summary": "The caller's watched entities and saved searches",
                "operationId": "listWatches",
                "responses": {
                    "200": json_response(
                        _object({"watches": {"type": "array", "items": _WATCH}}, ["watches"])
                    ),
                    **error_responses(401),
                },
            },
            "post": {
                "summary": "Watch an entity or save a search (give exactly one)",
                "operationId": "addWatch",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _object(
                                {
                                    "entity_id": {
                                        "type": "string",
                                        "minLength": 1,
                                        "maxLength": MAX_ENTITY_ID,
                                    },
                                    "query": {
                                        "type": "string",
                                        "minLength": 3,
                                        "maxLength": MAX_QUERY,
                                    },
                                }
                            )
                        }
                    },
                },
                "responses": {
                    "201": json_response(_WATCH, "Watching"),
                    **error_responses(400, 401, 422),
                },
            },
        },
        "/watches/{watch_id}": {
            "delete": {
                "summary": "Stop watching",
                "operationId": "removeWatch",
                "parameters": [
                    {
                        "name": "watch_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"204": {"description": "Removed"}, **error_responses(401, 404)},
            }
        },
        "/notifications": {
            "get": {
                "summary": "The caller's notifications, newest first",
                "operationId": "listNotifications",
                "parameters": [
                    {
                        "name": "unread",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["0", "1"]},
                    }
                ],
                "responses": {
                    "200": json_response(
                        _object(
                            {
                                "notifications": {"type": "array", "items": _NOTIFICATION},
                                "unread": {"type": "integer"},
                            },
                            ["notifications", "unread"],
                        )
                    ),
                    **error_responses(401),
                },
            }
        },
        "/notifications/read": {
            "post": {
                "summary": "Mark one notification read, or all with an empty object",
                "operationId": "markNotificationsRead",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _object({"id": {"type": "string", "minLength": 1}})
                        }
                    },
                },
                "responses": {
                    "200": json_response(_object({"marked": {"type": "integer"}}, ["marked"])),
                    **error_responses(400, 401),
                },
            }
        },
    },
    _SCHEMAS,
)
