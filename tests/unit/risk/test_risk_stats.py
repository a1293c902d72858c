"""Smoothing maths and the incremental history store."""

from __future__ import annotations

import pytest

from risk.stats import (
    Counts,
    HistoryStats,
    InMemoryHistoryStats,
    dimension_keys,
    smoothed,
    smoothed_mean,
    smoothed_rate,
)

DECL = {"id": "D1", "date": "2025-01-02", "importer": "NL1", "declarant": "BG2020",
        "exporter": "CN9", "origin": "CN", "office": "BGVAR001",
        "items": [{"hs": "8471300000"}, {"hs": "847130"}, {"hs": "610910"}]}


def test_smoothed_rate_is_beta_posterior_mean():
    assert smoothed_rate(0, 0, 0.1, 20) == pytest.approx(0.1)  # no evidence: the prior
    assert smoothed_rate(7, 12, 0.09, 10) == pytest.approx((7 + 0.9) / 22)
    # lots of evidence: close to the raw rate
    assert smoothed_rate(500, 1000, 0.1, 20) == pytest.approx(0.5, abs=0.01)
    assert smoothed_mean(1000.0, 4, 100.0, 4) == pytest.approx(175.0)


def test_dimension_keys_dedupe_items_and_normalise_hs():
    keys = dimension_keys(DECL)
    assert keys["hs6"] == ["847130", "610910"]
    assert keys["hs4"] == ["8471", "6109"]
    assert keys["hs2"] == ["84", "61"]
    assert keys["hs6_origin"] == ["847130:CN", "610910:CN"]
    assert keys["importer"] == ["NL1"] and keys["office"] == ["BGVAR001"]


def test_in_memory_store_updates_incrementally():
    s = InMemoryHistoryStats()
    assert isinstance(s, HistoryStats)
    s.record_control(DECL, {"result": "positive", "revenue": 400.0})
    s.record_control(DECL, {"result": "negative", "revenue": 0.0})
    assert s.counts("importer", "NL1") == Counts(2, 1, 400.0)
    assert s.counts("hs6", "847130") == Counts(2, 1, 400.0)  # once per declaration, not item
    assert s.overall() == Counts(2, 1, 400.0)
    assert s.counts("importer", "other") == Counts()
    s.record_declaration(DECL)
    s.record_declaration({**DECL, "date": "2025-02-01"})
    assert s.activity("NL1").n_declarations == 2
    assert s.activity("NL1").first_declaration == "2025-01-02"


def test_hierarchical_smoothing_borrows_from_parent():
    s = InMemoryHistoryStats()
    base = {"importer": "A", "origin": "CN", "items": [{"hs": "610910"}]}
    for i in range(100):  # other goods: 10 %
        s.record_control({**base, "items": [{"hs": "847130"}]},
                         {"result": "positive" if i % 10 == 0 else "negative"})
    for _ in range(30):  # heading 6109 itself is bad: 30 positives in 30
        s.record_control(base, {"result": "positive"})
    fresh = smoothed(s, "hs6_origin", "610920:CN")  # unseen key inherits heading evidence
    assert fresh.counts.n_controls == 0
    assert fresh.rate > fresh.overall_rate
    assert smoothed(s, "importer", "unseen").lift == pytest.approx(0.0)


