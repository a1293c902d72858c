"""Sources (informants, liaison officers, partner agencies, open sources, the hotline).

The codename is what everyone sees. An informant's identity is stored only as ciphertext
(``identity_enc``) and no query here returns it except :data:`IDENTITY_FOR_VIEWER`, which
matches only when the viewer is the source's handler or controller: the rule lives in the
query, so no page or API path can forget it. Import creates sources by codename with
``status: 'referenced'`` and nothing else; registering such a codename completes it.

The informant guidelines (recruitment, contacts, payments, reviews): a registered source
waits in ``status: 'pending'`` until its controller approves the recruitment (``approved_at``,
``approved_by``), then is ``active`` with a ``review_due`` date. Contacts are
``(:Source)-[:CONTACT]->(:SourceContact)-[:WITH_OFFICER]->(:User)`` and, like the identity,
are read only by a query that matches the viewer as the source's handler or controller.
The guidelines text adopted by the administration is kept as ``(:Guidelines {topic})``
versions, the newest in force.
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
s.identity_enc IS NOT NULL AS has_identity,
s.approved_at AS approved_at, s.approved_by AS approved_by, s.review_due AS review_due,
s.reviewed_at AS reviewed_at
"""

REGISTER_SOURCE = """
MATCH (h:User {id: $handler_id}), (c:User {id: $controller_id})
MERGE (s:Source {codename: $codename})
ON CREATE SET s.status = 'new'
WITH s, h, c
WHERE s.status IN ['new', 'referenced']
SET s.id = coalesce(s.id, $id), s.type = $type, s.reliability = $reliability,
    s.status = 'pending', s.created_at = coalesce(s.created_at, $now), s.created_by = $by,
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
RETURN DISTINCT s.codename AS codename, s.type AS type, s.reliability AS reliability,
       s.status AS status
ORDER BY codename
"""

# Only the controller approves, and only a source still waiting for it.
APPROVE_RECRUITMENT = """
MATCH (s:Source {codename: $codename})-[:CONTROLLED_BY]->(c:User {id: $viewer_id})
WHERE s.status = 'pending'
SET s.status = 'active', s.approved_at = $now, s.approved_by = c.name,
    s.approved_by_id = c.id, s.review_due = $review_due, s.updated_at = $now
RETURN s.codename AS codename
"""

RECORD_REVIEW = """
MATCH (s:Source {codename: $codename})
WHERE s.status = 'active'
  AND EXISTS { (s)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id}) }
SET s.reviewed_at = $now, s.review_due = $review_due, s.updated_at = $now
CREATE (s)-[:REVIEWED]->(:SourceReview {at: $now, by: $by, note: $note, next_due: $review_due})
RETURN s.codename AS codename
"""

REVIEWS_FOR_VIEWER = """
MATCH (s:Source {codename: $codename})-[:REVIEWED]->(r:SourceReview)
WHERE EXISTS { (s)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id}) }
RETURN r.at AS at, r.by AS by, r.note AS note, r.next_due AS next_due
ORDER BY r.at DESC, elementId(r) DESC
"""

# The officer met must hold the source too (its handler or controller).
ADD_CONTACT = """
MATCH (s:Source {codename: $codename})
WHERE EXISTS { (s)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id}) }
MATCH (s)-[:HANDLED_BY|CONTROLLED_BY]->(o:User {id: $officer_id})
WITH DISTINCT s, o
CREATE (s)-[:CONTACT]->(c:SourceContact {id: $id, date: $date, place: $place,
        payment: $payment, amount: $amount, currency: $currency, reason: $reason,
        notes: $notes, recorded_by: $by, recorded_at: $now})-[:WITH_OFFICER]->(o)
SET s.last_contact = CASE WHEN coalesce(s.last_contact, '') < $date THEN $date
                          ELSE s.last_contact END
RETURN c.id AS id
"""

CONTACTS_FOR_VIEWER = """
MATCH (s:Source {codename: $codename})
WHERE EXISTS { (s)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id}) }
MATCH (s)-[:CONTACT]->(c:SourceContact)-[:WITH_OFFICER]->(o:User)
RETURN c.id AS id, c.date AS date, c.place AS place, c.payment AS payment,
       c.amount AS amount, c.currency AS currency, c.reason AS reason, c.notes AS notes,
       o.name AS officer, c.recorded_by AS recorded_by, c.recorded_at AS recorded_at
ORDER BY c.date DESC, c.recorded_at DESC
"""

REVIEWS_OVERDUE = """
MATCH (s:Source)-[:HANDLED_BY|CONTROLLED_BY]->(:User {id: $viewer_id})
WHERE s.status = 'active' AND s.review_due < $today
OPTIONAL MATCH (s)-[:HANDLED_BY]->(h:User)
RETURN DISTINCT s.codename AS codename, s.review_due AS review_due, h.name AS handler,
       s.last_contact AS last_contact
ORDER BY review_due, codename
"""

SET_GUIDELINES = """
CREATE (g:Guidelines {id: $id, topic: $topic, text: $text, at: $now, by: $by})
RETURN g.id AS id, g.at AS at
"""

CURRENT_GUIDELINES = """
MATCH (g:Guidelines {topic: $topic})
WITH g ORDER BY g.at DESC, elementId(g) DESC
WITH collect(g) AS versions
WHERE size(versions) > 0
RETURN versions[0].text AS text, versions[0].at AS at, versions[0].by AS by,
       size(versions) AS version
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
            tx_run, REGRADE, codename=codename, grade=grade, by=by, reason=reason,
            now=utc_now(precise=True),  # after the registration's grade of the same second
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

    def approve(self, codename: str, viewer_id: str, review_due: str) -> bool:
        """The controller approves a pending source's recruitment; False if not theirs or
        not pending."""
        rows = self.graph.write(tx_run, APPROVE_RECRUITMENT, codename=codename,
                                viewer_id=viewer_id, review_due=review_due, now=utc_now())
        return bool(rows)

    def record_review(self, codename: str, viewer_id: str, *, review_due: str, note: str,
                      by: str) -> bool:
        rows = self.graph.write(tx_run, RECORD_REVIEW, codename=codename, viewer_id=viewer_id,
                                review_due=review_due, note=note, by=by, now=utc_now())
        return bool(rows)

    def reviews(self, codename: str, viewer_id: str) -> builtins.list[dict[str, Any]]:
        return self.graph.query(REVIEWS_FOR_VIEWER, {"codename": codename,
                                                     "viewer_id": viewer_id})

    def add_contact(self, codename: str, viewer_id: str, **contact: Any) -> bool:
        """A contact with the source; only its handler or controller records one, with one
        of them as the officer met. False when either is not so."""
        rows = self.graph.write(tx_run, ADD_CONTACT, codename=codename, viewer_id=viewer_id,
                                now=utc_now(), **contact)
        return bool(rows)

    def contacts(self, codename: str, viewer_id: str) -> builtins.list[dict[str, Any]]:
        """The contact log, only for the handler or controller (else empty)."""
        return self.graph.query(CONTACTS_FOR_VIEWER, {"codename": codename,
                                                      "viewer_id": viewer_id})

    def reviews_overdue(self, viewer_id: str, today: str) -> builtins.list[dict[str, Any]]:
        """Active sources the viewer holds whose review date is before ``today``."""
        return self.graph.query(REVIEWS_OVERDUE, {"viewer_id": viewer_id, "today": today})


class GuidelinesRepository:
    """The guidelines texts the administration adopts; each save is a new version."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def current(self, topic: str) -> dict[str, Any] | None:
        rows = self.graph.query(CURRENT_GUIDELINES, {"topic": topic})
        return rows[0] if rows else None

    def save(self, topic: str, text: str, *, id: str, by: str) -> None:
        self.graph.write(tx_run, SET_GUIDELINES, topic=topic, text=text, id=id, by=by,
                         now=utc_now(precise=True))
