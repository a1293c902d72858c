"""Reversible entity merges: ``(:Entity)-[:SAME_AS {by, at, reason}]->(:Entity)``.

A merge never deletes or rewrites a node: both entities keep their properties, mentions
and relations, and the merged one points at the survivor with ``SAME_AS``. A split deletes
that one relationship, which restores both exactly as they were. An entity has at most one
outgoing ``SAME_AS``, chains are allowed (A→B→C) and cycles are refused.

Readers that want "the" entity follow ``SAME_AS`` to its end: :func:`canonical_id` in
Python, or in Cypher the pattern of ``CANONICAL``::

    MATCH p = (e:Entity {id: $id})-[:SAME_AS*0..]->(c:Entity)
    WHERE NOT (c)-[:SAME_AS]->()
    RETURN c.id

and everything known about an entity is what is known about any node of its ``SAME_AS``
group (``(e)-[:SAME_AS*0..]-(x)``).
"""

from __future__ import annotations

import re
from typing import Any

from graph.access import REPORT_VISIBLE
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound, Refused
from graph.network import ENTITY_VISIBLE
from graph.paging import COUNT_CAP

# Variable-length matches below are bounded at 50 hops; real chains are one or two.

CANONICAL = """
MATCH p = (e:Entity {id: $id})-[:SAME_AS*0..50]->(c:Entity)
WHERE NOT (c)-[:SAME_AS]->()
RETURN c.id AS id ORDER BY length(p) DESC LIMIT 1
"""

# SET + REMOVE of a scratch property takes the write lock of the merged entity, so two
# concurrent merges of one entity serialise and the second sees the first's SAME_AS.
LOCK_PAIR = (
    """
MATCH (a:Entity {id: $from}), (b:Entity {id: $into})
WITH a, b, a AS e WHERE """
    + ENTITY_VISIBLE
    + """
WITH a, b, b AS e WHERE """
    + ENTITY_VISIBLE
    + """
SET a.merge_lock = true
REMOVE a.merge_lock
RETURN a.label AS from_label, b.label AS into_label,
       [(a)-[:SAME_AS]->(x) | x.id][0] AS already_into
"""
)

CREATE_SAME_AS = """
MATCH (a:Entity {id: $from}), (b:Entity {id: $into})
CREATE (a)-[s:SAME_AS {by: $by, at: $now, reason: $reason}]->(b)
RETURN b.id AS into
"""

SPLIT = (
    """
MATCH (a:Entity {id: $id})-[s:SAME_AS]->(b:Entity)
WITH a, b, s, a AS e WHERE """
    + ENTITY_VISIBLE
    + """
WITH a, b, s, s {.*} AS was
DELETE s
RETURN b.id AS into, was
"""
)

ENTITY = (
    """
MATCH (e:Entity {id: $id}) WHERE """
    + ENTITY_VISIBLE
    + """
RETURN e.id AS id, e.label AS label, e.name AS name, e.key AS key, e.status AS status,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS kind, coalesce(e.aliases, []) AS aliases,
       e.translit AS translit, e.nationality AS nationality, e.dob AS dob,
       [(e)-[:SAME_AS]->(x) | x.id][0] AS merged_into,
       [(x)-[:SAME_AS]->(e) | x.id] AS merged_from
"""
)

# A candidate ``c`` for subject ``s``: another entity of its kind, not merged, not already
# the same; then, among those ``$viewer`` may see, the columns both reads below return.
_SAME_KIND = """
  WHERE c.id <> s.id AND c.label = s.label AND s.kind IN labels(c) AND NOT (c)-[:SAME_AS]->()
    AND NOT EXISTS { MATCH (:Entity {id: s.id})-[:SAME_AS*1..50]-(c) }
"""
_VISIBLE_CANDIDATES = (
    """
  WITH c, c AS e WHERE """
    + ENTITY_VISIBLE
    + """
  RETURN c.id AS id, c.name AS name, c.status AS status, coalesce(c.aliases, []) AS aliases,
         c.nationality AS nationality, c.dob AS dob
}
RETURN s.id AS subject, id, name, status, aliases, nationality, dob
"""
)

# Full-text pre-selection for many subjects in one statement; the fuzzy score is computed
# in Python (nlp.candidates). Only names (and a person's birth and nationality, which rule
# a pair in or out) are read here: the mention counts and what the two share are read
# afterwards for the few candidates above the threshold (DETAILS).
FULLTEXT = (
    """
UNWIND $subjects AS s
CALL (s) {
  CALL db.index.fulltext.queryNodes('entity_names', s.q, {limit: $limit}) YIELD node AS c"""
    + _SAME_KIND
    + _VISIBLE_CANDIDATES
)

# The same name in another script or spelling: one transliteration key (nlp.translit_key),
# for many subjects in one statement.
SAME_TRANSLIT = (
    """
UNWIND $subjects AS s
CALL (s) {
  MATCH (c:Entity {translit: s.translit})"""
    + _SAME_KIND
    + """  WITH s, c LIMIT $limit"""
    + _VISIBLE_CANDIDATES
)

# What the page shows beside a proposed pair: the candidate's visible mentions (counted up
# to $count_cap), the register identifiers both entities hold and the traders both have a
# role in.
DETAILS = (
    """
UNWIND $pairs AS pair
MATCH (c:Entity {id: pair.candidate})
RETURN pair.subject AS subject, c.id AS id,
       COUNT { MATCH (r:Report)-[:MENTIONS]->(c) WHERE """
    + REPORT_VISIBLE
    + """ RETURN r LIMIT $count_cap } AS mentions,
       [(c)-[:USES_PHONE|USES_EMAIL|HOLDS_DOCUMENT|LOCATED_AT {source: 'register'}]->(i)
          <-[:USES_PHONE|USES_EMAIL|HOLDS_DOCUMENT|LOCATED_AT {source: 'register'}]-
          (:Entity {id: pair.subject}) | i.name] AS shared,
       [(c)-[:DIRECTOR_OF|EMPLOYEE_OF|OWNER_OF|SHAREHOLDER_OF {source: 'register'}]->(t:Trader)
          <-[:DIRECTOR_OF|EMPLOYEE_OF|OWNER_OF|SHAREHOLDER_OF {source: 'register'}]-
          (:Entity {id: pair.subject}) | t.name] AS traders
"""
)

RECENT = (
    """
MATCH (e:Entity)
WHERE e.label IN $labels AND NOT (e)-[:SAME_AS]->() AND e.name IS NOT NULL AND """
    + ENTITY_VISIBLE
    + """
RETURN e.id AS id, e.label AS label, e.name AS name, e.key AS key,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS kind, coalesce(e.aliases, []) AS aliases,
       e.translit AS translit, e.nationality AS nationality, e.dob AS dob
ORDER BY e.created_at DESC, e.id
LIMIT $limit
"""
)

MERGED = (
    """
MATCH (a:Entity)-[s:SAME_AS]->(b:Entity)
WITH a, b, s, a AS e WHERE """
    + ENTITY_VISIBLE
    + """
WITH a, b, s, b AS e WHERE """
    + ENTITY_VISIBLE
    + """
OPTIONAL MATCH (u:User {id: s.by})
RETURN a.id AS from_id, a.name AS from_name, b.id AS into_id, b.name AS into_name,
       coalesce(u.email, s.by) AS by, s.at AS at, s.reason AS reason
ORDER BY s.at DESC
LIMIT $limit
"""
)

_WORD = re.compile(r"\w+", re.UNICODE)


class MergeRefused(Refused):
    """The merge or split breaks a rule; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def fulltext_query(name: str) -> str:
    """A Lucene query from a name: plain words only (no syntax reaches the parser), the
    longer ones fuzzy so that one typo still pre-selects the candidate."""
    words = [w.lower() for w in _WORD.findall(name or "")][:12]
    return " ".join(f"{w}~1" if len(w) >= 4 else w for w in words)


def canonical_id(graph: Graph, entity_id: str) -> str:
    """The survivor that ``entity_id`` was merged into (itself when not merged)."""
    rows = graph.query(CANONICAL, {"id": entity_id})
    return rows[0]["id"] if rows else entity_id


def canonical_tx(tx: Any, entity_id: str) -> str:
    rows = tx_run(tx, CANONICAL, id=entity_id)
    return rows[0]["id"] if rows else entity_id


class MergeRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def entity(self, entity_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        rows = self.graph.query(ENTITY, {"id": entity_id, "viewer": viewer})
        if not rows:
            raise NotFound(f"no entity {entity_id}")
        return rows[0]

    def fulltext_candidates(
        self, subjects: list[dict[str, Any]], viewer: dict[str, str], limit: int = 50
    ) -> dict[str, list[dict[str, Any]]]:
        """Per subject id, the entities of its kind whose names the full-text index finds
        close to its name (names only, no counts), among those ``viewer`` may see."""
        params = [
            {"id": s["id"], "label": s["label"], "kind": s["kind"] or "Entity", "q": q}
            for s in subjects
            if (q := fulltext_query(s["name"] or s.get("key") or ""))
        ]
        found: dict[str, list[dict[str, Any]]] = {s["id"]: [] for s in subjects}
        if params:
            for row in self.graph.query(
                FULLTEXT, {"subjects": params, "limit": limit, "viewer": viewer}
            ):
                found[row.pop("subject")].append(row)
        return found

    def details(
        self, pairs: list[tuple[str, str]], viewer: dict[str, str]
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Mentions (up to COUNT_CAP) and shared register identifiers of proposed pairs
        (subject id, candidate id)."""
        if not pairs:
            return {}
        rows = self.graph.query(DETAILS, {
            "pairs": [{"subject": s, "candidate": c} for s, c in pairs],
            "count_cap": COUNT_CAP, "viewer": viewer})
        return {(r["subject"], r["id"]): r for r in rows}

    def translit_candidates(
        self, subjects: list[dict[str, Any]], viewer: dict[str, str], limit: int = 50
    ) -> dict[str, list[dict[str, Any]]]:
        """Per subject id, the entities of its kind whose name has its transliteration key,
        among those ``viewer`` may see."""
        params = [{"id": s["id"], "label": s["label"], "kind": s["kind"] or "Entity",
                   "translit": s["translit"]} for s in subjects if s.get("translit")]
        found: dict[str, list[dict[str, Any]]] = {s["id"]: [] for s in subjects}
        if params:
            for row in self.graph.query(
                SAME_TRANSLIT, {"subjects": params, "limit": limit, "viewer": viewer}
            ):
                found[row.pop("subject")].append(row)
        return found

    def recent(self, labels: list[str], limit: int, viewer: dict[str, str]) -> list[dict[str, Any]]:
        return self.graph.query(RECENT, {"labels": labels, "limit": limit, "viewer": viewer})

    def merged(self, viewer: dict[str, str], limit: int = 200) -> list[dict[str, Any]]:
        return self.graph.query(MERGED, {"limit": limit, "viewer": viewer})

    def merge(
        self, from_id: str, into_id: str, *, by: str, reason: str, viewer: dict[str, str]
    ) -> dict[str, Any]:
        """``SAME_AS`` from ``from_id`` to the survivor of ``into_id``; refuses cycles.
        An entity ``viewer`` may not see is not found, like a missing one."""
        if from_id == into_id:
            raise MergeRefused("An entity cannot be merged into itself.")

        def work(tx: Any) -> dict[str, Any]:
            rows = tx_run(tx, LOCK_PAIR, **{"from": from_id, "into": into_id}, viewer=viewer)
            if not rows:
                raise NotFound(f"no entity {from_id} or {into_id}")
            row = rows[0]
            if row["from_label"] != row["into_label"]:
                raise MergeRefused(
                    f"Only entities of one kind merge: {from_id} is {row['from_label']}, "
                    f"{into_id} is {row['into_label']}."
                )
            if row["already_into"]:
                raise MergeRefused(
                    f"{from_id} is already merged into {row['already_into']}; split it first.",
                    409,
                )
            target = canonical_tx(tx, into_id)
            if target == from_id:
                raise MergeRefused(f"{into_id} is already merged into {from_id}.", 409)
            tx_run(
                tx,
                CREATE_SAME_AS,
                **{"from": from_id, "into": target},
                by=by,
                reason=reason,
                now=utc_now(),
            )
            return {"from": from_id, "into": target}

        return self.graph.write(work)

    def split(self, entity_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """Remove the ``SAME_AS`` of ``entity_id``; returns what was removed."""

        def work(tx: Any) -> dict[str, Any]:
            rows = tx_run(tx, SPLIT, id=entity_id, viewer=viewer)
            if not rows:
                if not tx_run(tx, ENTITY, id=entity_id, viewer=viewer):
                    raise NotFound(f"no entity {entity_id}")
                raise MergeRefused(f"{entity_id} is not merged into another entity.", 409)
            return {"from": entity_id, "into": rows[0]["into"], "was": rows[0]["was"]}

        return self.graph.write(work)
