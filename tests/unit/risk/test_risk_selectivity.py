"""Lanes, capacity thresholds, random selection, committee profiles."""

from __future__ import annotations

import pytest

from risk.model import Score
from risk.selectivity import (
    Profile,
    ProfileError,
    Selectivity,
    Thresholds,
    field_values,
    random_draw,
    thresholds_from_capacity,
)

DECL = {"id": "DEC-2025-000001", "date": "2025-03-12", "origin": "CN", "importer": "NL1",
        "transport": {"mode": "sea", "container": "MSCU1234565"},
        "items": [{"hs": "847130", "value": 12000.0}, {"hs": "610910", "value": 50.0}]}


def _score(p: float) -> Score:
    import math

    logit = math.log(p / (1 - p))
    return Score(p, logit, logit, [{"indicator": "x", "contribution": 0.0, "detail": "-"}],
                 "lr-test")


def test_lanes_from_thresholds():
    t = Thresholds(acceptable=0.2, unacceptable=0.6, audit=0.1)
    assert [t.lane(s) for s in (0.05, 0.1, 0.2, 0.59, 0.6, 0.99)] == \
        ["green", "blue", "yellow", "yellow", "red", "red"]
    assert Thresholds(0.3, 0.3).lane(0.29) == "green"
    with pytest.raises(ValueError):
        Thresholds(0.7, 0.2)


def test_thresholds_from_capacity_hit_the_target_shares():
    scores = [i / 10_000 for i in range(10_000)]
    t = thresholds_from_capacity(scores, red_share=0.02, yellow_share=0.08, audit_share=0.05)
    lanes = [t.lane(s) for s in scores]
    assert lanes.count("red") == 200
    assert lanes.count("yellow") == 800
    assert lanes.count("blue") == 500
    with pytest.raises(ValueError):
        thresholds_from_capacity(scores, 0.8, 0.5)


def test_random_rate_honoured_and_deterministic():
    sel = Selectivity(Thresholds(0.99, 0.999), random_rate=0.03, seed=11)
    decisions = [sel.decide({**DECL, "id": f"D{i}"}, _score(0.01), {}) for i in range(20_000)]
    picked = [d for d in decisions if d.random]
    assert 0.03 * 0.85 < len(picked) / 20_000 < 0.03 * 1.15
    assert all(d.lane == "red" and not d.targeted for d in picked)
    assert random_draw("D1", 11) == random_draw("D1", 11) != random_draw("D1", 12)


def test_field_paths_fan_out_over_items():
    assert field_values(DECL, "items.hs") == ["847130", "610910"]
    assert field_values(DECL, "transport.mode") == ["sea"]
    assert field_values(DECL, "nope.x") == []


PROFILES = [
    {"id": "P-TEXTILE-CN", "conditions": [
        {"field": "origin", "op": "in", "value": ["CN", "VN"]},
        {"field": "items.hs", "op": "startswith", "value": "6109"},
        {"indicator": "undervaluation", "op": ">", "value": 2}],
     "weight": 1.5, "valid_from": "2025-01-01", "valid_to": "2025-06-30",
     "rationale": "T-shirt undervaluation campaign"},
    {"id": "P-OLD", "conditions": [{"field": "origin", "op": "==", "value": "CN"}],
     "lane": "red", "valid_to": "2024-12-31", "rationale": "Expired operation"},
    {"id": "P-SEA-DOC", "name": "Sea containers",
     "conditions": [{"field": "transport.mode", "op": "==", "value": "sea"}],
     "lane": "yellow", "rationale": "Documentary check of sea containers"},
]


def test_profile_rules_adjust_score_and_give_reasons():
    sel = Selectivity(Thresholds(0.3, 0.6), [Profile.parse(p) for p in PROFILES])
    d = sel.decide(DECL, _score(0.2), {"undervaluation": 3.1})
    assert d.profiles == ["P-TEXTILE-CN", "P-SEA-DOC"]  # P-OLD expired
    assert d.lane == "yellow"
    assert d.score > d.model_score
    import math

    logit = math.log(d.score / (1 - d.score))
    assert logit == pytest.approx(_score(0.2).logit + 1.5)
    # officers read the profile's title (its id when it has no name), never the rationale
    assert any(r["indicator"] == "profile:P-TEXTILE-CN" and r["detail"] == "Risk profile "
               "P-TEXTILE-CN" for r in d.reasons)
    assert not any("campaign" in r["detail"] for r in d.reasons)
    assert {"indicator": "profile:P-SEA-DOC", "contribution": 0.0, "value": 1.0,
            "detail": "Risk profile Sea containers; minimum lane yellow"} in d.reasons
    # indicator condition not met -> weight rule silent
    d2 = sel.decide(DECL, _score(0.2), {"undervaluation": 0.5})
    assert d2.profiles == ["P-SEA-DOC"]
    # outside validity window
    d3 = sel.decide({**DECL, "date": "2025-07-01"}, _score(0.2), {"undervaluation": 3.1})
    assert "P-TEXTILE-CN" not in d3.profiles
    # before the expiry date the lane rule forces red
    d4 = sel.decide({**DECL, "date": "2024-06-01"}, _score(0.01), {})
    assert d4.lane == "red" and "P-OLD" in d4.profiles


@pytest.mark.parametrize(("rule", "message"), [
    ({"conditions": [], "weight": 1, "rationale": "r"}, "string 'id'"),
    ({"id": "X", "conditions": [], "weight": 1, "rationale": "r"}, "non-empty list"),
    ({"id": "X", "conditions": [{"field": "origin", "op": "=~", "value": "CN"}], "weight": 1,
      "rationale": "r"}, "unsupported op"),
    ({"id": "X", "conditions": [{"field": "origin", "op": "in", "value": "CN"}], "weight": 1,
      "rationale": "r"}, "non-empty list value"),
    ({"id": "X", "conditions": [{"indicator": "u", "op": ">", "value": "2"}], "weight": 1,
      "rationale": "r"}, "needs a number"),
    ({"id": "X", "conditions": [{"field": "a", "indicator": "u", "op": "==", "value": 1}],
      "weight": 1, "rationale": "r"}, "exactly one"),
    ({"id": "X", "conditions": [{"field": "a", "op": "==", "value": 1}], "weight": 1}, "rationale"),
    ({"id": "X", "conditions": [{"field": "a", "op": "==", "value": 1}], "rationale": "r"},
     "weight"),
    ({"id": "X", "conditions": [{"field": "a", "op": "==", "value": 1}], "lane": "purple",
      "rationale": "r"}, "lane"),
    ({"id": "X", "conditions": [{"field": "a", "op": "==", "value": 1}], "weight": 1,
      "rationale": "r", "valid_from": "2025-13-01"}, "ISO date"),
    ({"id": "X", "conditions": [{"field": "a", "op": "==", "value": 1}], "weight": 1,
      "rationale": "r", "valid_from": "2025-02-01", "valid_to": "2025-01-01"}, "after"),
    ({"id": "X", "conditions": [{"field": "__class__", "op": "==", "value": 1,
                                 "code": "import os"}], "weight": 1, "rationale": "r"},
     "unknown keys"),
])
def test_bad_rules_rejected_with_clear_error(rule, message):
    with pytest.raises(ProfileError, match=message):
        Profile.parse(rule)


def test_type_mismatch_does_not_match_or_crash():
    p = Profile.parse({"id": "N", "conditions": [{"field": "origin", "op": ">", "value": 3}],
                       "weight": 1, "rationale": "r"})
    assert not p.matches(DECL, {})


@pytest.mark.parametrize("logit", [float("nan"), float("inf"), float("-inf")])
def test_a_score_that_cannot_be_computed_goes_red_with_its_reason(logit):
    import json

    broken = Score(float("nan"), logit, 0.0, [{"indicator": "x", "contribution": float("nan"),
                                               "detail": "-"}], "lr-test")
    decision = Selectivity(Thresholds(0.2, 0.6)).decide(DECL, broken, {})
    assert decision.lane == "red" and decision.targeted
    assert [r["indicator"] for r in decision.reasons] == ["unscorable"]
    json.dumps(decision.__dict__, allow_nan=False)  # nothing that is not JSON
