"""L2-regularised logistic regression with per-indicator contributions.

Standardising inputs makes coefficient x standardised value a comparable
contribution to the log-odds, so the reasons add up exactly to the score and an
officer can see why a declaration went red. Saved as JSON (no pickle) with a
version hash recorded on every score for audit.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np

from risk.features import Feature


@dataclass(frozen=True)
class Score:
    probability: float
    logit: float
    baseline: float  # intercept: the log-odds of an average declaration
    reasons: list[dict]
    model_version: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RiskModel:
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    trained: str
    n_train: int = 0
    n_positive: int = 0
    l2: float = 1.0
    meta: dict = field(default_factory=dict)

    @property
    def version(self) -> str:
        payload = json.dumps([self.features, self.mean, self.scale, self.coef, self.intercept],
                             separators=(",", ":"))
        digest = hashlib.sha256(payload.encode()).hexdigest()[:12]
        return f"lr-{self.trained}-{digest}"

    def contributions(self, values: Sequence[float]) -> list[float]:
        return [c * (v - m) / s for c, v, m, s in
                zip(self.coef, values, self.mean, self.scale, strict=True)]

    def score(self, features: Sequence[Feature]) -> Score:
        """Probability of a positive control plus reasons sorted by contribution."""
        by_name = {f.name: f for f in features}
        missing = [n for n in self.features if n not in by_name]
        if missing:
            raise ValueError(f"features missing for model {self.version}: {missing}")
        values = [by_name[n].value for n in self.features]
        contrib = self.contributions(values)
        logit = self.intercept + sum(contrib)
        reasons: list[dict[str, Any]] = [
            {"indicator": n, "contribution": round(c, 4), "value": round(v, 4),
             "detail": by_name[n].detail}
            for n, c, v in zip(self.features, contrib, values, strict=True)]
        reasons.sort(key=lambda r: -r["contribution"])
        return Score(_sigmoid(logit), logit, self.intercept, reasons, self.version)

    def score_matrix(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

    # -- persistence ---------------------------------------------------------------------
    def to_json(self) -> str:
        doc = asdict(self)
        doc["version"] = self.version
        return json.dumps(doc, indent=1)

    @classmethod
    def from_json(cls, text: str) -> RiskModel:
        doc = json.loads(text)
        stated = doc.pop("version", None)
        model = cls(**doc)
        if stated is not None and stated != model.version:
            raise ValueError(f"model file altered: says {stated}, content is {model.version}")
        return model



def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def fit_logistic(z: np.ndarray, y: np.ndarray, l2: float = 1.0,
                 sample_weight: np.ndarray | None = None, iterations: int = 50) -> np.ndarray:
    """Newton-Raphson for L2-penalised log-loss; returns [intercept, *coef].

    Penalty 0.5*l2*||coef||^2 (intercept free) matches scikit-learn with C = 1/l2.
    A handful of standardised features makes the Hessian tiny, so this converges in
    a few steps and is deterministic.
    """
    n, d = z.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    xa = np.hstack([np.ones((n, 1)), z])
    beta = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xa @ beta)))
        grad = xa.T @ (w * (p - y)) + penalty * beta
        hess = (xa * (w * p * (1 - p))[:, None]).T @ xa + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def train(x: np.ndarray, y: np.ndarray, names: Sequence[str], l2: float = 1.0,
          trained: str | None = None, sample_weight: np.ndarray | None = None,
          signs: Mapping[str, int] | None = None) -> RiskModel:
    """Fit on controlled declarations: rows of indicator values, y = positive control.

    ``signs`` fixes the expected direction of indicators (+1: can only raise risk,
    -1: only lower it). Correlated indicators otherwise pick up opposite-signed
    coefficients, and a reason like "clean HS6 history raises the score" would
    mislead the officer. Violators are pinned to zero and the rest refitted.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape[0] != y.shape[0] or x.shape[1] != len(names):
        raise ValueError("x must be (n_rows, n_features) matching y and names")
    if len(set(y.tolist())) < 2:
        raise ValueError("training needs both positive and negative controls")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0  # constant indicators contribute nothing
    z = (x - mean) / scale
    signs = dict(signs or {})
    free = [j for j in range(len(names)) if scale[j] != 1.0 or x[:, j].std() > 1e-9]
    coef = np.zeros(len(names))
    while True:
        beta = fit_logistic(z[:, free], y, l2, sample_weight)
        wrong = [j for j, b in zip(free, beta[1:], strict=True)
                 if signs.get(names[j], 0) * b < 0]
        if not wrong:
            break
        free = [j for j in free if j not in wrong]
    coef[free] = beta[1:]
    return RiskModel(list(names), [round(float(v), 10) for v in mean],
                     [round(float(v), 10) for v in scale],
                     [round(float(v), 10) for v in coef], round(float(beta[0]), 10),
                     trained or date.today().isoformat(), len(y), int(y.sum()), l2)
