"""Bounded network queries for the explorer, the entity API and the exports.

Every query starts at an indexed node (``(:Entity {id})``, ``(:Report {id})``,
``(:Declaration {id})``), walks only whitelisted relationship types, stops at depth 3
and at a node cap, and lets through only what the viewer may see:

- reports only when ``REPORT_VISIBLE`` allows (``graph/access.py``), and relations an
  analyst added from a report only when that report is visible (``RELATION_VISIBLE``);
- entities only when ``ENTITY_VISIBLE`` allows: an entity that extraction *proposed* from
  reports the viewer cannot read would otherwise reveal what those reports say;
- ``Source``, ``Unit``, ``User``, ``Case`` and every other label never: the walk accepts
  only ``Entity``, ``Report`` and ``Declaration`` nodes and never follows ``FROM_SOURCE``.

Node ids in results are entity ids (``phone:+3110…``) and ``report:ID`` /
``declaration:ID`` for the other two labels, so one id space serves the browser, GraphML
and the CSV exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from graph.access import RELATION_VISIBLE, REPORT_VISIBLE
from graph.connection import Graph, tx_run, tx_values
from graph.errors import NotFound
from graph.paging import decode_cursor, encode_cursor
from graph.vocabulary import RelationType

MAX_DEPTH = 3
MAX_NODES = 500
PER_TYPE = 25  # latest neighbours shown per relation type around an expanded node
MAX_PER_TYPE = 100
NEIGHBOUR_COUNT_CAP = 1000  # a type's total counts at most this many; "1,000+" beyond
# Shortest paths are at most 6 hops: a literal in the shortest-path constants below.
MAX_CONNECT = 10  # entities in one "connecting network" request

# The whitelist. Cypher cannot take relationship types as parameters in a pattern, so the
# constants spell them out and ``$types`` narrows them; tests check both lists agree.
ENTITY_RELATIONS = (*(t.value for t in RelationType), "SAME_AS")
TRADE_RELATIONS = (
    "IMPORTED_BY",
    "EXPORTED_BY",
    "DECLARED_BY",
    "SHIPPED_IN",
    "CARRIED_BY",
    "TRANSPORTED_BY",
)
REPORT_RELATIONS = ("MENTIONS",)
ALL_RELATIONS = (*ENTITY_RELATIONS, *TRADE_RELATIONS, *REPORT_RELATIONS)
NODE_KINDS = (
    "Trader",
    "Organisation",
    "Agency",
    "Person",
    "Location",
    "Vessel",
    "Container",
    "Vehicle",
    "Phone",
    "Email",
    "Document",
    "Commodity",
    "Address",
    "Report",
    "Declaration",
)

_PATTERN_TYPES = (
    "DIRECTOR_OF|EMPLOYEE_OF|OWNER_OF|SHAREHOLDER_OF|ASSOCIATE_OF|RELATIVE_OF|USES_PHONE|"
    "USES_EMAIL|LOCATED_AT|HOLDS_DOCUMENT|OPERATES|RELATED_TO|SAME_AS|IMPORTED_BY|"
    "EXPORTED_BY|DECLARED_BY|SHIPPED_IN|CARRIED_BY|TRANSPORTED_BY|MENTIONS"
)

# An entity is hidden when extraction alone proposed it and every report that mentions it
# is hidden from the viewer. Variable ``e``; needs ``$viewer``.
ENTITY_VISIBLE = (
    """(
  coalesce(e.status, 'confirmed') <> 'proposed'
  OR NOT EXISTS { (:Report)-[:MENTIONS|REJECTED_MENTION]->(e) }
  OR EXISTS { MATCH (r:Report)-[:MENTIONS]->(e) WHERE """
    + REPORT_VISIBLE
    + """ }
)"""
)

# The two halves of "may the viewer see node n": Cypher needs the node under the names
# the predicates use (``e`` for entities, ``r`` for reports), and ``r`` must not be bound
# while ENTITY_VISIBLE runs (its subquery matches its own ``r``), hence two WITH steps.
NODE_LABEL_OK = "((n:Entity OR n:Report OR n:Declaration) AND NOT n:Source)"
ENTITY_OK = "(NOT e:Entity OR " + ENTITY_VISIBLE + ")"
REPORT_OK = "(NOT r:Report OR " + REPORT_VISIBLE + ")"

_PUBLIC_ID = """CASE WHEN n:Entity THEN n.id
     WHEN n:Report THEN 'report:' + n.id
     WHEN n:Declaration THEN 'declaration:' + n.id END"""

# The start node, visible to the viewer, as ``s`` (its element id); one per label.
_FIND_ENTITY = (
    """
MATCH (n:Entity {id: $id})
WITH n, n AS e WHERE """
    + ENTITY_OK
    + """
WITH elementId(n) AS s
"""
)
_FIND_REPORT = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
WITH elementId(r) AS s
"""
)
_FIND_DECLARATION = """
MATCH (n:Declaration {id: $id})
WITH elementId(n) AS s
"""
START_ENTITY = _FIND_ENTITY + "RETURN s AS eid"
START_REPORT = _FIND_REPORT + "RETURN s AS eid"
START_DECLARATION = _FIND_DECLARATION + "RETURN s AS eid"

# One breadth-first step from a frontier node ``a``: its latest $per_type neighbours of each
# relation type (newest day first, then public id; after the key $after when one group is
# paged further) and the type's total, counted up to $count_cap. Each frontier node's
# relations are walked once and grouped by type (a walk per wanted type cost a hub its
# whole degree twenty times over). The cheap structural filters (type, kind, label, dates)
# run first, then need-to-know, and need-to-know runs before the grouping, so a hidden
# record neither shows nor counts. The date of a link is the relation's own date, else the
# report's receipt or the declaration's date; undated register facts (a trader's phone)
# stay in any date range and sort last.
_GROUPS = (
    """
  MATCH (a)-[rel:"""
    + _PATTERN_TYPES
    + """]-(n)
  WHERE type(rel) IN $types
    AND ($kinds IS NULL OR any(k IN labels(n) WHERE k IN $kinds))
    AND """
    + NODE_LABEL_OK
    + """
  WITH a, rel, n, left(toString(coalesce(rel.date,
         CASE WHEN n:Report THEN n.received WHEN n:Declaration THEN n.date END,
         CASE WHEN a:Report THEN a.received WHEN a:Declaration THEN a.date END)), 10) AS day
  WHERE ($from IS NULL OR day IS NULL OR day >= $from)
    AND ($to IS NULL OR day IS NULL OR day <= $to)
    AND """
    + RELATION_VISIBLE
    + """
  WITH a, rel, n, day, n AS e WHERE """
    + ENTITY_OK
    + """
  WITH a, rel, n, day, n AS r WHERE """
    + REPORT_OK
    + """
  WITH a, rel, n, day, coalesce(day, '') AS key_day, """
    + _PUBLIC_ID
    + """ AS key_id
  WHERE $after IS NULL OR key_day < $after.day
     OR (key_day = $after.day AND key_id < $after.id)
  WITH a, rel, n, day, key_day, key_id ORDER BY key_day DESC, key_id DESC
  WITH type(rel) AS wanted,
       collect({b: elementId(n), outgoing: elementId(startNode(rel)) = elementId(a),
                evidence: rel.source, date: day, key_day: key_day, key_id: key_id}) AS rows
  RETURN wanted, [x IN rows[..$per_type] | x {.b, .outgoing, .evidence, .date}] AS page,
         CASE WHEN size(rows) > $per_type
              THEN [rows[$per_type - 1].key_day, rows[$per_type - 1].key_id] END AS next,
         CASE WHEN size(rows) < $count_cap THEN size(rows) ELSE $count_cap END AS total
"""
)

# The step from every node of $frontier (the walk below goes on this way once it stops).
EXPAND = (
    """
UNWIND $frontier AS eid
MATCH (a) WHERE elementId(a) = eid
CALL (a) {"""
    + _GROUPS
    + """}
RETURN elementId(a) AS a, wanted AS type, page, next, total
"""
)

# What the explorer shows of one node, by element id ``eid`` (node ``n``).
_DETAILS = (
    """{eid: eid,
       id: """
    + _PUBLIC_ID
    + """,
       kind: coalesce([l IN labels(n) WHERE l <> 'Entity'][0], 'Entity'),
       name: coalesce(n.name, n.title, n.id),
       reference: CASE WHEN n:Report THEN n.reference END,
       label: n.label,
       status: n.status,
       risk: CASE WHEN n:Trader THEN n.risk_score END,
       seized: CASE WHEN n:Trader THEN EXISTS {
         (n)<-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]-(:Declaration)
            <-[:CONTROL_OF]-(:Control {result: 'positive'}) } ELSE false END,
       date: left(toString(coalesce(n.received, n.date)), 10)}"""
)

_NODE_FIELDS = ("id", "kind", "name", "reference", "label", "status", "risk", "seized", "date")

NODE_DETAILS = (
    """
UNWIND $eids AS eid
MATCH (n) WHERE elementId(n) = eid
RETURN """
    + _DETAILS
    + """ AS node
"""
)

# The whole walk in one statement, from the start node (element id ``s``, already checked
# against need-to-know) up to $depth steps: each step is EXPAND from the nodes the step
# before reached first. It goes on only while the nodes reached stay within $limit, where
# nothing is cut, so its steps are exactly what the step-by-step walk would ask for; past
# the cap (a hub) the caller applies the cap in order and goes on with EXPAND. ``done``
# says the walk reached $depth within the cap: ``details`` then holds every node reached.
# Three steps at most, as MAX_DEPTH; ``seen`` is a list, fine within the 500-node cap.
_HOP = (
    """COLLECT {
  UNWIND FRONTIER AS eid
  MATCH (a) WHERE elementId(a) = eid
  CALL (a) {"""
    + _GROUPS
    + """}
  RETURN {a: eid, type: wanted, page: page, next: next, total: total}
}"""
)
_REACHED = """COLLECT {
  UNWIND GROUPS AS g
  UNWIND g.page AS l
  WITH DISTINCT l.b AS b WHERE NOT b IN seen
  RETURN b
}"""
_WALK = (
    """
WITH s, [s] AS seen
WITH s, seen, """
    + _HOP.replace("FRONTIER", "seen")
    + """ AS g1
WITH s, seen, g1, """
    + _REACHED.replace("GROUPS", "g1")
    + """ AS f1
WITH s, g1, seen + f1 AS seen, f1
WITH s, g1, seen, f1, $depth >= 2 AND size(seen) <= $limit AS go2
WITH s, g1, seen, go2, """
    + _HOP.replace("FRONTIER", "CASE WHEN go2 THEN f1 ELSE [] END")
    + """ AS g2
WITH s, g1, seen, go2, g2, """
    + _REACHED.replace("GROUPS", "g2")
    + """ AS f2
WITH s, g1, go2, g2, seen + f2 AS seen, f2
WITH s, g1, go2, g2, seen, f2, go2 AND $depth >= 3 AND size(seen) <= $limit AS go3
WITH s, g1, go2, g2, seen, go3, """
    + _HOP.replace("FRONTIER", "CASE WHEN go3 THEN f2 ELSE [] END")
    + """ AS g3
WITH s, g1, go2, g2, seen, go3, g3, """
    + _REACHED.replace("GROUPS", "g3")
    + """ AS f3
WITH s, g1, go2, g2, go3, g3, seen + f3 AS seen
WITH s, g1, go2, g2, go3, g3, seen,
     size(seen) <= $limit AND CASE $depth WHEN 1 THEN true WHEN 2 THEN go2 ELSE go3 END AS done
RETURN s, [g1] + CASE WHEN go2 THEN [g2] ELSE [] END + CASE WHEN go3 THEN [g3] ELSE [] END
         AS steps,
       done,
       COLLECT { UNWIND CASE WHEN done THEN seen ELSE [] END AS eid
                 MATCH (n) WHERE elementId(n) = eid
                 RETURN """
    + _DETAILS
    + """ } AS details
"""
)

WALK_ENTITY = _FIND_ENTITY + _WALK
WALK_REPORT = _FIND_REPORT + _WALK
WALK_DECLARATION = _FIND_DECLARATION + _WALK

# Ids in, element ids out, visibility applied: how a saved chart or a client-side node
# list comes back (anything the viewer may no longer see silently drops out).
RESOLVE_IDS = (
    """
UNWIND $ids AS pid
CALL (pid) {
  OPTIONAL MATCH (n:Entity {id: pid}) RETURN n
  UNION
  OPTIONAL MATCH (n:Report {id: substring(pid, 7)}) WHERE pid STARTS WITH 'report:' RETURN n
  UNION
  OPTIONAL MATCH (n:Declaration {id: substring(pid, 12)})
  WHERE pid STARTS WITH 'declaration:' RETURN n
}
WITH DISTINCT n WHERE n IS NOT NULL AND """
    + NODE_LABEL_OK
    + """
WITH n, n AS e WHERE """
    + ENTITY_OK
    + """
WITH n, n AS r WHERE """
    + REPORT_OK
    + """
RETURN elementId(n) AS eid, """
    + _PUBLIC_ID
    + """ AS id
"""
)

# Relationships among a known node set; Expand(Into) checks the lower-degree side.
INDUCED_EDGES = (
    """
UNWIND $eids AS x
MATCH (a) WHERE elementId(a) = x
UNWIND $eids AS y
MATCH (b) WHERE elementId(b) = y
MATCH (a)-[rel:"""
    + _PATTERN_TYPES
    + """]->(b)
WHERE type(rel) IN $types AND """
    + RELATION_VISIBLE
    + """
RETURN elementId(a) AS a, elementId(b) AS b, type(rel) AS type, true AS outgoing,
       rel.source AS evidence,
       left(toString(coalesce(rel.date, CASE WHEN a:Report THEN a.received END,
                              CASE WHEN a:Declaration THEN a.date END)), 10) AS date
LIMIT $limit
"""
)

# Shortest paths between two nodes over the whitelist, every node on them visible.
SHORTEST_PATHS = (
    """
MATCH (s) WHERE elementId(s) = $a
MATCH (t) WHERE elementId(t) = $b
MATCH p = allShortestPaths((s)-[:"""
    + _PATTERN_TYPES
    + """*..6]-(t))
WHERE all(rel IN relationships(p) WHERE type(rel) IN $types AND """
    + RELATION_VISIBLE
    + """)
  AND all(n IN nodes(p) WHERE """
    + NODE_LABEL_OK
    + """)
  AND all(e IN nodes(p) WHERE """
    + ENTITY_OK
    + """)
  AND all(r IN nodes(p) WHERE """
    + REPORT_OK
    + """)
WITH p LIMIT $max_paths
UNWIND relationships(p) AS rel
RETURN DISTINCT elementId(startNode(rel)) AS a, elementId(endNode(rel)) AS b,
       type(rel) AS type, true AS outgoing, rel.source AS evidence,
       left(toString(rel.date), 10) AS date
"""
)


@dataclass(frozen=True)
class NetworkQuery:
    """What the viewer asked for, already validated (see :func:`parse_query`)."""

    depth: int = 1
    types: tuple[str, ...] = ALL_RELATIONS
    kinds: tuple[str, ...] | None = None
    date_from: str | None = None
    date_to: str | None = None
    limit: int = MAX_NODES
    per_type: int = PER_TYPE
    more: tuple[str, str, str, str] | None = None  # node, type, day, id: one group's next page

    def params(self) -> dict[str, Any]:
        return {
            "types": list(self.types),
            "kinds": list(self.kinds) if self.kinds else None,
            "from": self.date_from,
            "to": self.date_to,
        }


@dataclass
class Network:
    """Nodes and edges as plain dicts, ready for JSON, GraphML or CSV."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    # Per expanded node and relation type: shown, total (capped), and the ``more`` key.
    groups: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges, "truncated": self.truncated,
                "groups": self.groups, "counts_capped_at": NEIGHBOUR_COUNT_CAP}


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in (p.strip() for p in value.split(",")) if v]
    return [str(v).strip() for v in value if str(v).strip()]


def _iso_day(value: Any, name: str) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{name} must be a date like 2025-03-12") from None


def _more(token: Any) -> tuple[str, str, str, str] | None:
    """A group's ``more`` key back to (node id, relation type, day, neighbour id)."""
    text = str(token or "").strip()
    if not text:
        return None
    if len(text) > 2000:
        raise ValueError("more is not a position from a previous answer")
    node, rel_type, day, other = decode_cursor(text, 4, "more")
    if rel_type not in ALL_RELATIONS or not isinstance(node, str) or not isinstance(day, str):
        raise ValueError("more is not a position from a previous answer")
    return node, rel_type, day, other


def parse_query(args: Any) -> NetworkQuery:
    """Validate request arguments: depth, types, kinds, since, until, limit, per_type
    (neighbours shown per relation type, 1 to 100) and more (a group's next-page key).

    The date range is ``since``/``until`` because ``from``/``to`` name the two ends of a
    path (``/paths?from=ID&to=ID``).

    Raises ``ValueError`` with a reason an officer can act on; unknown relation types and
    kinds are refused rather than ignored, so no text reaches Cypher unchecked.
    """
    get = args.get
    try:
        depth = int(get("depth") or 1)
    except (TypeError, ValueError):
        raise ValueError("depth must be a whole number from 1 to 3") from None
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError("depth must be a whole number from 1 to 3")
    try:
        limit = int(get("limit") or MAX_NODES)
    except (TypeError, ValueError):
        raise ValueError(f"limit must be a whole number up to {MAX_NODES}") from None
    if not 1 <= limit <= MAX_NODES:
        raise ValueError(f"limit must be a whole number up to {MAX_NODES}")
    types = []
    for text in _split(get("types")):
        name = text.upper().replace(" ", "_").replace("-", "_")
        if name not in ALL_RELATIONS:
            raise ValueError(f"unknown relation type {text!r}")
        types.append(name)
    kinds = []
    by_lower = {k.lower(): k for k in NODE_KINDS}
    for text in _split(get("kinds")):
        if text.lower() not in by_lower:
            raise ValueError(f"unknown node kind {text!r}")
        kinds.append(by_lower[text.lower()])
    try:
        per_type = int(get("per_type") or PER_TYPE)
    except (TypeError, ValueError):
        raise ValueError(f"per_type must be a whole number from 1 to {MAX_PER_TYPE}") from None
    if not 1 <= per_type <= MAX_PER_TYPE:
        raise ValueError(f"per_type must be a whole number from 1 to {MAX_PER_TYPE}")
    date_from = _iso_day(get("since"), "since")
    date_to = _iso_day(get("until"), "until")
    if date_from and date_to and date_from > date_to:
        raise ValueError("since must not be after until")
    return NetworkQuery(
        depth=depth,
        types=tuple(types) or ALL_RELATIONS,
        kinds=tuple(kinds) or None,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        per_type=per_type,
        more=_more(get("more")),
    )


class NetworkRepository:
    """Neighbourhoods, paths and subgraphs within what ``viewer`` may see."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # -- entry points -------------------------------------------------------------------

    def neighbourhood(self, node_id: str, query: NetworkQuery, viewer: dict[str, str]) -> Network:
        """Breadth-first from one node up to ``query.depth`` hops and ``query.limit`` nodes,
        each expanded node giving its latest ``query.per_type`` neighbours per relation type
        with the type's total: a hub costs what any node costs. With ``query.more`` (a
        group's key) only that group's next page, from the node the key names."""
        return self.graph.read(_neighbourhood, node_id, query, viewer)

    def paths(
        self,
        from_id: str,
        to_id: str,
        query: NetworkQuery,
        viewer: dict[str, str],
        max_paths: int = 10,
    ) -> Network:
        """All shortest paths (up to ``max_paths``, at most 6 hops) between two nodes."""
        return self.graph.read(_paths, [from_id, to_id], query, viewer, max_paths)

    def connecting(
        self, node_ids: Sequence[str], query: NetworkQuery, viewer: dict[str, str]
    ) -> Network:
        """The union of shortest paths between every pair of the given nodes."""
        ids = list(dict.fromkeys(node_ids))
        if not 2 <= len(ids) <= MAX_CONNECT:
            raise ValueError(f"choose from 2 to {MAX_CONNECT} entities to connect")
        return self.graph.read(_paths, ids, query, viewer, 3)

    def visible_ids(self, ids: Sequence[str], viewer: dict[str, str]) -> set[str]:
        """The public ids among ``ids`` that ``viewer`` may see (saved charts, node lists)."""
        rows = self.graph.query(RESOLVE_IDS, {"ids": list(ids), "viewer": viewer})
        return {row["id"] for row in rows}

    def subgraph(
        self, node_ids: Iterable[str], query: NetworkQuery, viewer: dict[str, str]
    ) -> Network:
        """The given nodes (those still visible) and the relations among them."""
        ids = list(dict.fromkeys(node_ids))[: query.limit]
        return self.graph.read(_subgraph, ids, query, viewer)


# -- transaction functions ------------------------------------------------------------


def _find(node_id: str) -> tuple[LiteralString, LiteralString, str]:
    """The start and walk statements for a public id, and the id within its label."""
    if node_id.startswith("report:"):
        return START_REPORT, WALK_REPORT, node_id[7:]
    if node_id.startswith("declaration:"):
        return START_DECLARATION, WALK_DECLARATION, node_id[12:]
    return START_ENTITY, WALK_ENTITY, node_id


def _start(tx: Any, node_id: str, viewer: dict[str, str]) -> str:
    cypher, _, key = _find(node_id)
    rows = tx_run(tx, cypher, id=key, viewer=viewer)
    if not rows:
        raise NotFound(f"no entity {node_id}")
    return rows[0]["eid"]


def _neighbourhood(tx: Any, node_id: str, query: NetworkQuery, viewer: dict[str, str]) -> Network:
    types, after, depth = list(query.types), None, query.depth
    if query.more:
        node_id, more_type, day, other = query.more
        types, after, depth = [more_type], {"day": day, "id": other}, 1
    params = {
        **query.params(),
        "types": types,
        "per_type": query.per_type,
        "count_cap": NEIGHBOUR_COUNT_CAP,
        "after": after,
        "viewer": viewer,
    }
    # One round trip for the whole walk while it stays within the node cap (the usual
    # case); a step it did not take (past the cap) is taken here with EXPAND.
    _, walk_cypher, key = _find(node_id)
    walked = tx_values(tx, walk_cypher, id=key, depth=depth, limit=query.limit, **params)
    if not walked:
        raise NotFound(f"no entity {node_id}")
    start, steps = walked[0]["s"], walked[0]["steps"]
    seen = {start}
    frontier = [start]
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    groups: list[dict[str, Any]] = []
    truncated = False
    for step in range(depth):
        if not frontier:
            break
        if step < len(steps):
            rows = steps[step]
        else:
            rows = tx_values(tx, EXPAND, frontier=frontier, **params)
        # in frontier order, then in the order of the asked types: the node cap keeps the
        # same neighbours whatever order the groups come back in
        position = {eid: i for i, eid in enumerate(frontier)}
        rank = {t: i for i, t in enumerate(types)}
        rows.sort(key=lambda r: (position[r["a"]], rank[r["type"]]))
        next_frontier = []
        for row in rows:
            shown = 0
            for link in row["page"]:
                if link["b"] not in seen:
                    if len(seen) >= query.limit:
                        truncated = True
                        continue
                    seen.add(link["b"])
                    next_frontier.append(link["b"])
                shown += 1
                _add_edge(edges, {**link, "a": row["a"], "type": row["type"]})
            groups.append({
                "node": row["a"],
                "type": row["type"],
                "shown": shown,
                "total": int(row["total"]),
                "capped": int(row["total"]) >= NEIGHBOUR_COUNT_CAP,
                "more": [row["type"], *row["next"]] if row["next"] else None,
            })
        frontier = next_frontier
    public: dict[str, str] = {}
    details = walked[0]["details"] if walked[0]["done"] else None
    network = _materialise(tx, seen, edges, truncated, first=start, public=public,
                           details=details)
    for group in groups:
        group["node"] = public.get(group["node"], group["node"])
        if group["more"]:
            group["more"] = encode_cursor([group["node"], *group["more"]])
    groups.sort(key=lambda g: (g["node"], g["type"]))
    network.groups = groups
    return network


def _paths(
    tx: Any, node_ids: list[str], query: NetworkQuery, viewer: dict[str, str], max_paths: int
) -> Network:
    starts = [_start(tx, node_id, viewer) for node_id in node_ids]
    seen = dict.fromkeys(starts)
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i, a in enumerate(starts):
        for b in starts[i + 1 :]:
            if a == b:
                continue
            for row in tx_run(
                tx,
                SHORTEST_PATHS,
                a=a,
                b=b,
                types=list(query.types),
                max_paths=max_paths,
                viewer=viewer,
            ):
                seen.setdefault(row["a"])
                seen.setdefault(row["b"])
                _add_edge(edges, row)
    return _materialise(tx, list(seen), edges, False, first=starts[0])


def _subgraph(tx: Any, ids: list[str], query: NetworkQuery, viewer: dict[str, str]) -> Network:
    eids = [row["eid"] for row in tx_run(tx, RESOLVE_IDS, ids=ids, viewer=viewer)]
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in tx_run(
        tx, INDUCED_EDGES, eids=eids, types=list(query.types), limit=MAX_NODES * 10,
        viewer=viewer,
    ):
        _add_edge(edges, row)
    return _materialise(tx, eids, edges, False)


def _add_edge(edges: dict[tuple[str, str, str], dict[str, Any]], row: dict[str, Any]) -> None:
    """Keep one edge per (start, type, end): repeated mentions collapse into one link."""
    a, b = (row["a"], row["b"]) if row["outgoing"] else (row["b"], row["a"])
    key = (a, row["type"], b)
    edge = edges.get(key)
    if edge is None:
        edges[key] = {
            "a": a,
            "b": b,
            "type": row["type"],
            "evidence": row.get("evidence"),
            "date": row.get("date"),
            "count": 1,
        }
    else:
        edge["count"] += 1
        if row.get("date") and (not edge["date"] or row["date"] < edge["date"]):
            edge["date"] = row["date"]


def _materialise(
    tx: Any,
    eids: Iterable[str],
    edges: dict[tuple[str, str, str], dict[str, Any]],
    truncated: bool,
    first: str | None = None,
    public: dict[str, str] | None = None,
    details: list[dict[str, Any]] | None = None,
) -> Network:
    """Node details for ``eids`` (read here unless ``details`` already holds them) and the
    edges among them; ``public`` (when given) receives each element id's public id."""
    if details is None:
        details = [row["node"] for row in tx_values(tx, NODE_DETAILS, eids=list(eids))]
    by_eid = {row["eid"]: row for row in details}
    if public is not None:
        public.update((eid, row["id"]) for eid, row in by_eid.items())
    nodes = []
    for eid, row in by_eid.items():
        node = {k: row[k] for k in _NODE_FIELDS}  # a Cypher map's keys come in any order
        node["start"] = eid == first
        nodes.append(node)
    nodes.sort(key=lambda n: (not n["start"], n["kind"], n["name"] or ""))
    out_edges = []
    for edge in edges.values():
        if edge["a"] not in by_eid or edge["b"] not in by_eid:
            continue
        source, target = by_eid[edge["a"]]["id"], by_eid[edge["b"]]["id"]
        out_edges.append(
            {
                "id": f"{source}|{edge['type']}|{target}",
                "source": source,
                "target": target,
                "type": edge["type"],
                "date": edge["date"],
                "evidence": edge["evidence"],
                "count": edge["count"],
            }
        )
    out_edges.sort(key=lambda e: e["id"])
    return Network(nodes, out_edges, truncated)
