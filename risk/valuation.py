"""Unit-value norms per HS6 x origin and robust z-scores against them.

Undervaluation shows as a unit value far below what others declare for the same
goods from the same origin. Median and MAD of log unit values resist the very
outliers we look for; a bounded window of recent values follows price drift and
keeps memory flat. Falls back to HS6 (any origin) when a pair is thin.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph.messages import N_, Figure, Message

MAD_TO_SIGMA = 1.4826
MIN_MAD = 0.05  # log units; stops near-identical prices making tiny deviations look huge


def median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("median of no values")
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def mad(values: Iterable[float], centre: float | None = None) -> float:
    """Median absolute deviation (unscaled)."""
    values = list(values)
    centre = median(values) if centre is None else centre
    return median(abs(v - centre) for v in values)


def robust_z(x: float, centre: float, spread: float, min_mad: float = MIN_MAD) -> float:
    """(x - median) / (1.4826 * MAD): comparable to a z-score for normal data."""
    return (x - centre) / (MAD_TO_SIGMA * max(spread, min_mad))


@dataclass(frozen=True)
class Norm:
    median: float  # of log unit value
    mad: float
    n: int
    level: str  # "hs6_origin" or "hs6"

    def z(self, log_value: float) -> float:
        return robust_z(log_value, self.median, self.mad)


class _Window:
    __slots__ = ("_cache", "_since", "values")

    def __init__(self, size: int) -> None:
        self.values: deque[float] = deque(maxlen=size)
        self._cache: tuple[float, float] | None = None
        self._since = 0

    def add(self, v: float) -> None:
        self.values.append(v)
        self._since += 1

    def stats(self) -> tuple[float, float]:
        # recompute after enough new values (every value while small) to keep replay fast
        if self._cache is None or self._since > max(1, len(self.values) // 16):
            m = median(self.values)
            self._cache = (m, mad(self.values, m))
            self._since = 0
        return self._cache


def item_log_unit_values(item: Mapping) -> dict[str, float]:
    """log(value per kg) and log(value per declared unit), whichever are computable."""
    out: dict[str, float] = {}
    value = float(item.get("value_cif") or item.get("value") or 0.0)
    if value <= 0:
        return out
    weight = float(item.get("weight_kg") or 0.0)
    qty = float(item.get("quantity") or 0.0)
    if weight > 0:
        out["kg"] = math.log(value / weight)
    if qty > 0 and item.get("unit") not in (None, "kg"):
        out["unit"] = math.log(value / qty)
    return out


def hs6(item: Mapping) -> str:
    return "".join(ch for ch in str(item.get("hs", "")) if ch.isdigit())[:6]


class UnitValueStats:
    """Rolling robust unit-value norms; feed every declaration, not only controlled ones."""

    def __init__(self, window: int = 256, min_count: int = 8) -> None:
        self.window = window
        self.min_count = min_count
        self._w: dict[tuple[str, str, str], _Window] = {}

    def add_item(self, item: Mapping, origin: str) -> None:
        code = hs6(item)
        if len(code) < 6:
            return
        for basis, v in item_log_unit_values(item).items():
            for where in (origin, "*") if origin else ("*",):  # unknown origin: HS6 only
                key = (code, where, basis)
                w = self._w.get(key)
                if w is None:
                    w = self._w[key] = _Window(self.window)
                w.add(v)

    def record_declaration(self, declaration: Mapping) -> None:
        origin = declaration.get("origin") or ""
        for item in declaration.get("items") or ():
            self.add_item(item, origin)

    def norm(self, hs6_code: str, origin: str, basis: str) -> Norm | None:
        pair, anywhere = (hs6_code, origin, basis), (hs6_code, "*", basis)
        for key, level in ((pair, "hs6_origin"), (anywhere, "hs6")):
            w = self._w.get(key) if key[1] else None
            if w is not None and len(w.values) >= self.min_count:
                m, d = w.stats()
                return Norm(m, d, len(w.values), level)
        return None


@dataclass(frozen=True)
class ItemValuation:
    position: int
    hs6: str
    basis: str
    unit_value: float
    norm_value: float
    z: float
    norm: Norm

    @property
    def undervaluation(self) -> float:
        return max(0.0, -self.z)


def assess(declaration: Mapping, stats: UnitValueStats) -> list[ItemValuation]:
    """Per item, the z-score averaged over the available bases (per kg, per unit)."""
    origin = declaration.get("origin") or ""
    out = []
    for pos, item in enumerate(declaration.get("items") or (), start=1):
        code = hs6(item)
        scored = []
        for basis, v in item_log_unit_values(item).items():
            norm = stats.norm(code, origin, basis)
            if norm is not None:
                scored.append((basis, v, norm))
        if not scored:
            continue
        z = sum(n.z(v) for _, v, n in scored) / len(scored)
        basis, v, norm = scored[-1]  # per-unit when present: what an officer would quote
        out.append(ItemValuation(pos, code, basis, math.exp(v), math.exp(norm.median), z, norm))
    return out


def undervaluation_indicator(declaration: Mapping, stats: UnitValueStats) -> tuple[float, str]:
    """Worst item's undervaluation (robust z below norm, 0 if none) and an explanation."""
    items = assess(declaration, stats)
    if not items:
        return 0.0, N_("No unit-value norm yet for these goods")
    worst = max(items, key=lambda it: it.undervaluation)
    return worst.undervaluation, unit_value_sentence(worst, N_(
        "Item %(position)s HS %(hs)s: %(value)s EUR/%(unit)s vs median %(median)s for "
        "%(where)s (robust z %(z)s, n=%(n)s)"))


def unit_value_sentence(item: ItemValuation, sentence: Message) -> Message:
    """``sentence`` (marked ``N_``, with the parameters below) said of ``item``'s unit value
    against its norm."""
    return Message(sentence.msgid, {
        "position": item.position, "hs": item.hs6, "value": Figure(item.unit_value, 2),
        "unit": N_("kg") if item.basis == "kg" else N_("unit"),
        "median": Figure(item.norm_value, 2),
        "where": N_("this origin") if item.norm.level == "hs6_origin" else N_("all origins"),
        "z": Figure(item.z, 1, signed=True), "n": item.norm.n})
