"""Watch lists and notifications for the pages and the API (no request objects here)."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import gettext as _

from app.audit import audit
from graph.access import viewer_param
from graph.db import get_graph
from graph.errors import NotFound, Refused
from graph.watch import MAX_QUERY, NotificationRepository, WatchRepository


class WatchError(Refused, ValueError):
    """Bad input for a watch; the message is shown to the officer beside ``field``."""

    field = "entity_id"


def watch_entity(user: Any, entity_id: Any) -> str:
    target = str(entity_id or "").strip()
    if not target or len(target) > 300:
        raise WatchError(_("Give the id of the entity to watch."))
    def watch_and_record() -> str:
        watch_id = WatchRepository(get_graph()).watch_entity(
            user.id, "W-" + uuid.uuid4().hex[:12].upper(), target, viewer_param(user)
        )
        audit("watch.add", watch_id, {"entity": target})
        return watch_id

    try:
        return get_graph().atomically(watch_and_record)
    except NotFound:
        raise WatchError(_("No entity %(target)s.", target=target)) from None


CHOICES = 10


def entity_to_watch(user: Any, typed: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """What an officer typed in "Watch an entity" (a trader's name or register number, a
    phone, a container, or an entity's id) as ``(entity id, [])`` when it names one entity
    they may see, else ``(None, choices)``: the entities it may mean, for them to pick.
    Only entities the officer may see are found (the search's need-to-know); none at all
    is a :class:`WatchError` that says the same whether an entity is hidden or missing."""
    from app.entities.service import search

    text = " ".join(str(typed or "").split())
    if not text or len(text) > 300:
        raise WatchError(_("Type a name, register number or identifier of the entity to "
                           "watch."))
    try:
        found = search(user, text, limit=CHOICES, reports=False).entities
    except ValueError:
        found = []
    exact = ([e for e in found if e.get("matched") == "identifier"]
             or [e for e in found if str(e.get("name") or "").casefold() == text.casefold()])
    if len(exact) == 1:
        return exact[0], []
    if len(found) == 1:
        return found[0], []
    if not found:
        raise WatchError(_("No entity you may see matches %(text)s.", text=text))
    return None, exact or found


def watch_search(user: Any, query: Any) -> str:
    text = " ".join(str(query or "").split())
    if len(text) < 3 or len(text) > MAX_QUERY:
        raise WatchError(_("A saved search needs 3 to %(max_query)s characters.",
                           max_query=MAX_QUERY), "query")
    def watch_and_record() -> str:
        watch_id = WatchRepository(get_graph()).watch_search(
            user.id, "W-" + uuid.uuid4().hex[:12].upper(), text
        )
        audit("watch.add", watch_id, {"search": text})
        return watch_id

    return get_graph().atomically(watch_and_record)


def unwatch(user: Any, watch_id: str) -> None:
    def remove_and_record() -> None:
        if not WatchRepository(get_graph()).remove(user.id, watch_id):
            raise NotFound(f"watch {watch_id} does not exist")
        audit("watch.remove", watch_id)

    get_graph().atomically(remove_and_record)


def watches(user: Any) -> list[dict[str, Any]]:
    return WatchRepository(get_graph()).list(user.id)


def is_watching(user: Any, entity_id: str) -> bool:
    return WatchRepository(get_graph()).is_watching(user.id, entity_id)


def notifications(user: Any, *, include_read: bool = True) -> list[dict[str, Any]]:
    return NotificationRepository(get_graph()).list(user.id, include_read=include_read)


def unread_count(user: Any) -> int:
    return NotificationRepository(get_graph()).unread_count(user.id)


def open_notification(user: Any, notification_id: str) -> str:
    """Mark the notification read and return the page of its record (NotFound when it is
    not the user's). Notification links are the app's own paths (graph/notify.py)."""

    def open_and_record() -> str:
        link = NotificationRepository(get_graph()).open(user.id, notification_id)
        audit("notification.read", notification_id, {"marked": 1})
        return link

    return get_graph().atomically(open_and_record)


def mark_read(user: Any, notification_id: str | None = None) -> int:
    def mark_and_record() -> int:
        marked = NotificationRepository(get_graph()).mark_read(user.id, notification_id)
        audit("notification.read", notification_id or "all", {"marked": marked})
        return marked

    return get_graph().atomically(mark_and_record)
