"""Ranking traders and commodity lines on the model's weights (not declarations: sums).

Traders are ranked on their history as importer, declarant and exporter, the reports
naming them, their network exposure and AEO status; HS6 x origin lines on the history of
their HS chapters, headings and codes. The logistic weights apply (a boosted model keeps
the logistic model fitted beside it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from graph.messages import N_, Figure
from risk.boost import BoostedModel
from risk.features import HISTORY_LABEL
from risk.intel import Sighting, describe
from risk.model import RiskModel
from risk.network import PathLink, TraderFlag, exposure_from_links
from risk.scoring import PARTY_ROLES, Model, prior_model
from risk.stats import HistoryStats, dimension_keys, smoothed

OVERALL_KEY = ("overall", "*")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def _contribution(model: RiskModel, name: str, value: float) -> float:
    j = model.features.index(name)
    return model.coef[j] * (value - model.mean[j]) / model.scale[j]


# "As importer: ..." (a trader's record in each part it plays)
ROLE_WORDS = {"importer": N_("importer"), "declarant": N_("declarant"),
              "exporter": N_("exporter")}


def ranking_model(model: Model) -> RiskModel:
    """Traders and commodities are ranked on the logistic weights (a boosted model keeps
    the logistic model fitted beside it): their indicators are sums, not declarations."""
    if isinstance(model, BoostedModel):
        return model.linear or prior_model()
    return model


def history_keys(refs: Sequence[str]) -> list[list[str]]:
    """The aggregates :func:`rank_traders` reads for ``refs``: each role, and overall."""
    return [list(OVERALL_KEY)] + [[role, ref] for ref in refs for role in PARTY_ROLES]


def rank_traders(model: RiskModel, refs: Sequence[str], stats: HistoryStats,
                 found: Mapping[str, list[str]], traders: Mapping[str, Mapping[str, Any]],
                 mentions: Mapping[tuple[str, str], list[Sighting]],
                 links: Mapping[str, list[PathLink]], flags: Mapping[str, TraderFlag],
                 today: str) -> list[dict[str, Any]]:
    """Trader-level score and reasons (history, intelligence, network, AEO) of ``refs``;
    ``found``: the keys of each role that have aggregates in ``stats``."""
    history: dict[str, list[tuple[float, str, str]]] = {}
    for role in PARTY_ROLES:
        for key in found.get(role, []):
            sm = smoothed(stats, role, key)
            c = sm.counts
            detail: str = N_("As %(role)s: %(positive)s of %(controls)s controls positive "
                             "(smoothed %(rate)s vs %(overall)s overall)",
                             role=ROLE_WORDS[role], positive=c.n_positive,
                             controls=c.n_controls, rate=Figure(sm.rate, share=True),
                             overall=Figure(sm.overall_rate, share=True))
            history.setdefault(key, []).append(
                (_contribution(model, f"{role}_history", sm.lift), f"{role}_history", detail))
            if role == "importer":
                history[key].append((_contribution(model, "importer_revenue",
                                                   math.log1p(sm.revenue_per_control)),
                                     "importer_revenue",
                                     N_("Smoothed revenue %(amount)s EUR per control",
                                        amount=Figure(sm.revenue_per_control))))
    ranked: list[dict[str, Any]] = []
    for ref in refs:
        parts = list(history.get(ref, []))
        weight, detail = describe(mentions.get(("trader", ref), []), today)
        parts.append((_contribution(model, "intelligence", math.log1p(weight)), "intelligence",
                      detail))
        exposure, why = exposure_from_links(
            [link for link in links.get(ref, []) if link.other != ref], flags)
        parts.append((_contribution(model, "network_exposure", exposure), "network_exposure",
                      why))
        trader = traders.get(ref, {})
        if trader.get("aeo"):
            parts.append((_contribution(model, "aeo", 1.0), "aeo",
                          N_("Authorised Economic Operator")))
        logit = model.intercept + sum(c for c, _, _ in parts)
        reasons = [{"indicator": n, "contribution": round(c, 4), "detail": d}
                   for c, n, d in sorted(parts, key=lambda p: -p[0]) if abs(c) >= 0.005]
        ranked.append({"id": ref, "entity_id": f"trader:{ref}", "name": trader.get("name"),
                       "aeo": bool(trader.get("aeo")), "score": round(_sigmoid(logit), 6),
                       "network_exposure": round(exposure, 4),
                       "reasons": reasons or [{"indicator": "history", "contribution": 0.0,
                                               "detail": N_("No indicator above average")}]})
    ranked.sort(key=lambda r: (-r["score"], r["id"]))
    return ranked


def rank_commodities(model: RiskModel, stats: HistoryStats, lines: Sequence[str],
                     limit: int) -> list[dict[str, Any]]:
    """HS6 x origin ``lines`` (``code:origin``) ranked by their commodity history."""
    ranked: list[dict[str, Any]] = []
    for key in lines:
        code, origin = key.split(":", 1)
        decl = {"origin": origin, "items": [{"hs": code}]}
        parts = []
        for dim, dim_keys in dimension_keys(decl).items():
            if dim not in ("hs2", "hs4", "hs6", "hs6_origin") or not dim_keys:
                continue
            sm = smoothed(stats, dim, dim_keys[0])
            c = sm.counts
            parts.append((_contribution(model, f"{dim}_history", sm.lift), f"{dim}_history",
                          N_("%(subject)s %(key)s: %(positive)s of %(controls)s controls "
                             "positive (smoothed %(rate)s)", subject=HISTORY_LABEL[dim],
                             key=dim_keys[0], positive=c.n_positive, controls=c.n_controls,
                             rate=Figure(sm.rate, share=True))))
            if dim == "hs6_origin":
                parts.append((_contribution(model, "hs6_origin_revenue",
                                            math.log1p(sm.revenue_per_control)),
                              "hs6_origin_revenue",
                              N_("Smoothed revenue %(amount)s EUR per control",
                                 amount=Figure(sm.revenue_per_control))))
        logit = model.intercept + sum(c for c, _, _ in parts)
        counts = stats.counts("hs6_origin", key)
        ranked.append({"id": key, "hs6": code, "origin": origin,
                       "score": round(_sigmoid(logit), 6), "controls": counts.n_controls,
                       "positive": counts.n_positive, "revenue": round(counts.revenue, 2),
                       "reasons": [{"indicator": n, "contribution": round(c, 4), "detail": d}
                                   for c, n, d in sorted(parts, key=lambda p: -p[0])]})
    ranked.sort(key=lambda r: (-r["score"], r["id"]))
    return ranked[:limit]
