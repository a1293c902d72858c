"""Sign-in sessions kept in the graph, so that the server can end them.

The browser's signed cookie carries only a random session id; the graph keeps the SHA-256
of that id with the start and last-seen times (epoch seconds). Logout deletes the
session, a password change or a disabled account deletes all of a user's sessions, and
the idle and absolute limits are judged from these times, not from the cookie.
"""

from __future__ import annotations

from typing import Any

from graph.connection import Graph
from graph.users import _USER_FIELDS

# Sessions of the user past the absolute limit or idle too long are swept at each sign-in.
START_SESSION = """
MATCH (u:User {id: $user_id})
CREATE (:Session {id: $id, started_at: $now, seen_at: $now})-[:OF]->(u)
WITH u
OPTIONAL MATCH (old:Session)-[:OF]->(u)
WHERE old.started_at < $started_before OR old.seen_at < $seen_before
DETACH DELETE old
"""
# The one indexed read of each signed-in request: the session and its user together.
SESSION_USER = (
    """
MATCH (s:Session {id: $id})-[:OF]->(u:User {id: $user_id})-[:MEMBER_OF]->(unit:Unit)
RETURN s.started_at AS started_at, s.seen_at AS seen_at, """
    + _USER_FIELDS
)
TOUCH_SESSION = "MATCH (s:Session {id: $id}) SET s.seen_at = $now"
END_SESSION = "MATCH (s:Session {id: $id}) DETACH DELETE s"
END_USER_SESSIONS = """
MATCH (s:Session)-[:OF]->(:User {id: $user_id})
WHERE $keep IS NULL OR s.id <> $keep
DETACH DELETE s
"""


class SessionRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def start(
        self, session_id: str, user_id: str, *, now: int, idle: int, absolute: int
    ) -> None:
        self.graph.query(
            START_SESSION,
            {"id": session_id, "user_id": user_id, "now": now,
             "started_before": now - absolute, "seen_before": now - idle},
            write=True,
        )

    def with_user(self, session_id: str, user_id: str) -> dict[str, Any] | None:
        rows = self.graph.query(SESSION_USER, {"id": session_id, "user_id": user_id})
        return rows[0] if rows else None

    def touch(self, session_id: str, now: int) -> None:
        self.graph.query(TOUCH_SESSION, {"id": session_id, "now": now}, write=True)

    def end(self, session_id: str) -> None:
        self.graph.query(END_SESSION, {"id": session_id}, write=True)

    def end_all(self, user_id: str, *, keep: str | None = None) -> None:
        """End every session of a user, except ``keep`` (the one changing the password)."""
        self.graph.query(END_USER_SESSIONS, {"user_id": user_id, "keep": keep}, write=True)
