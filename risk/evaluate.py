"""Time-split evaluation: learn from earlier controls, rank later controlled declarations.

Usage: ``python -m risk.evaluate FILE.jsonl [--train-share 0.7] [--seeds 20]``

Only controlled declarations have outcomes, so the test population is the later
controlled declarations; "inspection rate" is a share of that population. The
random baseline samples the same population with several seeds in the same run.
When the source marks random selections, the same table is also given on those
alone: an unbiased sample of all traffic.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from risk.features import EXPECTED_SIGN, FEATURE_NAMES
from risk.intel import GradeSignal
from risk.model import RiskModel, train
from risk.replay import Row, replay

RATES = (0.01, 0.02, 0.05, 0.10)


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


def evaluate(path: str | Path, signal: GradeSignal, train_share: float = 0.7, seeds: int = 20,
             l2: float = 1.0, rates: Sequence[float] = RATES) -> dict:
    """``signal`` weighs the file's report grades (``GradingScheme.signal``)."""
    t0 = time.perf_counter()
    rows, _state = replay(path, signal)
    t_replay = time.perf_counter() - t0
    if len(rows) < 20:
        raise ValueError(f"only {len(rows)} controlled declarations; need more to evaluate")
    train_rows, test_rows, cut = split_rows(rows, train_share)
    x_train = np.array([r.values for r in train_rows])
    y_train = np.array([r.positive for r in train_rows], dtype=float)
    model: RiskModel = train(x_train, y_train, FEATURE_NAMES, l2=l2, trained=cut,
                             signs=EXPECTED_SIGN)
    x_test = np.array([r.values for r in test_rows])
    scores = model.score_matrix(x_test)
    positive = np.array([r.positive for r in test_rows], dtype=float)
    revenue = np.array([r.revenue for r in test_rows])
    result = {
        "file": str(path), "split_date": cut, "model_version": model.version,
        "train": {"controls": len(train_rows), "positive": int(y_train.sum())},
        "test": {"controls": len(test_rows), "positive": int(positive.sum()),
                 "revenue": float(revenue.sum())},
        "rates": _at_rates(scores, positive, revenue, rates, seeds),
        "coefficients": dict(sorted(zip(model.features, model.coef, strict=True),
                                    key=lambda kv: -abs(kv[1]))),
        "seconds": {"replay": round(t_replay, 1), "total": round(time.perf_counter() - t0, 1)},
    }
    rnd = np.array([r.random_selection for r in test_rows])
    if rnd.sum() >= 50:
        result["random_controls"] = {
            "controls": int(rnd.sum()), "positive": int(positive[rnd].sum()),
            "rates": _at_rates(scores[rnd], positive[rnd], revenue[rnd], rates, seeds)}
    return result


def format_table(result: dict) -> str:
    lines = [f"{result['file']}: train {result['train']} / test {result['test']} "
             f"split {result['split_date']} model {result['model_version']}",
             f"{'inspect':>8} {'k':>6} {'precision':>10} {'random':>8} {'lift':>6} "
             f"{'revenue':>8} {'random':>8}"]

    def add(rows: list[dict]) -> None:
        for r in rows:
            lines.append(f"{r['rate']:>8.0%} {r['k']:>6} {r['model_precision']:>10.1%} "
                         f"{r['random_precision']:>8.1%} {r['lift']:>6.2f} "
                         f"{r['model_revenue_share']:>8.1%} {r['random_revenue_share']:>8.1%}")

    add(result["rates"])
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
    ap.add_argument("--grading-scheme", default="admiralty",
                    help="the scheme the file's reports are graded in (GRADING_SCHEME)")
    args = ap.parse_args(argv)
    # A command, not the engine: it reads the scheme's weights where they are declared.
    from graph.grading import scheme_for

    signal = scheme_for({"GRADING_SCHEME": args.grading_scheme}).signal
    result = evaluate(args.path, signal, args.train_share, args.seeds, args.l2)
    print(json.dumps(result, indent=1) if args.json else format_table(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
