"""The time-split evaluation measures what training trains, on what the import stores:
the one choice between the logistic and the boosted model (``risk.training.choose``), and
each declaration read through the import's validation (ZZ, XX, QU: no country)."""

from __future__ import annotations

import json

import pytest

from bench.customs import outcomes_path, read_outcomes, write
from graph.grading import ADMIRALTY
from risk.evaluate import AsImported, evaluate, format_table, main
from risk.replay import Row, replay
from risk.training import choose, fit_and_evaluate

UNKNOWN = ("ZZ", "XX", "qu")  # how customs registers write an unknown country


@pytest.fixture(scope="module")
def customs(tmp_path_factory):
    """A small file of the public customs structure, every declaration inspected, its last
    days' results kept aside (scored only)."""
    path = tmp_path_factory.mktemp("evaluate") / "customs.jsonl"
    write(path, 3000, seed=11, inspected="all")
    return path


def _lines(path):
    with open(path) as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _write(path, lines):
    with open(path, "w") as fh:
        for line in lines:
            fh.write(json.dumps(line) + "\n")
    return path


def _run(path, held):
    return evaluate(path, ADMIRALTY.signal, seeds=2, scored_only=held)


def test_evaluation_keeps_and_measures_the_model_training_keeps(customs):
    """``auto`` in the evaluation is ``flask risk train --model auto`` on the same controls:
    the same metrics, the same model (its version), fitted as training fits it."""
    held = read_outcomes(outcomes_path(customs))
    result = _run(customs, held)
    rows, _ = replay(customs, ADMIRALTY.signal, scored_only=held, read=AsImported())
    model, metrics = fit_and_evaluate([r for r in rows if not r.scored_only])
    assert result["chosen"] == metrics["kind"]
    assert result["model_version"] == model.version
    assert result["training"] == metrics
    assert set(metrics["candidates"]) == {"logistic", "boosted"}
    # the bench's tables are all there, the plain LightGBM beside ours
    assert set(result["models"]) == {"boosted", "logistic", "raw_baseline", "chosen"}
    assert result["models"]["chosen"] == result["models"][result["chosen"]]
    assert [r["rate"] for r in result["models"]["raw_baseline"]] == [0.01, 0.02, 0.05, 0.10]


def _row(i: int, positive: bool) -> Row:
    return Row(f"D{i}", f"2025-01-{1 + i % 28:02d}", [0.0] * 3, positive, 0.0, False)


def test_too_few_controls_to_compare_keep_the_logistic_model():
    rows = [_row(i, i % 3 == 0) for i in range(15)]
    metrics = choose(rows)
    assert metrics["kind"] == "logistic" and "candidates" not in metrics
    assert choose(rows, kind="boosted")["kind"] == "boosted"  # forced: no comparison either


def test_unknown_country_codes_are_evaluated_as_no_country(customs, tmp_path):
    """A declaration whose origin or departure is ZZ, XX or QU is evaluated as the import
    stores it, with no country: the same figures as the file that leaves them out, and no
    "ZZ" pseudo-country with a record of its own."""
    lines = _lines(customs)
    coded, blank = [], []
    n = 0
    for line in lines:
        if line["kind"] == "declaration" and n % 3 == 0:
            code = UNKNOWN[(n // 3) % 3]
            coded.append({**line, "origin": code, "departure": code})
            blank.append({k: v for k, v in line.items() if k not in ("origin", "departure")})
        else:
            coded.append(line)
            blank.append(line)
        n += line["kind"] == "declaration"
    held = read_outcomes(outcomes_path(customs))
    with_codes = _run(_write(tmp_path / "zz.jsonl", coded), held)
    without = _run(_write(tmp_path / "none.jsonl", blank), held)
    assert with_codes["model_version"] == without["model_version"]
    assert with_codes["models"] == without["models"]
    assert with_codes["rejected"]["declarations"] == 0

    rows, state = replay(tmp_path / "zz.jsonl", ADMIRALTY.signal, keep_declarations=True,
                         scored_only=held, read=AsImported())
    unknown = [r.raw for r in rows if r.raw and r.raw["id"] in {
        d["id"] for d in coded if d["kind"] == "declaration" and d.get("origin") in UNKNOWN}]
    assert unknown and all(d["origin"] is None and d["departure"] is None for d in unknown)
    pseudo = [k for k in state.stats._counts if any(c in str(k).upper() for c in ("ZZ", "XX"))]
    assert pseudo == []  # no record of a "ZZ" origin, departure or HS x origin line


def test_a_declaration_the_import_rejects_is_left_out_and_said(customs, tmp_path, capsys):
    lines = _lines(customs)
    first = next(i for i, line in enumerate(lines) if line["kind"] == "declaration")
    lines[first] = {**lines[first], "origin": "Narnia"}
    path = _write(tmp_path / "bad.jsonl", lines)
    result = main([str(path), "--seeds", "2", "--scored-only", str(outcomes_path(customs))])
    assert result["rejected"]["declarations"] == 1
    assert "Narnia" in result["rejected"]["first"][0]
    assert "declarations the import rejects, left out: 1" in capsys.readouterr().out
    assert "left out" in format_table(result)
