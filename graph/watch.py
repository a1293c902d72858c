"""Watch lists, and reading the in-app notifications.

An officer watches an entity or a saved search:
``(:User)-[:HAS_WATCH]->(:Watch {id, kind: 'entity' | 'search', entity_id, query, needle,
created_at})``. The notifications those watches (and disseminations, tasks, tips) raise
are written by graph/notify.py in the transaction of the write that causes them:
``(:Notification {id, key, kind, text, link, created_at, read})-[:FOR]->(:User)``.
"""

from __future__ import annotations

from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.network import ENTITY_VISIBLE
from graph.notify import MY_NOTIFICATIONS

MAX_QUERY = 200

# Only an entity the watcher may see (ENTITY_VISIBLE): watching must not reveal that an
# entity known only from reports hidden from them exists.
ADD_ENTITY_WATCH = (
    """
MATCH (u:User {id: $user_id})
MATCH (e:Entity {id: $entity_id})
WHERE """
    + ENTITY_VISIBLE
    + """
OPTIONAL MATCH (u)-[:HAS_WATCH]->(existing:Watch {kind: 'entity', entity_id: e.id})
WITH u, e, existing
CALL (u, e, existing) {
  WITH u, e, existing WHERE existing IS NULL
  CREATE (u)-[:HAS_WATCH]->(w:Watch {id: $id, kind: 'entity', entity_id: e.id,
                                     label: coalesce(e.name, e.id), created_at: $now})
  RETURN w
  UNION
  WITH existing WHERE existing IS NOT NULL
  RETURN existing AS w
}
RETURN w.id AS id
"""
)

ADD_SEARCH_WATCH = """
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:HAS_WATCH]->(existing:Watch {kind: 'search', needle: $needle})
WITH u, existing
CALL (u, existing) {
  WITH u, existing WHERE existing IS NULL
  CREATE (u)-[:HAS_WATCH]->(w:Watch {id: $id, kind: 'search', query: $query, needle: $needle,
                                     label: $query, created_at: $now})
  RETURN w
  UNION
  WITH existing WHERE existing IS NOT NULL
  RETURN existing AS w
}
RETURN w.id AS id
"""

LIST_WATCHES = """
MATCH (:User {id: $user_id})-[:HAS_WATCH]->(w:Watch)
RETURN w {.id, .kind, .entity_id, .query, .label, .created_at} AS watch
ORDER BY w.created_at DESC
"""

IS_WATCHING = """
RETURN EXISTS {
  (:User {id: $user_id})-[:HAS_WATCH]->(:Watch {kind: 'entity', entity_id: $entity_id})
} AS watching
"""

REMOVE_WATCH = """
MATCH (:User {id: $user_id})-[:HAS_WATCH]->(w:Watch {id: $id})
DETACH DELETE w
RETURN $id AS id
"""

# Each read checks the record behind the notification (graph/notify.py): what the reader
# may no longer see is neither listed, counted on the badge nor opened.
NOTIFICATION_KINDS = """
UNWIND $ids AS id
MATCH (n:Notification {id: id})
RETURN n.id AS id, n.kind AS kind, n.created_at AS created_at
"""

LIST_NOTIFICATIONS = (
    MY_NOTIFICATIONS
    + """ AND ($all OR n.read = false)
RETURN n {.id, .text, .link, .created_at, .read, .kind} AS notification
ORDER BY n.created_at DESC
LIMIT $limit
"""
)

# The menu badge on every page: anchored on the user, so it costs their own unread
# notifications, never a scan of everyone's.
UNREAD_COUNT = (
    MY_NOTIFICATIONS
    + """ AND n.read = false
RETURN count(n) AS unread
"""
)

OPEN_NOTIFICATION = (
    MY_NOTIFICATIONS
    + """ AND n.id = $id
SET n.read = true, n.read_at = coalesce(n.read_at, $now)
RETURN n.link AS link
"""
)

MARK_READ = """
MATCH (n:Notification)-[:FOR]->(:User {id: $user_id})
WHERE $all OR n.id = $id
SET n.read = true, n.read_at = $now
RETURN count(n) AS marked
"""


class WatchRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def watch_entity(
        self, user_id: str, watch_id: str, entity_id: str, viewer: dict[str, str]
    ) -> str:
        """NotFound when the entity does not exist or the viewer may not see it."""
        rows = self.graph.write(
            tx_run,
            ADD_ENTITY_WATCH,
            user_id=user_id,
            id=watch_id,
            entity_id=entity_id,
            viewer=viewer,
            now=utc_now(),
        )
        if not rows:
            raise NotFound(f"entity {entity_id} does not exist")
        return rows[0]["id"]

    def watch_search(self, user_id: str, watch_id: str, query: str) -> str:
        rows = self.graph.write(
            tx_run,
            ADD_SEARCH_WATCH,
            user_id=user_id,
            id=watch_id,
            query=query,
            needle=query.lower(),
            now=utc_now(),
        )
        if not rows:
            raise NotFound("user does not exist")
        return rows[0]["id"]

    def list(self, user_id: str) -> list[dict[str, Any]]:
        return [row["watch"] for row in self.graph.query(LIST_WATCHES, {"user_id": user_id})]

    def is_watching(self, user_id: str, entity_id: str) -> bool:
        rows = self.graph.query(IS_WATCHING, {"user_id": user_id, "entity_id": entity_id})
        return bool(rows[0]["watching"])

    def remove(self, user_id: str, watch_id: str) -> bool:
        rows = self.graph.write(tx_run, REMOVE_WATCH, user_id=user_id, id=watch_id)
        return bool(rows)


class NotificationRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def kinds(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Notification id → its kind and creation time (what the audit log names it by,
        never its text, which names a record), for many notifications in one read."""
        if not ids:
            return {}
        rows = self.graph.query(NOTIFICATION_KINDS, {"ids": sorted(set(ids))})
        return {row["id"]: {"kind": row["kind"], "created_at": row["created_at"]} for row in rows}

    def list(
        self, user_id: str, *, include_read: bool = True, limit: int = 100
    ) -> list[dict[str, Any]]:
        params = {"user_id": user_id, "all": include_read, "limit": limit}
        return [row["notification"] for row in self.graph.query(LIST_NOTIFICATIONS, params)]

    def unread_count(self, user_id: str) -> int:
        rows = self.graph.query(UNREAD_COUNT, {"user_id": user_id})
        return int(rows[0]["unread"]) if rows else 0

    def open(self, user_id: str, notification_id: str) -> str:
        """Mark one of the user's notifications read and return its link (NotFound for
        anybody else's)."""
        rows = self.graph.write(tx_run, OPEN_NOTIFICATION, user_id=user_id, id=notification_id,
                                now=utc_now())
        if not rows:
            raise NotFound(f"notification {notification_id} does not exist")
        return rows[0]["link"] or ""

    def mark_read(self, user_id: str, notification_id: str | None = None) -> int:
        rows = self.graph.write(
            tx_run,
            MARK_READ,
            user_id=user_id,
            id=notification_id,
            all=notification_id is None,
            now=utc_now(),
        )
        return int(rows[0]["marked"]) if rows else 0
