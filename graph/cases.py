"""Cases: investigations and requests for information (RFI), with what they hold.

A case is one ``(:Case {id, kind, title, description, status, unit, created_by, ...})``
node owned by a unit (``-[:OWNED_BY]->(:Unit)``), with officers assigned through
``(:User)-[:MEMBER_OF_CASE {role: 'lead' | 'member'}]->(:Case)`` and its material behind
``HAS_REPORT``, ``HAS_ENTITY``, ``HAS_CHART`` and ``HAS_NOTE``. An RFI becomes an
investigation by changing ``kind`` on the same node, so it keeps everything it holds.

Who sees a case (``CASE_VISIBLE``, enforced in every query here):

- its members, whatever their role;
- the analysts and investigators of the owning unit (the unit's case workers).

Administrators do not see cases they are not members of: they run the system, they are
not on the need-to-know list of an investigation. A case shows only the attached reports
the viewer may read (``REPORT_VISIBLE``); membership itself lets members read attached
reports except those with the ``originator`` handling code (see graph/access.py), so
attaching a report is in effect a dissemination to the members and is audited as such.
A case never widens who may read: ``AUDIENCE_OF_ATTACH`` and ``AUDIENCE_OF_JOIN`` name
whom an attachment or a new member would give reports they do not otherwise have
(``REPORT_RELEASED``), and the service refuses unless the dissemination rules let the
officer release each such report to each such member. Both lock the case first, so
membership and attachments cannot change between the check and the write.

Who manages a case (``CASE_MANAGER``: status, RFI → investigation, membership): its leads
and the owning unit's analysts and investigators. Any viewer may add notes, reports,
entities, charts and tasks while the case is not closed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from graph.access import REPORT_RELEASED, REPORT_VISIBLE
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import Hidden, NotFound
from graph.network import ENTITY_VISIBLE


class CaseKind(StrEnum):
    RFI = "rfi"
    INVESTIGATION = "investigation"

    @property
    def title(self) -> str:  # type: ignore[override]  # the display name, as on every enum here
        return {"rfi": "Request for information", "investigation": "Investigation"}[self.value]


class CaseStatus(StrEnum):
    OPEN = "open"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class MemberRole(StrEnum):
    LEAD = "lead"
    MEMBER = "member"


CASE_VISIBLE = """(
  EXISTS { (:User {id: $viewer.id})-[:MEMBER_OF_CASE]->(c) }
  OR (c.unit = $viewer.unit AND $viewer.role IN ['analyst', 'investigator'])
)"""

CASE_MANAGER = """(
  EXISTS { (:User {id: $viewer.id})-[:MEMBER_OF_CASE {role: 'lead'}]->(c) }
  OR (c.unit = $viewer.unit AND $viewer.role IN ['analyst', 'investigator'])
)"""

CREATE_CASE = """
MATCH (u:User {id: $viewer.id})-[:MEMBER_OF]->(unit:Unit)
CREATE (c:Case {id: $id, kind: $kind, title: $title, description: $description,
                status: 'open', unit: unit.name, created_by: u.id, created_at: $now,
                updated_at: $now})
CREATE (c)-[:OWNED_BY]->(unit)
CREATE (u)-[:MEMBER_OF_CASE {role: 'lead', added_by: u.id, added_at: $now}]->(c)
RETURN c.id AS id
"""

LIST_CASES = (
    """
MATCH (c:Case)
WHERE ($status IS NULL OR c.status = $status) AND """
    + CASE_VISIBLE
    + """
RETURN c {.id, .kind, .title, .status, .unit, .created_at, .updated_at} AS case,
       COUNT { (c)<-[:PART_OF_CASE]-(t:Task) WHERE t.status IN ['open', 'in_progress'] }
         AS open_tasks,
       COUNT { (c)<-[:MEMBER_OF_CASE]-(:User) } AS members
ORDER BY c.updated_at DESC
LIMIT $limit
"""
)

CASE_EXISTS = "MATCH (c:Case {id: $id}) RETURN count(c) > 0 AS found"

# The case ``$id`` as each statement below needs it; ``c`` is the case from here on.
# Visible to the viewer (reads), open and visible (attachments and notes: anyone who sees
# an open case may add to it), or managed by the viewer (status and membership).
_VISIBLE_CASE = (
    """
MATCH (c:Case {id: $id})
WHERE """
    + CASE_VISIBLE
)
_OPEN_CASE = (
    """
MATCH (c:Case {id: $id})
WHERE c.status <> 'closed' AND """
    + CASE_VISIBLE
)
_MANAGED_CASE = (
    """
MATCH (c:Case {id: $id})
WHERE """
    + CASE_MANAGER
)
# After MERGE (c)-[h:HAS_...]->(...): who attached it and when, and the case changed.
_ATTACHED = """
ON CREATE SET h.by = $viewer.id, h.at = $now
SET c.updated_at = $now
"""

GET_CASE = (
    _VISIBLE_CASE
    + """
RETURN c {.*} AS case,
       """
    + CASE_MANAGER
    + """ AS can_manage,
       [(u:User)-[m:MEMBER_OF_CASE]->(c) |
          {id: u.id, email: u.email, name: u.name, role: m.role, added_at: m.added_at}]
         AS members,
       [(c)-[h:HAS_REPORT]->(r:Report) WHERE """
    + REPORT_VISIBLE
    + """ |
          {id: r.id, reference: r.reference, title: r.title, channel: r.channel,
           received: toString(r.received),
           handling: r.handling, status: r.status, attached_at: h.at}] AS reports,
       [(c)-[h:HAS_ENTITY]->(e:Entity) |
          {id: e.id, name: e.name, label: e.label, attached_at: h.at}] AS entities,
       [(c)-[h:HAS_CHART]->(ch:Chart) |
          {id: ch.id, title: ch.title, created_at: ch.created_at, attached_at: h.at}] AS charts,
       [(c)-[:HAS_NOTE]->(n:Note) |
          {id: n.id, text: n.text, author: n.author, created_at: n.created_at}] AS notes
"""
)

CASE_ACCESS = (
    _VISIBLE_CASE
    + """
RETURN c.status AS status, c.kind AS kind, c.unit AS unit, """
    + CASE_MANAGER
    + """ AS can_manage
"""
)

SET_STATUS = (
    _MANAGED_CASE
    + """
SET c.status = $status, c.updated_at = $now,
    c.closed_at = CASE WHEN $status = 'closed' THEN $now ELSE null END
RETURN c.id AS id
"""
)

CONVERT_TO_INVESTIGATION = (
    """
MATCH (c:Case {id: $id, kind: 'rfi'})
WHERE """
    + CASE_MANAGER
    + """
SET c.kind = 'investigation', c.converted_at = $now, c.converted_by = $viewer.id,
    c.updated_at = $now
RETURN c.id AS id
"""
)

ADD_MEMBER = (
    _MANAGED_CASE
    + """
MATCH (u:User {id: $user_id})
MERGE (u)-[m:MEMBER_OF_CASE]->(c)
ON CREATE SET m.added_by = $viewer.id, m.added_at = $now
SET m.role = $role, c.updated_at = $now
RETURN u.id AS id
"""
)

REMOVE_MEMBER = (
    _MANAGED_CASE
    + """
MATCH (:User {id: $user_id})-[m:MEMBER_OF_CASE]->(c)
DELETE m
SET c.updated_at = $now
RETURN c.id AS id
"""
)

# Attachments require a case that is not closed, visible to the viewer, and (for reports)
# a report the viewer may read: nobody attaches what they cannot see.
ATTACH_REPORT = (
    _OPEN_CASE
    + """
MATCH (r:Report {id: $target})
WHERE """
    + REPORT_VISIBLE
    + """
MERGE (c)-[h:HAS_REPORT]->(r)"""
    + _ATTACHED
    + """RETURN r.id AS id
"""
)

# Reports a case gives its members: submitted, not ``originator`` (see graph/access.py).
_CASE_GRANTS = """coalesce(r.status, 'submitted') <> 'draft'
  AND coalesce(r.handling, '') <> 'originator'"""

# Before attaching: the report (visible to the viewer) and the members who would read it
# only through this case. SET first: the case's write lock holds membership still.
AUDIENCE_OF_ATTACH = (
    _OPEN_CASE
    + """
SET c.updated_at = $now
WITH c
MATCH (r:Report {id: $target})
WHERE """
    + REPORT_VISIBLE
    + """
RETURN r {.id, .title, .status, .handling, .unit} AS report,
       CASE WHEN """
    + _CASE_GRANTS
    + """ THEN COLLECT {
         MATCH (u:User)-[:MEMBER_OF_CASE]->(c)
         MATCH (u)-[:MEMBER_OF]->(home:Unit)
         WITH r, {id: u.id, unit: home.name, email: u.email} AS member
         WHERE NOT """
    + REPORT_RELEASED
    + """
         RETURN member ORDER BY member.email
       } ELSE [] END AS members
"""
)

# Before adding a member: the attached reports they would read only through this case,
# each with whether the viewer may read it (only those are named back to the viewer).
AUDIENCE_OF_JOIN = (
    _MANAGED_CASE
    + """
SET c.updated_at = $now
WITH c
MATCH (u:User {id: $user_id})-[:MEMBER_OF]->(home:Unit)
WITH c, u, {id: u.id, unit: home.name, email: u.email} AS member
RETURN EXISTS { (u)-[:MEMBER_OF_CASE]->(c) } AS already,
       COLLECT {
         MATCH (c)-[:HAS_REPORT]->(r:Report)
         WHERE """
    + _CASE_GRANTS
    + """ AND NOT """
    + REPORT_RELEASED
    + """
         RETURN r {.id, .title, .status, .handling, .unit, visible: """
    + REPORT_VISIBLE
    + """} AS report ORDER BY report.id
       } AS reports
"""
)

ATTACH_ENTITY = (
    _OPEN_CASE
    + """
MATCH (e:Entity {id: $target}) WHERE """
    + ENTITY_VISIBLE
    + """
MERGE (c)-[h:HAS_ENTITY]->(e)"""
    + _ATTACHED
    + """RETURN e.id AS id
"""
)

ATTACH_CHART = (
    _OPEN_CASE
    + """
MATCH (ch:Chart {id: $target})
MERGE (c)-[h:HAS_CHART]->(ch)"""
    + _ATTACHED
    + """RETURN ch.id AS id
"""
)

ADD_NOTE = (
    _OPEN_CASE
    + """
MATCH (u:User {id: $viewer.id})
CREATE (c)-[:HAS_NOTE]->(n:Note {id: $note_id, text: $text, author_id: u.id,
                                 author: coalesce(u.name, u.email), created_at: $now})
SET c.updated_at = $now
RETURN n.id AS id
"""
)


class CaseRepository:
    """Cases as the viewer may see them; every method takes the ``$viewer`` map."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(
        self, viewer: dict[str, str], *, case_id: str, kind: str, title: str, description: str
    ) -> str:
        rows = self.graph.write(
            tx_run,
            CREATE_CASE,
            viewer=viewer,
            id=case_id,
            kind=CaseKind(kind).value,
            title=title,
            description=description,
            now=utc_now(),
        )
        if not rows:
            raise NotFound("the creating user does not exist")
        return rows[0]["id"]

    def list(
        self, viewer: dict[str, str], *, status: str | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        rows = self.graph.query(LIST_CASES, {"viewer": viewer, "status": status, "limit": limit})
        return [
            {**row["case"], "open_tasks": row["open_tasks"], "members": row["members"]}
            for row in rows
        ]

    def get(self, viewer: dict[str, str], case_id: str) -> dict[str, Any]:
        """The case with what the viewer may see of it; NotFound when they may not see it."""
        rows = self.graph.query(GET_CASE, {"viewer": viewer, "id": case_id})
        if not rows:  # Hidden when it exists (a refused read): the same words, the same 404
            message = f"case {case_id} does not exist"
            if self.graph.query(CASE_EXISTS, {"id": case_id})[0]["found"]:
                raise Hidden(message)
            raise NotFound(message)
        row = rows[0]
        case = dict(row["case"])
        case["can_manage"] = bool(row["can_manage"])
        case["members"] = sorted(row["members"], key=lambda m: (m["role"] != "lead", m["email"]))
        case["reports"] = sorted(row["reports"], key=lambda r: r["attached_at"] or "")
        case["entities"] = sorted(row["entities"], key=lambda e: e["attached_at"] or "")
        case["charts"] = sorted(row["charts"], key=lambda c: c["attached_at"] or "")
        case["notes"] = sorted(row["notes"], key=lambda n: n["created_at"] or "")
        return case

    def access(self, viewer: dict[str, str], case_id: str) -> dict[str, Any]:
        """Status, kind and whether the viewer manages it; NotFound when not visible."""
        rows = self.graph.query(CASE_ACCESS, {"viewer": viewer, "id": case_id})
        if not rows:
            raise NotFound(f"case {case_id} does not exist")
        return rows[0]

    def set_status(self, viewer: dict[str, str], case_id: str, status: str) -> bool:
        return self._write(SET_STATUS, viewer, case_id, status=CaseStatus(status).value)

    def convert_to_investigation(self, viewer: dict[str, str], case_id: str) -> bool:
        return self._write(CONVERT_TO_INVESTIGATION, viewer, case_id)

    def add_member(self, viewer: dict[str, str], case_id: str, user_id: str, role: str) -> bool:
        return self._write(
            ADD_MEMBER, viewer, case_id, user_id=user_id, role=MemberRole(role).value
        )

    def remove_member(self, viewer: dict[str, str], case_id: str, user_id: str) -> bool:
        return self._write(REMOVE_MEMBER, viewer, case_id, user_id=user_id)

    def audience_of_attach(
        self, viewer: dict[str, str], case_id: str, report_id: str
    ) -> dict[str, Any] | None:
        """The report and the members who would read it only through this case; None
        when the case (open) or the report is not the viewer's to see. Locks the case."""
        rows = self.graph.write(
            tx_run, AUDIENCE_OF_ATTACH, viewer=viewer, id=case_id, target=report_id,
            now=utc_now(),
        )
        return rows[0] if rows else None

    def audience_of_join(
        self, viewer: dict[str, str], case_id: str, user_id: str
    ) -> dict[str, Any] | None:
        """``already`` (a member now) and the attached reports the officer would read only
        through this case, each marked ``visible`` to the viewer; None when the viewer does
        not manage the case. Locks the case."""
        rows = self.graph.write(
            tx_run, AUDIENCE_OF_JOIN, viewer=viewer, id=case_id, user_id=user_id, now=utc_now()
        )
        return rows[0] if rows else None

    def attach_report(self, viewer: dict[str, str], case_id: str, report_id: str) -> bool:
        return self._write(ATTACH_REPORT, viewer, case_id, target=report_id)

    def attach_entity(self, viewer: dict[str, str], case_id: str, entity_id: str) -> bool:
        return self._write(ATTACH_ENTITY, viewer, case_id, target=entity_id)

    def attach_chart(self, viewer: dict[str, str], case_id: str, chart_id: str) -> bool:
        return self._write(ATTACH_CHART, viewer, case_id, target=chart_id)

    def add_note(self, viewer: dict[str, str], case_id: str, note_id: str, text: str) -> bool:
        return self._write(ADD_NOTE, viewer, case_id, note_id=note_id, text=text)

    def _write(self, cypher: Any, viewer: dict[str, str], case_id: str, **params: Any) -> bool:
        rows = self.graph.write(tx_run, cypher, viewer=viewer, id=case_id, now=utc_now(), **params)
        return bool(rows)
