"""Chronological replay into indicator rows for controlled declarations: the one replay
that training (from the graph) and the evaluation (from an exchange file) share.

Each declaration is described only with what was known on its date: controls count
once their date has passed, reports once received, unit-value norms from earlier
declarations. That is what makes a time-split evaluation honest, and training free of
leakage. :func:`replay_history` walks the declarations; the state says what is known:
:class:`RiskState` learns everything from the file, :class:`RegisterState` starts from
the register as the graph holds it today and learns the controls' flags as it goes.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from risk.features import FEATURE_NAMES, Context, Feature, detailed
from risk.intel import GradeSignal, MentionIndex, Sighting, day
from risk.network import PathLink, TraderFlag, TraderNetwork
from risk.scoring import BatchContext, context_for
from risk.stats import InMemoryHistoryStats
from risk.valuation import UnitValueStats


class ReplayState(Protocol):
    """What is known at each step of a replay, and how it learns."""

    def features(self, declaration: Mapping) -> list[Feature]: ...

    def observe_control(self, declaration: Mapping, control: Mapping) -> None: ...

    def observe_declaration(self, declaration: Mapping) -> None: ...

    def advance(self, day: str) -> None: ...


@dataclass
class RiskState:
    """Everything the engine learns from the register stream, kept in memory."""

    intel: MentionIndex
    stats: InMemoryHistoryStats = field(default_factory=InMemoryHistoryStats)
    values: UnitValueStats = field(default_factory=UnitValueStats)
    network: TraderNetwork = field(default_factory=TraderNetwork)
    traders: dict[str, dict] = field(default_factory=dict)
    reports: list[dict] = field(default_factory=list)  # by date received, not yet known
    known_reports: int = 0

    def add_trader(self, rec: Mapping) -> None:
        self.traders[rec["id"]] = {"aeo": bool(rec.get("aeo")), "registered": rec.get("registered")}
        self.intel.add_trader(rec)
        self.network.add_trader(rec)

    def add_person(self, rec: Mapping) -> None:
        self.intel.add_person(rec)
        self.network.add_person(rec)

    def context(self, declaration: Mapping) -> Context:
        importer = declaration.get("importer") or ""
        trader = self.traders.get(importer, {})
        exposure, detail = self.network.exposure(importer)
        return Context(mentions=self.intel.mentions_for(declaration), network_exposure=exposure,
                       network_detail=detail, aeo=trader.get("aeo", False),
                       trader_registered=trader.get("registered"))

    def features(self, declaration: Mapping) -> list[Feature]:
        """The indicators (:data:`FEATURE_NAMES` first), then the measures and fields."""
        return detailed(declaration, self.stats, self.values, self.context(declaration))

    def observe_declaration(self, declaration: Mapping) -> None:
        self.stats.record_declaration(declaration)
        self.values.record_declaration(declaration)

    def observe_control(self, declaration: Mapping, control: Mapping) -> None:
        self.stats.record_control(declaration, control)
        self.network.record_control(declaration, control)

    def advance(self, day: str) -> None:
        """Reports received before ``day`` are known from then on."""
        while (self.known_reports < len(self.reports)
               and self.reports[self.known_reports]["received"][:10] < day):
            self.intel.add_report(self.reports[self.known_reports])
            self.known_reports += 1


class RegisterState:
    """Training from the graph: the register (traders, reports naming them, network paths)
    as the graph holds it, the aggregates and the controlled traders' flags learnt as the
    replay passes their dates. Open cases are today's knowledge: the replay ignores them."""

    def __init__(self, traders: dict[str, dict[str, Any]],
                 mentions: dict[tuple[str, str], list[Sighting]],
                 links: dict[str, list[PathLink]]) -> None:
        self.stats = InMemoryHistoryStats()
        self.values = UnitValueStats()
        self.flags: dict[str, TraderFlag] = {}
        self.traders = {ref: {**info, "cases": 0, "watchlist": False}
                        for ref, info in traders.items()}
        self.mentions = mentions
        self.links = links

    def features(self, declaration: Mapping) -> list[Feature]:
        ctx = BatchContext(self.stats, self.values, self.traders, self.mentions, self.links,
                           self.flags, {})
        return detailed(declaration, self.stats, self.values, context_for(declaration, ctx))

    def observe_control(self, declaration: Mapping, control: Mapping) -> None:
        self.stats.record_control(declaration, control)
        importer = declaration.get("importer")
        if importer and (control.get("result") == "positive" or control.get("seized_json")
                         not in (None, "", "[]")):
            old = self.flags.get(importer, TraderFlag())
            when = day(control.get("date"))
            seized = control.get("seized_json") not in (None, "", "[]")
            self.flags[importer] = TraderFlag(
                old.positives + (control.get("result") == "positive"),
                old.seizures + seized,
                when if control.get("result") == "positive" else old.last_positive,
                when if seized else old.last_seized)

    def observe_declaration(self, declaration: Mapping) -> None:
        self.stats.record_declaration(declaration)
        self.values.record_declaration(declaration)

    def advance(self, day: str) -> None:
        """The register is read once: nothing arrives as the replay goes."""


@dataclass
class Row:
    declaration: str
    date: str
    values: list[float]
    positive: bool
    revenue: float
    random_selection: bool
    features: list[Feature] | None = None
    inputs: dict[str, float] = field(default_factory=dict)  # every feature by name
    raw: dict | None = None  # as declared (the raw-field baseline reads it)
    scored_only: bool = False  # its result was never shown to the engine


@dataclass
class Entry:
    """A declaration, in date order, with the controls the engine learns from and those
    kept ``held`` (scored, their results never shown to the engine)."""

    declaration: dict
    controls: Sequence[Mapping] = ()
    held: Sequence[Mapping] = ()


def replay_history(entries: Iterable[Entry], state: ReplayState, keep_features: bool = False,
                   keep_declarations: bool = False) -> list[Row]:
    """Rows (in date order) for every declaration with a control, features as of its date:
    a control's result counts from the day after it, once its declaration is past."""
    pending: list[tuple[str, int, Mapping, Mapping]] = []
    rows: list[Row] = []
    seq = 0
    for entry in entries:
        decl = entry.declaration
        today = decl["date"]
        while pending and pending[0][0] < today:  # results known by the end of their day
            _, _, d, c = heapq.heappop(pending)
            state.observe_control(d, c)
        state.advance(today)
        outcomes = entry.controls or entry.held
        if outcomes:
            feats = state.features(decl)
            rows.append(Row(decl["id"], today, [f.value for f in feats[:len(FEATURE_NAMES)]],
                            any(c.get("result") == "positive" for c in outcomes),
                            sum(float(c.get("revenue") or 0.0) for c in outcomes),
                            bool(decl.get("random_selection")),
                            feats if keep_features else None,
                            {f.name: f.value for f in feats},
                            decl if keep_declarations else None, not entry.controls))
        for control in entry.controls:
            seq += 1
            heapq.heappush(pending, (control.get("date") or today, seq, decl, control))
        state.observe_declaration(decl)
    return rows


def _load(path: Path, signal: GradeSignal
          ) -> tuple[RiskState, dict, list[dict], list[tuple[str, int]]]:
    state = RiskState(MentionIndex(signal))
    controls: dict[str, dict] = {}
    reports: list[dict] = []
    offsets: list[tuple[str, int]] = []
    persons: list[dict] = []
    with path.open("rb") as fh:
        pos = 0
        for line in fh:
            start, pos = pos, pos + len(line)
            if not line.strip():
                continue
            if b'"kind":"declaration"' in line or b'"kind": "declaration"' in line:
                rec = json.loads(line)
                offsets.append((str(rec.get("date") or ""), start))
                continue
            rec = json.loads(line)
            kind = rec.get("kind")
            if kind == "trader":
                state.add_trader(rec)
            elif kind == "person":
                persons.append(rec)
            elif kind == "relation":
                state.network.add_relation(rec)
            elif kind == "control":
                controls[rec["declaration"]] = rec
            elif kind == "report":
                reports.append(rec)
            elif kind == "declaration":
                offsets.append((str(rec.get("date") or ""), start))
    for p in persons:  # after traders, so roles resolve
        state.add_person(p)
    reports.sort(key=lambda r: r.get("received") or "")
    offsets.sort()
    return state, controls, reports, offsets


def _declarations(path: Path, offsets: list[tuple[str, int]]) -> Iterator[dict]:
    with path.open("rb") as fh:
        for _date, off in offsets:
            fh.seek(off)
            yield json.loads(fh.readline())


def replay(path: str | Path, signal: GradeSignal, keep_features: bool = False,
           keep_declarations: bool = False, scored_only: Mapping[str, dict] | None = None,
           read: Callable[[dict], dict | None] | None = None) -> tuple[list[Row], RiskState]:
    """:func:`replay_history` of an exchange file; ``signal`` weighs the file's report
    grades (the scheme they are written in). ``scored_only``: controls (by declaration)
    kept out of the file: their declarations are scored and get rows, their results never
    reach the engine. ``read``: each declaration line as the engine is to see it (the
    evaluation passes the import's validation), None to leave it out."""
    path = Path(path)
    state, controls, reports, offsets = _load(path, signal)
    state.reports = reports
    hidden = dict(scored_only or {})
    declarations: Iterable[dict | None] = _declarations(path, offsets)
    if read is not None:
        declarations = map(read, _declarations(path, offsets))
    entries = (Entry(decl, [controls[decl["id"]]] if decl["id"] in controls else [],
                     [hidden[decl["id"]]] if decl["id"] in hidden else [])
               for decl in declarations if decl is not None)
    return replay_history(entries, state, keep_features, keep_declarations), state


__all__ = ["FEATURE_NAMES", "Entry", "RegisterState", "RiskState", "Row", "replay",
           "replay_history"]
