"""One search box over entities and reports: names (fuzzy), aliases, identifiers, report text.

Identifiers are tried exactly first (a phone in any spelling becomes E.164, a container,
plate or IMO number its normalised form, a register id its ``ref``), then names and
aliases through the ``entity_names`` full-text index with fuzzy terms, then report text
through ``report_text``. User text reaches Lucene only escaped; reports pass
``REPORT_VISIBLE`` and entities ``ENTITY_VISIBLE`` before any limit, so a hidden record is
neither listed nor counted.

Bounded whatever the data: each index yields its best ``SCAN`` hits, the visible ones are
paged by their sort key (``graph/paging.py``), and a result's report count stops at
``COUNT_CAP``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.access import REPORT_VISIBLE
from graph.connection import Graph
from graph.network import ENTITY_VISIBLE
from graph.paging import decode_cursor, next_page
from graph.references import looks_like_reference
from graph.reports import escape_lucene
from nlp.resolution import phone_e164

MAX_RESULTS = 50
# Hits read from each full-text index per search, the same for every page: results are
# the visible ones among the best SCAN matches, paged by a key (rank, score, id), so each
# page costs the same and a page never repeats or skips a result of another.
SCAN = 400
# A count on a search result reads at most this many reports (shown as "1000+").
COUNT_CAP = 1000
LABELS = (
    "ORG",
    "AGENCY",
    "PERSON",
    "LOCATION",
    "VESSEL",
    "CONTAINER",
    "VEHICLE",
    "PHONE",
    "EMAIL",
    "ID_DOCUMENT",
    "COMMODITY",
)

_CONTAINER = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")
_IMO = re.compile(r"^(?:IMO)?(\d{7})$")
_PLATE = re.compile(r"^[A-Z0-9]{4,10}$")


# Where the index's analyzer splits a name, a typed word is split too: "Smith-Jones" or
# '"Baltic"' are words of a name, and none of these characters reaches Lucene as syntax.
_WORD_BREAKS = re.compile(r'[\s+\-!(){}\[\]^"~*?:\\/&|]+')


def fuzzy_query(text: str) -> str:
    """A Lucene query where every word must match, allowing typos in words of 4+ letters.

    >>> fuzzy_query("Baltik Star")
    '(baltik~1 OR baltik*) AND (star~1 OR star*)'
    >>> fuzzy_query('"Smith-Jones" a/b')
    '(smith~1 OR smith*) AND (jones~1 OR jones*) AND a* AND b*'
    >>> fuzzy_query("  ")
    ''
    """
    words = [w for w in _WORD_BREAKS.split(text.strip().lower()) if w][:8]
    terms = []
    for word in words:
        escaped = escape_lucene(word)  # the one escape (graph/reports.py), kept as a guard
        if len(word) >= 4 and word.isalnum():
            terms.append(f"({escaped}~1 OR {escaped}*)")  # a typo, or the start of a name
        else:
            terms.append(f"{escaped}*")
    return " AND ".join(terms)


def identifier_candidates(text: str) -> dict[str, list[str]]:
    """Entity ids and register refs that ``text`` may denote exactly.

    >>> identifier_candidates("+31 10 555 0101")["ids"]
    ['phone:+31105550101']
    >>> identifier_candidates("mscu 123456-5")["ids"]
    ['container:MSCU1234565']
    >>> identifier_candidates("CA 1234 KX")["ids"]
    ['vehicle:CA1234KX']
    >>> identifier_candidates("IMO 9703291")["ids"]
    ['vessel:IMO9703291']
    """
    raw = text.strip()
    compact = re.sub(r"[^A-Za-z0-9]", "", raw).upper()
    ids: list[str] = []
    digits = re.sub(r"\D", "", raw)
    if len(digits) >= 7 and re.fullmatch(r"[\d\s()+\-./]+", raw):
        # as written (a local number in the administration's country), then as an
        # international number typed without its plus, then the bare digits
        for spelling in (raw, "+" + digits):
            if e164 := phone_e164(spelling):
                ids.append("phone:" + e164)
        ids.append("phone:+" + digits)
    if _CONTAINER.match(compact):
        ids.append("container:" + compact)
    imo = _IMO.match(compact)
    if imo and (compact.startswith("IMO") or "imo" in raw.lower()):
        ids.append("vessel:IMO" + imo.group(1))
    elif _PLATE.match(compact) and any(c.isdigit() for c in compact):
        ids.append("vehicle:" + compact)
    if "@" in raw:
        ids.append("email:" + raw.lower())
    if re.fullmatch(r"[a-z_]+:\S.*", raw):  # an entity's own id (trader:NL123456789)
        ids.append(raw)
    refs = list(dict.fromkeys([raw, raw.upper(), compact] if raw else []))
    return {"ids": list(dict.fromkeys(ids)), "refs": refs}


# Identifiers and names in one query. An identifier hit ranks before any name hit and
# keeps its score of 2.0. Only the page's rows pay for the count of visible reports
# (capped); before the limit the entities pass ENTITY_VISIBLE (graph/network.py). The
# page starts after the key ($after: rank, score, id) of the last row of the page before.
SEARCH_ENTITIES = (
    """
CALL () {
  UNWIND $ids AS wanted
  MATCH (e:Entity {id: wanted}) RETURN e, 0 AS rank, 2.0 AS score
  UNION
  UNWIND $refs AS wanted
  MATCH (e:Entity {ref: wanted}) RETURN e, 0 AS rank, 2.0 AS score
  UNION
  WITH $lucene AS lucene WHERE lucene <> ''  // only syntax typed: identifiers alone
  CALL db.index.fulltext.queryNodes('entity_names', lucene, {limit: $scan})
  YIELD node AS e, score
  RETURN e, 1 AS rank, score
}
WITH e, min(rank) AS rank, max(score) AS best
WHERE $label IS NULL OR e.label = $label
WITH e, rank, CASE rank WHEN 0 THEN 2.0 ELSE best END AS score
WHERE ($after IS NULL OR rank > $after.rank
       OR (rank = $after.rank AND (score < $after.score
                                   OR (score = $after.score AND e.id > $after.id))))
  AND """
    + ENTITY_VISIBLE
    + """
WITH e, rank, score
ORDER BY rank, score DESC, e.id
LIMIT $limit
RETURN score, rank, CASE rank WHEN 0 THEN 'identifier' ELSE 'name' END AS matched,
       e.id AS id, e.label AS label, e.name AS name, e.aliases AS aliases,
       coalesce([l IN labels(e) WHERE l <> 'Entity'][0], 'Entity') AS kind,
       e.status AS status, e.ref AS ref,
       COUNT { MATCH (r:Report)-[:MENTIONS]->(e) WHERE """
    + REPORT_VISIBLE
    + """ RETURN DISTINCT r LIMIT $count_cap } AS reports
ORDER BY rank, score DESC, id
"""
)

SEARCH_REPORTS = (
    """
CALL db.index.fulltext.queryNodes('report_text', $lucene, {limit: $scan})
YIELD node AS r, score
WHERE ($after IS NULL OR score < $after.score
       OR (score = $after.score AND r.id > $after.id))
  AND """
    + REPORT_VISIBLE
    + """
RETURN r.id AS id, r.reference AS reference, r.title AS title, r.channel AS channel,
       r.unit AS unit, r.handling AS handling, left(toString(r.received), 10) AS received,
       score
ORDER BY score DESC, id
LIMIT $limit
"""
)

# A report's reference typed into the box (``R-2026-000123``) finds that report.
REPORT_BY_REFERENCE = (
    """
MATCH (r:Report {reference: $reference})
WHERE """
    + REPORT_VISIBLE
    + """
RETURN r.id AS id, r.reference AS reference, r.title AS title, r.channel AS channel,
       r.unit AS unit, r.handling AS handling, left(toString(r.received), 10) AS received,
       1000.0 AS score
"""
)


@dataclass(frozen=True)
class SearchResult:
    """One page of entities and one of reports; ``*_next`` continues each (None: no more)."""

    entities: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    entities_next: str | None = None
    reports_next: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": self.entities,
            "reports": self.reports,
            "entities_next": self.entities_next,
            "reports_next": self.reports_next,
        }


KINDS = ("entities", "reports")


def parse_label(label: str | None) -> str | None:
    """The ``label`` filter, checked against the extraction labels (ValueError otherwise)."""
    if not label:
        return None
    value = label.strip().upper()
    if value not in LABELS:
        raise ValueError(f"unknown label {label!r}; one of {', '.join(LABELS)}")
    return value


def parse_kind(kind: str | None) -> str | None:
    """Which list a next page continues: entities, reports, or None for both."""
    if not kind:
        return None
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    return kind


class SearchRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def search(
        self,
        text: str,
        viewer: dict[str, str],
        *,
        label: str | None = None,
        reports: bool = True,
        limit: int = 20,
        kind: str | None = None,
        after: str | None = None,
    ) -> SearchResult:
        """The first page of both lists, or with ``kind`` and ``after`` (a ``*_next`` token)
        the next page of that one list."""
        text = (text or "").strip()[:200]
        if not text:
            return SearchResult([], [])
        limit = max(1, min(limit, MAX_RESULTS))
        label = parse_label(label)
        kind = parse_kind(kind)
        if after and not kind:
            raise ValueError("after needs kind: entities or reports")
        lucene = fuzzy_query(text)
        entities: list[dict[str, Any]] = []
        entities_next = None
        if kind in (None, "entities"):
            key = decode_cursor(after, 3) if after else None
            rows = self.graph.query(
                SEARCH_ENTITIES,
                {
                    **identifier_candidates(text),
                    "lucene": lucene,
                    "scan": SCAN,
                    "label": label,
                    "viewer": viewer,
                    "after": dict(zip(("rank", "score", "id"), key, strict=True)) if key else None,
                    "limit": limit + 1,
                    "count_cap": COUNT_CAP,
                },
            )
            entities, entities_next = next_page(rows, limit, ("rank", "score", "id"))
            for row in entities:
                del row["rank"]
        report_rows: list[dict[str, Any]] = []
        reports_next = None
        wanted = reports and label is None and kind in (None, "reports")
        if wanted and not after and looks_like_reference(text):
            report_rows = self.graph.query(
                REPORT_BY_REFERENCE, {"reference": text.upper(), "viewer": viewer})
        if wanted and lucene:
            key = decode_cursor(after, 2) if after else None
            seen = {row["id"] for row in report_rows}
            rows = self.graph.query(
                SEARCH_REPORTS,
                {
                    "lucene": lucene,
                    "scan": SCAN,
                    "viewer": viewer,
                    "after": dict(zip(("score", "id"), key, strict=True)) if key else None,
                    "limit": limit + 1,
                },
            )
            page, reports_next = next_page(rows, limit, ("score", "id"))
            report_rows += [row for row in page if row["id"] not in seen]
        return SearchResult(entities, report_rows, entities_next, reports_next)
