"""The boosted model: contributions add up to the score, it survives its JSON, training
rows beyond the cap keep every positive."""

from __future__ import annotations

import math
import random

import numpy as np

from risk import boost
from risk.boost import BoostedModel, load_model
from risk.features import Feature, declared_categories


def _rows(n: int, seed: int = 3) -> tuple[list[dict[str, float]], np.ndarray]:
    rng = random.Random(seed)
    rows, y = [], []
    for _ in range(n):
        history, rate = rng.gauss(0, 1), rng.choice((0.0, 5.0, 25.0))
        row = {"importer_history": history, "tax_rate": rate}
        if rng.random() < 0.7:
            row["field:payment_type"] = rng.gauss(0, 0.3)
        rows.append(row)
        y.append(rng.random() < 1 / (1 + math.exp(-(-2 + 1.5 * history + 0.06 * rate))))
    return rows, np.array(y, dtype=float)


def test_reasons_add_up_to_the_score_and_survive_json():
    rows, y = _rows(1500)
    model = boost.train(rows, y, ["importer_history", "tax_rate"], trained="2025-01-01",
                        signs={"importer_history": 1})
    assert model.features == ["importer_history", "tax_rate", "field:payment_type"]
    features = [Feature("importer_history", 2.0, "Importer BG1: 9 of 10 controls positive"),
                Feature("tax_rate", 25.0, "Tax rate: 25 % (highest of the items)")]
    score = model.score(features)
    assert math.isclose(score.baseline + sum(r["contribution"] for r in score.reasons),
                        score.logit, abs_tol=1e-3)
    assert score.reasons[0]["indicator"] == "importer_history"
    assert score.reasons[0]["detail"].startswith("Importer BG1")
    missing = next(r for r in score.reasons if r["indicator"] == "field:payment_type")
    assert missing["detail"] == "Payment type: not declared"
    again = load_model(model.to_json())
    assert isinstance(again, BoostedModel) and again.version == model.version
    assert math.isclose(again.score(features).probability, score.probability)


def test_sampling_keeps_every_positive_and_weighs_negatives_back():
    y = np.array([1.0] * 10 + [0.0] * 990)
    idx, weight = boost.sample(y, max_rows=110)
    assert len(idx) == 110 and set(range(10)) <= set(idx.tolist())
    assert math.isclose(float(weight.sum()), 1000.0)


def test_declared_categories_split_as_themselves_and_an_unseen_value_counts_as_rare():
    rng = random.Random(5)
    rows, y = [], []
    for _ in range(2000):
        payment = rng.choice(("cash", "deferred", "credit"))
        row = {f.name: f.value for f in declared_categories({"payment_type": payment,
                                                             "origin": "CN"})}
        rows.append({**row, "tax_rate": rng.choice((0.0, 25.0))})
        y.append(rng.random() < (0.6 if payment == "deferred" else 0.05))
    model = boost.train(rows, np.array(y, dtype=float), ["tax_rate"], trained="2025-01-01")
    assert set(model.categories) == {"category:field:payment_type", "category:origin"}
    deferred, cash, unseen = (declared_categories({"payment_type": p, "origin": "CN"})
                              for p in ("deferred", "cash", "letter of credit"))
    scores = [model.score(row) for row in (deferred, cash, unseen)]
    assert scores[0].probability > 0.4 > 0.15 > scores[1].probability
    reason = next(r for r in scores[0].reasons
                  if r["indicator"] == "category:field:payment_type")
    assert reason["contribution"] > 0 and reason["value"] is None
    assert reason["detail"] == "Payment type deferred (declared)"
    for score in scores:  # a value never seen in training still has its exact reasons
        assert math.isclose(score.baseline + sum(r["contribution"] for r in score.reasons),
                            score.logit, abs_tol=1e-3)
    again = load_model(model.to_json())
    assert again.version == model.version
    assert math.isclose(again.score(unseen).probability, scores[2].probability)
    # a declaration without an origin (ZZ, XX and QU are stored as none) has no origin column
    assert "category:origin" not in {f.name for f in declared_categories({"origin": None})}
