"""Time-split evaluation: learn from earlier controls, rank later controlled declarations.

Usage: ``python -m risk.evaluate FILE.jsonl [--train-share 0.7] [--seeds 20]``

Only controlled declarations have outcomes, so the test population is the later
controlled declarations; "inspection rate" is a share of that population. The
random baseline samples the same population with several seeds in the same run.
When the source marks random selections, the same table is also given on those
alone: an unbiased sample of all traffic.

What is measured is what is trained: declarations read as ``flask import`` reads them
(:class:`AsImported`), the model chosen and fitted by training's own
:func:`risk.training.choose` and :func:`risk.training.fit_model`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import numpy as np

from graph.exchange.records import Context, LineError, validate
from risk import boost
from risk.intel import GradeSignal
from risk.model import RiskModel
from risk.replay import Row, replay
from risk.scoring import Model
from risk.stats import declared_fields
from risk.training import RATES, choose, fit_model, scores_of


def _at_rates(scores: np.ndarray, positive: np.ndarray, revenue: np.ndarray,
              rates: Sequence[float], seeds: int) -> list[dict]:
    n = len(scores)
    order = np.lexsort((np.arange(n), -scores))  # stable: ties keep file order
    total_rev = float(revenue.sum()) or 1.0
    out = []
    for rate in rates:
        k = max(1, round(rate * n))
        top = order[:k]
        rnd_prec, rnd_rev = [], []
        for seed in range(seeds):
            pick = np.random.default_rng(seed).choice(n, size=k, replace=False)
            rnd_prec.append(float(positive[pick].mean()))
            rnd_rev.append(float(revenue[pick].sum()) / total_rev)
        prec = float(positive[top].mean())
        rp = float(np.mean(rnd_prec))
        out.append({"rate": rate, "k": k, "model_precision": prec, "random_precision": rp,
                    "lift": prec / rp if rp else float("inf"),
                    "model_revenue_share": float(revenue[top].sum()) / total_rev,
                    "random_revenue_share": float(np.mean(rnd_rev))})
    return out


def split_rows(rows: list[Row], train_share: float) -> tuple[list[Row], list[Row], str]:
    """Split at the date below which ``train_share`` of controlled declarations fall."""
    dates = sorted(r.date for r in rows)
    cut = dates[min(len(dates) - 1, int(len(dates) * train_share))]
    return [r for r in rows if r.date < cut], [r for r in rows if r.date >= cut], cut


# -- the yardstick: a plain gradient-boosting model on the declared fields as they come --
def raw_fields(decl: dict) -> dict[str, float | str]:
    """The declaration's own fields, no history: parties, office, places, goods codes, the
    source system's categories as text; amounts, masses, rates as numbers."""
    items = decl.get("items") or []
    first = items[0] if items else {}
    hs = "".join(ch for ch in str(first.get("hs", "")) if ch.isdigit())
    out: dict[str, float | str] = {
        k: str(decl[k]) for k in ("importer", "declarant", "exporter", "office", "origin",
                                  "departure") if decl.get(k)}
    if hs:
        out.update(hs2=hs[:2], hs4=hs[:4], hs6=hs[:6], hs10=hs)
    for name, keys in declared_fields(decl).items():
        out[name] = keys[0]
    for name in ("value_cif", "value", "weight_kg", "quantity", "taxes"):
        found = [float(it[name]) for it in items if isinstance(it.get(name), int | float)]
        if found:
            out[name] = sum(found)
    rates = [float(it["tax_rate"]) for it in items if isinstance(it.get("tax_rate"), int | float)]
    if rates:
        out["tax_rate"] = max(rates)
    out["items"] = float(len(items))
    for src in (decl, decl.get("extra") or {}, *items):
        for name, v in src.items():
            if (isinstance(v, int | float) and not isinstance(v, bool) and name not in out
                    and declared_fields({name: "x"})):  # a field the engine may read
                out[name] = float(v)
    return out


def raw_baseline(train_rows: list[Row], test_rows: list[Row]) -> np.ndarray:
    """Scores of a plain LightGBM on :func:`raw_fields` (text as categories coded on the
    training rows, unseen ones missing): what the engine's indicators must beat."""
    train_raw = [raw_fields(r.raw or {}) for r in train_rows]
    test_raw = [raw_fields(r.raw or {}) for r in test_rows]
    names = sorted({k for row in train_raw for k in row})
    text = [n for n in names if any(isinstance(row.get(n), str) for row in train_raw)]
    codes = {n: {} for n in text}  # type: dict[str, dict[str, int]]
    for row in train_raw:
        for n in text:
            v = row.get(n)
            if isinstance(v, str):
                codes[n].setdefault(v, len(codes[n]))

    def matrix(rows: list[dict[str, float | str]]) -> np.ndarray:
        x = np.full((len(rows), len(names)), np.nan)
        for i, row in enumerate(rows):
            for j, n in enumerate(names):
                v = row.get(n)
                if isinstance(v, str):
                    code = codes[n].get(v) if n in codes else None
                    if code is not None:
                        x[i, j] = code
                elif v is not None:
                    x[i, j] = v
        return x

    y = np.array([r.positive for r in train_rows], dtype=float)
    booster = boost.fit(matrix(train_raw), y, names,
                        categorical=[names.index(n) for n in text])
    return np.asarray(booster.predict(matrix(test_raw), num_threads=1))


class AsImported:
    """Each declaration line as ``flask import`` takes it (:func:`graph.exchange.records.validate`):
    fields checked and normalised the one way (a country written ``ZZ``, ``XX`` or ``QU`` is no
    country, HS codes and numbers parsed); a line the import rejects is left out and counted."""

    def __init__(self) -> None:
        self.rejected = 0
        self.first_errors: list[str] = []
        self._ctx = Context()

    def __call__(self, decl: dict) -> dict | None:
        try:
            return validate(decl, "declaration", self._ctx).clean
        except LineError as exc:
            self.rejected += 1
            if len(self.first_errors) < 5:
                self.first_errors.append(f"{decl.get('id')}: {exc}")
            return None


def evaluate(path: str | Path, signal: GradeSignal, train_share: float = 0.7, seeds: int = 20,
             l2: float = 1.0, rates: Sequence[float] = RATES,
             scored_only: dict[str, dict] | None = None) -> dict:
    """``signal`` weighs the file's report grades (``GradingScheme.signal``); with
    ``scored_only`` (controls kept out of the file) those declarations are the test set."""
    t0 = time.perf_counter()
    read = AsImported()
    rows, _state = replay(path, signal, keep_declarations=True, scored_only=scored_only,
                          read=read)
    t_replay = time.perf_counter() - t0
    if len(rows) < 20:
        raise ValueError(f"only {len(rows)} controlled declarations; need more to evaluate")
    if scored_only:
        train_rows = [r for r in rows if not r.scored_only]
        test_rows = [r for r in rows if r.scored_only]
        cut = test_rows[0].date if test_rows else ""
    else:
        train_rows, test_rows, cut = split_rows(rows, train_share)
    y_train = np.array([r.positive for r in train_rows], dtype=float)
    positive = np.array([r.positive for r in test_rows], dtype=float)
    revenue = np.array([r.revenue for r in test_rows])
    t1 = time.perf_counter()
    training = choose(train_rows, l2=l2)  # the rule training applies, on the same rows
    t_choice = time.perf_counter() - t1
    kind = training["kind"]
    fitted: dict[str, Model] = {}
    took: dict[str, float] = {}
    for name in ("logistic", "boosted"):  # each as training fits the one it keeps
        t1 = time.perf_counter()
        fitted[name] = fit_model(name, train_rows, l2)
        took[name] = time.perf_counter() - t1
    chosen, logistic = fitted[kind], cast(RiskModel, fitted["logistic"])
    model_scores = {k: scores_of(m, test_rows) for k, m in fitted.items()}
    t1 = time.perf_counter()
    baseline_scores = raw_baseline(train_rows, test_rows)
    t_base = time.perf_counter() - t1
    scores = model_scores[kind]
    models = {k: _at_rates(model_scores[k], positive, revenue, rates, seeds)
              for k in ("boosted", "logistic")}
    models["raw_baseline"] = _at_rates(baseline_scores, positive, revenue, rates, seeds)
    models["chosen"] = models[kind]
    result = {
        "file": str(path), "split_date": cut, "chosen": kind,
        "model_version": chosen.version, "training": training,
        "rejected": {"declarations": read.rejected, "first": read.first_errors},
        "train": {"controls": len(train_rows), "positive": int(y_train.sum())},
        "test": {"controls": len(test_rows), "positive": int(positive.sum()),
                 "revenue": float(revenue.sum())},
        "rates": models["chosen"], "models": models,
        "coefficients": dict(sorted(zip(logistic.features, logistic.coef, strict=True),
                                    key=lambda kv: -abs(kv[1]))),
        "seconds": {"replay": round(t_replay, 1), "choice": round(t_choice, 1),
                    "boosted_training": round(took["boosted"], 1),
                    "baseline_training": round(t_base, 1),
                    "total": round(time.perf_counter() - t0, 1)},
    }
    rnd = np.array([r.random_selection for r in test_rows])
    if rnd.sum() >= 50:
        result["random_controls"] = {
            "controls": int(rnd.sum()), "positive": int(positive[rnd].sum()),
            "rates": _at_rates(scores[rnd], positive[rnd], revenue[rnd], rates, seeds)}
    return result


def format_table(result: dict) -> str:
    lines = [f"{result['file']}: train {result['train']} / test {result['test']} "
             f"split {result['split_date']} model {result['model_version']} "
             f"(chosen: {result['chosen']})",
             f"{'inspect':>8} {'k':>6} {'precision':>10} {'random':>8} {'lift':>6} "
             f"{'revenue':>8} {'random':>8}"]

    def add(rows: list[dict]) -> None:
        for r in rows:
            lines.append(f"{r['rate']:>8.0%} {r['k']:>6} {r['model_precision']:>10.1%} "
                         f"{r['random_precision']:>8.1%} {r['lift']:>6.2f} "
                         f"{r['model_revenue_share']:>8.1%} {r['random_revenue_share']:>8.1%}")

    if result.get("rejected", {}).get("declarations"):
        rej = result["rejected"]
        lines.append(f"-- declarations the import rejects, left out: {rej['declarations']} "
                     f"({'; '.join(rej['first'])})")
    add(result["rates"])
    for name, table in result.get("models", {}).items():
        lines.append(f"-- {name}:")
        add(table)
    if "random_controls" in result:
        rc = result["random_controls"]
        lines.append(f"-- on randomly selected controls only ({rc['controls']} controls, "
                     f"{rc['positive']} positive):")
        add(rc["rates"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="Time-split evaluation of the risk model")
    ap.add_argument("path")
    ap.add_argument("--train-share", type=float, default=0.7)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--json", action="store_true", help="print the result dict as JSON")
    ap.add_argument("--scored-only", help="controls kept out of the file (JSON Lines): "
                                          "their declarations are the test set")
    ap.add_argument("--grading-scheme", default="admiralty",
                    help="the scheme the file's reports are graded in (GRADING_SCHEME)")
    args = ap.parse_args(argv)
    # A command, not the engine: it reads the scheme's weights where they are declared.
    from graph.grading import scheme_for

    signal = scheme_for({"GRADING_SCHEME": args.grading_scheme}).signal
    held = None
    if args.scored_only:
        with open(args.scored_only) as fh:
            held = {rec["declaration"]: rec for rec in map(json.loads, fh)}
    result = evaluate(args.path, signal, args.train_share, args.seeds, args.l2,
                      scored_only=held)
    print(json.dumps(result, indent=1) if args.json else format_table(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
