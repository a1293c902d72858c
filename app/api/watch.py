"""Watch lists and notifications over the API: the caller's own only, as on the pages
(app/watch/service.py keeps the rules and the audit events)."""

from __future__ import annotations

from typing import Literal

from flask import jsonify
from pydantic import Field

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.errors import error_response
from app.watch import service
from app.watch.service import WatchError
from graph.errors import NotFound
from graph.watch import MAX_QUERY

MAX_ENTITY_ID = 300
NotificationKind = Literal["report", "dissemination", "task", "tip", "control", "declaration",
                           "aeo", "assistance"]


class Watch(Answer):
    id: str
    kind: Literal["entity", "search"] | None = None
    entity_id: str | None = None
    query: str | None = None
    label: str | None = None
    created_at: str | None = None


class Watches(Answer):
    watches: list[Watch]


class NewWatch(Body):
    """Give exactly one: an entity to watch or a search to save."""

    entity_id: str | None = Field(None, min_length=1, max_length=MAX_ENTITY_ID)
    query: str | None = Field(None, max_length=MAX_QUERY)


class Notification(Answer):
    id: str
    kind: NotificationKind | None = None
    text: str | None = None
    link: str | None = Field(None, description="the page of the record")
    created_at: str | None = None
    read: bool | None = None


class Notifications(Answer):
    notifications: list[Notification]
    unread: int


class NotificationQuery(Body):
    unread: Literal["0", "1", "true"] | None = None


class MarkRead(Body):
    """One notification's id, or nothing for all of them."""

    id: str | None = Field(None, min_length=1)


class Marked(Answer):
    marked: int


@bp.get("/watches")
@token_required
@operation("The caller's watched entities and saved searches", answer=Watches)
def api_watches():
    return jsonify({"watches": service.watches(api_user())})


@bp.post("/watches")
@token_required
@operation("Watch an entity or save a search (give exactly one)", body=NewWatch,
           answer=(201, Watch), errors=(400, 401, 422))
def api_add_watch(body: NewWatch):
    """``{"entity_id": ID}`` watches an entity, ``{"query": TEXT}`` saves a search."""
    if (body.entity_id is None) == (body.query is None):
        return error_response(400, "Bad request", 'Send {"entity_id": ID} or {"query": TEXT}.')
    try:
        if body.entity_id is not None:
            watch_id = service.watch_entity(api_user(), body.entity_id)
        else:
            watch_id = service.watch_search(api_user(), body.query or "")
    except WatchError as exc:
        return error_response(422, "Unprocessable", str(exc))
    watch = next((w for w in service.watches(api_user()) if w["id"] == watch_id), {"id": watch_id})
    return jsonify(watch), 201


@bp.delete("/watches/<watch_id>")
@token_required
@operation("Stop watching", errors=(401, 404), responses={"204": {"description": "Removed"}})
def api_remove_watch(watch_id: str):
    try:
        service.unwatch(api_user(), watch_id)
    except NotFound:
        return error_response(404, "Not found", f"You have no watch {watch_id}.")
    return "", 204


@bp.get("/notifications")
@token_required
@operation("The caller's notifications, newest first", query=NotificationQuery,
           answer=Notifications, operation_id="listNotifications")
def api_notifications(query: NotificationQuery):
    include_read = query.unread not in ("1", "true")
    return jsonify(
        {
            "notifications": service.notifications(api_user(), include_read=include_read),
            "unread": service.unread_count(api_user()),
        }
    )


@bp.post("/notifications/read")
@token_required
@operation("Mark one notification read, or all with an empty object", body=MarkRead,
           answer=Marked, errors=(400, 401), operation_id="markNotificationsRead")
def api_mark_read(body: MarkRead):
    """``{"id": ID}`` marks one notification read; ``{}`` marks them all."""
    return jsonify({"marked": service.mark_read(api_user(), body.id)})
