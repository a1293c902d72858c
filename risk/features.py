"""Declaration -> named indicators, each with a sentence an officer can check.

Every number the model uses must be explainable on its own, so features are
built together with their detail strings rather than derived later.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from risk.intel import Mention, describe, to_date
from risk.stats import FIELD, ITEM_FIELD, HistoryStats, Smoothed, dimension_keys, smoothed
from risk.valuation import UnitValueStats, undervaluation_indicator

HISTORY_LABEL = {"importer": "Importer", "declarant": "Declarant", "exporter": "Exporter",
                 "hs2": "Chapter", "hs4": "Heading", "hs6": "HS6", "origin": "Origin",
                 "hs6_origin": "HS6 x origin", "office": "Office"}

FEATURE_NAMES: tuple[str, ...] = (
    "importer_history", "declarant_history", "exporter_history", "hs2_history", "hs4_history",
    "hs6_history", "origin_history", "hs6_origin_history", "office_history",
    "declared_fields_history", "importer_revenue", "hs6_origin_revenue", "undervaluation",
    "transit_origin",
    "trader_age", "importer_experience", "intelligence", "network_exposure", "watchlist", "aeo",
    "declared_value", "item_count",
)


# Direction each indicator may push the score (see risk.model.train); unlisted are free.
EXPECTED_SIGN: dict[str, int] = {
    **{f"{d}_history": 1 for d in ("importer", "declarant", "exporter", "hs2", "hs4", "hs6",
                                   "origin", "hs6_origin", "office")},
    "declared_fields_history": 1, "importer_revenue": 1, "hs6_origin_revenue": 1,
    "undervaluation": 1, "transit_origin": 1,
    "intelligence": 1, "network_exposure": 1, "watchlist": 1, "aeo": -1,
}


@dataclass(frozen=True)
class Feature:
    name: str
    value: float
    detail: str


@dataclass
class Context:
    """What the engine knows beyond the declaration and control history.

    Filled from the graph in production (mentions linked by NER, exposure by a
    Cypher query, watch-list lookups, the trader register).
    """

    mentions: Sequence[Mention] = ()
    network_exposure: float = 0.0
    network_detail: str = ""
    watchlist_hit: bool = False
    watchlist_detail: str = ""
    aeo: bool = False
    trader_registered: str | None = None  # ISO date of the importer's registration
    strengths: Mapping[str, float] = field(default_factory=dict)


def _history(stats: HistoryStats, dim: str, keys: Sequence[str],
             strengths: Mapping[str, float]) -> tuple[Smoothed | None, str]:
    if not keys:
        return None, f"{HISTORY_LABEL[dim]}: not declared"
    best = max((smoothed(stats, dim, k, strengths) for k in keys), key=lambda s: s.rate)
    c = best.counts
    detail = (f"{HISTORY_LABEL[dim]} {best.key}: {c.n_positive} of {c.n_controls} controls "
              f"positive (smoothed {best.rate:.0%} vs {best.overall_rate:.0%} overall)")
    return best, detail


def _declared_fields(stats: HistoryStats, keys: Mapping[str, Sequence[str]],
                     strengths: Mapping[str, float]) -> Feature:
    """Sum of the log lifts of the declaration's source-system fields (procedure, payment
    type, tax type...): each field's history speaks for itself, small samples shrunk to
    the overall rate; the sentence names the fields that weigh most."""
    found = [
        max((smoothed(stats, dim, k, strengths) for k in dim_keys), key=lambda s: s.rate)
        for dim, dim_keys in keys.items()
        if dim.startswith((FIELD, ITEM_FIELD)) and dim_keys
    ]
    total = sum(s.lift for s in found)
    telling = sorted((s for s in found if s.counts.n_controls), key=lambda s: -abs(s.lift))[:2]
    if not telling:
        return Feature("declared_fields_history", total,
                       "Declared fields (procedure, payment, tax type...): no control history")
    detail = "; ".join(
        f"{_field_label(s.dimension)} {s.key}: {s.counts.n_positive} of {s.counts.n_controls} "
        f"controls positive (smoothed {s.rate:.0%} vs {s.overall_rate:.0%} overall)"
        for s in telling
    )
    return Feature("declared_fields_history", total, detail)


def _field_label(dimension: str) -> str:
    """``field:payment_type`` -> "Payment type", ``item:tax_type`` -> "Item tax type"."""
    name = dimension.split(":", 1)[1].replace("_", " ").strip() or dimension
    label = name[:1].upper() + name[1:]
    return f"Item {name}" if dimension.startswith(ITEM_FIELD) else label


def _age_days(declared: str, since: str | None) -> int | None:
    if not since:
        return None
    return max(0, (to_date(declared) - to_date(since)).days)


def extract(declaration: Mapping, stats: HistoryStats, values: UnitValueStats,
            context: Context | None = None) -> list[Feature]:
    """All indicators in :data:`FEATURE_NAMES` order, using history known before scoring."""
    ctx = context or Context()
    out: list[Feature] = []
    keys = dimension_keys(declaration)
    hist: dict[str, Smoothed | None] = {}
    for dim in ("importer", "declarant", "exporter", "hs2", "hs4", "hs6", "origin",
                "hs6_origin", "office"):
        sm, detail = _history(stats, dim, keys[dim], ctx.strengths)
        hist[dim] = sm
        out.append(Feature(f"{dim}_history", sm.lift if sm else 0.0, detail))

    out.append(_declared_fields(stats, keys, ctx.strengths))

    for dim in ("importer", "hs6_origin"):
        sm = hist[dim]
        rev = sm.revenue_per_control if sm else 0.0
        label = f"{HISTORY_LABEL[dim]} {sm.key}" if sm else HISTORY_LABEL[dim]
        out.append(Feature(f"{dim}_revenue", math.log1p(rev),
                           f"{label}: smoothed revenue {rev:,.0f} EUR per control"))

    under, detail = undervaluation_indicator(declaration, values)
    out.append(Feature("undervaluation", min(under, 10.0), detail))

    origin, departure = declaration.get("origin"), declaration.get("departure")
    transit = bool(origin and departure and origin != departure)
    out.append(Feature("transit_origin", 1.0 if transit else 0.0,
                       f"Origin {origin}, dispatched from {departure}" if transit
                       else "Dispatched from the country of origin"))

    importer = declaration.get("importer") or ""
    activity = stats.activity(importer)
    since = ctx.trader_registered or activity.first_declaration
    age = _age_days(declaration.get("date") or "", since)
    out.append(Feature("trader_age", math.log1p(age) if age is not None else 0.0,
                       f"Importer {importer} registered/first seen {age} days before"
                       if age is not None else f"Importer {importer}: first declaration"))
    out.append(Feature("importer_experience", math.log1p(activity.n_declarations),
                       f"Importer {importer}: {activity.n_declarations} earlier declarations"))

    weight, detail = describe(ctx.mentions, declaration.get("date") or "")
    out.append(Feature("intelligence", math.log1p(weight), detail))
    out.append(Feature("network_exposure", ctx.network_exposure,
                       ctx.network_detail or "No links to traders with positive controls"))
    out.append(Feature("watchlist", 1.0 if ctx.watchlist_hit else 0.0,
                       ctx.watchlist_detail or ("Watch-list hit" if ctx.watchlist_hit
                                                else "No watch-list hit")))
    out.append(Feature("aeo", 1.0 if ctx.aeo else 0.0,
                       f"Importer {importer} is an Authorised Economic Operator" if ctx.aeo
                       else "Importer is not AEO-certified"))

    items = declaration.get("items") or ()
    total = sum(float(it.get("value_cif") or it.get("value") or 0.0) for it in items)
    out.append(Feature("declared_value", math.log1p(total),
                       f"Declared CIF value {total:,.0f} EUR"))
    out.append(Feature("item_count", float(len(items)), f"{len(items)} item(s)"))
    return out


def as_mapping(features: Sequence[Feature]) -> dict[str, float]:
    """Indicator values by name, as profile rules reference them."""
    return {f.name: f.value for f in features}
