"""Logistic model: reasons add up to the score, JSON round trip, sklearn agreement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from risk.features import Feature
from risk.model import RiskModel, fit_logistic, train

NAMES = ["a", "b", "noise", "constant"]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(42)
    x = rng.normal(size=(3000, 4))
    x[:, 3] = 1.0
    logit = -2 + 1.5 * x[:, 0] - 0.8 * x[:, 1]
    y = (rng.random(3000) < 1 / (1 + np.exp(-logit))).astype(float)
    return x, y


def test_learns_signs_and_ignores_constant(data):
    x, y = data
    m = train(x, y, NAMES, l2=1.0, trained="2025-01-01")
    assert m.coef[0] > 1.0 and m.coef[1] < -0.5 and abs(m.coef[2]) < 0.15
    assert m.coef[3] == 0.0


def test_reasons_sum_to_score(data):
    x, y = data
    m = train(x, y, NAMES, trained="2025-01-01")
    feats = [Feature(n, float(v), f"{n} is {v:.2f}") for n, v in zip(NAMES, x[7], strict=True)]
    s = m.score(feats)
    total = s.baseline + sum(r["contribution"] for r in s.reasons)
    assert total == pytest.approx(s.logit, abs=1e-3)
    assert s.probability == pytest.approx(1 / (1 + math.exp(-s.logit)))
    assert s.probability == pytest.approx(float(m.score_matrix(x[7:8])[0]))
    contribs = [r["contribution"] for r in s.reasons]
    assert contribs == sorted(contribs, reverse=True)
    assert {"indicator", "contribution", "detail"} <= set(s.reasons[0])
    assert s.model_version == m.version and m.version.startswith("lr-2025-01-01-")


def test_json_round_trip_and_tamper_detection(data):
    x, y = data
    m = train(x, y, NAMES, trained="2025-01-01")
    back = RiskModel.from_json(m.to_json())
    assert back.version == m.version and back.coef == m.coef
    doc = m.to_json().replace(str(m.coef[0]), str(m.coef[0] + 1))
    with pytest.raises(ValueError, match="altered"):
        RiskModel.from_json(doc)


def test_missing_feature_rejected(data):
    x, y = data
    m = train(x, y, NAMES, trained="2025-01-01")
    with pytest.raises(ValueError, match="missing"):
        m.score([Feature("a", 1.0, "")])


def test_matches_scikit_learn(data):
    sk = pytest.importorskip("sklearn.linear_model")
    x, y = data
    z = (x[:, :3] - x[:, :3].mean(0)) / x[:, :3].std(0)
    beta = fit_logistic(z, y, l2=2.0)
    ref = sk.LogisticRegression(C=0.5, tol=1e-10, max_iter=1000).fit(z, y)
    assert np.allclose(beta[1:], ref.coef_[0], atol=1e-4)
    assert beta[0] == pytest.approx(ref.intercept_[0], abs=1e-4)


def test_training_needs_both_classes():
    with pytest.raises(ValueError, match="both"):
        train(np.zeros((5, 1)), np.zeros(5), ["a"])


def test_sign_constraints_pin_wrong_direction_to_zero():
    rng = np.random.default_rng(3)
    a = rng.normal(size=4000)
    b = a + 0.3 * rng.normal(size=4000)  # correlated twin that would get a negative weight
    y = (rng.random(4000) < 1 / (1 + np.exp(-(-1.5 + 2 * a - 0.6 * b)))).astype(float)
    x = np.column_stack([a, b])
    free = train(x, y, ["a", "b"], trained="2025-01-01")
    assert free.coef[1] < 0
    signed = train(x, y, ["a", "b"], trained="2025-01-01", signs={"a": 1, "b": 1})
    assert signed.coef[1] == 0.0 and signed.coef[0] > 0
