"""What scoring reads about a declaration's parties: register data, reports naming them,
network paths to flagged traders.

A bounded neighbourhood per party (paths of at most three hops, at most
:data:`PATHS_PER_TRADER` of them), read inside the caller's transaction; with the
aggregates of :mod:`graph.riskstats` it is all scoring and training read from the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from graph.access import RELATION_VISIBLE, REPORT_VISIBLE
from graph.cases import CASE_VISIBLE
from graph.connection import tx_run
from graph.grading import ADMIRALTY, SCHEMES
from graph.messages import N_
from graph.network import ENTITY_VISIBLE
from risk.intel import Sighting, day, link_said
from risk.network import LINK_WEIGHT, PathLink, TraderFlag

# The viewer of reasons nobody in particular reads (stored trader rankings): sees only what
# everyone may see, so a stored reason never names restricted intelligence.
NO_VIEWER: Mapping[str, str] = {"id": "", "unit": "", "role": ""}

PATHS_PER_TRADER = 200  # bound on the paths read per party: hubs cannot blow up a request

TRADERS = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
OPTIONAL MATCH (t)<-[:HAS_ENTITY]-(c:Case) WHERE coalesce(c.status, 'open') <> 'closed'
WITH ref, t, count(DISTINCT c) AS cases
RETURN ref, t.name AS name, coalesce(t.aeo, false) AS aeo, t.registered AS registered,
       coalesce(t.watchlist, false) AS watchlist, cases
"""

# Reports that name a trader `t`: directly, through a merged alias, by its name key, or
# through its phone or a person who runs it. Scoring and training share this one copy.
REPORTS_NAMING_TRADER = """
CALL (t) {
  MATCH (r:Report)-[m:MENTIONS]->(t) RETURN r, m, 'id' AS via
  UNION
  MATCH (r:Report)-[m:MENTIONS]->(:Entity)-[:SAME_AS]-(t) RETURN r, m, 'alias' AS via
  UNION
  MATCH (r:Report)-[m:MENTIONS]->(o:Entity {label: 'ORG', key: t.key})
  WHERE o <> t RETURN r, m, 'name' AS via
  UNION
  MATCH (r:Report)-[m:MENTIONS]->(p:Phone)<-[:USES_PHONE]-(t)
  RETURN r, m, 'phone ' + coalesce(p.name, p.ref) AS via
  UNION
  MATCH (r:Report)-[m:MENTIONS]->(p:Person)-[:DIRECTOR_OF|OWNER_OF|SHAREHOLDER_OF|EMPLOYEE_OF]->(t)
  RETURN r, m, 'person ' + coalesce(p.name, p.ref) AS via
}
"""

MENTIONS_OF_TRADERS = (
    """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
"""
    + REPORTS_NAMING_TRADER
    + """WITH ref, r, m, via
WHERE coalesce(m.review, 'proposed') <> 'rejected' AND coalesce(r.status, 'submitted') <> 'draft'
WITH ref, r, min(via) AS via
RETURN ref, r.id AS report, r.received AS received, r.source_grade AS source_grade,
       r.info_grade AS info_grade, r.grading_scheme AS scheme, via,
       NOT """
    + REPORT_VISIBLE
    + """ AS restricted
"""
)

MENTIONS_OF_CONTAINERS = """
UNWIND $refs AS ref
MATCH (r:Report)-[m:MENTIONS]->(:Entity {id: 'container:' + ref})
WHERE coalesce(m.review, 'proposed') <> 'rejected' AND coalesce(r.status, 'submitted') <> 'draft'
WITH DISTINCT ref, r
RETURN ref, r.id AS report, r.received AS received, r.source_grade AS source_grade,
       r.info_grade AS info_grade, r.grading_scheme AS scheme, 'number' AS via
"""

# From each trader ``t`` of ``$refs`` (as ``ref``), the paths ``p`` of up to three links
# to another trader ``o`` through people, phones, addresses... but through no other
# trader: the network scoring reads, for one declaration (NETWORK_PATHS) or a batch.
_PATHS_TO_TRADERS = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
CALL (t) {
  MATCH p = (t)-[:USES_PHONE|USES_EMAIL|LOCATED_AT|DIRECTOR_OF|OWNER_OF|SHAREHOLDER_OF|
                 EMPLOYEE_OF|ASSOCIATE_OF|RELATIVE_OF|RELATED_TO*1..3]-(o:Trader)
  WHERE o <> t AND none(n IN nodes(p)[1..-1] WHERE n:Trader OR n:Location OR n:Organisation)
  RETURN o, p LIMIT $limit
}
"""

# Whether path ``p`` runs through an entity or a relation the viewer may not see: its
# reason then reads "restricted intelligence" (docs/permissions.md).
_PATH_RESTRICTED = (
    """any(e IN nodes(p)[1..] WHERE NOT """
    + ENTITY_VISIBLE
    + """)
     OR any(rel IN relationships(p) WHERE NOT """
    + RELATION_VISIBLE
    + """)"""
)

NETWORK_PATHS = (
    _PATHS_TO_TRADERS
    + """WITH ref, o, p,
     """
    + _PATH_RESTRICTED
    + """ AS restricted
RETURN ref, coalesce(o.ref, substring(o.id, 7)) AS other, restricted,
       [n IN nodes(p)[1..-1] | {kinds: labels(n), name: coalesce(n.name, n.ref, n.id)}] AS via,
       [x IN relationships(p) | type(x)] AS types
"""
)

FLAGS = """
UNWIND $refs AS ref
MATCH (s:RiskStat {dimension: 'importer', key: ref})
WHERE s.n_positive > 0 OR s.n_seized > 0
RETURN ref, s.n_positive AS positives, s.n_seized AS seizures,
       s.last_positive AS last_positive, s.last_seized AS last_seized
"""

# Everything scoring needs about the parties of a batch, in one round trip: settings,
# register data, reports naming them or their containers, paths to other traders with
# those traders' flags. Same reads as TRADERS, MENTIONS_*, NETWORK_PATHS and FLAGS, plus
# what ``$viewer`` may not see (reports, cases, entities and relations on a path): it counts
# in the score all the same, and the reasons name it only as restricted intelligence.
# Exposure weighs only paths to flagged traders (risk.network.exposure_from_links), so the
# flag is read once per pair of traders and only those paths come back, with their
# need-to-know checked: a hub's hundreds of paths to clean traders cost no transfer and no
# visibility check. The paths are still the first PATHS_PER_TRADER of each trader.
PARTY_CONTEXT = (
    """
OPTIONAL MATCH (st:RiskSettings {id: 'current'})
CALL () {
  UNWIND $refs AS ref
  MATCH (t:Entity {id: 'trader:' + ref})
  OPTIONAL MATCH (t)<-[:HAS_ENTITY]-(c:Case) WHERE coalesce(c.status, 'open') <> 'closed'
  WITH ref, t, collect(DISTINCT c) AS open_cases
  WITH ref, t, open_cases, size([c IN open_cases WHERE """
    + CASE_VISIBLE
    + """]) AS cases
  RETURN collect({ref: ref, name: t.name, aeo: coalesce(t.aeo, false),
                  registered: t.registered, watchlist: coalesce(t.watchlist, false),
                  cases: cases, hidden_cases: size(open_cases) - cases}) AS traders
}
CALL () {
  UNWIND $refs AS ref
  MATCH (t:Entity {id: 'trader:' + ref})
"""
    + REPORTS_NAMING_TRADER
    + """  WITH ref, r, m, via
  WHERE coalesce(m.review, 'proposed') <> 'rejected'
    AND coalesce(r.status, 'submitted') <> 'draft'
  WITH ref, r, min(via) AS via
  WITH ref, r, via, NOT """
    + REPORT_VISIBLE
    + """ AS restricted
  RETURN collect({ref: ref, report: r.id, received: r.received, source_grade: r.source_grade,
                  info_grade: r.info_grade, scheme: r.grading_scheme, via: via,
                  restricted: restricted}) AS trader_mentions
}
CALL () {
  UNWIND $containers AS ref
  MATCH (r:Report)-[m:MENTIONS]->(:Entity {id: 'container:' + ref})
  WHERE coalesce(m.review, 'proposed') <> 'rejected'
    AND coalesce(r.status, 'submitted') <> 'draft'
  WITH DISTINCT ref, r
  WITH ref, r, NOT """
    + REPORT_VISIBLE
    + """ AS restricted
  RETURN collect({ref: ref, report: r.id, received: r.received, source_grade: r.source_grade,
                  info_grade: r.info_grade, scheme: r.grading_scheme, via: 'number',
                  restricted: restricted})
         AS container_mentions
}
CALL () {"""
    + _PATHS_TO_TRADERS
    + """  WITH ref, coalesce(o.ref, substring(o.id, 7)) AS other, collect(p) AS found
  MATCH (s:RiskStat {dimension: 'importer', key: other})
  WHERE s.n_positive > 0 OR s.n_seized > 0
  UNWIND found AS p
  WITH ref, other, s, p, """
    + _PATH_RESTRICTED
    + """ AS restricted
  RETURN collect({ref: ref, other: other, restricted: restricted,
                  via: [n IN nodes(p)[1..-1] | {kinds: labels(n),
                                                 name: coalesce(n.name, n.ref, n.id)}],
                  types: [x IN relationships(p) | type(x)]}) AS paths,
         collect(DISTINCT {ref: other, positives: s.n_positive, seizures: s.n_seized,
                           last_positive: s.last_positive, last_seized: s.last_seized}) AS flags
}
RETURN st {.*} AS settings, traders, trader_mentions, container_mentions, paths, flags
"""
)

ROLE_OF_TYPE = {
    "DIRECTOR_OF": "director",
    "OWNER_OF": "shareholder",
    "SHAREHOLDER_OF": "shareholder",
    "EMPLOYEE_OF": "employee",
    "ASSOCIATE_OF": "relation",
    "RELATIVE_OF": "relation",
    "RELATED_TO": "relation",
}

# A direct link between two traders, named by its relation type (the English of
# app.i18n.VOCABULARY's words, which graph/ cannot read).
RELATION_WORDS = {
    "DIRECTOR_OF": N_("director of"), "EMPLOYEE_OF": N_("employee of"),
    "OWNER_OF": N_("owner of"), "SHAREHOLDER_OF": N_("shareholder of"),
    "ASSOCIATE_OF": N_("associate of"), "RELATIVE_OF": N_("relative of"),
    "RELATED_TO": N_("related to"), "SAME_AS": N_("same as"),
}

KIND_OF_LABEL = {
    "Phone": "phone",
    "Email": "email",
    "Address": "address",
    "Document": "document",
    "Vehicle": "vehicle",
}


def path_link(other: str, via: Sequence[Mapping[str, Any]], types: Sequence[str],
              restricted: bool = False) -> PathLink:
    """A stored path as a :class:`PathLink` whose ``via`` names what the traders share."""
    if not via:
        return PathLink(other, "relation", N_("%(type)s relation",
                                             type=RELATION_WORDS.get(types[0], types[0])),
                        1, restricted)
    parts: list[tuple[str, str]] = []
    for i, node in enumerate(via):
        kinds = [k for k in node.get("kinds") or () if k != "Entity"]
        name = str(node.get("name") or "?")
        kind = next((KIND_OF_LABEL[k] for k in kinds if k in KIND_OF_LABEL), None)
        if kind is None:  # a person: named by the role it plays
            roles = [
                ROLE_OF_TYPE.get(types[i], "relation"),
                ROLE_OF_TYPE.get(types[i + 1], "relation"),
            ]
            kind = min(roles, key=lambda r: LINK_WEIGHT.get(r, 0.3))
        parts.append((kind, link_said(kind, name)))
    weakest = min(parts, key=lambda p: LINK_WEIGHT.get(p[0], 0.3))[0]
    return PathLink(other, weakest, _of([p[1] for p in parts]), len(types), restricted)


def _of(names: list[str]) -> str:
    """"a of b of c" (a person who is director of a trader that uses a phone), each "of"
    translatable."""
    if len(names) < 2:
        return names[0]
    return N_("%(first)s of %(rest)s", first=names[0], rest=_of(names[1:]))


def _mention(kind: str, row: Mapping[str, Any]) -> Sighting:
    """A report's mention as the engine weighs it: its grades in the scheme it was graded
    in (a report stored before reports recorded theirs was graded in the default one)."""
    source, info = str(row["source_grade"] or ""), str(row["info_grade"] or "")
    scheme = SCHEMES.get(str(row.get("scheme") or ""), ADMIRALTY)
    return Sighting(
        str(row["report"]),
        kind,
        str(row["ref"]),
        day(row["received"]),
        source,
        info,
        str(row["via"] or ""),
        bool(row.get("restricted")),
        signal=scheme.signal(source, info),
    )


class Register(NamedTuple):
    """The register as scoring reads it for a set of traders: their entries, the reports
    naming them and their network paths to other traders (the paths' traders' flags are
    read apart: they change with every control, the register does not)."""

    traders: dict[str, dict[str, Any]]
    mentions: dict[tuple[str, str], list[Sighting]]
    links: dict[str, list[PathLink]]


class PartyContext(NamedTuple):
    settings: dict[str, Any]
    traders: dict[str, dict[str, Any]]
    mentions: dict[tuple[str, str], list[Sighting]]
    links: dict[str, list[PathLink]]
    flags: dict[str, TraderFlag]


class PartyRepository:
    """The scoring context of traders and containers, in the caller's read transaction."""

    @staticmethod
    def traders(tx: Any, refs: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {r["ref"]: r for r in tx_run(tx, TRADERS, refs=sorted(set(refs)))}

    @staticmethod
    def register(
        tx: Any, refs: Iterable[str], viewer: Mapping[str, str] = NO_VIEWER
    ) -> Register:
        """:meth:`traders`, :meth:`mentions` and :meth:`network_links` of ``refs``."""
        refs = sorted(set(refs))
        return Register(PartyRepository.traders(tx, refs),
                        PartyRepository.mentions(tx, refs, viewer=viewer),
                        PartyRepository.network_links(tx, refs, viewer))

    @staticmethod
    def mentions(
        tx: Any, traders: Iterable[str], containers: Iterable[str] = (),
        viewer: Mapping[str, str] = NO_VIEWER,
    ) -> dict[tuple[str, str], list[Sighting]]:
        """Reports naming the traders (what ``viewer`` may not see marked ``restricted``)
        or the containers."""
        out: dict[tuple[str, str], list[Sighting]] = defaultdict(list)
        for row in tx_run(tx, MENTIONS_OF_TRADERS, refs=sorted(set(traders)),
                          viewer=dict(viewer)):
            out[("trader", row["ref"])].append(_mention("trader", row))
        refs = sorted({c for c in containers if c})
        if refs:
            for row in tx_run(tx, MENTIONS_OF_CONTAINERS, refs=refs):
                out[("container", row["ref"])].append(_mention("container", row))
        return out

    @staticmethod
    def network_links(
        tx: Any, refs: Iterable[str], viewer: Mapping[str, str] = NO_VIEWER
    ) -> dict[str, list[PathLink]]:
        out: dict[str, list[PathLink]] = defaultdict(list)
        rows = tx_run(tx, NETWORK_PATHS, refs=sorted(set(refs)), limit=PATHS_PER_TRADER,
                      viewer=dict(viewer))
        for row in rows:
            out[row["ref"]].append(
                path_link(row["other"], row["via"], row["types"], row["restricted"]))
        return out

    @staticmethod
    def party_context(
        tx: Any, traders: Iterable[str], containers: Iterable[str] = (),
        viewer: Mapping[str, str] = NO_VIEWER,
    ) -> PartyContext:
        """Settings and :meth:`traders`, :meth:`mentions`, :meth:`network_links` and
        :meth:`flags` of a batch in one statement: one round trip per scoring request.
        ``links`` holds only the paths to flagged traders, all that exposure weighs. What
        ``viewer`` may not see comes back marked ``restricted``."""
        row = tx_run(
            tx,
            PARTY_CONTEXT,
            refs=sorted(set(traders)),
            containers=sorted({c for c in containers if c}),
            limit=PATHS_PER_TRADER,
            viewer=dict(viewer),
        )[0]
        mentions: dict[tuple[str, str], list[Sighting]] = defaultdict(list)
        for r in row["trader_mentions"]:
            mentions[("trader", r["ref"])].append(_mention("trader", r))
        for r in row["container_mentions"]:
            mentions[("container", r["ref"])].append(_mention("container", r))
        links: dict[str, list[PathLink]] = defaultdict(list)
        for r in row["paths"]:
            links[r["ref"]].append(path_link(r["other"], r["via"], r["types"], r["restricted"]))
        flags = {
            r["ref"]: TraderFlag(
                int(r["positives"] or 0),
                int(r["seizures"] or 0),
                r["last_positive"],
                r["last_seized"],
            )
            for r in row["flags"]
        }
        return PartyContext(
            row["settings"] or {}, {r["ref"]: r for r in row["traders"]}, mentions, links, flags
        )

    @staticmethod
    def flags(tx: Any, refs: Iterable[str]) -> dict[str, TraderFlag]:
        return {
            r["ref"]: TraderFlag(
                int(r["positives"] or 0),
                int(r["seizures"] or 0),
                r["last_positive"],
                r["last_seized"],
            )
            for r in tx_run(tx, FLAGS, refs=sorted(set(refs)))
        }
