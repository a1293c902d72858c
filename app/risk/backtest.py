"""Back-test of a profile before the committee saves it: what its conditions would have
selected among the controlled declarations of the last N months, beside the active
profiles on the same declarations.

The indicators a condition may test are computed with today's aggregates (as the
declaration page scores), not as of each declaration's date; the figures say what the
conditions would pick, not what the lane would have been then. Validity dates are left
out: the question is what the conditions select.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from app.risk.scoring import read_context, stored_declarations
from graph.connection import Graph
from graph.controls import ControlRepository
from graph.riskparties import NO_VIEWER
from graph.riskprofiles import ProfileRepository, profile_from_node
from risk.features import as_mapping, extract
from risk.scoring import context_for
from risk.selectivity import Profile, ProfileError

MAX_DECLARATIONS = 20_000
CHUNK = 500


def months_before(today: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _probe(pid: str, conditions: Sequence[Mapping[str, Any]]) -> Profile:
    """The conditions as a profile that always applies (no validity dates)."""
    return Profile.parse({"id": pid, "conditions": list(conditions), "rationale": "back-test",
                          "weight": 1.0})


def _tally() -> dict[str, Any]:
    return {"selected": 0, "hits": 0, "revenue": 0.0}


def _finish(tally: dict[str, Any], controlled: int) -> dict[str, Any]:
    selected = tally["selected"]
    return {**tally, "revenue": round(tally["revenue"], 2),
            "hit_rate": tally["hits"] / selected if selected else None,
            "share": selected / controlled if controlled else None}


def backtest(graph: Graph, conditions: Sequence[Mapping[str, Any]], months: int = 12,
             today: date | None = None, replacing: str | None = None) -> dict[str, Any]:
    """Selected, hits, hit rate and revenue of ``conditions`` (already checked) and of each
    active profile (but ``replacing``, the one being edited) over the controlled
    declarations dated within the last ``months`` months."""
    since = months_before(today or date.today(), months)
    rows = ControlRepository(graph).controlled_since(since.isoformat(), MAX_DECLARATIONS)
    candidate = _probe("candidate", conditions)
    current: list[tuple[dict[str, Any], Profile]] = []
    for node in ProfileRepository(graph).active_profiles():
        if node["id"] == replacing:
            continue
        stored = profile_from_node(node)
        try:
            current.append((stored, _probe(stored["id"], stored["conditions"])))
        except ProfileError:
            continue  # a legacy profile the engine skips when scoring, too
    needs_indicators = any(c.indicator for p in [candidate, *(p for _, p in current)]
                           for c in p.conditions)
    mine, anyone, overall = _tally(), _tally(), _tally()
    per_profile = {stored["id"]: _tally() for stored, _ in current}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        decls = stored_declarations(chunk)
        indicators: list[Mapping[str, float]] = [{} for _ in decls]
        if needs_indicators:
            ctx = graph.read(read_context, decls, NO_VIEWER)
            indicators = [as_mapping(extract(d, ctx.stats, ctx.values, context_for(d, ctx)))
                          for d in decls]
        for row, decl, values in zip(chunk, decls, indicators, strict=True):
            outcome = (1, int(bool(row["hit"])), float(row["revenue"] or 0.0))
            hits = [mine] if candidate.matches(decl, values) else []
            fired = [per_profile[s["id"]] for s, p in current if p.matches(decl, values)]
            hits += fired + ([anyone] if fired else []) + [overall]
            for tally in hits:
                tally["selected"] += outcome[0]
                tally["hits"] += outcome[1]
                tally["revenue"] += outcome[2]
    controlled = len(rows)
    return {
        "months": months, "since": since.isoformat(), "controlled": controlled,
        "candidate": _finish(mine, controlled),
        "profiles": [{"id": s["id"], "name": s.get("name") or s["id"],
                      **_finish(per_profile[s["id"]], controlled)} for s, _ in current],
        "any_profile": _finish(anyone, controlled),
        "all_controlled": _finish(overall, controlled),
    }
