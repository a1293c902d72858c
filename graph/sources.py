"""Sources (informants, liaison officers, partner agencies, open sources, the hotline).

The codename is what everyone sees. An informant's identity is stored only as ciphertext
(``identity_enc``) and no query here returns it except :data:`IDENTITY_FOR_VIEWER`, which
matches only when the viewer is the source's handler or controller: the rule lives in the
query, so no page or API path can forget it. Import creates sources by codename with
``status: 'referenced'`` and nothing else; registering such a codename completes it.
"""

from __future__ import annotations

import builtins
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import Duplicate, NotFound

# The public face of a source: never identity_enc. Referenced sources may lack id/type.
_PUBLIC = """
s.id AS id, s.codename AS codename, s.type AS type, s.reliability AS reliability,
s.status AS status, s.created_at AS created_at,
h.id AS handler_id, h.name AS handler, c.id AS controller_id, c.name AS controller,
s.identity_enc IS NOT NULL AS has_identity
"""

REGISTER_SOURCE = """
MATCH (h:User {id: $handler_id}), (c:User {id: $controller_id})
MERGE (s:Source {codename: $codename})
ON CREATE SET s.status = 'new'
WITH s, h, c
WHERE s.status IN ['new', 'referenced']
SET s.id = coalesce(s.id, $id), s.type = $type, s.reliability = $reliability,
    s.status = 'active', s.created_at = coalesce(s.created_at, $now), s.created_by = $by,
    s.identity_enc = $identity_enc, s.updated_at = $now
MERGE (s)-[:HANDLED_BY]->(h)
MERGE (s)-[:CONTROLLED_BY]->(c)
CREATE (s)-[:GRADED]->(:ReliabilityGrade {grade: $reliability, by: $by, at: $now,
                                           reason: $reason})
RETURN s.codename AS codename
"""

LIST_SOURCES = (
    """
MATCH (s:Source)
WHERE ($type IS NULL OR s.type = $type) AND ($status IS NULL OR s.status = $status)
OPTIONAL MATCH (s)-[:HANDLED_BY]->(h:User)
OPTIONAL MATCH (s)-[:CONTROLLED_BY]->(c:User)
RETURN """
    + _PUBLIC
    + """, COUNT { (:Report)-[:FROM_SOURCE]->(s) } AS reports
ORDER BY s.codename SKIP $skip LIMIT $limit
"""
)

GET_SOURCE = (
    """
MATCH (s:Source {codename: $codename})
OPTIONAL MATCH (s)-[:HANDLED_BY]->(h:User)
OPTIONAL MATCH (s)-[:CONTROLLED_BY]->(c:User)
RETURN """
    + _PUBLIC
)

GRADE_HISTORY = """
MATCH (:Source {codename: $codename})-[:GRADED]->(g:ReliabilityGrade)
RETURN g.grade AS grade, g.by AS by, g.at AS at, g.reason AS reason
ORDER BY g.at DESC, elementId(g) DESC
"""

REGRADE = """
MATCH (s:Source {codename: $codename})
SET s.reliability = $grade, s.updated_at = $now
CREATE (s)-[:GRADED]->(:ReliabilityGrade {grade: $grade, by: $by, at: $now, reason: $reason})
RETURN s.codename AS codename
"""

# The only statement that returns identity ciphertext: the viewer must hold the source.
IDENTITY_FOR_VIEWER = """
MATCH (s:Source {codename: $codename})
WHERE EXISTS { (s)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id}) }
RETURN s.identity_enc AS identity_enc
"""

SET_IDENTITY = """
MATCH (s:Source {codename: $codename})
WHERE EXISTS { (s)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id}) }
SET s.identity_enc = $identity_enc, s.updated_at = $now
RETURN s.codename AS codename
"""

HOLDS_SOURCE = """
MATCH (s:Source {codename: $codename})
RETURN EXISTS { (s)-[:HANDLED_BY]->(:User {id: $viewer_id}) } AS handler,
       EXISTS { (s)-[:CONTROLLED_BY]->(:User {id: $viewer_id}) } AS controller
"""

SOURCES_HELD_BY = """
MATCH (s:Source)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id})
RETURN DISTINCT s.codename AS codename, s.type AS type, s.reliability AS reliability
ORDER BY codename
"""


class SourceRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def register(
        self,
        *,
        id: str,
        codename: str,
        type: str,
        reliability: str,
        handler_id: str,
        controller_id: str,
        identity_enc: str | None,
        by: str,
        reason: str,
    ) -> str:
        """Create a source, or complete one that an import only referenced by codename."""
        rows = self.graph.write(
            tx_run,
            REGISTER_SOURCE,
            id=id,
            codename=codename,
            type=type,
            reliability=reliability,
            handler_id=handler_id,
            controller_id=controller_id,
            identity_enc=identity_enc,
            by=by,
            reason=reason,
            now=utc_now(),
        )
        if not rows:
            if self.get(codename) is not None:
                raise Duplicate(f"source {codename} exists already")
            raise NotFound("handler or controller does not exist")
        return rows[0]["codename"]

    def list(
        self,
        *,
        type: str | None = None,
        status: str | None = None,
        skip: int = 0,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        return self.graph.query(
            LIST_SOURCES, {"type": type, "status": status, "skip": skip, "limit": limit}
        )

    def get(self, codename: str) -> dict[str, Any] | None:
        rows = self.graph.query(GET_SOURCE, {"codename": codename})
        return rows[0] if rows else None

    def history(self, codename: str) -> builtins.list[dict[str, Any]]:
        return self.graph.query(GRADE_HISTORY, {"codename": codename})

    def regrade(self, codename: str, grade: str, *, by: str, reason: str) -> None:
        rows = self.graph.write(
            tx_run, REGRADE, codename=codename, grade=grade, by=by, reason=reason, now=utc_now()
        )
        if not rows:
            raise NotFound(f"no source {codename}")

    def holding(self, codename: str, viewer_id: str) -> dict[str, bool]:
        """Whether the viewer is this source's handler and/or controller."""
        rows = self.graph.query(HOLDS_SOURCE, {"codename": codename, "viewer_id": viewer_id})
        return rows[0] if rows else {"handler": False, "controller": False}

    def held_by(self, viewer_id: str) -> builtins.list[dict[str, Any]]:
        return self.graph.query(SOURCES_HELD_BY, {"viewer_id": viewer_id})

    def identity_ciphertext(self, codename: str, viewer_id: str) -> str | None:
        """The encrypted identity, only for the handler or controller; else NotFound."""
        rows = self.graph.query(IDENTITY_FOR_VIEWER, {"codename": codename, "viewer_id": viewer_id})
        if not rows:
            raise NotFound(f"no source {codename} held by this officer")
        return rows[0]["identity_enc"]

    def set_identity(self, codename: str, viewer_id: str, identity_enc: str) -> None:
        rows = self.graph.write(
            tx_run,
            SET_IDENTITY,
            codename=codename,
            viewer_id=viewer_id,
            identity_enc=identity_enc,
            now=utc_now(),
        )
        if not rows:
            raise NotFound(f"no source {codename} held by this officer")
