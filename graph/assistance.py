"""Mutual administrative assistance requests: the international cooperation desk's register.

``(:AssistanceRequest {id, reference, direction, status, legal_basis, legal_text, questions,
deadline, unit, ...})-[:WITH_PARTNER]->(:Partner)``, with ``-[:CONCERNS]->(:Entity)`` for
the persons and traders of our graph it is about, ``declarations`` (their ids) and at most
one ``-[:FOR_CASE]->(:Case)``. A request received from a partner keeps the subjects as the
partner described them (``subjects_json``): they are the partner's words, not our graph.

Who sees a request (``ASSISTANCE_VISIBLE``): the cooperation officers (analysts,
investigators, administrators) of its unit (the unit that wrote it, or the partner's
receiving unit), and whoever sees the case it is linked to (``CASE_VISIBLE``). Its subject
entities are shown only where ``ENTITY_VISIBLE`` lets the reader see them.
"""

from __future__ import annotations

from typing import Any, LiteralString

from graph.cases import CASE_VISIBLE
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import Hidden, NotFound
from graph.network import ENTITY_VISIBLE
from graph.references import Series, next_reference

DIRECTIONS = ("outgoing", "incoming")
STATUSES = ("draft", "sent", "acknowledged", "answered", "closed")
OPEN_STATUSES = ("sent", "acknowledged")  # awaiting an answer: these can be overdue

ASSISTANCE_VISIBLE: LiteralString = (
    """(
  (a.unit = $viewer.unit AND $viewer.role IN ['analyst', 'investigator', 'admin'])
  OR EXISTS { MATCH (a)-[:FOR_CASE]->(c:Case) WHERE """
    + CASE_VISIBLE
    + """ }
)"""
)

OVERDUE: LiteralString = """(a.status IN ['sent', 'acknowledged'] AND a.deadline IS NOT NULL
  AND a.deadline < $today)"""

_SUBJECTS: LiteralString = (
    """
CALL (a) {
  OPTIONAL MATCH (a)-[:CONCERNS]->(e:Entity) WHERE """
    + ENTITY_VISIBLE
    + """
  WITH e ORDER BY e.name
  RETURN collect(e {.id, .name, .ref, kind: [l IN labels(e) WHERE l <> 'Entity'][0]})
    AS subjects
}
"""
)

_LIST: LiteralString = (
    """
MATCH (a:AssistanceRequest)
WHERE """
    + ASSISTANCE_VISIBLE
    + """
  AND ($direction IS NULL OR a.direction = $direction)
  AND ($status IS NULL OR ($status = 'overdue' AND """
    + OVERDUE
    + """) OR a.status = $status)
  AND ($partner IS NULL OR EXISTS { (a)-[:WITH_PARTNER]->(:Partner {id: $partner}) })
  AND ($after_at IS NULL OR a.created_at < $after_at
       OR (a.created_at = $after_at AND a.id < $after_id))
WITH a ORDER BY a.created_at DESC, a.id DESC LIMIT $limit
MATCH (a)-[:WITH_PARTNER]->(p:Partner)
"""
    + _SUBJECTS
    + """
RETURN a {.id, .reference, .direction, .status, .deadline, .legal_basis, .legal_text,
          .questions, .created_at, .sent_at, .answered_at, .partner_reference,
          .subjects_json, .declarations} AS request,
       p {.id, .name, .country} AS partner, subjects, """
    + OVERDUE
    + """ AS overdue
ORDER BY a.created_at DESC, a.id DESC
"""
)

_GET: LiteralString = (
    """
MATCH (a:AssistanceRequest {id: $id})
WHERE """
    + ASSISTANCE_VISIBLE
    + """
MATCH (a)-[:WITH_PARTNER]->(p:Partner)
"""
    + _SUBJECTS
    + """
OPTIONAL MATCH (a)-[:FOR_CASE]->(c:Case)
RETURN a {.*} AS request, p {.id, .name, .country, .kind} AS partner, subjects,
       CASE WHEN c IS NOT NULL AND """
    + CASE_VISIBLE
    + """ THEN c {.id, .title} END AS case, """
    + OVERDUE
    + """ AS overdue
"""
)

_EXISTS: LiteralString = "MATCH (a:AssistanceRequest {id: $id}) RETURN count(a) > 0 AS found"

_SENT_TO: LiteralString = """
MATCH (a:AssistanceRequest {id: $id, direction: 'outgoing'})-[:WITH_PARTNER]->
      (:Partner {id: $partner_id})
RETURN count(a) > 0 AS found
"""

_BY_REFERENCE: LiteralString = (
    "MATCH (a:AssistanceRequest {reference: $reference}) RETURN a.id AS id"
)

_CREATE: LiteralString = """
MATCH (p:Partner {id: $partner_id})
CREATE (a:AssistanceRequest {id: $id})
SET a += $fields, a.reference = $reference, a.created_at = $now, a.updated_at = $now
CREATE (a)-[:WITH_PARTNER]->(p)
WITH a
CALL (a) {
  UNWIND $subjects AS subject_id
  MATCH (e:Entity {id: subject_id})
  MERGE (a)-[:CONCERNS]->(e)
}
RETURN a.id AS id
"""

_UPDATE: LiteralString = (
    """
MATCH (a:AssistanceRequest {id: $id})
WHERE """
    + ASSISTANCE_VISIBLE
    + """
SET a += $changes, a.updated_at = $now
RETURN a.id AS id
"""
)

_LINK_CASE: LiteralString = (
    """
MATCH (a:AssistanceRequest {id: $id})
WHERE """
    + ASSISTANCE_VISIBLE
    + """
MATCH (c:Case {id: $case_id})
WHERE """
    + CASE_VISIBLE
    + """
OPTIONAL MATCH (a)-[old:FOR_CASE]->(:Case)
DELETE old
WITH DISTINCT a, c
MERGE (a)-[:FOR_CASE]->(c)
SET a.updated_at = $now
RETURN c.id AS id
"""
)

# Subjects a writer may name: persons and traders they may see.
_SUBJECTS_OK: LiteralString = (
    """
UNWIND $ids AS wanted
OPTIONAL MATCH (e:Entity {id: wanted})
WHERE (e:Person OR e:Trader) AND """
    + ENTITY_VISIBLE
    + """
RETURN wanted, e IS NOT NULL AS ok
"""
)

_DECLARATIONS_OK: LiteralString = """
UNWIND $ids AS wanted
OPTIONAL MATCH (d:Declaration {id: wanted})
RETURN wanted, d IS NOT NULL AS ok
"""

_CASE_OK: LiteralString = (
    "MATCH (c:Case {id: $case_id}) WHERE "
    + CASE_VISIBLE
    + " RETURN c.id AS id"
)

# What a partner receives of a request's subjects: kind, reference and name.
_PACKAGE_SUBJECTS: LiteralString = """
MATCH (a:AssistanceRequest {id: $id})-[:CONCERNS]->(e:Entity)
RETURN [l IN labels(e) WHERE l <> 'Entity'][0] AS kind, e.ref AS ref, e.name AS name
ORDER BY kind, ref
"""

_DECLARATION_DATES: LiteralString = """
UNWIND $ids AS wanted
MATCH (d:Declaration {id: wanted})
RETURN d.id AS id, toString(d.date) AS date
ORDER BY id
"""

_RECEIVED: LiteralString = """
MATCH (p:Partner {id: $partner_id})
CREATE (a:AssistanceRequest {id: $id})
SET a += $fields, a.reference = $reference, a.created_at = $now, a.updated_at = $now
CREATE (a)-[:WITH_PARTNER]->(p)
RETURN a.id AS id
"""

_ANSWERED_BY_PARTNER: LiteralString = """
MATCH (a:AssistanceRequest {id: $id, direction: 'outgoing'})-[:WITH_PARTNER]->
      (:Partner {id: $partner_id})
SET a += $changes, a.updated_at = $now
RETURN a.id AS id, a.reference AS reference
"""


class AssistanceRepository:
    """Requests as the viewer may see them; every read takes the ``$viewer`` map."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def page(self, viewer: dict[str, str], *, today: str, direction: str | None = None,
             status: str | None = None, partner: str | None = None,
             after: list[str] | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first, ``limit`` rows after the key ``[created_at, id]``."""
        rows = self.graph.query(_LIST, {
            "viewer": viewer, "today": today, "direction": direction, "status": status,
            "partner": partner, "after_at": after[0] if after else None,
            "after_id": after[1] if after else None, "limit": limit})
        return [{**r["request"], "partner": r["partner"], "subjects": r["subjects"],
                 "overdue": bool(r["overdue"])} for r in rows]

    def get(self, viewer: dict[str, str], request_id: str, *, today: str) -> dict[str, Any]:
        """The request; ``Hidden`` when it exists beyond need-to-know, else ``NotFound``."""
        rows = self.graph.query(_GET, {"viewer": viewer, "id": request_id, "today": today})
        if not rows:
            message = f"no assistance request {request_id}"
            if self.graph.query(_EXISTS, {"id": request_id})[0]["found"]:
                raise Hidden(message)
            raise NotFound(message)
        row = rows[0]
        return {**row["request"], "partner": row["partner"], "subjects": row["subjects"],
                "case": row["case"], "overdue": bool(row["overdue"])}

    def by_reference(self, reference: str) -> str | None:
        rows = self.graph.query(_BY_REFERENCE, {"reference": reference})
        return rows[0]["id"] if rows else None

    def create(self, request_id: str, partner_id: str, fields: dict[str, Any],
               subjects: list[str]) -> str:
        """A new request with its reference (drawn in the same transaction)."""
        def work(tx: Any) -> str:
            reference = next_reference(tx, Series.ASSISTANCE, utc_now()[:4])
            rows = tx_run(tx, _CREATE, id=request_id, partner_id=partner_id, fields=fields,
                          reference=reference, subjects=subjects, now=utc_now())
            if not rows:
                raise NotFound("no such partner")
            return reference

        return self.graph.write(work)

    def update(self, viewer: dict[str, str], request_id: str, changes: dict[str, Any]) -> None:
        rows = self.graph.query(_UPDATE, {"viewer": viewer, "id": request_id,
                                          "changes": changes, "now": utc_now()}, write=True)
        if not rows:
            raise NotFound(f"no assistance request {request_id}")

    def link_case(self, viewer: dict[str, str], request_id: str, case_id: str) -> None:
        rows = self.graph.query(_LINK_CASE, {"viewer": viewer, "id": request_id,
                                             "case_id": case_id, "now": utc_now()}, write=True)
        if not rows:
            raise NotFound(f"no case {case_id}")

    def unknown_subjects(self, viewer: dict[str, str], ids: list[str]) -> list[str]:
        rows = self.graph.query(_SUBJECTS_OK, {"viewer": viewer, "ids": ids})
        return [r["wanted"] for r in rows if not r["ok"]]

    def unknown_declarations(self, ids: list[str]) -> list[str]:
        rows = self.graph.query(_DECLARATIONS_OK, {"ids": ids})
        return [r["wanted"] for r in rows if not r["ok"]]

    def case_visible(self, viewer: dict[str, str], case_id: str) -> bool:
        return bool(self.graph.query(_CASE_OK, {"viewer": viewer, "case_id": case_id}))

    def package_subjects(self, request_id: str) -> list[dict[str, Any]]:
        return self.graph.query(_PACKAGE_SUBJECTS, {"id": request_id})

    def declaration_dates(self, ids: list[str]) -> list[dict[str, Any]]:
        return self.graph.query(_DECLARATION_DATES, {"ids": ids})

    def exists(self, request_id: str) -> bool:
        return bool(self.graph.query(_EXISTS, {"id": request_id})[0]["found"])

    def sent_to(self, request_id: str, partner_id: str) -> bool:
        """Whether ``request_id`` is a request of ours to that partner (a reply's target)."""
        return bool(self.graph.query(_SENT_TO, {"id": request_id,
                                                "partner_id": partner_id})[0]["found"])

    def receive(self, request_id: str, partner_id: str, fields: dict[str, Any]) -> str:
        """A request a partner sent us; returns its reference here."""
        def work(tx: Any) -> str:
            reference = next_reference(tx, Series.ASSISTANCE, utc_now()[:4])
            tx_run(tx, _RECEIVED, id=request_id, partner_id=partner_id, fields=fields,
                   reference=reference, now=utc_now())
            return reference

        return self.graph.write(work)

    def answered_by_partner(self, request_id: str, partner_id: str,
                            changes: dict[str, Any]) -> str | None:
        """The partner's reply on our request to that partner; None when we sent it none."""
        rows = self.graph.query(_ANSWERED_BY_PARTNER, {
            "id": request_id, "partner_id": partner_id, "changes": changes,
            "now": utc_now()}, write=True)
        return rows[0]["reference"] if rows else None
