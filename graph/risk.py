"""Risk repository: scoring context, settings, models, profiles, selections, controls.

Everything the risk service reads or writes in Neo4j lives here as parameterised Cypher.
Scoring reads a bounded neighbourhood per declaration (the parties' register data,
reports naming them, paths of at most three hops to flagged traders) plus the
precomputed aggregates of :mod:`graph.riskstats`; nothing scans the whole graph per request.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from graph.access import RELATION_VISIBLE, REPORT_VISIBLE
from graph.cases import CASE_VISIBLE
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.grading import ADMIRALTY, SCHEMES
from graph.network import ENTITY_VISIBLE
from graph.riskstats import day, record_controls
from risk.intel import Mention
from risk.network import LINK_WEIGHT, PathLink, TraderFlag

# The viewer of reasons nobody in particular reads (stored trader rankings): sees only what
# everyone may see, so a stored reason never names restricted intelligence.
NO_VIEWER: Mapping[str, str] = {"id": "", "unit": "", "role": ""}

PATHS_PER_TRADER = 200  # bound on the paths read per party: hubs cannot blow up a request

TRADERS = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
OPTIONAL MATCH (t)<--(c:Case) WHERE coalesce(c.status, 'open') <> 'closed'
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
       r.info_grade AS info_grade, r.grading_scheme AS scheme, via
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

NETWORK_PATHS = (
    """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
CALL (t) {
  MATCH p = (t)-[:USES_PHONE|USES_EMAIL|LOCATED_AT|DIRECTOR_OF|OWNER_OF|SHAREHOLDER_OF|
                 EMPLOYEE_OF|ASSOCIATE_OF|RELATIVE_OF|RELATED_TO*1..3]-(o:Trader)
  WHERE o <> t AND none(n IN nodes(p)[1..-1] WHERE n:Trader OR n:Location OR n:Organisation)
  RETURN o, p LIMIT $limit
}
WITH ref, o, p,
     any(e IN nodes(p)[1..] WHERE NOT """
    + ENTITY_VISIBLE
    + """)
     OR any(rel IN relationships(p) WHERE NOT """
    + RELATION_VISIBLE
    + """) AS restricted
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

SETTINGS = "MATCH (s:RiskSettings {id: 'current'}) RETURN s {.*} AS settings"

# Everything scoring needs about the parties of a batch, in one round trip: settings,
# register data, reports naming them or their containers, paths to other traders with
# those traders' flags. Same reads as TRADERS, MENTIONS_*, NETWORK_PATHS and FLAGS, plus
# what ``$viewer`` may not see (reports, cases, entities and relations on a path): it counts
# in the score all the same, and the reasons name it only as restricted intelligence.
PARTY_CONTEXT = (
    """
OPTIONAL MATCH (st:RiskSettings {id: 'current'})
CALL () {
  UNWIND $refs AS ref
  MATCH (t:Entity {id: 'trader:' + ref})
  OPTIONAL MATCH (t)<--(c:Case) WHERE coalesce(c.status, 'open') <> 'closed'
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
CALL () {
  UNWIND $refs AS ref
  MATCH (t:Entity {id: 'trader:' + ref})
  CALL (t) {
    MATCH p = (t)-[:USES_PHONE|USES_EMAIL|LOCATED_AT|DIRECTOR_OF|OWNER_OF|SHAREHOLDER_OF|
                   EMPLOYEE_OF|ASSOCIATE_OF|RELATIVE_OF|RELATED_TO*1..3]-(o:Trader)
    WHERE o <> t AND none(n IN nodes(p)[1..-1] WHERE n:Trader OR n:Location OR n:Organisation)
    RETURN o, p LIMIT $limit
  }
  WITH ref, p, coalesce(o.ref, substring(o.id, 7)) AS other
  WITH ref, p, other,
       any(e IN nodes(p)[1..] WHERE NOT """
    + ENTITY_VISIBLE
    + """)
       OR any(rel IN relationships(p) WHERE NOT """
    + RELATION_VISIBLE
    + """) AS restricted
  OPTIONAL MATCH (s:RiskStat {dimension: 'importer', key: other})
  WHERE s.n_positive > 0 OR s.n_seized > 0
  RETURN collect({ref: ref, other: other, restricted: restricted,
                  via: [n IN nodes(p)[1..-1] | {kinds: labels(n),
                                                 name: coalesce(n.name, n.ref, n.id)}],
                  types: [x IN relationships(p) | type(x)]}) AS paths,
         collect(DISTINCT CASE WHEN s IS NOT NULL THEN
                   {ref: other, positives: s.n_positive, seizures: s.n_seized,
                    last_positive: s.last_positive, last_seized: s.last_seized} END) AS flags
}
RETURN st {.*} AS settings, traders, trader_mentions, container_mentions, paths, flags
"""
)

UPDATE_SETTINGS = """
MERGE (s:RiskSettings {id: 'current'})
SET s += $changes, s.updated_at = $now, s.updated_by = $by
RETURN s {.*} AS settings
"""

SAVE_MODEL = """
MERGE (m:RiskModel {version: $version})
ON CREATE SET m.created_at = $now
SET m.json = $json, m.trained = $trained, m.n_train = $n_train, m.n_positive = $n_positive,
    m.metrics_json = $metrics, m.created_by = $by
WITH m
MERGE (s:RiskSettings {id: 'current'})
SET s.model_version = m.version, s.controls_since_model = 0, s.controls_at_model = $controls
RETURN m.version AS version
"""

GET_MODEL = "MATCH (m:RiskModel {version: $version}) RETURN m.json AS json"

LIST_MODELS = """
MATCH (m:RiskModel)
RETURN m.version AS version, m.trained AS trained, m.created_at AS created_at,
       m.n_train AS n_train, m.n_positive AS n_positive, m.metrics_json AS metrics
ORDER BY m.created_at DESC LIMIT $limit
"""

COUNT_CONTROLS = "MATCH (c:Control) RETURN count(c) AS n"

ACTIVE_PROFILES = """
MATCH (p:RiskProfile) WHERE coalesce(p.active, true)
OPTIONAL MATCH (p)-[:BASED_ON]->(r:Report)
WITH p, collect(r.id) AS reports
RETURN p {.*, reports: reports} AS profile ORDER BY p.id
"""

ALL_PROFILES = """
MATCH (p:RiskProfile)
OPTIONAL MATCH (p)-[:BASED_ON]->(r:Report)
WITH p, collect({id: r.id, reference: r.reference, source_grade: r.source_grade,
                 info_grade: r.info_grade}) AS reports
RETURN p {.*, reports: [x IN reports WHERE x.id IS NOT NULL]} AS profile ORDER BY p.id
"""

PROFILE_HISTORY = """
MATCH (v:RiskProfileVersion {profile_id: $id})
RETURN v {.*} AS version ORDER BY v.version DESC
"""

EXISTING_REPORTS = "UNWIND $ids AS id MATCH (r:Report {id: id}) RETURN r.id AS id"

# One statement per change: the current node and its history entry cannot diverge.
SAVE_PROFILE = """
MERGE (p:RiskProfile {id: $id})
ON CREATE SET p.version = 0, p.created_at = $now, p.created_by = $by
WITH p
WHERE p.version = $expected OR $expected IS NULL
SET p += $props, p.version = p.version + 1, p.updated_at = $now, p.updated_by = $by
WITH p
OPTIONAL MATCH (p)-[old:BASED_ON]->(:Report)
DELETE old
WITH DISTINCT p
CALL (p) {
  UNWIND $reports AS rid
  MATCH (r:Report {id: rid})
  MERGE (p)-[:BASED_ON]->(r)
}
CREATE (v:RiskProfileVersion {profile_id: p.id, version: p.version, at: $now, by: $by,
                              change: $change, snapshot_json: $snapshot})
CREATE (v)-[:VERSION_OF]->(p)
WITH p
MERGE (s:RiskSettings {id: 'current'})
SET s.profiles_version = coalesce(s.profiles_version, 0) + 1
RETURN p.version AS version
"""

SAVE_SELECTION = """
MATCH (d:Declaration {id: $declaration})
MERGE (s:Selection {id: $declaration})
SET s += $props, s.declaration = $declaration, s.at = $now, s.by = $by
MERGE (s)-[:SELECTION_OF]->(d)
RETURN s {.*} AS selection
"""

SAVE_CONTROL = """
MATCH (d:Declaration {id: $declaration})
MERGE (c:Control {id: $id})
ON CREATE SET c.created_at = $now, c.created_by = $by
SET c.date = $date, c.lane = $lane, c.result = $result, c.finding = $finding,
    c.revenue = $revenue, c.seized_json = $seized_json, c.examiner = $by
SET c += $outcome
MERGE (c)-[:CONTROL_OF]->(d)
RETURN c.id AS id
"""

# A control that arrives without a selection record still says which lane selected it.
SELECTION_FROM_CONTROLS = """
UNWIND $rows AS row
MATCH (d:Declaration {id: row.declaration})
MERGE (s:Selection {id: row.declaration})
ON CREATE SET s.declaration = row.declaration, s.at = $now, s.by = 'control',
              s.lane = row.lane, s.profiles = row.profiles, s.indicators = [],
              s.random = coalesce(row.random, d.random_selection,
                                  d.extra_json CONTAINS '"random_selection":true', false),
              s.targeted = NOT coalesce(row.random, d.random_selection,
                                        d.extra_json CONTAINS '"random_selection":true', false)
MERGE (s)-[:SELECTION_OF]->(d)
"""

# Selections grouped by what the committee tallies (profiles, indicators, lane, random),
# summed in the database: a few hundred groups cross the wire, not every selection.
EFFECTIVENESS = """
MATCH (s:Selection)
OPTIONAL MATCH (s)-[:SELECTION_OF]->(:Declaration)<-[:CONTROL_OF]-(c:Control)
WITH s, count(c) > 0 AS controlled, sum(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) > 0
     AS hit, sum(coalesce(c.revenue, 0.0)) AS revenue,
     count(c.penalty_amount) AS penalties,
     collect(CASE WHEN c.penalty_amount IS NOT NULL
                  THEN {currency: c.penalty_currency, amount: c.penalty_amount} END) AS fines,
     count(CASE WHEN c.seizure_date IS NOT NULL OR coalesce(c.seized_json, '[]') <> '[]'
                THEN 1 END) AS seizures,
     count(c.referral_date) AS referrals, count(c.case_opened_date) AS cases,
     count(CASE WHEN c.court_result = 'convicted' THEN 1 END) AS convictions
RETURN coalesce(s.profiles, []) AS profiles, coalesce(s.indicators, []) AS indicators,
       coalesce(s.random, false) AS random, s.lane AS lane, count(*) AS selections,
       sum(CASE WHEN controlled THEN 1 ELSE 0 END) AS controlled,
       sum(CASE WHEN hit THEN 1 ELSE 0 END) AS hits, sum(revenue) AS revenue,
       sum(penalties) AS penalties, sum(seizures) AS seizures, sum(referrals) AS referrals,
       sum(cases) AS cases, sum(convictions) AS convictions,
       reduce(all = [], f IN collect(fines) | all + f) AS fines
"""

COMMODITY_STATS = """
MATCH (s:RiskStat) WHERE s.dimension IN ['hs2', 'hs4', 'hs6', 'hs6_origin', 'overall']
RETURN s.dimension AS dimension, s.key AS key, s.n_controls AS n_controls,
       s.n_positive AS n_positive, s.revenue AS revenue
"""

PARTIES_OF_DECLARATIONS = """
UNWIND $ids AS id
MATCH (d:Declaration {id: id})-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t:Trader)
RETURN DISTINCT coalesce(t.ref, substring(t.id, 7)) AS ref
"""

TRADER_HISTORY_STATS = """
UNWIND $keys AS k
MATCH (s:RiskStat {dimension: k[0], key: k[1]})
RETURN s.dimension AS dimension, s.key AS key, s.n_controls AS n_controls,
       s.n_positive AS n_positive, s.revenue AS revenue
"""

# Precomputed ranking (written at training and by the import/control listeners).
STORE_TRADER_SCORES = """
UNWIND $rows AS row
MATCH (t:Entity {id: 'trader:' + row.ref})
SET t.risk_score = row.score, t.risk_reasons_json = row.reasons,
    t.risk_exposure = row.exposure, t.risk_model = $model, t.risk_scored_at = $now
"""

# Import batches only mark the traders they touched; their scores are refreshed once when
# the import ends (a trader in every batch is ranked once, not once per batch). A mark
# left by an interrupted import is picked up by the next import or training. A trader
# already marked is not written again (hub traders appear in every batch).
MARK_TRADERS_STALE = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
WHERE t.risk_stale IS NULL
SET t.risk_stale = true
"""

MARK_PARTIES_STALE = """
UNWIND $ids AS id
MATCH (:Declaration {id: id})-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t:Trader)
WITH DISTINCT t WHERE t.risk_stale IS NULL
SET t.risk_stale = true
"""

STALE_TRADERS = """
MATCH (t:Trader) WHERE t.risk_stale = true
RETURN coalesce(t.ref, substring(t.id, 7)) AS ref
LIMIT $limit
"""

CLEAR_STALE = """
UNWIND $refs AS ref
MATCH (t:Entity {id: 'trader:' + ref})
REMOVE t.risk_stale
"""

RANKED_TRADERS = """
MATCH (t:Trader) WHERE t.risk_score IS NOT NULL
WITH t ORDER BY t.risk_score DESC, t.id LIMIT $limit
RETURN coalesce(t.ref, substring(t.id, 7)) AS ref, t.name AS name,
       coalesce(t.aeo, false) AS aeo, t.risk_score AS score, t.risk_exposure AS exposure,
       t.risk_reasons_json AS reasons
"""

AEO_TRADERS = """
MATCH (t:Trader) WHERE t.aeo = true
OPTIONAL MATCH (w:RiskAeoWatch {trader: t.ref})
RETURN t.ref AS ref, t.name AS name, coalesce(w.exposure, 0.0) AS baseline, w.at AS since,
       t.aeo_status AS status, t.aeo_level AS level, t.risk_score AS score,
       t.aeo_drift_at IS NOT NULL AS drifted
ORDER BY t.ref LIMIT $limit
"""

ACK_AEO = """
MERGE (w:RiskAeoWatch {trader: $ref})
SET w.exposure = $exposure, w.at = $now, w.by = $by
"""

RECENT_DECLARATIONS = """
MATCH (d:Declaration)
WITH d ORDER BY d.date DESC, d.id DESC LIMIT $limit
OPTIONAL MATCH (d)-[:IMPORTED_BY]->(i)
OPTIONAL MATCH (d)-[:EXPORTED_BY]->(x)
OPTIONAL MATCH (d)-[:DECLARED_BY]->(b)
OPTIONAL MATCH (d)-[:SHIPPED_IN]->(k)
RETURN d {.*} AS declaration, i.ref AS importer, x.ref AS exporter, b.ref AS declarant,
       k.ref AS container
"""

# Controlled declarations since a day (the back-test of a profile), newest first, with
# what scoring needs and their outcome: hit (a positive control) and revenue.
CONTROLLED_SINCE = """
MATCH (c:Control)-[:CONTROL_OF]->(d:Declaration)
WHERE substring(toString(d.date), 0, 10) >= $since
  AND coalesce(d.status, 'confirmed') <> 'referenced'
WITH d, max(CASE WHEN c.result = 'positive' THEN 1 ELSE 0 END) = 1 AS hit,
     sum(coalesce(c.revenue, 0.0)) AS revenue
ORDER BY toString(d.date) DESC, d.id DESC LIMIT $limit
OPTIONAL MATCH (d)-[:IMPORTED_BY]->(i)
OPTIONAL MATCH (d)-[:EXPORTED_BY]->(x)
OPTIONAL MATCH (d)-[:DECLARED_BY]->(b)
OPTIONAL MATCH (d)-[:SHIPPED_IN]->(k)
RETURN d {.*} AS declaration, i.ref AS importer, x.ref AS exporter, b.ref AS declarant,
       k.ref AS container, hit, revenue
"""

GET_DECLARATION = """
MATCH (d:Declaration {id: $id})
OPTIONAL MATCH (d)-[:IMPORTED_BY]->(i)
OPTIONAL MATCH (d)-[:EXPORTED_BY]->(x)
OPTIONAL MATCH (d)-[:DECLARED_BY]->(b)
OPTIONAL MATCH (d)-[:SHIPPED_IN]->(k)
RETURN d {.*} AS declaration, i.ref AS importer, x.ref AS exporter, b.ref AS declarant,
       k.ref AS container
"""

# Outcomes of the reports of each source: controls on the traders a report named, within
# 180 days after it was received (positive = the report pointed at something real).
SOURCE_OUTCOMES = """
MATCH (s:Source)<-[:FROM_SOURCE]-(r:Report)-[:MENTIONS]->(e:Entity)
OPTIONAL MATCH (e)-[:DIRECTOR_OF|OWNER_OF|SHAREHOLDER_OF|USES_PHONE*0..1]-(t:Trader)
WITH s, r, collect(DISTINCT t) AS traders
UNWIND traders AS t
MATCH (d:Declaration)-[:IMPORTED_BY]->(t)
MATCH (c:Control)-[:CONTROL_OF]->(d)
WHERE toString(c.date) >= substring(toString(r.received), 0, 10)
  AND date(substring(toString(c.date), 0, 10))
      <= date(substring(toString(r.received), 0, 10)) + duration({days: 180})
WITH s, r, any(x IN collect(c.result) WHERE x = 'positive') AS confirmed
RETURN s.id AS source, coalesce(s.reliability, s.grade) AS grade,
       count(r) AS tested, sum(CASE WHEN confirmed THEN 1 ELSE 0 END) AS confirmed
"""

SAVE_REGRADE = """
MATCH (s:Source {id: $source})
MERGE (g:RegradeSuggestion {id: $id})
SET g.source = $source, g.current = $current, g.suggested = $suggested, g.tested = $tested,
    g.confirmed = $confirmed, g.decision = $decision, g.at = $now, g.by = $by
WITH s, g
FOREACH (_ IN CASE WHEN $decision = 'accepted' THEN [1] ELSE [] END |
  SET s.reliability = $suggested, s.regraded_at = $now)
RETURN g.id AS id
"""


ROLE_OF_TYPE = {
    "DIRECTOR_OF": "director",
    "OWNER_OF": "shareholder",
    "SHAREHOLDER_OF": "shareholder",
    "EMPLOYEE_OF": "employee",
    "ASSOCIATE_OF": "relation",
    "RELATIVE_OF": "relation",
    "RELATED_TO": "relation",
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
        return PathLink(other, "relation", f"{types[0].lower().replace('_', ' ')} relation", 1,
                        restricted)
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
        parts.append((kind, f"{kind} {name}"))
    weakest = min(parts, key=lambda p: LINK_WEIGHT.get(p[0], 0.3))[0]
    return PathLink(other, weakest, " of ".join(p[1] for p in parts), len(types), restricted)


def _mention(kind: str, row: Mapping[str, Any]) -> Mention:
    """A report's mention as the engine weighs it: its grades in the scheme it was graded
    in (a report stored before reports recorded theirs was graded in the default one)."""
    source, info = str(row["source_grade"] or ""), str(row["info_grade"] or "")
    scheme = SCHEMES.get(str(row.get("scheme") or ""), ADMIRALTY)
    return Mention(
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


class PartyContext(NamedTuple):
    settings: dict[str, Any]
    traders: dict[str, dict[str, Any]]
    mentions: dict[tuple[str, str], list[Mention]]
    links: dict[str, list[PathLink]]
    flags: dict[str, TraderFlag]


class RiskRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # -- scoring context: all inside the caller's read transaction -----------------------------
    @staticmethod
    def traders(tx: Any, refs: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {r["ref"]: r for r in tx_run(tx, TRADERS, refs=sorted(set(refs)))}

    @staticmethod
    def mentions(
        tx: Any, traders: Iterable[str], containers: Iterable[str] = ()
    ) -> dict[tuple[str, str], list[Mention]]:
        out: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for row in tx_run(tx, MENTIONS_OF_TRADERS, refs=sorted(set(traders))):
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
        What ``viewer`` may not see comes back marked ``restricted``."""
        row = tx_run(
            tx,
            PARTY_CONTEXT,
            refs=sorted(set(traders)),
            containers=sorted({c for c in containers if c}),
            limit=PATHS_PER_TRADER,
            viewer=dict(viewer),
        )[0]
        mentions: dict[tuple[str, str], list[Mention]] = defaultdict(list)
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

    def read(self, work: Any, *args: Any) -> Any:
        return self.graph.read(work, *args)

    # -- settings and models -------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        rows = self.graph.query(SETTINGS)
        return rows[0]["settings"] if rows else {}

    def update_settings(self, changes: Mapping[str, Any], by: str) -> dict[str, Any]:
        rows = self.graph.query(
            UPDATE_SETTINGS, {"changes": dict(changes), "now": utc_now(), "by": by}, write=True
        )
        return rows[0]["settings"]

    def save_model(
        self,
        version: str,
        model_json: str,
        trained: str,
        n_train: int,
        n_positive: int,
        metrics: Mapping[str, Any],
        by: str,
        controls: int,
    ) -> str:
        rows = self.graph.query(
            SAVE_MODEL,
            {
                "version": version,
                "json": model_json,
                "trained": trained,
                "n_train": n_train,
                "n_positive": n_positive,
                "metrics": json.dumps(metrics),
                "by": by,
                "now": utc_now(),
                "controls": controls,
            },
            write=True,
        )
        return rows[0]["version"]

    def model_json(self, version: str) -> str:
        rows = self.graph.query(GET_MODEL, {"version": version})
        if not rows:
            raise NotFound(f"no risk model {version}")
        return rows[0]["json"]

    def models(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self.graph.query(LIST_MODELS, {"limit": limit})
        for r in rows:
            r["metrics"] = json.loads(r["metrics"] or "{}")
        return rows

    def count_controls(self) -> int:
        return int(self.graph.query(COUNT_CONTROLS)[0]["n"])

    # -- profiles --------------------------------------------------------------------------------
    def active_profiles(self) -> list[dict[str, Any]]:
        return [r["profile"] for r in self.graph.query(ACTIVE_PROFILES)]

    def all_profiles(self) -> list[dict[str, Any]]:
        return [r["profile"] for r in self.graph.query(ALL_PROFILES)]

    def profile_history(self, profile_id: str) -> list[dict[str, Any]]:
        return [r["version"] for r in self.graph.query(PROFILE_HISTORY, {"id": profile_id})]

    def missing_reports(self, ids: Sequence[str]) -> list[str]:
        found = {r["id"] for r in self.graph.query(EXISTING_REPORTS, {"ids": list(ids)})}
        return [i for i in ids if i not in found]

    def save_profile(
        self,
        profile_id: str,
        props: Mapping[str, Any],
        reports: Sequence[str],
        change: str,
        by: str,
        expected: int | None = None,
    ) -> int | None:
        """Write the profile and a history entry; None when ``expected`` version is stale."""
        snapshot = json.dumps({**props, "reports": list(reports)}, sort_keys=True, default=str)
        rows = self.graph.query(
            SAVE_PROFILE,
            {
                "id": profile_id,
                "props": dict(props),
                "reports": list(reports),
                "change": change,
                "by": by,
                "now": utc_now(),
                "expected": expected,
                "snapshot": snapshot,
            },
            write=True,
        )
        return rows[0]["version"] if rows else None

    # -- selections, controls, feedback ---------------------------------------------------------
    def declaration(self, declaration_id: str) -> dict[str, Any] | None:
        rows = self.graph.query(GET_DECLARATION, {"id": declaration_id})
        return rows[0] if rows else None

    def controlled_since(self, since: str, limit: int) -> list[dict[str, Any]]:
        """Controlled declarations dated ``since`` or later, with hit and revenue."""
        return self.graph.query(CONTROLLED_SINCE, {"since": since, "limit": limit})

    def recent_declarations(self, limit: int) -> list[dict[str, Any]]:
        return self.graph.query(RECENT_DECLARATIONS, {"limit": limit})

    def save_selection(
        self, declaration_id: str, props: Mapping[str, Any], by: str
    ) -> dict[str, Any]:
        rows = self.graph.query(
            SAVE_SELECTION,
            {"declaration": declaration_id, "props": dict(props), "by": by, "now": utc_now()},
            write=True,
        )
        if not rows:
            raise NotFound(f"no declaration {declaration_id}")
        return rows[0]["selection"]

    def save_control(self, control: Mapping[str, Any], by: str) -> str:
        """Store one control, its selection record if none exists, and update aggregates."""

        def work(tx: Any) -> str:
            rows = tx_run(
                tx,
                SAVE_CONTROL,
                declaration=control["declaration"],
                id=f"{control['declaration']}/{control['date']}",
                date=control["date"],
                lane=control["lane"],
                result=control["result"],
                finding=control.get("finding"),
                revenue=control["revenue"],
                seized_json=json.dumps(control.get("seized") or []),
                outcome=dict(control.get("outcome") or {}),
                by=by,
                now=utc_now(),
            )
            if not rows:
                raise NotFound(f"no declaration {control['declaration']}")
            record_selections_from_controls(tx, [control])
            record_controls(tx, [control])
            return rows[0]["id"]

        return self.graph.write(work)

    def effectiveness_groups(self) -> list[dict[str, Any]]:
        """Selections counted per (profiles, indicators, lane, random) with their controls."""
        return self.graph.query(EFFECTIVENESS)

    # -- rankings and monitoring ---------------------------------------------------------------
    def commodity_stats(self) -> list[dict[str, Any]]:
        return self.graph.query(COMMODITY_STATS)

    @staticmethod
    def parties_of(tx: Any, declaration_ids: Iterable[str]) -> list[str]:
        return [
            r["ref"]
            for r in tx_run(tx, PARTIES_OF_DECLARATIONS, ids=sorted(set(declaration_ids)))
            if r["ref"]
        ]

    @staticmethod
    def trader_history(tx: Any, keys: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
        return tx_run(tx, TRADER_HISTORY_STATS, keys=[list(k) for k in keys])

    @staticmethod
    def store_trader_scores(tx: Any, rows: Sequence[Mapping[str, Any]], model: str) -> None:
        tx_run(tx, STORE_TRADER_SCORES, rows=list(rows), model=model, now=utc_now())

    @staticmethod
    def mark_stale(tx: Any, refs: Iterable[str] = (), declarations: Iterable[str] = ()) -> None:
        """Flag the traders whose stored score an import batch made out of date."""
        if refs := sorted({str(r) for r in refs if r}):
            tx_run(tx, MARK_TRADERS_STALE, refs=refs)
        if ids := sorted({str(d) for d in declarations if d}):
            tx_run(tx, MARK_PARTIES_STALE, ids=ids)

    @staticmethod
    def stale_traders(tx: Any, limit: int) -> list[str]:
        return [r["ref"] for r in tx_run(tx, STALE_TRADERS, limit=limit) if r["ref"]]

    @staticmethod
    def clear_stale(tx: Any, refs: Sequence[str]) -> None:
        tx_run(tx, CLEAR_STALE, refs=list(refs))

    def ranked_traders(self, limit: int) -> list[dict[str, Any]]:
        rows = self.graph.query(RANKED_TRADERS, {"limit": limit})
        for r in rows:
            r["reasons"] = json.loads(r["reasons"] or "[]")
        return rows

    def aeo_traders(self, limit: int = 1000) -> list[dict[str, Any]]:
        return self.graph.query(AEO_TRADERS, {"limit": limit})

    def acknowledge_aeo(self, ref: str, exposure: float, by: str) -> None:
        self.graph.query(
            ACK_AEO, {"ref": ref, "exposure": exposure, "by": by, "now": utc_now()}, write=True
        )

    def source_outcomes(self) -> list[dict[str, Any]]:
        return self.graph.query(SOURCE_OUTCOMES)

    def save_regrade(self, suggestion: Mapping[str, Any], decision: str, by: str) -> str:
        rows = self.graph.query(
            SAVE_REGRADE,
            {
                "id": f"{suggestion['source']}/{utc_now()}",
                "source": suggestion["source"],
                "current": suggestion.get("current"),
                "suggested": suggestion["suggested"],
                "tested": suggestion["tested"],
                "confirmed": suggestion["confirmed"],
                "decision": decision,
                "by": by,
                "now": utc_now(),
            },
            write=True,
        )
        if not rows:
            raise NotFound(f"no source {suggestion['source']}")
        return rows[0]["id"]


def record_selections_from_controls(tx: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Batch listener: a control without a selection record selects by its own lane."""
    params = [
        {
            "declaration": str(r["declaration"]),
            "lane": r.get("lane"),
            "profiles": [
                str(p) for p in r.get("profiles") or (r.get("extra") or {}).get("profiles") or []
            ],
            "random": _flag(r.get("random"), (r.get("extra") or {}).get("random")),
        }
        for r in rows
        if r.get("declaration")
    ]
    if params:
        tx_run(tx, SELECTION_FROM_CONTROLS, rows=params, now=utc_now())


def _flag(*values: Any) -> bool | None:
    return next((v for v in values if isinstance(v, bool)), None)
