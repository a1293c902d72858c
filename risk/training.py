"""Fitting the targeting model on replayed rows, with a time-split evaluation.

The rows come from :func:`risk.replay.replay_history` (each controlled declaration
described with what was known on its date). The earlier controls train, the later ones
measure precision at the inspection rates the committee works with; ``auto`` keeps the
logistic or the boosted model, whichever selects better at 5 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from risk import boost
from risk.boost import BoostedModel
from risk.features import BOOSTED_INPUTS, EXPECTED_SIGN, FEATURE_NAMES
from risk.model import RiskModel, train
from risk.replay import Row
from risk.scoring import PRIOR_WEIGHTS, Model

RATES = (0.01, 0.02, 0.05, 0.10)
MODEL_KINDS = ("auto", "boosted", "logistic")
FIXED_WHEN_CONSTANT = ("watchlist",)


def precision_at(scores: np.ndarray, positive: np.ndarray, revenue: np.ndarray,
                 rates: Sequence[float] = RATES) -> list[dict[str, float]]:
    order = np.lexsort((np.arange(len(scores)), -scores))
    base = float(positive.mean()) if len(positive) else 0.0
    total = float(revenue.sum()) or 1.0
    out = []
    for rate in rates:
        k = max(1, round(rate * len(scores)))
        top = order[:k]
        out.append({"rate": rate, "k": k, "precision": float(positive[top].mean()),
                    "random_precision": base,
                    "revenue_share": float(revenue[top].sum()) / total, "random_revenue": rate})
    return out


def with_fixed_weights(model: RiskModel) -> RiskModel:
    """An indicator the data never varied (no watch-list history) keeps its prior weight."""
    coef = list(model.coef)
    scale = list(model.scale)
    mean = list(model.mean)
    for name in FIXED_WHEN_CONSTANT:
        j = model.features.index(name)
        if coef[j] == 0.0 and scale[j] == 1.0:
            coef[j], mean[j] = PRIOR_WEIGHTS[name], 0.0
    return RiskModel(model.features, mean, scale, coef, model.intercept, model.trained,
                     model.n_train, model.n_positive, model.l2, model.meta)


def _fit(kind: str, rows: Sequence[Row], x: np.ndarray, y: np.ndarray, l2: float,
         trained: str | None = None) -> Model:
    linear = train(x, y, FEATURE_NAMES, l2=l2, trained=trained, signs=EXPECTED_SIGN)
    if kind == "logistic":
        return linear
    return boost.train([r.inputs for r in rows], y, BOOSTED_INPUTS, trained=trained,
                       signs=EXPECTED_SIGN, linear=with_fixed_weights(linear))


def scores_of(model: Model, rows: Sequence[Row], x: np.ndarray | None = None) -> np.ndarray:
    """``model``'s probabilities for ``rows`` (``x``: their indicator values, if at hand)."""
    if isinstance(model, BoostedModel):
        return model.score_matrix(model.matrix([r.inputs for r in rows]))
    return model.score_matrix(np.array([r.values for r in rows]) if x is None else x)


def fit_model(kind: str, rows: Sequence[Row], l2: float = 1.0,
              trained: str | None = None) -> Model:
    """The model of ``kind`` (``logistic`` or ``boosted``) fitted on every row, as training
    stores it (``trained``: the last row's date when not given)."""
    y = np.array([r.positive for r in rows], dtype=float)
    fitted = _fit(kind, rows, np.array([r.values for r in rows]), y, l2,
                  trained or max(r.date for r in rows))
    return fitted if isinstance(fitted, BoostedModel) else with_fixed_weights(fitted)


def choose(rows: Sequence[Row], holdout: float = 0.3, l2: float = 1.0,
           kind: str = "auto") -> dict[str, Any]:
    """The one rule deciding which model is trained (``flask risk train``, the API, the
    import's retraining, and ``risk.evaluate``, so the bench measures what is trained):
    candidates fitted on the earlier ``1 - holdout`` of the dates, ranked on the later ones;
    ``auto`` keeps the better precision at 5 % (ties: the logistic, the simpler), and with
    too few controls on either side or one outcome only before the split, no comparison:
    the logistic. Returns the metrics (``kind``: the one kept; ``candidates``: each one's
    table on the later controls)."""
    y = np.array([r.positive for r in rows], dtype=float)
    x = np.array([r.values for r in rows])
    dates = sorted(r.date for r in rows)
    cut = dates[min(len(dates) - 1, int(len(dates) * (1 - holdout)))]
    early = np.array([r.date < cut for r in rows])
    metrics: dict[str, Any] = {"controls": len(rows), "positive": int(y.sum()), "split": cut}
    chosen = "logistic" if kind == "logistic" else "boosted"
    if early.sum() >= 10 and len(set(y[early].tolist())) == 2 and (~early).sum() >= 10:
        revenue = np.array([r.revenue for r in rows])
        first = [r for r, e in zip(rows, early, strict=True) if e]
        later = [r for r, e in zip(rows, early, strict=True) if not e]
        tried = ("logistic", "boosted") if kind == "auto" else (chosen,)
        candidates = {k: precision_at(scores_of(_fit(k, first, x[early], y[early], l2),
                                                later, x[~early]),
                                      y[~early], revenue[~early]) for k in tried}
        if kind == "auto":
            at5 = {k: next(r["precision"] for r in table if r["rate"] == 0.05)
                   for k, table in candidates.items()}
            chosen = "boosted" if at5["boosted"] > at5["logistic"] else "logistic"
        metrics["holdout"] = candidates[chosen]
        metrics["candidates"] = candidates
        metrics["holdout_controls"] = int((~early).sum())
    elif kind == "auto":
        chosen = "logistic"  # too few controls to compare: the simpler model
    metrics["kind"] = chosen
    return metrics


def fit_and_evaluate(rows: Sequence[Row], holdout: float = 0.3, l2: float = 1.0,
                     kind: str = "auto") -> tuple[Model, dict[str, Any]]:
    """The model of ``kind`` fitted on every row (``auto``: the one :func:`choose` keeps),
    and the metrics of the time split."""
    metrics = choose(rows, holdout, l2, kind)
    return fit_model(metrics["kind"], rows, l2), metrics
