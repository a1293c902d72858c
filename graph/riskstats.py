"""Precomputed risk aggregates in the graph, so scoring reads a handful of indexed nodes.

- ``(:RiskStat {dimension, key, n_controls, n_positive, n_seized, revenue, last_positive,
  last_seized})`` per risk dimension (importer, declarant, HS6 x origin, ...; ``overall/*``);
- ``(:RiskActivity {trader, first_declaration, n_declarations})`` per trader;
- ``(:UnitValueWindow {key: "hs6|origin|basis", values})``: the last ``WINDOW`` log unit
  values of each HS6 x origin (and HS6 x any origin ``*``), per kg and per declared unit.

Imports call :func:`record_declarations` / :func:`record_controls` inside each batch's write
transaction; ``risk_counted`` flags on the declaration and control nodes make a re-import
change nothing. :func:`rebuild` recomputes everything from the declarations and controls.
Reads go through :func:`load_snapshot`, which returns objects speaking the
:class:`risk.stats.HistoryStats` and unit-value interfaces of the pure engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.connection import Graph, tx_run
from risk.intel import day
from risk.stats import Counts, TraderActivity, dimension_keys, is_positive
from risk.valuation import Norm, hs6, item_log_unit_values, mad, median

WINDOW = 256  # unit values kept per HS6 x origin x basis: follows price drift, bounded memory
MIN_COUNT = 8  # fewer values than this give no norm (same as risk.valuation.UnitValueStats)
OVERALL = ("overall", "*")
PARTIES = ("importer", "declarant", "exporter")

MARK_DECLARATIONS = """
UNWIND $ids AS id
MATCH (d:Declaration {id: id})
WHERE d.risk_counted IS NULL
SET d.risk_counted = true
RETURN d.id AS id, EXISTS { (d)<-[:CONTROL_OF]-(:Control) } AS controlled
"""

MARK_CONTROLS = """
UNWIND $ids AS did
MATCH (c:Control)-[:CONTROL_OF]->(d:Declaration {id: did})
WHERE c.risk_counted IS NULL AND coalesce(d.status, 'confirmed') <> 'referenced'
SET c.risk_counted = true
WITH c, d
OPTIONAL MATCH (d)-[:IMPORTED_BY]->(i)
OPTIONAL MATCH (d)-[:EXPORTED_BY]->(x)
OPTIONAL MATCH (d)-[:DECLARED_BY]->(b)
RETURN d {.*} AS declaration, c {.*} AS control,
       i.ref AS importer, x.ref AS exporter, b.ref AS declarant
"""

INCREMENT_STATS = """
UNWIND $rows AS row
MERGE (s:RiskStat {dimension: row.dimension, key: row.key})
ON CREATE SET s.n_controls = 0, s.n_positive = 0, s.n_seized = 0, s.revenue = 0.0
SET s.n_controls = s.n_controls + row.n_controls,
    s.n_positive = s.n_positive + row.n_positive,
    s.n_seized = s.n_seized + row.n_seized,
    s.revenue = s.revenue + row.revenue,
    s.last_positive = CASE WHEN row.last_positive IS NOT NULL
        AND (s.last_positive IS NULL OR row.last_positive > s.last_positive)
        THEN row.last_positive ELSE s.last_positive END,
    s.last_seized = CASE WHEN row.last_seized IS NOT NULL
        AND (s.last_seized IS NULL OR row.last_seized > s.last_seized)
        THEN row.last_seized ELSE s.last_seized END
"""

INCREMENT_ACTIVITY = """
UNWIND $rows AS row
MERGE (a:RiskActivity {trader: row.trader})
ON CREATE SET a.n_declarations = 0
SET a.n_declarations = a.n_declarations + row.n,
    a.first_declaration = CASE WHEN a.first_declaration IS NULL
        OR row.first < a.first_declaration THEN row.first ELSE a.first_declaration END
"""

APPEND_UNIT_VALUES = """
UNWIND $rows AS row
MERGE (w:UnitValueWindow {key: row.key})
ON CREATE SET w.hs6 = row.hs6, w.origin = row.origin, w.basis = row.basis, w.values = []
WITH w, w.values + row.values AS merged
SET w.values = CASE WHEN size(merged) > $size THEN merged[size(merged) - $size..] ELSE merged END
"""

COUNT_CONTROLS_SINCE_MODEL = """
MERGE (s:RiskSettings {id: 'current'})
ON CREATE SET s.controls_since_model = 0
SET s.controls_since_model = coalesce(s.controls_since_model, 0) + $n
"""

# Stats, activity and unit-value windows in one round trip (an index seek per key); one row.
READ_SNAPSHOT = """
CALL () {
  UNWIND $keys AS k
  MATCH (s:RiskStat {dimension: k[0], key: k[1]})
  RETURN collect({dimension: s.dimension, key: s.key, n_controls: s.n_controls,
                  n_positive: s.n_positive, revenue: s.revenue}) AS stats
}
CALL () {
  UNWIND $traders AS t
  MATCH (a:RiskActivity {trader: t})
  RETURN collect({trader: a.trader, first: a.first_declaration, n: a.n_declarations}) AS activity
}
CALL () {
  UNWIND $windows AS k
  MATCH (w:UnitValueWindow {key: k})
  RETURN collect({key: w.key, values: w.values}) AS windows
}
RETURN stats, activity, windows
"""

# Every declaration in (date, id) order with its parties and controls, in one statement:
# the history stream for rebuild and training. Sorted once (a page per statement sorted the
# whole label again for every page); the subqueries keep the order.
STREAM_DECLARATIONS = """
MATCH (d:Declaration)
WITH d ORDER BY d.date, d.id
RETURN d {.*} AS declaration,
       COLLECT { MATCH (d)-[:IMPORTED_BY]->(i) RETURN i.ref LIMIT 1 }[0] AS importer,
       COLLECT { MATCH (d)-[:EXPORTED_BY]->(x) RETURN x.ref LIMIT 1 }[0] AS exporter,
       COLLECT { MATCH (d)-[:DECLARED_BY]->(b) RETURN b.ref LIMIT 1 }[0] AS declarant,
       COLLECT { MATCH (d)-[:SHIPPED_IN]->(k) RETURN k.ref LIMIT 1 }[0] AS container,
       COLLECT { MATCH (c:Control)-[:CONTROL_OF]->(d) RETURN c {.*} } AS controls
"""

DELETE_AGGREGATES = """
MATCH (n) WHERE n:RiskStat OR n:RiskActivity OR n:UnitValueWindow
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""

MARK_ALL_COUNTED = """
MATCH (n) WHERE n:Declaration OR n:Control
CALL (n) { SET n.risk_counted = true } IN TRANSACTIONS OF 10000 ROWS
"""

REPLACE_STATS = """
UNWIND $rows AS row
MERGE (s:RiskStat {dimension: row.dimension, key: row.key})
SET s.n_controls = row.n_controls, s.n_positive = row.n_positive, s.n_seized = row.n_seized,
    s.revenue = row.revenue, s.last_positive = row.last_positive, s.last_seized = row.last_seized
"""

REPLACE_ACTIVITY = """
UNWIND $rows AS row
MERGE (a:RiskActivity {trader: row.trader})
SET a.n_declarations = row.n, a.first_declaration = row.first
"""

REPLACE_UNIT_VALUES = """
UNWIND $rows AS row
MERGE (w:UnitValueWindow {key: row.key})
SET w.hs6 = row.hs6, w.origin = row.origin, w.basis = row.basis, w.values = row.values
"""


def window_key(code: str, origin: str, basis: str) -> str:
    return f"{code}|{origin}|{basis}"


def declaration_from_node(
    props: Mapping[str, Any], parties: Mapping[str, str | None], container: str | None = None
) -> dict[str, Any]:
    """Rebuild the exchange-format dict the engine reads from a stored declaration node."""
    decl: dict[str, Any] = {}
    extra = props.get("extra_json")
    if extra:
        try:
            loaded = json.loads(extra)
            if isinstance(loaded, dict):
                decl.update(loaded)
        except ValueError:
            pass
    for key in ("id", "flow", "office", "origin", "departure", "destination"):
        if props.get(key) is not None:
            decl[key] = props[key]
    decl["date"] = day(props.get("date"))
    decl.update({k: v for k, v in parties.items() if v})
    items: list[dict[str, Any]] = []
    if props.get("items_json"):
        try:
            items = [it for it in json.loads(props["items_json"]) if isinstance(it, dict)]
        except (ValueError, TypeError):
            items = []
    if not items and props.get("hs"):
        codes = props["hs"] if isinstance(props["hs"], list) else [props["hs"]]
        share = 1.0 / max(1, len(codes))
        items = [
            {
                "hs": str(code),
                "value": (props.get("value") or 0.0) * share,
                "value_cif": (props.get("value_cif") or 0.0) * share,
                "weight_kg": (props.get("weight_kg") or 0.0) * share,
            }
            for code in codes
        ]
    decl["items"] = items
    transport = dict(decl.get("transport") or {})
    if props.get("mode"):
        transport["mode"] = props["mode"]
    if container:
        transport["container"] = container
    decl["transport"] = transport
    return decl


# -- aggregation (pure, shared by incremental updates and rebuild) ---------------------------
@dataclass
class StatRow:
    n_controls: int = 0
    n_positive: int = 0
    n_seized: int = 0
    revenue: float = 0.0
    last_positive: str | None = None
    last_seized: str | None = None

    def add(self, control: Mapping[str, Any]) -> None:
        when = day(control.get("date")) or None
        self.n_controls += 1
        self.revenue += float(control.get("revenue") or 0.0)
        if is_positive(control):
            self.n_positive += 1
            if when and (self.last_positive is None or when > self.last_positive):
                self.last_positive = when
        if _seized(control):
            self.n_seized += 1
            if when and (self.last_seized is None or when > self.last_seized):
                self.last_seized = when


def _seized(control: Mapping[str, Any]) -> bool:
    seized = control.get("seized")
    if seized is None and control.get("seized_json"):
        try:
            seized = json.loads(control["seized_json"])
        except ValueError:
            seized = None
    return bool(seized)


@dataclass
class Aggregates:
    """In-memory accumulation of the aggregates; written with one UNWIND per node kind."""

    stats: dict[tuple[str, str], StatRow] = field(default_factory=dict)
    activity: dict[str, list] = field(default_factory=dict)  # trader -> [first, n]
    values: dict[str, list[float]] = field(default_factory=dict)
    window: int = WINDOW

    def add_declaration(self, decl: Mapping[str, Any]) -> None:
        when = day(decl.get("date"))
        for role in PARTIES:
            trader = decl.get(role)
            if not trader:
                continue
            row = self.activity.setdefault(str(trader), [when, 0])
            row[1] += 1
            if when and (not row[0] or when < row[0]):
                row[0] = when
        origin = str(decl.get("origin") or "")
        for item in decl.get("items") or ():
            code = hs6(item)
            if len(code) < 6:
                continue
            for basis, value in item_log_unit_values(item).items():
                for where in (origin, "*") if origin else ("*",):  # unknown: HS6 only
                    values = self.values.setdefault(window_key(code, where, basis), [])
                    values.append(round(value, 6))
                    if len(values) > 2 * self.window:
                        del values[: len(values) - self.window]

    def add_control(self, decl: Mapping[str, Any], control: Mapping[str, Any]) -> None:
        self.stats.setdefault(OVERALL, StatRow()).add(control)
        for dim, keys in dimension_keys(decl).items():
            for key in keys:
                self.stats.setdefault((dim, key), StatRow()).add(control)

    def stat_rows(self) -> list[dict[str, Any]]:
        return [
            {"dimension": dim, "key": key, **row.__dict__} for (dim, key), row in self.stats.items()
        ]

    def activity_rows(self) -> list[dict[str, Any]]:
        return [
            {"trader": t, "first": row[0] or None, "n": row[1]} for t, row in self.activity.items()
        ]

    def value_rows(self) -> list[dict[str, Any]]:
        rows = []
        for key, values in self.values.items():
            code, origin, basis = key.split("|")
            rows.append(
                {
                    "key": key,
                    "hs6": code,
                    "origin": origin,
                    "basis": basis,
                    "values": values[-self.window :],
                }
            )
        return rows


def _chunks(rows: list[dict[str, Any]], size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# -- incremental updates: the import's pass after each file and the controls API -----------
def record_declarations(tx: Any, rows: Sequence[Mapping[str, Any]]) -> int:
    """Count declarations of this batch not yet counted (activity, unit values)."""
    by_id = {str(r["id"]): r for r in rows if r.get("id")}
    if not by_id:
        return 0
    marked = tx_run(tx, MARK_DECLARATIONS, ids=list(by_id))
    new = [r["id"] for r in marked]
    agg = Aggregates()
    for did in new:
        agg.add_declaration(by_id[did])
    for chunk in _chunks(agg.activity_rows()):
        tx_run(tx, INCREMENT_ACTIVITY, rows=chunk)
    for chunk in _chunks(agg.value_rows()):
        tx_run(tx, APPEND_UNIT_VALUES, rows=chunk, size=WINDOW)
    controlled = [{"declaration": r["id"]} for r in marked if r["controlled"]]
    if controlled:  # controls imported before their declaration count now
        record_controls(tx, controlled)
    return len(new)


def record_controls(tx: Any, rows: Sequence[Mapping[str, Any]]) -> int:
    """Count controls of this batch not yet counted, reading their declarations from the graph."""
    ids = sorted({str(r["declaration"]) for r in rows if r.get("declaration")})
    if not ids:
        return 0
    found = tx_run(tx, MARK_CONTROLS, ids=ids)
    agg = Aggregates()
    for row in found:
        decl = declaration_from_node(
            row["declaration"],
            {
                "importer": row["importer"],
                "exporter": row["exporter"],
                "declarant": row["declarant"],
            },
        )
        agg.add_control(decl, row["control"])
    for chunk in _chunks(agg.stat_rows()):
        tx_run(tx, INCREMENT_STATS, rows=chunk)
    if found:
        tx_run(tx, COUNT_CONTROLS_SINCE_MODEL, n=len(found))
    return len(found)


# -- reads ----------------------------------------------------------------------------------
class StatsSnapshot:
    """A read-only :class:`risk.stats.HistoryStats` over the aggregates one request needs."""

    def __init__(
        self, counts: dict[tuple[str, str], Counts], activity: dict[str, TraderActivity]
    ) -> None:
        self._counts = counts
        self._activity = activity

    def counts(self, dimension: str, key: str) -> Counts:
        return self._counts.get((dimension, key), Counts())

    def overall(self) -> Counts:
        return self._counts.get(OVERALL, Counts())

    def activity(self, trader_id: str) -> TraderActivity:
        return self._activity.get(trader_id, TraderActivity())

    def record_control(self, declaration: Mapping, control: Mapping) -> None:
        raise TypeError("a snapshot is read-only; controls are recorded by record_controls")

    def record_declaration(self, declaration: Mapping) -> None:
        raise TypeError("a snapshot is read-only; declarations are recorded on import")


class UnitValueSnapshot:
    """Unit-value norms from stored windows; same interface as ``UnitValueStats.norm``."""

    def __init__(self, windows: dict[str, list[float]], min_count: int = MIN_COUNT) -> None:
        self._windows = windows
        self._norms: dict[str, tuple[float, float, int]] = {}
        self.min_count = min_count

    def norm(self, hs6_code: str, origin: str, basis: str) -> Norm | None:
        for where, level in ((origin, "hs6_origin"), ("*", "hs6")):
            if not where:  # unknown origin: no HS6 x origin norm
                continue
            key = window_key(hs6_code, where, basis)
            values = self._windows.get(key) or []
            if len(values) >= self.min_count:
                if key not in self._norms:
                    m = median(values)
                    self._norms[key] = (m, mad(values, m), len(values))
                m, d, n = self._norms[key]
                return Norm(m, d, n, level)
        return None


def snapshot_keys(declarations: Sequence[Mapping[str, Any]]) -> tuple[list, list, list]:
    """Stat keys (with their smoothing parents), traders and unit-value windows to read."""
    stat_keys: set[tuple[str, str]] = {OVERALL}
    traders: set[str] = set()
    windows: set[str] = set()
    for decl in declarations:
        for dim, keys in dimension_keys(decl).items():
            stat_keys.update((dim, k) for k in keys)
        importer = decl.get("importer")
        if importer:
            traders.add(str(importer))
        origin = str(decl.get("origin") or "")
        for item in decl.get("items") or ():
            code = hs6(item)
            if len(code) == 6:
                for basis in ("kg", "unit"):
                    if origin:
                        windows.add(window_key(code, origin, basis))
                    windows.add(window_key(code, "*", basis))
    return [list(k) for k in sorted(stat_keys)], sorted(traders), sorted(windows)


def load_snapshot(
    tx: Any, declarations: Sequence[Mapping[str, Any]]
) -> tuple[StatsSnapshot, UnitValueSnapshot]:
    """One round trip of indexed reads for a whole batch of declarations."""
    stat_keys, traders, windows = snapshot_keys(declarations)
    row = tx_run(tx, READ_SNAPSHOT, keys=stat_keys, traders=traders, windows=windows)[0]
    counts = {
        (r["dimension"], r["key"]): Counts(
            int(r["n_controls"] or 0), int(r["n_positive"] or 0), float(r["revenue"] or 0.0)
        )
        for r in row["stats"]
    }
    activity = {r["trader"]: TraderActivity(r["first"], int(r["n"] or 0)) for r in row["activity"]}
    values = {r["key"]: list(r["values"] or []) for r in row["windows"]}
    return StatsSnapshot(counts, activity), UnitValueSnapshot(values)


# -- the history stream and rebuild ----------------------------------------------------------
@dataclass(frozen=True)
class HistoryEntry:
    declaration: dict[str, Any]
    controls: list[dict[str, Any]]


def stream_history(graph: Graph) -> Iterator[HistoryEntry]:
    """Every declaration with its controls, in (date, id) order, from one read."""

    def entries(tx: Any) -> list[HistoryEntry]:
        out = []
        for record in tx.run(STREAM_DECLARATIONS):
            row = record.data()
            parties = {
                "importer": row["importer"],
                "exporter": row["exporter"],
                "declarant": row["declarant"],
            }
            decl = declaration_from_node(row["declaration"], parties, row["container"])
            controls = sorted(row["controls"], key=lambda c: day(c.get("date")))
            for c in controls:
                c["date"] = day(c.get("date"))
            out.append(HistoryEntry(decl, controls))
        return out

    yield from graph.read(entries)


def rebuild(graph: Graph) -> dict[str, int]:
    """Recompute every aggregate from the declarations and controls in the graph."""
    agg = Aggregates()
    n_decl = n_ctrl = 0
    for entry in stream_history(graph):
        n_decl += 1
        agg.add_declaration(entry.declaration)
        for control in entry.controls:
            n_ctrl += 1
            agg.add_control(entry.declaration, control)
    graph.run_schema(DELETE_AGGREGATES)  # CALL IN TRANSACTIONS needs an auto-commit transaction
    for query, rows in (
        (REPLACE_STATS, agg.stat_rows()),
        (REPLACE_ACTIVITY, agg.activity_rows()),
        (REPLACE_UNIT_VALUES, agg.value_rows()),
    ):
        for chunk in _chunks(rows):
            graph.query(query, {"rows": chunk}, write=True)
    graph.run_schema(MARK_ALL_COUNTED)
    return {
        "declarations": n_decl,
        "controls": n_ctrl,
        "stats": len(agg.stats),
        "traders": len(agg.activity),
        "unit_value_windows": len(agg.values),
    }
