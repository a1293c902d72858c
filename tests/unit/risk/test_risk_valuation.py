"""Robust unit-value statistics."""

from __future__ import annotations

import math
import random

import pytest

from risk.valuation import UnitValueStats, mad, median, robust_z, undervaluation_indicator


def test_median_and_mad():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 2, 3]) == 2.5
    assert mad([1, 2, 3, 4, 100]) == 1  # |dev| = 2,1,0,1,97 -> median 1
    with pytest.raises(ValueError):
        median([])


def test_robust_z_is_standard_for_normal_data_and_ignores_outliers():
    rng = random.Random(0)
    xs = [rng.gauss(10, 2) for _ in range(5000)]
    m, d = median(xs), mad(xs)
    assert robust_z(14, m, d) == pytest.approx(2.0, abs=0.1)
    polluted = xs + [1e6] * 250  # 5 % wild values barely move the norm ...
    assert robust_z(14, median(polluted), mad(polluted)) == pytest.approx(2.0, abs=0.3)
    mean = sum(polluted) / len(polluted)  # ... but wreck a mean/sd z-score
    sd = (sum((v - mean) ** 2 for v in polluted) / len(polluted)) ** 0.5
    assert abs((14 - mean) / sd) < 0.5
    assert robust_z(5, 5, 0.0) == 0.0  # MAD floor avoids division by zero


def _decl(value, origin="CN", hs="847130", qty=100, kg=220.0):
    return {"id": "x", "date": "2025-01-01", "origin": origin,
            "items": [{"hs": hs, "quantity": qty, "unit": "pcs", "weight_kg": kg,
                       "value": value, "value_cif": value}]}


def test_undervalued_item_flagged_with_explanation():
    rng = random.Random(1)
    stats = UnitValueStats()
    for _ in range(200):
        stats.record_declaration(_decl(100 * 320 * math.exp(rng.gauss(0, 0.25))))
    fair, _ = undervaluation_indicator(_decl(100 * 320), stats)
    low, detail = undervaluation_indicator(_decl(100 * 320 * 0.3), stats)
    assert fair < 0.5
    assert low > 3
    assert "HS 847130" in detail and "this origin" in detail


def test_falls_back_to_hs6_for_unseen_origin():
    stats = UnitValueStats(min_count=5)
    for i in range(20):
        stats.record_declaration(_decl(32000 + i))
    norm = stats.norm("847130", "VN", "unit")
    assert norm is not None and norm.level == "hs6"
    value, detail = undervaluation_indicator(_decl(8000, origin="VN"), stats)
    assert value > 3 and "all origins" in detail
    assert undervaluation_indicator(_decl(1, hs="999999"), stats)[0] == 0.0
