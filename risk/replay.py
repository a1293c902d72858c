"""Chronological replay of an exchange file into indicator rows for controlled declarations.

Each declaration is scored only with what was known on its date: controls count
once their date has passed, reports once received, unit-value norms from earlier
declarations. That is what makes a time-split evaluation honest.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from risk.features import FEATURE_NAMES, Context, Feature, detailed
from risk.intel import GradeSignal, MentionIndex
from risk.network import TraderNetwork
from risk.stats import InMemoryHistoryStats
from risk.valuation import UnitValueStats


@dataclass
class RiskState:
    """Everything the engine learns from the register stream, kept in memory."""

    intel: MentionIndex
    stats: InMemoryHistoryStats = field(default_factory=InMemoryHistoryStats)
    values: UnitValueStats = field(default_factory=UnitValueStats)
    network: TraderNetwork = field(default_factory=TraderNetwork)
    traders: dict[str, dict] = field(default_factory=dict)

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
                offsets.append((rec["date"], start))
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
                offsets.append((rec["date"], start))
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
           keep_declarations: bool = False, scored_only: Mapping[str, dict] | None = None
           ) -> tuple[list[Row], RiskState]:
    """Rows (in date order) for every controlled declaration, features as of its date;
    ``signal`` weighs the file's report grades (the scheme they are written in).
    ``scored_only``: controls (by declaration) kept out of the file: their declarations
    are scored and get rows, their results never reach the engine."""
    path = Path(path)
    state, controls, reports, offsets = _load(path, signal)
    hidden = dict(scored_only or {})
    pending: list[tuple[str, int, dict, dict]] = []
    rows: list[Row] = []
    next_report = 0
    for seq, decl in enumerate(_declarations(path, offsets)):
        day = decl["date"]
        while pending and pending[0][0] < day:  # results known by the end of their day
            _, _, d, c = heapq.heappop(pending)
            state.observe_control(d, c)
        while next_report < len(reports) and reports[next_report]["received"][:10] < day:
            state.intel.add_report(reports[next_report])
            next_report += 1
        control = controls.get(decl["id"])
        held = hidden.get(decl["id"])
        outcome = control if control is not None else held
        if outcome is not None:
            feats = state.features(decl)
            rows.append(Row(decl["id"], day, [f.value for f in feats[:len(FEATURE_NAMES)]],
                            outcome.get("result") == "positive",
                            float(outcome.get("revenue") or 0.0),
                            bool(decl.get("random_selection")),
                            feats if keep_features else None,
                            {f.name: f.value for f in feats},
                            decl if keep_declarations else None, control is None))
        if control is not None:
            heapq.heappush(pending, (control.get("date") or day, seq, decl, control))
        state.observe_declaration(decl)
    return rows, state


__all__ = ["FEATURE_NAMES", "RiskState", "Row", "replay"]
