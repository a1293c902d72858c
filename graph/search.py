"""One search box over entities and reports: names (fuzzy), aliases, identifiers, report text.

Identifiers are tried exactly first (a phone in any spelling becomes E.164, a container,
plate or IMO number its normalised form, a register id its ``ref``), then names and
aliases through the ``entity_names`` full-text index with fuzzy terms, then report text
through ``report_text``. User text reaches Lucene only escaped; reports pass
``REPORT_VISIBLE`` and entities ``ENTITY_VISIBLE`` before any limit, so a hidden record is
neither listed nor counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.access import REPORT_VISIBLE
from graph.connection import Graph
from graph.references import looks_like_reference
from nlp.resolution import phone_e164

MAX_RESULTS = 50
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

_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_LUCENE_WORDS = {"AND", "OR", "NOT", "TO"}
_CONTAINER = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")
_IMO = re.compile(r"^(?:IMO)?(\d{7})$")
_PLATE = re.compile(r"^[A-Z0-9]{4,10}$")


def escape_lucene(term: str) -> str:
    r"""Escape Lucene query syntax so user text is matched, never interpreted.

    >>> escape_lucene('A+B (ltd) "x"')
    'A\\+B \\(ltd\\) \\"x\\"'
    >>> escape_lucene("OR")
    'or'
    """
    if term in _LUCENE_WORDS:
        return term.lower()
    return _LUCENE_SPECIAL.sub(r"\\\1", term)


def fuzzy_query(text: str) -> str:
    """A Lucene query where every word must match, allowing typos in words of 4+ letters.

    >>> fuzzy_query("Baltik Star")
    '(baltik~1 OR baltik*) AND (star~1 OR star*)'
    >>> fuzzy_query("a/b")
    'a\\\\/b*'
    >>> fuzzy_query("  ")
    ''
    """
    words = [w for w in re.split(r"\s+", text.strip().lower()) if w][:8]
    terms = []
    for word in words:
        escaped = escape_lucene(word)
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
    refs = list(dict.fromkeys([raw, raw.upper(), compact] if raw else []))
    return {"ids": list(dict.fromkeys(ids)), "refs": refs}


# Identifiers and names in one query, so the need-to-know predicate is planned once per
# search: each copy costs Neo4j hundreds of milliseconds to plan on a cold query cache.
# An identifier hit ranks before any name hit and keeps its score of 2.0. The visibility
# test is ENTITY_VISIBLE (graph/network.py) spelt with the visible mentions already
# counted: "a visible report mentions it" is "reports > 0".
SEARCH_ENTITIES = (
    """
CALL () {
  UNWIND $ids AS wanted
  MATCH (e:Entity {id: wanted}) RETURN e, 0 AS rank, 2.0 AS score
  UNION
  UNWIND $refs AS wanted
  MATCH (e:Entity {ref: wanted}) RETURN e, 0 AS rank, 2.0 AS score
  UNION
  CALL db.index.fulltext.queryNodes('entity_names', $lucene, {limit: $scan})
  YIELD node AS e, score
  RETURN e, 1 AS rank, score
}
WITH e, min(rank) AS rank, max(score) AS best
WHERE $label IS NULL OR e.label = $label
WITH e, rank, CASE rank WHEN 0 THEN 2.0 ELSE best END AS score,
     COUNT { MATCH (r:Report)-[:MENTIONS]->(e) WHERE """
    + REPORT_VISIBLE
    + """ } AS reports
WHERE coalesce(e.status, 'confirmed') <> 'proposed'
   OR reports > 0
   OR NOT EXISTS { (:Report)-[:MENTIONS|REJECTED_MENTION]->(e) }
RETURN score, CASE rank WHEN 0 THEN 'identifier' ELSE 'name' END AS matched,
       e.id AS id, e.label AS label, e.name AS name, e.aliases AS aliases,
       coalesce([l IN labels(e) WHERE l <> 'Entity'][0], 'Entity') AS kind,
       e.status AS status, e.ref AS ref, reports
ORDER BY rank, score DESC, id
LIMIT $limit
"""
)

SEARCH_REPORTS = (
    """
CALL db.index.fulltext.queryNodes('report_text', $lucene, {limit: $scan})
YIELD node AS r, score
WHERE """
    + REPORT_VISIBLE
    + """
RETURN r.id AS id, r.reference AS reference, r.title AS title, r.channel AS channel,
       r.unit AS unit, r.handling AS handling, left(toString(r.received), 10) AS received,
       score
ORDER BY score DESC
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
    entities: list[dict[str, Any]]
    reports: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"entities": self.entities, "reports": self.reports}


def parse_label(label: str | None) -> str | None:
    """The ``label`` filter, checked against the extraction labels (ValueError otherwise)."""
    if not label:
        return None
    value = label.strip().upper()
    if value not in LABELS:
        raise ValueError(f"unknown label {label!r}; one of {', '.join(LABELS)}")
    return value


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
    ) -> SearchResult:
        text = (text or "").strip()[:200]
        if not text:
            return SearchResult([], [])
        limit = max(1, min(limit, MAX_RESULTS))
        label = parse_label(label)
        lucene = fuzzy_query(text)
        entities = self.graph.query(
            SEARCH_ENTITIES,
            {
                **identifier_candidates(text),
                "lucene": lucene,  # never empty: text holds a word here
                "scan": limit * 5,
                "label": label,
                "viewer": viewer,
                "limit": limit,
            },
        )
        report_rows: list[dict[str, Any]] = []
        if reports and label is None and looks_like_reference(text):
            report_rows = self.graph.query(
                REPORT_BY_REFERENCE, {"reference": text.upper(), "viewer": viewer})
        if reports and lucene and label is None:
            seen = {row["id"] for row in report_rows}
            report_rows += [row for row in self.graph.query(
                SEARCH_REPORTS,
                {"lucene": lucene, "scan": limit * 10, "viewer": viewer, "limit": limit},
            ) if row["id"] not in seen]
        return SearchResult(entities, report_rows)
