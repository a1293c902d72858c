"""Declaration -> named indicators, each with a sentence an officer can check.

Every number the model uses must be explainable on its own, so features are
built together with their detail strings rather than derived later. A sentence is a
``graph.messages.Message``: English text (what the engine, its tests and the logs read)
that keeps its message id and parameters, so the pages and the API show it in the reader's
language (``app.i18n.say``); the engine itself knows no language but English.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graph.messages import N_, Figure, Joined, Message
from risk.intel import Sighting, describe, to_date
from risk.stats import (
    _ITEM_NAMED,
    _NAMED,
    _OUTCOME,
    FIELD,
    ITEM_FIELD,
    MAX_FIELDS,
    HistoryStats,
    Smoothed,
    dimension_keys,
    smoothed,
)
from risk.valuation import (
    UnitValueStats,
    assess,
    undervaluation_indicator,
    unit_value_sentence,
)

HISTORY_LABEL = {"importer": N_("Importer"), "declarant": N_("Declarant"),
                 "exporter": N_("Exporter"), "hs2": N_("Chapter"), "hs4": N_("Heading"),
                 "hs6": N_("HS6"), "origin": N_("Origin"), "hs6_origin": N_("HS6 x origin"),
                 "office": N_("Office"), "importer_hs6": N_("Importer x HS6"),
                 "declarant_importer": N_("Declarant x importer")}
HISTORY_DIMENSIONS = ("importer", "declarant", "exporter", "hs2", "hs4", "hs6", "origin",
                      "hs6_origin", "office", "importer_hs6", "declarant_importer")

FEATURE_NAMES: tuple[str, ...] = (
    "importer_history", "declarant_history", "exporter_history", "hs2_history", "hs4_history",
    "hs6_history", "origin_history", "hs6_origin_history", "office_history",
    "importer_hs6_history", "declarant_importer_history", "declared_fields_history",
    "importer_revenue", "hs6_origin_revenue", "undervaluation", "transit_origin",
    "trader_age", "importer_experience", "intelligence", "network_exposure", "watchlist", "aeo",
    "declared_value", "item_count",
)


# Direction each indicator may push the score (see risk.model.train); unlisted are free.
EXPECTED_SIGN: dict[str, int] = {
    **{f"{d}_history": 1 for d in HISTORY_DIMENSIONS},
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

    mentions: Sequence[Sighting] = ()
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
        return None, N_("%(subject)s: not declared", subject=HISTORY_LABEL[dim])
    best = max((smoothed(stats, dim, k, strengths) for k in keys), key=lambda s: s.rate)
    return best, _record(HISTORY_LABEL[dim], best)


def _record(subject: str, s: Smoothed) -> Message:
    """"Importer NL1: 2 of 5 controls positive (smoothed 31% vs 8% overall)"."""
    return N_("%(subject)s %(key)s: %(positive)s of %(controls)s controls positive "
              "(smoothed %(rate)s vs %(overall)s overall)", subject=subject, key=s.key,
              positive=s.counts.n_positive, controls=s.counts.n_controls,
              rate=Figure(s.rate, share=True), overall=Figure(s.overall_rate, share=True))


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
                       N_("Declared fields (procedure, payment, tax type...): no control "
                          "history"))
    detail = Joined(_record(_field_label(s.dimension), s) for s in telling)
    return Feature("declared_fields_history", total, detail)


def _field_label(dimension: str) -> str:
    """``field:payment_type`` -> "Payment type", ``item:tax_type`` -> "Item tax type"."""
    name = dimension.split(":", 1)[1].replace("_", " ").strip() or dimension
    label = name[:1].upper() + name[1:]
    return N_("Item %(field)s", field=name) if dimension.startswith(ITEM_FIELD) else label


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
    for dim in HISTORY_DIMENSIONS:
        sm, detail = _history(stats, dim, keys[dim], ctx.strengths)
        hist[dim] = sm
        out.append(Feature(f"{dim}_history", sm.lift if sm else 0.0, detail))

    out.append(_declared_fields(stats, keys, ctx.strengths))

    for dim in ("importer", "hs6_origin"):
        sm = hist[dim]
        rev = sm.revenue_per_control if sm else 0.0
        label = (N_("%(subject)s %(key)s", subject=HISTORY_LABEL[dim], key=sm.key) if sm
                 else HISTORY_LABEL[dim])
        out.append(Feature(f"{dim}_revenue", math.log1p(rev),
                           N_("%(subject)s: smoothed revenue %(amount)s EUR per control",
                              subject=label, amount=Figure(rev))))

    under, detail = undervaluation_indicator(declaration, values)
    out.append(Feature("undervaluation", min(under, 10.0), detail))

    origin, departure = declaration.get("origin"), declaration.get("departure")
    transit = bool(origin and departure and origin != departure)
    out.append(Feature("transit_origin", 1.0 if transit else 0.0,
                       N_("Origin %(origin)s, dispatched from %(departure)s", origin=origin,
                          departure=departure) if transit
                       else N_("Dispatched from the country of origin")))

    importer = declaration.get("importer") or ""
    activity = stats.activity(importer)
    since = ctx.trader_registered or activity.first_declaration
    age = _age_days(declaration.get("date") or "", since)
    out.append(Feature("trader_age", math.log1p(age) if age is not None else 0.0,
                       N_("Importer %(importer)s registered/first seen %(days)s days before",
                          importer=importer, days=age)
                       if age is not None
                       else N_("Importer %(importer)s: first declaration", importer=importer)))
    out.append(Feature("importer_experience", math.log1p(activity.n_declarations),
                       N_("Importer %(importer)s: %(count)s earlier declarations",
                          importer=importer, count=activity.n_declarations)))

    weight, detail = describe(ctx.mentions, declaration.get("date") or "")
    out.append(Feature("intelligence", math.log1p(weight), detail))
    out.append(Feature("network_exposure", ctx.network_exposure,
                       ctx.network_detail
                       or N_("No links to traders with positive controls")))
    out.append(Feature("watchlist", 1.0 if ctx.watchlist_hit else 0.0,
                       ctx.watchlist_detail or (N_("Watch-list hit") if ctx.watchlist_hit
                                                else N_("No watch-list hit"))))
    out.append(Feature("aeo", 1.0 if ctx.aeo else 0.0,
                       N_("Importer %(importer)s is an Authorised Economic Operator",
                          importer=importer) if ctx.aeo
                       else N_("Importer is not AEO-certified")))

    items = declaration.get("items") or ()
    total = sum(float(it.get("value_cif") or it.get("value") or 0.0) for it in items)
    out.append(Feature("declared_value", math.log1p(total),
                       N_("Declared CIF value %(amount)s EUR", amount=Figure(total))))
    out.append(Feature("item_count", float(len(items)),
                       N_("%(count)s item(s)", count=len(items))))
    return out


def as_mapping(features: Sequence[Feature]) -> dict[str, float]:
    """Indicator values by name, as profile rules reference them."""
    return {f.name: f.value for f in features}


# -- what the boosted model reads beyond the indicators above ------------------------------
# The boosted model splits on each declared field and measure on its own (a tax rate, a
# mass, one payment type's record), where the logistic model needs them summed into a few
# indicators. Names are stable; source-system fields keep their own (``field:payment_type``,
# ``measure:net_mass``), so what an administration records is learnt without naming it here.
MEASURE = "measure:"
CATEGORY = "category:"  # a declared value as itself (declared_categories)
MEASURE_NAMES: tuple[str, ...] = (
    "tax_rate", "declared_mass", "declared_quantity", "value_per_kg", "mass_per_unit",
    "unit_value_z", "tax_share",
)
_MEASURE_LABEL = {"tax_rate": N_("Tax rate"), "declared_mass": N_("Gross mass"),
                  "declared_quantity": N_("Quantity"), "value_per_kg": N_("Value per kg"),
                  "mass_per_unit": N_("Mass per unit"), "unit_value_z": N_("Unit value"),
                  "tax_share": N_("Taxes declared")}  # fmt: skip


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _sum(items: Sequence[Mapping], name: str) -> float | None:
    found = [v for it in items if (v := _number(it.get(name))) is not None]
    return math.fsum(found) if found else None


def _source_measures(declaration: Mapping) -> dict[str, float]:
    """Numbers the source system sends beside the exchange format's own (net mass, item
    price, number of packages...): the declaration's, then the largest of its items'."""
    out: dict[str, float] = {}
    extra = declaration.get("extra")
    for source in (declaration, extra if isinstance(extra, Mapping) else {}):
        for name, value in source.items():
            v = _number(value)
            if (v is not None and isinstance(name, str) and name not in _NAMED
                    and not _OUTCOME.search(name.lower())):
                out[MEASURE + name] = v
    for item in declaration.get("items") or ():
        for name, value in item.items():
            v = _number(value)
            if (v is None or not isinstance(name, str) or name in _ITEM_NAMED
                    or name == "tax_rate" or _OUTCOME.search(name.lower())):
                continue
            key = MEASURE + name
            out[key] = max(out.get(key, v), v)
    return dict(sorted(out.items())[:MAX_FIELDS])


def measures(declaration: Mapping, values: UnitValueStats) -> list[Feature]:
    """The declared measures with their sentences: rates, masses, unit values."""
    items = declaration.get("items") or ()
    out: list[Feature] = []

    def add(name: str, value: float | None, detail: str) -> None:
        if value is not None and math.isfinite(value):
            out.append(Feature(name, value, N_("%(measure)s: %(detail)s",
                                               measure=_MEASURE_LABEL.get(name, name),
                                               detail=detail)))

    rates = [v for it in items if (v := _number(it.get("tax_rate"))) is not None]
    add("tax_rate", max(rates) if rates else None,
        N_("%(rate)s (highest of the items)", rate=format(max(rates), "g") + " %") if rates else "")
    total = math.fsum(float(it.get("value_cif") or it.get("value") or 0.0) for it in items)
    mass, qty, taxes = _sum(items, "weight_kg"), _sum(items, "quantity"), _sum(items, "taxes")
    add("declared_mass", math.log1p(mass) if mass else None,
        N_("%(mass)s kg declared", mass=Figure(mass or 0, 1)))
    add("declared_quantity", math.log1p(qty) if qty else None,
        N_("%(quantity)s declared", quantity=Figure(qty or 0)))
    if mass and total > 0:
        add("value_per_kg", math.log(total / mass),
            N_("%(amount)s EUR per kg declared", amount=Figure(total / mass, 2)))
    if mass and qty:
        add("mass_per_unit", math.log(mass / qty),
            N_("%(mass)s kg per unit declared", mass=Figure(mass / qty, 3)))
    if taxes is not None and total > 0:
        add("tax_share", taxes / total,
            N_("%(amount)s EUR, %(share)s of the value", amount=Figure(taxes),
               share=Figure(taxes / total, 1, share=True)))
    assessed = assess(declaration, values)
    if assessed:
        low = min(assessed, key=lambda it: it.z)
        add("unit_value_z", low.z, unit_value_sentence(low, N_(
            "item %(position)s HS %(hs)s at %(value)s EUR/%(unit)s vs median %(median)s for "
            "%(where)s (robust z %(z)s, n=%(n)s)")))
    for name, v in _source_measures(declaration).items():
        out.append(Feature(name, v, N_("%(field)s: %(value)s declared",
                                       field=_field_label(name), value=format(v, ",.6g"))))
    return out


def input_words(name: str) -> str:
    """An input's name in English words, for the engine's own detail sentences (a reason
    whose value the declaration lacks); pages name indicators through
    app.risk.indicators.indicator_label, in the reader's language."""
    if name in _MEASURE_LABEL:
        return _MEASURE_LABEL[name]
    if name.startswith(CATEGORY):
        dim = name[len(CATEGORY):]
        return HISTORY_LABEL.get(dim) or _field_label(dim)
    if name.startswith((FIELD, ITEM_FIELD, MEASURE)):
        return _field_label(name)
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def field_histories(declaration: Mapping, stats: HistoryStats,
                    strengths: Mapping[str, float] | None = None) -> list[Feature]:
    """Each declared source-system field's own record (``field:payment_type``...), the log
    lift its key has earned, where ``declared_fields_history`` sums them."""
    out = []
    for dim, dim_keys in dimension_keys(declaration).items():
        if not dim.startswith((FIELD, ITEM_FIELD)) or not dim_keys:
            continue
        s = max((smoothed(stats, dim, k, strengths) for k in dim_keys), key=lambda s: s.rate)
        out.append(Feature(dim, s.lift, _record(_field_label(dim), s)))
    return out


def history_counts(declaration: Mapping, stats: HistoryStats) -> list[Feature]:
    """How many controls each history rests on (``importer_controls``...): a lift from 3
    controls and one from 300 are not the same evidence, and trees can tell them apart only
    when they see the count beside the lift (a time-ordered target encoding: count and rate
    as known before the declaration)."""
    keys = dimension_keys(declaration)
    out = []
    for dim in HISTORY_DIMENSIONS:
        if not keys[dim]:
            continue
        key, c = max(((k, stats.counts(dim, k)) for k in keys[dim]),
                     key=lambda kc: kc[1].n_controls)
        out.append(Feature(f"{dim}_controls", math.log1p(c.n_controls),
                           N_("%(subject)s %(key)s: %(controls)s earlier controls, "
                              "%(positive)s positive", subject=HISTORY_LABEL[dim], key=key,
                              controls=c.n_controls, positive=c.n_positive)))
    return out


COUNT_NAMES: tuple[str, ...] = tuple(f"{d}_controls" for d in HISTORY_DIMENSIONS)
# The boosted model's fixed columns; each source-system field and measure is added beside.
BOOSTED_INPUTS: tuple[str, ...] = (*FEATURE_NAMES, *MEASURE_NAMES, *COUNT_NAMES)

# A declared category as itself (``category:origin``, ``category:field:payment_type``...):
# where a field's record is the rate its value earned before the declaration, this is the
# value, for the trees to split on as a LightGBM category (a payment type risky only with
# one procedure, a preference claimed only on some origins). Its number is a stable code of
# the text (CRC-32), which the model maps to its own categories (risk.boost).
CATEGORY_DIMENSIONS = ("origin", "office")


def category_code(value: str) -> float:
    """The stable number a declared value travels as (the same in every process)."""
    return float(zlib.crc32(value.encode()))


def declared_categories(declaration: Mapping) -> list[Feature]:
    """The declaration's origin, office and source-system fields, each as a category."""
    out = []
    for dim, dim_keys in dimension_keys(declaration).items():
        if dim_keys and (dim in CATEGORY_DIMENSIONS or dim.startswith((FIELD, ITEM_FIELD))):
            label = HISTORY_LABEL.get(dim) or _field_label(dim)
            out.append(Feature(CATEGORY + dim, category_code(dim_keys[0]),
                               N_("%(subject)s %(value)s (declared)", subject=label,
                                  value=dim_keys[0])))
    return out


def detailed(declaration: Mapping, stats: HistoryStats, values: UnitValueStats,
             context: Context | None = None) -> list[Feature]:
    """The indicators, then the measures, the controls each history rests on, each
    field's record and the declared categories: the boosted model's input."""
    ctx = context or Context()
    return [*extract(declaration, stats, values, ctx), *measures(declaration, values),
            *history_counts(declaration, stats),
            *field_histories(declaration, stats, ctx.strengths),
            *declared_categories(declaration)]
