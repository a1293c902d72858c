"""Gradient-boosted trees (LightGBM) over the indicators, measures and declared fields.

Trees find what a weighted sum cannot: a payment type that matters only for one office,
a unit value that is low only for some goods. Each score is split into per-indicator
contributions with TreeSHAP (``pred_contrib``): the contributions and the baseline add up
exactly to the log-odds, as the logistic model's do, so the reasons read the same way.
Stored as JSON holding LightGBM's own text format (no pickle), with a version hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from graph.messages import N_
from risk.features import CATEGORY, Feature, input_words
from risk.model import RiskModel, Score, _sigmoid

PARAMS: dict[str, Any] = {
    "objective": "binary", "learning_rate": 0.05, "num_leaves": 31, "min_data_in_leaf": 20,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "max_bin": 255, "num_threads": 1, "deterministic": True, "force_row_wise": True,
    "seed": 7, "verbosity": -1,
}  # fmt: skip
ROUNDS = 300
MAX_ROWS = 400_000  # training rows kept (negatives sampled beyond): bounds training time
MAX_INPUTS = 96  # declared fields and measures are the source system's: keep the common ones
MAX_CATEGORIES = 64  # a declared field with more values is left to its record (its lift)
MIN_CATEGORY_ROWS = 20  # a value seen less often counts as rare, with the unseen ones
RARE = 0  # LightGBM's code of a rare or unseen value; each known value is 1, 2...


@dataclass
class BoostedModel:
    features: list[str]
    booster: str  # LightGBM's text format
    trained: str
    n_train: int = 0
    n_positive: int = 0
    linear: RiskModel | None = None  # the logistic model, for trader and commodity rankings
    meta: dict = field(default_factory=dict)
    # per ``category:`` column, the codes of the values learnt (LightGBM's 1, 2...)
    categories: dict[str, list[float]] = field(default_factory=dict)
    _compiled: Any = field(default=None, repr=False, compare=False)
    _codes: Any = field(default=None, repr=False, compare=False)

    @property
    def version(self) -> str:
        text = json.dumps(self.features) + self.booster
        if self.categories:  # models stored before categories keep their version
            text += json.dumps(self.categories, sort_keys=True)
        digest = hashlib.sha256(text.encode())
        return f"gbm-{self.trained}-{digest.hexdigest()[:12]}"

    def _model(self) -> Any:
        if self._compiled is None:
            import lightgbm

            self._compiled = lightgbm.Booster(model_str=self.booster)
        return self._compiled

    def matrix(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Rows of values by name -> the model's columns; what a row lacks is missing, a
        declared category the model did not learn is :data:`RARE`."""
        if self._codes is None:
            self._codes = {name: {v: k for k, v in enumerate(values, RARE + 1)}
                           for name, values in self.categories.items()}
        x = np.full((len(rows), len(self.features)), np.nan)
        for j, name in enumerate(self.features):
            codes = self._codes.get(name)
            for i, row in enumerate(rows):
                v = row.get(name)
                if v is not None:
                    x[i, j] = v if codes is None else codes.get(v, RARE)
        return x

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-column TreeSHAP contributions to the log-odds, the baseline last."""
        if not len(x):
            return np.zeros((0, len(self.features) + 1))
        return np.asarray(self._model().predict(x, pred_contrib=True, num_threads=1))

    def score_matrix(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self._model().predict(x, num_threads=1))

    def score(self, features: Sequence[Feature]) -> Score:
        return self.score_batch([features])[0]

    def score_batch(self, rows: Sequence[Sequence[Feature]]) -> list[Score]:
        """Scores with reasons: each indicator's contribution and its sentence."""
        contrib = self.contributions(self.matrix([{f.name: f.value for f in r} for r in rows]))
        out = []
        for row, c in zip(rows, contrib, strict=True):
            by_name = {f.name: f for f in row}
            logit = float(c.sum())
            reasons: list[dict[str, Any]] = []
            for name, value in zip(self.features, c[:-1], strict=True):
                if value == 0.0:
                    continue
                feat = by_name.get(name)
                shown = feat if name not in self.categories else None  # a category's is a code
                reasons.append({"indicator": name, "contribution": round(float(value), 4),
                                "value": round(shown.value, 4) if shown else None,
                                "detail": feat.detail if feat
                                else N_("%(subject)s: not declared",
                                        subject=input_words(name))})
            reasons.sort(key=lambda r: -r["contribution"])
            out.append(Score(_sigmoid(logit), logit, float(c[-1]), reasons, self.version))
        return out

    # -- persistence -------------------------------------------------------------------------
    def to_json(self) -> str:
        doc = {"kind": "boosted", "features": self.features, "booster": self.booster,
               "trained": self.trained, "n_train": self.n_train, "n_positive": self.n_positive,
               "linear": json.loads(self.linear.to_json()) if self.linear else None,
               "meta": self.meta, "categories": self.categories, "version": self.version}
        return json.dumps(doc)

    @classmethod
    def from_doc(cls, doc: dict) -> BoostedModel:
        linear = doc.get("linear")
        model = cls(doc["features"], doc["booster"], doc["trained"], doc.get("n_train", 0),
                    doc.get("n_positive", 0),
                    RiskModel.from_json(json.dumps(linear)) if linear else None,
                    doc.get("meta") or {}, doc.get("categories") or {})
        if doc.get("version") not in (None, model.version):
            raise ValueError(f"model file altered: says {doc['version']}, content is "
                             f"{model.version}")
        return model


def load_model(text: str) -> RiskModel | BoostedModel:
    """A stored model of either kind (the JSON says which)."""
    doc = json.loads(text)
    if doc.get("kind") == "boosted":
        return BoostedModel.from_doc(doc)
    return RiskModel.from_json(text)


def inputs(rows: Sequence[Mapping[str, float]], fixed: Sequence[str],
           max_inputs: int = MAX_INPUTS) -> list[str]:
    """The columns: the fixed indicators and measures, then the source system's fields and
    measures present on at least 1 % of the rows (the commonest first, at most
    ``max_inputs``)."""
    seen: dict[str, int] = {}
    fixed_set = set(fixed)
    for row in rows:
        for name in row:
            if name not in fixed_set:
                seen[name] = seen.get(name, 0) + 1
    floor = max(1, len(rows) // 100)
    common = sorted((n for n, k in seen.items() if k >= floor), key=lambda n: (-seen[n], n))
    return [*fixed, *sorted(common[:max_inputs])]


def categories(rows: Sequence[Mapping[str, float]], names: Sequence[str]
               ) -> dict[str, list[float]]:
    """The values each ``category:`` column learns: those on at least
    :data:`MIN_CATEGORY_ROWS` rows, commonest first; a column with more than
    :data:`MAX_CATEGORIES` of them is left out (its field's record speaks for it)."""
    out = {}
    for name in names:
        if not name.startswith(CATEGORY):
            continue
        seen: dict[float, int] = {}
        for row in rows:
            v = row.get(name)
            if v is not None:
                seen[v] = seen.get(v, 0) + 1
        common = sorted((v for v, k in seen.items() if k >= MIN_CATEGORY_ROWS),
                        key=lambda v: (-seen[v], v))
        if len(common) <= MAX_CATEGORIES:
            out[name] = common
    return out


def sample(y: np.ndarray, max_rows: int = MAX_ROWS, seed: int = 7) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """Row indices (in order) and weights: every positive, negatives sampled to fit
    ``max_rows`` and weighted back up, so the rates the model learns stay true."""
    n = len(y)
    if n <= max_rows:
        return np.arange(n), np.ones(n)
    pos = np.flatnonzero(y > 0)
    neg = np.flatnonzero(y <= 0)
    keep = max(1, max_rows - len(pos))
    if keep >= len(neg):
        return np.arange(n), np.ones(n)
    chosen = np.sort(np.random.default_rng(seed).choice(neg, size=keep, replace=False))
    idx = np.sort(np.concatenate([pos, chosen]))
    weight = np.where(y[idx] > 0, 1.0, len(neg) / keep)
    return idx, weight


def fit(x: np.ndarray, y: np.ndarray, names: Sequence[str],
        signs: Mapping[str, int] | None = None, rounds: int = ROUNDS,
        max_rows: int = MAX_ROWS, categorical: Sequence[int] = ()) -> Any:
    """A LightGBM booster on rows ``x`` (missing = NaN); ``signs`` constrains indicators
    that may only raise (+1) or only lower (-1) the score, so that a clean history never
    reads as a reason for suspicion."""
    import lightgbm

    y = np.asarray(y, dtype=float)
    if len(set(y.tolist())) < 2:
        raise ValueError("training needs both positive and negative controls")
    idx, weight = sample(y, max_rows)
    params = dict(PARAMS)
    if signs:
        params["monotone_constraints"] = [int(signs.get(n, 0)) for n in names]
        params["monotone_constraints_method"] = "intermediate"
    data = lightgbm.Dataset(np.asarray(x, dtype=float)[idx], label=y[idx], weight=weight,
                            feature_name=[f"f{j}" for j in range(len(names))],
                            categorical_feature=list(categorical) or "auto",
                            free_raw_data=True)
    return lightgbm.train(params, data, num_boost_round=rounds)


def train(rows: Sequence[Mapping[str, float]], y: np.ndarray, fixed: Sequence[str],
          trained: str | None = None, signs: Mapping[str, int] | None = None,
          linear: RiskModel | None = None, max_rows: int = MAX_ROWS) -> BoostedModel:
    """Fit on controlled declarations: their features (as of their dates), y = positive;
    declared categories as LightGBM categories (:func:`categories`)."""
    names = inputs(rows, fixed)
    learnt = categories(rows, names)
    names = [n for n in names if not n.startswith(CATEGORY) or n in learnt]
    shell = BoostedModel(names, "", trained or date.today().isoformat(), categories=learnt)
    booster = fit(shell.matrix(rows), y, names, signs, max_rows=max_rows,
                  categorical=[j for j, n in enumerate(names) if n in learnt])
    y = np.asarray(y, dtype=float)
    return BoostedModel(names, booster.model_to_string(), shell.trained, len(y), int(y.sum()),
                        linear, categories=learnt)
