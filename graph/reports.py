"""Reports (informant reports, register entries, liaison logs, hotline tips) and mentions.

Every statement that returns or changes a report includes ``graph.access.REPORT_VISIBLE``
with ``$viewer``, so a report a user may not read behaves as if it did not exist. A report
and its mentions are written in one transaction: a failed save leaves nothing behind. The
source of a report is returned by codename only.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from typing import Any

from graph.access import REPORT_VISIBLE, refusal
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.entities import UPSERT_ENTITIES
from graph.errors import NotFound, Resubmitted
from graph.mentions import DROP_ORPHANS, add_mentions_tx, carry_over_tx, link_tx, mention_rows
from graph.network import ENTITY_VISIBLE
from graph.paging import decode_cursor, next_page
from graph.references import Series, next_reference
from nlp import Mention

CREATE_REPORT = """
MATCH (u:Unit {name: $unit})
OPTIONAL MATCH (s:Source {codename: $source})
WITH u, s WHERE $source IS NULL OR s IS NOT NULL
CREATE (r:Report {id: $id})
SET r += $props, r.reference = $reference
CREATE (r)-[:ORIGINATED_IN]->(u)
FOREACH (x IN CASE WHEN s IS NULL THEN [] ELSE [s] END | CREATE (r)-[:FROM_SOURCE]->(x))
RETURN r.id AS id
"""

FIND_SUBMISSION = "MATCH (r:Report {submission: $key}) RETURN r.id AS id"

_SUMMARY = """
r.id AS id, r.reference AS reference, r.channel AS channel, r.kind AS kind,
r.event_type AS event_type,
r.title AS title, r.status AS status, r.unit AS unit, r.handling AS handling,
r.source_grade AS source_grade, r.info_grade AS info_grade, r.received AS received,
r.author_id AS author_id, r.author AS author, r.created_at AS created_at
"""

# A reference typed or linked in place of the id (``/reports/R-2026-000123``).
ID_OF_REFERENCE = (
    """
MATCH (r:Report {reference: $reference})
WHERE """
    + REPORT_VISIBLE
    + """
RETURN r.id AS id
"""
)

# The references of many reports at once (an audit log page's targets): those the viewer
# may see only.
REFERENCES_OF = (
    """
UNWIND $ids AS id
MATCH (r:Report {id: id})
WHERE r.reference IS NOT NULL AND """
    + REPORT_VISIBLE
    + """
RETURN r.id AS id, r.reference AS reference
"""
)

GET_REPORT = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
OPTIONAL MATCH (r)-[:FROM_SOURCE]->(s:Source)
RETURN r {.*} AS report, s.codename AS source
"""
)

REPORT_MENTIONS = (
    """
MATCH (r:Report {id: $id})-[m:MENTIONS|REJECTED_MENTION]->(e:Entity)
WHERE """
    + REPORT_VISIBLE
    + """
RETURN m {.*} AS mention, e.id AS entity_id, e.name AS entity_name, e.status AS entity_status,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS kind
ORDER BY coalesce(m.start, -1), m.end
"""
)

# The list without a source filter is what every visit to /reports/ runs: it leaves out the
# source subquery, which only adds planning time (Neo4j plans each subquery of a cold query
# at a cost of hundreds of milliseconds) to the common case.
# The filters of the list and of the search, each one off when its parameter is null.
_REPORT_FILTERS = """($status IS NULL OR r.status = $status)
  AND ($channel IS NULL OR r.channel = $channel)
  AND ($unit IS NULL OR r.unit = $unit)
  AND ($author_id IS NULL OR r.author_id = $author_id)
"""
# Newest first by (received, id); a next page starts after the key of the last row shown
# ($after: at, id), so it costs what the first does (graph/paging.py).
_LIST_FILTERS = (
    """
MATCH (r:Report)
WHERE """
    + _REPORT_FILTERS
)
# A listed report the viewer may read, as its summary with its source's codename: the list
# and the search read them alike (each adds its sort key).
_VISIBLE_WITH_SOURCE = (
    REPORT_VISIBLE
    + """
OPTIONAL MATCH (r)-[:FROM_SOURCE]->(s:Source)
RETURN """
    + _SUMMARY
    + ", s.codename AS source"
)
_LIST_TAIL = (
    """
  AND ($after IS NULL OR coalesce(r.received, r.created_at) < $after.at
       OR (coalesce(r.received, r.created_at) = $after.at AND r.id < $after.id))
  AND """
    + _VISIBLE_WITH_SOURCE
    + """, coalesce(r.received, r.created_at) AS at
ORDER BY coalesce(r.received, r.created_at) DESC, r.id DESC
SKIP $skip LIMIT $limit
"""
)
LIST_REPORTS = _LIST_FILTERS + _LIST_TAIL
LIST_REPORTS_BY_SOURCE = (
    _LIST_FILTERS
    + "  AND EXISTS { (r)-[:FROM_SOURCE]->(:Source {codename: $source}) }"
    + _LIST_TAIL
)

# The best $scan hits of the index, then need-to-know; paged by (score, id).
SEARCH_REPORTS = (
    """
CALL db.index.fulltext.queryNodes('report_text', $q, {limit: $scan}) YIELD node AS r, score
WHERE ($after IS NULL OR score < $after.score OR (score = $after.score AND r.id > $after.id))
  AND """
    + _REPORT_FILTERS
    + """  AND ($source IS NULL OR EXISTS { (r)-[:FROM_SOURCE]->(:Source {codename: $source}) })
  AND """
    + _VISIBLE_WITH_SOURCE
    + """, score
ORDER BY score DESC, id SKIP $skip LIMIT $limit
"""
)

TRANSITION = (
    """
MATCH (r:Report {id: $id})
WHERE r.status = $from AND """
    + REPORT_VISIBLE
    + """
SET r += $changes, r.status = $to, r.updated_at = $now
RETURN r.id AS id
"""
)

UPDATE_REPORT = (
    """
MATCH (r:Report {id: $id})
WHERE r.status IN $editable AND """
    + REPORT_VISIBLE
    + """
WITH r, r.text AS before
SET r += $props, r.updated_at = $now
RETURN r.id AS id, before
"""
)

# One mention, or all of a label at once (the review page's "accept all" / "reject all").
SET_REVIEW = (
    """
MATCH (r:Report {id: $id})-[m:MENTIONS|REJECTED_MENTION]->(:Entity)
WHERE m.id IN $mention_ids AND """
    + REPORT_VISIBLE
    + """
SET m.review = $review, m.reviewed_by = $by, m.reviewed_at = $now
RETURN m.id AS id
"""
)

# A rejected mention is not a mention: it is filed as REJECTED_MENTION, which no reader of
# the graph walks (explorer, entity pages, paths, exports, risk), so an analyst's "no" takes
# the link out everywhere at once; the review pages and the carrying of decisions across a
# text change read both types. Run after a review changes, in the same transaction.
FILE_REVIEWED_MENTIONS = """
MATCH (r:Report {id: $id})-[m:MENTIONS|REJECTED_MENTION]->(e:Entity)
WHERE (m.review = 'rejected') <> (type(m) = 'REJECTED_MENTION')
WITH r, m, e, properties(m) AS props, m.review = 'rejected' AS rejected
FOREACH (_ IN CASE WHEN rejected THEN [1] ELSE [] END |
  CREATE (r)-[n:REJECTED_MENTION]->(e) SET n = props)
FOREACH (_ IN CASE WHEN rejected THEN [] ELSE [1] END |
  CREATE (r)-[n:MENTIONS]->(e) SET n = props)
DELETE m
"""

# Point a mention at another entity: a relationship cannot change its end node, so the
# mention is recreated with its properties (and id) and the changes applied.
REPOINT_MENTION = (
    """
MATCH (r:Report {id: $id})-[m:MENTIONS|REJECTED_MENTION {id: $mention_id}]->(old:Entity)
WHERE """
    + REPORT_VISIBLE
    + """
MATCH (e:Entity {id: $entity_id})
CREATE (r)-[n:MENTIONS]->(e)
SET n = properties(m)
SET n += $changes
DELETE m
RETURN old.id AS old_id
"""
)

# Entities a reviewer may link a mention to: only those the reviewer may see
# (ENTITY_VISIBLE), so linking reveals nothing known only from hidden reports.
# What tells ten "Dimitrov"s apart when an analyst links a mention: the register's id,
# country or nationality, date of birth, the register's phones, e-mails and documents, and
# how many reports (that the reviewer may read) and declarations name each one.
_CANDIDATE = (
    """
RETURN e.id AS id, e.name AS name, e.label AS label, e.status AS status,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS kind,
       e.ref AS ref, coalesce(e.country, e.nationality) AS country, e.dob AS dob,
       [(e)-[x:USES_PHONE|USES_EMAIL|HOLDS_DOCUMENT]->(i:Entity)
          WHERE x.source = 'register' | i.name][..3] AS identifiers,
       COUNT { MATCH (r:Report)-[:MENTIONS]->(e) WHERE """
    + REPORT_VISIBLE
    + """ } AS reports,
       COUNT { (e)<-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]-(:Declaration) } AS declarations
"""
)
ENTITY_SEARCH = (
    """
CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node AS e, score
WHERE """
    + ENTITY_VISIBLE
    + """
WITH e, score ORDER BY score DESC LIMIT $limit"""
    + _CANDIDATE
)
ENTITY_BY_ID = (
    """
MATCH (e:Entity {id: $id})
WHERE """
    + ENTITY_VISIBLE
    + _CANDIDATE
)

# Is a plate, container or phone already known to this officer? Only what they may read
# counts: an identifier known solely from hidden reports answers like an unknown one.
KNOWN_TO_VIEWER = (
    """
MATCH (e:Entity {id: $id})
WHERE """
    + ENTITY_VISIBLE
    + """
RETURN COUNT { MATCH (r:Report)-[:MENTIONS]->(e) WHERE """
    + REPORT_VISIBLE
    + """ } AS reports,
       COUNT { (e)-[:SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY]-(:Declaration) } AS declarations,
       EXISTS { (:User {id: $viewer.id})-[:HAS_WATCH]->(:Watch {kind: 'entity', entity_id: e.id}) }
         AS watched
"""
)

GAZETTEER_SIGNATURE = """
MATCH (e:Entity)
WHERE e.status = 'confirmed' AND e.label IN ['ORG', 'PERSON', 'VESSEL']
RETURN count(e) AS n, sum(size(e.name) + size(coalesce(e.aliases, []))) AS s
"""

SEARCH_SCAN = 1000  # full-text hits a report list reads at most: its matches are among them
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_LUCENE_WORDS = {"AND", "OR", "NOT", "TO"}
MAX_QUERY_WORDS = 32


def escape_lucene(term: str) -> str:
    r"""One word of user text as a Lucene term: matched, never interpreted.

    The one escape for every full-text query (report lists, search, linking).

    >>> escape_lucene('A+B (ltd) "x"')
    'A\\+B \\(ltd\\) \\"x\\"'
    >>> escape_lucene("OR")
    'or'
    """
    if term in _LUCENE_WORDS:
        return term.lower()
    return _LUCENE_SPECIAL.sub(r"\\\1", term)


def lucene_terms(text: str) -> str:
    r"""User text as a safe full-text query: every word a plain term, no query syntax.

    Words are counted before escaping, so a cut never leaves half an escape behind.

    >>> lucene_terms('a\\ "b" AND c~')
    'a\\\\ \\"b\\" and c\\~'
    """
    words = [escape_lucene(w) for w in text.lower().split()[:MAX_QUERY_WORDS]]
    return " ".join(w for w in words if w)


class ReportRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # ------------------------------------------------------------------ writes

    def create(
        self,
        *,
        report_id: str | None,
        year: str,
        unit: str,
        source: str | None,
        props: dict[str, Any],
        mentions: Sequence[Mention],
        by: str,
    ) -> tuple[str, list[dict[str, Any]]]:
        """Store a report with its mentions; return id and mentions. A report whose
        ``props["submission"]`` key was stored before raises ``Resubmitted``; the same key
        arriving twice at once fails on the constraint (``Duplicate``: see ``submitted``)."""
        key = props.get("submission")

        def work(tx: Any) -> tuple[str, list[dict[str, Any]]]:
            if key and (first := tx_run(tx, FIND_SUBMISSION, key=key)):
                raise Resubmitted(first[0]["id"])
            reference = next_reference(tx, Series.REPORT, year)
            rid = report_id or reference
            created = tx_run(tx, CREATE_REPORT, id=rid, reference=reference, unit=unit,
                             source=source, props=props)
            if not created:
                raise NotFound(f"unit {unit!r} or source {source!r} does not exist")
            return rid, add_mentions_tx(tx, rid, mentions, by)

        return self.graph.write(work)

    def submitted(self, key: str) -> str | None:
        """The report a submission key stored, if any (after a ``Duplicate`` on create)."""
        rows = self.graph.query(FIND_SUBMISSION, {"key": key})
        return rows[0]["id"] if rows else None

    def update(
        self,
        report_id: str,
        viewer: dict[str, str],
        *,
        props: dict[str, Any],
        editable: Sequence[str],
        mentions: Sequence[Mention] | None,
        by: str,
    ) -> int:
        """Change a report, atomically. New text replaces the proposed mentions with fresh
        ones; reviewed mentions (accepted, rejected, added by hand) follow their words into
        the new text and outrank a fresh proposal of the same words (``carry_over_tx``).
        Returns how many reviewed mentions were dropped because their words are no longer
        in the text."""

        def work(tx: Any) -> int:
            done = tx_run(
                tx,
                UPDATE_REPORT,
                id=report_id,
                viewer=viewer,
                props=props,
                editable=list(editable),
                now=utc_now(),
            )
            if not done:
                raise NotFound(f"no editable report {report_id}")
            if mentions is None:
                return 0
            return carry_over_tx(tx, {report_id: done[0]["before"]}, {report_id: mentions}, by)

        return self.graph.write(work)

    def transition(
        self,
        report_id: str,
        viewer: dict[str, str],
        *,
        from_status: str,
        to_status: str,
        changes: dict[str, Any],
    ) -> None:
        rows = self.graph.write(
            tx_run,
            TRANSITION,
            id=report_id,
            viewer=viewer,
            changes=changes,
            now=utc_now(),
            to=to_status,
            **{"from": from_status},
        )
        if not rows:
            raise NotFound(f"report {report_id} is not {from_status} or not visible")

    def set_review(
        self, report_id: str, viewer: dict[str, str], mention_ids: Sequence[str], review: str,
        by: str,
    ) -> None:
        """Review these mentions in one transaction; ``NotFound`` (nothing written) when
        any of them is not on the report or the report is not visible."""
        wanted = sorted(set(mention_ids))

        def work(tx: Any) -> None:
            rows = tx_run(tx, SET_REVIEW, id=report_id, viewer=viewer, mention_ids=wanted,
                          review=review, by=by, now=utc_now())
            if not wanted or len(rows) != len(wanted):
                raise NotFound(f"no mention {', '.join(wanted)} on report {report_id}")
            tx_run(tx, FILE_REVIEWED_MENTIONS, id=report_id)

        self.graph.write(work)

    def repoint_mention(
        self,
        report_id: str,
        viewer: dict[str, str],
        mention_id: str,
        *,
        new_entity: Mention | None = None,
        entity_id: str | None = None,
        changes: dict[str, Any],
    ) -> str:
        """Move a mention to an existing entity, or to the entity a corrected span names."""
        entity_rows, named = mention_rows(report_id, [new_entity] if new_entity else [], "")

        def work(tx: Any) -> str:
            target = entity_id
            if new_entity is not None:
                if not named:
                    raise ValueError("the corrected mention names no entity")
                tx_run(tx, UPSERT_ENTITIES, rows=entity_rows, now=utc_now())
                target = named[0]["entity_id"]
            rows = tx_run(
                tx,
                REPOINT_MENTION,
                id=report_id,
                viewer=viewer,
                mention_id=mention_id,
                entity_id=target,
                changes=changes,
            )
            if not rows:
                raise NotFound(f"no mention {mention_id} or entity {target}")
            tx_run(tx, FILE_REVIEWED_MENTIONS, id=report_id)
            if rows[0]["old_id"] != target:
                tx_run(tx, DROP_ORPHANS, ids=[rows[0]["old_id"]])
            return str(target)

        return self.graph.write(work)

    def add_mentions(
        self, report_id: str, viewer: dict[str, str], mentions: Sequence[Mention], by: str
    ) -> list[dict[str, Any]]:
        entity_rows, rows = mention_rows(report_id, mentions, by)
        if not rows:
            raise ValueError("the mention names no entity")

        def work(tx: Any) -> None:
            if not tx_run(tx, GET_REPORT, id=report_id, viewer=viewer):
                raise NotFound(f"no report {report_id}")
            link_tx(tx, entity_rows, rows)

        self.graph.write(work)
        return rows

    def add_file_mentions(self, report_id: str, mentions: Sequence[Mention],
                          by: str) -> None:
        """Link the entities found in a report's files (inside the caller's transaction,
        which checked that the report may be written)."""
        self.graph.write(add_mentions_tx, report_id, mentions, by)

    # ------------------------------------------------------------------ reads

    def get(self, report_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """The report for this viewer; ``Hidden`` when it exists beyond need-to-know,
        ``NotFound`` when it does not (both a 404 to the viewer)."""
        rows = self.graph.query(GET_REPORT, {"id": report_id, "viewer": viewer})
        if not rows:
            raise refusal(self.graph, report_id)
        report = {**rows[0]["report"], "source": rows[0]["source"]}
        report.pop("submission", None)  # the client's retry key, nobody's business
        return report

    def id_of_reference(self, reference: str, viewer: dict[str, str]) -> str | None:
        """The id of the report with this reference, if the viewer may see it."""
        rows = self.graph.query(ID_OF_REFERENCE, {"reference": reference.strip().upper(),
                                                  "viewer": viewer})
        return rows[0]["id"] if rows else None

    def references(self, ids: Sequence[str], viewer: dict[str, str]) -> dict[str, str]:
        """Report id → reference (``T-2026-000045``) of the reports among ``ids`` that the
        viewer may see, in one read; the others are left out."""
        if not ids:
            return {}
        rows = self.graph.query(REFERENCES_OF, {"ids": sorted(set(ids)), "viewer": viewer})
        return {row["id"]: row["reference"] for row in rows}

    def mentions(self, report_id: str, viewer: dict[str, str]) -> list[dict[str, Any]]:
        rows = self.graph.query(REPORT_MENTIONS, {"id": report_id, "viewer": viewer})
        return [
            {
                **r["mention"],
                "entity_id": r["entity_id"],
                "entity_name": r["entity_name"],
                "entity_status": r["entity_status"],
                "kind": r["kind"],
            }
            for r in rows
        ]

    def list(
        self,
        viewer: dict[str, str],
        *,
        q: str | None = None,
        status: str | None = None,
        channel: str | None = None,
        unit: str | None = None,
        author_id: str | None = None,
        source: str | None = None,
        skip: int = 0,
        limit: int = 50,
        after: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the reports the viewer may see, and the token of the next (None
        when there is none): newest first, or with ``q`` the best full-text matches among
        the first ``SEARCH_SCAN``. ``after`` is such a token (ValueError when it is not)."""
        terms = lucene_terms(q or "")
        key = ("score", "id") if terms else ("at", "id")
        position = dict(zip(key, decode_cursor(after, 2), strict=True)) if after else None
        params = {
            "viewer": viewer,
            "status": status,
            "channel": channel,
            "unit": unit,
            "author_id": author_id,
            "source": source,
            "skip": skip,
            "limit": limit + 1,
            "after": position,
        }
        if terms:
            rows = self.graph.query(SEARCH_REPORTS, {**params, "q": terms, "scan": SEARCH_SCAN})
        else:
            rows = self.graph.query(LIST_REPORTS_BY_SOURCE if source else LIST_REPORTS, params)
        page, following = next_page(rows, limit, key)
        for row in page:
            row.pop("at", None)
        return page, following

    def search_entities(
        self, text: str, viewer: dict[str, str], limit: int = 10
    ) -> builtins.list[dict[str, Any]]:
        out = self.graph.query(ENTITY_BY_ID, {"id": text.strip(), "viewer": viewer})
        terms = lucene_terms(text)
        if terms:
            seen = {r["id"] for r in out}
            params = {"q": terms, "limit": limit, "viewer": viewer}
            for row in self.graph.query(ENTITY_SEARCH, params):
                if row["id"] not in seen:
                    out.append(row)
        return out[:limit]

    def known(self, entity_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """What the viewer may know of an identifier: reports they may read naming it,
        declarations carrying it, and whether they watch it (all zero when unknown)."""
        rows = self.graph.query(KNOWN_TO_VIEWER, {"id": entity_id, "viewer": viewer})
        return rows[0] if rows else {"reports": 0, "declarations": 0, "watched": False}

    def entity(self, entity_id: str, viewer: dict[str, str]) -> dict[str, Any] | None:
        """The entity, or None when it does not exist or the viewer may not see it."""
        rows = self.graph.query(ENTITY_BY_ID, {"id": entity_id, "viewer": viewer})
        return rows[0] if rows else None

    def gazetteer_signature(self) -> tuple[int, int]:
        row = self.graph.query(GAZETTEER_SIGNATURE)[0]
        return int(row["n"] or 0), int(row["s"] or 0)
