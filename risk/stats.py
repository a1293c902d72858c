"""Control history per risk dimension, smoothed towards broader rates.

A raw hit rate of 2 positives in 2 controls says little; smoothing shrinks small
samples towards the parent rate (HS6 -> HS4 -> HS2 -> overall) so new keys start
neutral and earn their rate with evidence. Storage sits behind the
:class:`HistoryStats` protocol so aggregates can live in Neo4j nodes updated on
each import and control, with :class:`InMemoryHistoryStats` for tests and replay.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, runtime_checkable

HS_DIMENSIONS = ("hs2", "hs4", "hs6", "hs6_origin")
DEFAULT_STRENGTH = 20.0  # pseudo-controls of prior evidence


class Counts(NamedTuple):
    n_controls: int = 0
    n_positive: int = 0
    revenue: float = 0.0


class TraderActivity(NamedTuple):
    first_declaration: str | None = None  # ISO date
    n_declarations: int = 0


@runtime_checkable
class HistoryStats(Protocol):
    """Aggregates the risk engine reads; implementations decide where they live."""

    def counts(self, dimension: str, key: str) -> Counts: ...

    def overall(self) -> Counts: ...

    def activity(self, trader_id: str) -> TraderActivity: ...

    def record_control(self, declaration: Mapping, control: Mapping) -> None: ...

    def record_declaration(self, declaration: Mapping) -> None: ...


def is_positive(control: Mapping) -> bool:
    return control.get("result") == "positive"


def dimension_keys(declaration: Mapping) -> dict[str, list[str]]:
    """Keys of a declaration per dimension; HS dimensions get one key per distinct item code,
    and each categorical field of the source system its own dimension (``declared_fields``)."""
    keys: dict[str, list[str]] = {}
    for dim in ("importer", "declarant", "exporter", "origin", "office"):
        value = declaration.get(dim)
        keys[dim] = [str(value)] if value else []
    origin = declaration.get("origin") or ""
    hs_keys: dict[str, list[str]] = {d: [] for d in HS_DIMENSIONS}
    for item in declaration.get("items") or ():
        hs = "".join(ch for ch in str(item.get("hs", "")) if ch.isdigit())
        if len(hs) < 6:
            continue
        for dim, key in (("hs2", hs[:2]), ("hs4", hs[:4]), ("hs6", hs[:6]),
                         ("hs6_origin", f"{hs[:6]}:{origin}" if origin else "")):
            if key and key not in hs_keys[dim]:  # no origin (unknown): no HS6 x origin key
                hs_keys[dim].append(key)
    keys.update(hs_keys)
    # pairs: an importer's own record on these goods, a declarant's with this importer
    # (collusion shows there before it shows on either alone)
    importer, declarant = keys["importer"], keys["declarant"]
    keys["importer_hs6"] = [f"{importer[0]}|{h}" for h in hs_keys["hs6"]] if importer else []
    keys["declarant_importer"] = ([f"{declarant[0]}|{importer[0]}"] if importer and declarant
                                  else [])
    keys.update(declared_fields(declaration))
    return keys


# Source-system fields: a declaration may carry categories of the system it came from
# (procedure, payment type, courier, tax type...). Each becomes a history dimension
# ``field:<name>`` (``item:<name>`` for item fields) with its own hit rate, so that what
# an administration records is learnt without naming it in code. Fields that are
# parties, places, goods or amounts have indicators of their own; fields that describe a
# selection or its outcome (lane, random selection, fraud, result...) would leak the
# answer into the score and are never used.
FIELD = "field:"
ITEM_FIELD = "item:"
MAX_FIELDS = 24  # per declaration: bounds the aggregates a declaration can create
MAX_KEY = 40  # longer values are free text, not categories
_NAMED = frozenset({
    "kind", "id", "date", "office", "importer", "exporter", "declarant", "origin",
    "destination", "transport", "items", "container", "vessel", "imo", "vehicle", "hs",
    "value", "value_cif", "weight_kg", "taxes", "links", "extra", "created", "status",
    "risk_counted", "created_at", "items_json", "extra_json",
})  # fmt: skip
_ITEM_NAMED = frozenset({"hs", "description", "quantity", "weight_kg", "value", "value_cif",
                         "taxes"})  # fmt: skip
# Dates and decimal amounts written as text are measures, not categories ("4000" is a code).
_MEASURE_OR_DATE = re.compile(r"\d{4}-\d\d-\d\d.*|[-+]?\d*[.,]\d+")
_OUTCOME = re.compile(r"lane|random|select|fraud|result|revenue|finding|seiz|inspect|control|"
                      r"label|target|positive|negative|^hit|_hit")  # fmt: skip


def declared_fields(declaration: Mapping) -> dict[str, list[str]]:
    """``{"field:payment_type": ["11"], "item:tax_type": ["A", "C"], ...}`` of one
    declaration, in any of its shapes (exchange object, validated record with ``extra``,
    stored node rebuilt by ``declaration_from_node``)."""
    found: dict[str, list[str]] = {}
    transport = declaration.get("transport")
    mode = declaration.get("mode") or (transport.get("mode") if isinstance(transport, Mapping)
                                       else None)  # fmt: skip
    fields: dict[str, Any] = {"flow": declaration.get("flow"),
                              "departure": declaration.get("departure"), "mode": mode}
    extra = declaration.get("extra")
    for source in (declaration, extra if isinstance(extra, Mapping) else {}):
        for name, value in source.items():
            if name not in _NAMED and name not in fields:
                fields[name] = value
    for name, value in fields.items():
        key = _category(name, value)
        if key is not None and len(found) < MAX_FIELDS:
            found[FIELD + name] = [key]
    for item in declaration.get("items") or ():
        national = "".join(ch for ch in str(item.get("hs") or "") if ch.isdigit())
        # the national subdivision (HS8/HS10) beside HS6: its own record, as a field's
        extra_keys = {"hs10": national} if len(national) > 6 else {}
        for name, value in [*item.items(), *extra_keys.items()]:
            if name in _ITEM_NAMED:
                continue
            key = _category(name, value)
            if key is None:
                continue
            keys = found.get(ITEM_FIELD + name)
            if keys is None and len(found) < MAX_FIELDS:
                found[ITEM_FIELD + name] = [key]
            elif keys is not None and key not in keys:
                keys.append(key)
    return found


def _category(name: Any, value: Any) -> str | None:
    """The value as a category key, or None: free text, measures, nested data and outcome
    fields are not categories."""
    if not isinstance(name, str) or _OUTCOME.search(name.lower()):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e9 else None
    if isinstance(value, str):
        text = value.strip()
        if not 0 < len(text) <= MAX_KEY or _MEASURE_OR_DATE.fullmatch(text):
            return None
        return text
    return None


def parent_key(dimension: str, key: str) -> tuple[str, str] | None:
    """The broader bucket a key is smoothed towards; None means the overall rate."""
    if dimension == "hs6_origin":
        return "hs6", key.split(":", 1)[0]
    if dimension == "importer_hs6":
        return "importer", key.rsplit("|", 1)[0]
    if dimension == "declarant_importer":
        return "declarant", key.split("|", 1)[0]
    if dimension == "hs6":
        return "hs4", key[:4]
    if dimension == "hs4":
        return "hs2", key[:2]
    return None


def smoothed_rate(n_positive: float, n_controls: float, prior_rate: float,
                  strength: float = DEFAULT_STRENGTH) -> float:
    """Posterior mean of a Beta(strength*prior, strength*(1-prior)) prior after the counts."""
    return (n_positive + strength * prior_rate) / (n_controls + strength)


def smoothed_mean(total: float, n: float, prior_mean: float,
                  strength: float = DEFAULT_STRENGTH) -> float:
    """Shrink a per-control average (e.g. revenue) towards a prior mean."""
    return (total + strength * prior_mean) / (n + strength)


@dataclass(frozen=True)
class Smoothed:
    dimension: str
    key: str
    counts: Counts
    rate: float
    prior_rate: float
    overall_rate: float
    revenue_per_control: float

    @property
    def lift(self) -> float:
        """log(rate / overall rate): 0 = average, +0.69 = twice the average hit rate."""
        return math.log(max(self.rate, 1e-6) / max(self.overall_rate, 1e-6))


def smoothed(stats: HistoryStats, dimension: str, key: str,
             strengths: Mapping[str, float] | None = None) -> Smoothed:
    """Smoothed hit rate and revenue per control of one key, shrunk along its hierarchy."""
    strengths = strengths or {}
    total = stats.overall()
    overall_rate = total.n_positive / total.n_controls if total.n_controls else 0.0
    overall_rev = total.revenue / total.n_controls if total.n_controls else 0.0
    parent = parent_key(dimension, key)
    if parent is None:
        prior_rate, prior_rev = overall_rate, overall_rev
    else:
        up = smoothed(stats, parent[0], parent[1], strengths)
        prior_rate, prior_rev = up.rate, up.revenue_per_control
    c = stats.counts(dimension, key)
    k = strengths.get(dimension, DEFAULT_STRENGTH)
    return Smoothed(dimension, key, c, smoothed_rate(c.n_positive, c.n_controls, prior_rate, k),
                    prior_rate, overall_rate, smoothed_mean(c.revenue, c.n_controls, prior_rev, k))


class InMemoryHistoryStats:
    """Dict-backed :class:`HistoryStats`, updated incrementally per declaration and control."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], list[float]] = {}
        self._overall = [0, 0, 0.0]
        self._activity: dict[str, list] = {}

    def counts(self, dimension: str, key: str) -> Counts:
        row = self._counts.get((dimension, key))
        return Counts(int(row[0]), int(row[1]), row[2]) if row else Counts()

    def overall(self) -> Counts:
        n_controls, n_positive, revenue = self._overall
        return Counts(int(n_controls), int(n_positive), revenue)

    def activity(self, trader_id: str) -> TraderActivity:
        row = self._activity.get(trader_id)
        return TraderActivity(row[0], row[1]) if row else TraderActivity()

    def record_declaration(self, declaration: Mapping) -> None:
        for role in ("importer", "declarant", "exporter"):
            trader = declaration.get(role)
            if not trader:
                continue
            row = self._activity.setdefault(trader, [declaration.get("date"), 0])
            row[1] += 1

    def record_control(self, declaration: Mapping, control: Mapping) -> None:
        hit = 1 if is_positive(control) else 0
        revenue = float(control.get("revenue") or 0.0)
        self._overall[0] += 1
        self._overall[1] += hit
        self._overall[2] += revenue
        for dim, keys in dimension_keys(declaration).items():
            for key in keys:
                row = self._counts.setdefault((dim, key), [0, 0, 0.0])
                row[0] += 1
                row[1] += hit
                row[2] += revenue
