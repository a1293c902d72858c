"""Scoring a batch of declarations from what is known around them: the lane and the reasons.

Plain data in, plain data out: the caller reads the :class:`BatchContext` (from the graph,
or from a replay's memory) and the settings and profiles; this module describes each
declaration's parties (intelligence, network, watch list, AEO), runs the model and the
selectivity rules, and writes the reasons so that their contributions add up to the score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.messages import N_, Figure, Joined
from risk.boost import BoostedModel
from risk.features import (
    FEATURE_NAMES,
    HISTORY_LABEL,
    Context,
    Feature,
    as_mapping,
    detailed,
    extract,
)
from risk.intel import RESTRICTED_REASON, Sighting, day
from risk.model import RiskModel, Score
from risk.network import PathLink, TraderFlag, exposure_from_links
from risk.selectivity import Profile, Selectivity, Thresholds
from risk.stats import HistoryStats
from risk.valuation import UnitValueStats

PARTY_ROLES = ("importer", "declarant", "exporter")
DEFAULT_SETTINGS = {"acceptable": 0.35, "unacceptable": 0.6, "audit": 0.25,
                    "random_rate": 0.01, "random_lane": "red", "retrain_after": 500}
MAX_REASONS = 8
OTHER_INDICATORS = "other_indicators"

# Before the first training, and for indicators that training data cannot teach (no
# watch-list history), these expert weights apply (log-odds per unit of the indicator).
PRIOR_WEIGHTS = {
    "importer_history": 1.0, "declarant_history": 0.5, "exporter_history": 0.3,
    "hs2_history": 0.2, "hs6_origin_history": 0.5, "origin_history": 0.3,
    "undervaluation": 0.3, "transit_origin": 0.3, "intelligence": 1.0,
    "network_exposure": 0.4, "watchlist": 1.5, "aeo": -1.0,
}
PRIOR_INTERCEPT = -3.0

Model = RiskModel | BoostedModel


def prior_model() -> RiskModel:
    n = len(FEATURE_NAMES)
    return RiskModel(list(FEATURE_NAMES), [0.0] * n, [1.0] * n,
                     [PRIOR_WEIGHTS.get(f, 0.0) for f in FEATURE_NAMES], PRIOR_INTERCEPT,
                     "prior", meta={"kind": "expert prior, used until the first training"})


def settings_of(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored settings over the defaults; a negative audit threshold means "no blue lane"."""
    out = {**DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if v is not None}}
    if out.get("audit") is not None and float(out["audit"]) < 0:
        out["audit"] = None
    return out


def selectivity_of(settings: Mapping[str, Any], profiles: list[Profile]) -> Selectivity:
    thresholds = Thresholds(float(settings["acceptable"]), float(settings["unacceptable"]),
                            None if settings.get("audit") in (None, "") else
                            float(settings["audit"]))
    return Selectivity(thresholds, profiles, float(settings["random_rate"]),
                       str(settings["random_lane"]))


# -- context: what is known around a batch of declarations -----------------------------------
@dataclass
class BatchContext:
    stats: HistoryStats
    values: UnitValueStats
    traders: dict[str, dict[str, Any]]
    mentions: dict[tuple[str, str], list[Sighting]]
    links: dict[str, list[PathLink]]
    flags: dict[str, TraderFlag]
    settings: dict[str, Any]


def container_of(decl: Mapping[str, Any]) -> str | None:
    transport = decl.get("transport")
    if isinstance(transport, Mapping) and transport.get("container"):
        return str(transport["container"])
    return None


def party_mentions(decl: Mapping[str, Any], mentions: Mapping[tuple[str, str], list[Sighting]]
                   ) -> list[Sighting]:
    """Reports naming the declaration's parties or its container; a trader in two roles
    (importer and declarant) is one party, its reports counted once."""
    out: list[Sighting] = []
    for ref in dict.fromkeys(str(decl[role]) for role in PARTY_ROLES if decl.get(role)):
        out.extend(mentions.get(("trader", ref), ()))
    container = container_of(decl)
    if container:
        out.extend(mentions.get(("container", container), ()))
    return out


def party_exposure(decl: Mapping[str, Any], links: Mapping[str, list[PathLink]],
                   flags: Mapping[str, TraderFlag]) -> tuple[float, str]:
    """The most exposed party's network exposure, with the paths behind it."""
    best: tuple[float, str] = (0.0, N_("No links to traders with positive controls or seizures"))
    for role in PARTY_ROLES:
        ref = decl.get(role)
        if not ref:
            continue
        own = [link for link in links.get(str(ref), ()) if link.other != ref]
        value, detail = exposure_from_links(own, flags)
        if value > best[0]:
            best = (value, N_("%(role)s %(trader)s: %(links)s", role=HISTORY_LABEL[role],
                              trader=ref, links=detail))
    return best


def context_for(decl: Mapping[str, Any], ctx: BatchContext) -> Context:
    importer = ctx.traders.get(str(decl.get("importer") or ""), {})
    exposure, detail = party_exposure(decl, ctx.links, ctx.flags)
    watch = []
    for role in PARTY_ROLES:
        info = ctx.traders.get(str(decl.get(role) or ""))
        if info and (info.get("watchlist") or info.get("cases")):
            cases = int(info.get("cases") or 0)
            watch.append(N_("%(role)s %(trader)s (on %(count)s open case(s))",
                            role=HISTORY_LABEL[role], trader=decl[role], count=cases) if cases
                         else N_("%(role)s %(trader)s (watch list)", role=HISTORY_LABEL[role],
                                 trader=decl[role]))
        elif info and info.get("hidden_cases"):  # another unit's case: counts, not named
            watch.append(N_("%(role)s %(trader)s (%(restricted)s)", role=HISTORY_LABEL[role],
                            trader=decl[role], restricted=RESTRICTED_REASON))
    return Context(mentions=party_mentions(decl, ctx.mentions), network_exposure=exposure,
                   network_detail=detail, watchlist_hit=bool(watch),
                   watchlist_detail=N_("Watch list / open case: %(parties)s",
                                       parties=Joined(watch)) if watch else "",
                   aeo=bool(importer.get("aeo")),
                   trader_registered=day(importer.get("registered")) or None)


# -- scoring ----------------------------------------------------------------------------------
def _reasons(reasons: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The strongest reasons; what the others add together is one more reason, so that the
    contributions shown always add up to the score."""
    listed = list(reasons)
    kept = [r for r in listed if abs(r["contribution"]) >= 0.005]
    kept.sort(key=lambda r: -abs(r["contribution"]))
    if not kept:
        kept = listed[:1]
    shown = kept[:MAX_REASONS]
    out = [{"indicator": r["indicator"], "contribution": round(float(r["contribution"]), 4),
            "detail": r["detail"]} for r in shown]
    rest = [r for r in listed if not any(r is s for s in shown)]
    left = math.fsum(float(r["contribution"]) for r in rest)
    if abs(left) >= 0.005:
        out.append({"indicator": OTHER_INDICATORS, "contribution": round(left, 4),
                    "detail": N_("%(count)s other indicators together", count=len(rest))})
    return out


def _features(model: Model, decl: Mapping[str, Any], ctx: BatchContext) -> list[Feature]:
    """What ``model`` reads: the indicators, and for the boosted model the measures and
    each declared field's record too."""
    read = detailed if isinstance(model, BoostedModel) else extract
    return read(decl, ctx.stats, ctx.values, context_for(decl, ctx))


def _score_all(model: Model, rows: Sequence[Sequence[Feature]]) -> list[Score]:
    if isinstance(model, BoostedModel):
        return model.score_batch(rows)
    return [model.score(r) for r in rows]


def score_batch(model: Model, select: Selectivity, settings: Mapping[str, Any],
                declarations: Sequence[Mapping[str, Any]], ctx: BatchContext
                ) -> list[dict[str, Any]]:
    """Score, lane and reasons of each declaration, in the same order."""
    results = []
    rows = [_features(model, decl, ctx) for decl in declarations]
    for decl, features, score in zip(declarations, rows, _score_all(model, rows), strict=True):
        decision = select.decide(decl, score, as_mapping(features))
        reasons = _reasons(decision.reasons)
        if decision.random:
            reasons.insert(0, {"indicator": "random", "contribution": 0.0,
                               "detail": N_("Random selection (%(rate)s minimum rate) for "
                                            "unbiased hit rates",
                                            rate=Figure(settings['random_rate'], 1, share=True))})
        results.append({
            "id": decl.get("id"), "score": round(decision.score, 6), "lane": decision.lane,
            "reasons": reasons, "baseline": round(score.baseline, 4),
            "model_version": decision.model_version,
            "model_score": round(decision.model_score, 6), "random": decision.random,
            "targeted": decision.targeted, "profiles": decision.profiles,
        })
    return results
