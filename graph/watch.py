"""Watch lists and in-app notifications.

An officer watches an entity or a saved search:
``(:User)-[:HAS_WATCH]->(:Watch {id, kind: 'entity' | 'search', entity_id, query, needle,
created_at})``. When a report, declaration or control touching watched entities is
written, the writing module calls :func:`notify_watchers`, which leaves one
``(:Notification {id, key, text, link, created_at, read})-[:FOR]->(:User)`` per watcher
and event (``key`` makes the call idempotent: an import run twice notifies once).

Need-to-know: for a report event a watcher is notified only if ``REPORT_VISIBLE`` lets
them read that report, so a restricted report neither reaches nor reveals itself to
anybody else. Notification texts name the event and the watched entity or search, never
report text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, LiteralString

from graph.access import REPORT_VISIBLE
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.network import ENTITY_VISIBLE

EVENT_KINDS = ("report", "declaration", "control")
MAX_QUERY = 200

# The same predicate as everywhere else, evaluated per watcher: ``$viewer`` becomes a map
# built in the query from each watcher's node. A constant derived from a constant, no
# request value goes into the text.
_REPORT_VISIBLE_TO_WATCHER: LiteralString = REPORT_VISIBLE.replace("$viewer", "viewer")

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

# Watchers of the touched entities (and of entities merged with them through SAME_AS), and
# of saved searches matching a touched entity's name, alias or id, or the report's title or
# text; for a report, only the watchers who may read it.
NOTIFY = (
    """
OPTIONAL MATCH (r:Report {id: $event_id}) WHERE $kind = 'report'
OPTIONAL MATCH (touched:Entity) WHERE touched.id IN $entity_ids
OPTIONAL MATCH (touched)-[:SAME_AS]-(same:Entity)
WITH r, collect(DISTINCT touched) + collect(DISTINCT same) AS entities
WITH r, entities,
     [e IN entities | e.id] AS ids,
     [e IN entities | toLower(coalesce(e.name, ''))]
       + [e IN entities | toLower(e.id)]
       + [e IN entities | toLower(coalesce(e.aliases_text, ''))]
       + [toLower(coalesce(r.title, '')), toLower(coalesce(r.text, ''))] AS haystack
CALL (entities, ids, haystack) {
  MATCH (u:User)-[:HAS_WATCH]->(w:Watch {kind: 'entity'})
  WHERE w.entity_id IN ids
  RETURN u, coalesce([e IN entities WHERE e.id = w.entity_id | e.name][0], w.label) AS what
  UNION
  MATCH (u:User)-[:HAS_WATCH]->(w:Watch {kind: 'search'})
  WHERE any(h IN haystack WHERE h CONTAINS w.needle)
  RETURN u, 'search "' + w.query + '"' AS what
}
WITH r, u, collect(DISTINCT what) AS whats
WHERE coalesce(u.active, true) AND ($actor_id IS NULL OR u.id <> $actor_id)
MATCH (u)-[:MEMBER_OF]->(unit:Unit)
WITH r, u, whats, {id: u.id, unit: unit.name, role: u.role} AS viewer
WHERE $kind <> 'report' OR (r IS NOT NULL AND """
    + _REPORT_VISIBLE_TO_WATCHER
    + """)
WITH r, u, whats, u.id + '|' + $kind + '|' + $event_id AS key
WHERE NOT EXISTS { (:Notification {key: key}) }
MERGE (n:Notification {key: key})
ON CREATE SET n.id = randomUUID(), n.created_at = $now, n.read = false, n.link = $link,
              n.text = $headline + CASE WHEN r IS NULL THEN ''
                                        ELSE ' ' + coalesce(r.reference, r.id) END
                       + ' touches ' +
                reduce(s = '', w IN whats | s + CASE WHEN s = '' THEN '' ELSE ', ' END + w),
              n.kind = $kind, n.event_id = $event_id
MERGE (n)-[:FOR]->(u)
RETURN u.id AS user_id
"""
)

LIST_NOTIFICATIONS = """
MATCH (n:Notification)-[:FOR]->(:User {id: $user_id})
WHERE $all OR n.read = false
RETURN n {.id, .text, .link, .created_at, .read, .kind} AS notification
ORDER BY n.created_at DESC
LIMIT $limit
"""

UNREAD_COUNT = """
MATCH (n:Notification {read: false})-[:FOR]->(:User {id: $user_id})
RETURN count(n) AS unread
"""

MARK_READ = """
MATCH (n:Notification)-[:FOR]->(:User {id: $user_id})
WHERE $all OR n.id = $id
SET n.read = true, n.read_at = $now
RETURN count(n) AS marked
"""


def _headline(event: dict[str, Any]) -> str:
    kind = event["kind"]
    if kind == "control":
        declaration = event.get("declaration") or str(event["id"]).split("/")[0]
        return f"New control result for declaration {declaration}"
    if kind == "report":  # the statement adds the report's reference
        return "New report"
    return f"New {kind} {event['id']}"


def notify_watchers(graph: Graph, entity_ids: Iterable[str], event: dict[str, Any]) -> list[str]:
    """Notify the watchers of ``entity_ids`` about ``event``; return the users notified now.

    ``event``: ``{"kind": "report" | "declaration" | "control", "id": ..., "link": ...,
    "actor_id": ... (optional, not notified), "declaration": ... (controls, optional)}``.
    Call it after the write that created the record has committed (the report's
    visibility is read from the graph). Idempotent per user and event.
    """
    kind = event.get("kind")
    if kind not in EVENT_KINDS:
        raise ValueError(f"event kind must be one of {', '.join(EVENT_KINDS)}")
    if not event.get("id"):
        raise ValueError("event needs an id")
    ids = sorted({str(e) for e in entity_ids if e})
    rows = graph.write(
        tx_run,
        NOTIFY,
        entity_ids=ids,
        kind=kind,
        event_id=str(event["id"]),
        headline=_headline(event),
        link=event.get("link") or "",
        actor_id=event.get("actor_id"),
        now=utc_now(),
    )
    return sorted({row["user_id"] for row in rows})


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

    def list(
        self, user_id: str, *, include_read: bool = True, limit: int = 100
    ) -> list[dict[str, Any]]:
        params = {"user_id": user_id, "all": include_read, "limit": limit}
        return [row["notification"] for row in self.graph.query(LIST_NOTIFICATIONS, params)]

    def unread_count(self, user_id: str) -> int:
        return int(self.graph.query(UNREAD_COUNT, {"user_id": user_id})[0]["unread"])

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
