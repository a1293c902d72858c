"""Generated data -> replay -> time-split model: clearly better than random."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench.generator import write
from graph.grading import ADMIRALTY
from risk.evaluate import evaluate, format_table, main
from risk.features import EXPECTED_SIGN, FEATURE_NAMES
from risk.model import train
from risk.replay import replay
from risk.selectivity import Selectivity, thresholds_from_capacity


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e") / "g.jsonl"
    truth = write(path, "10k", seed=11)
    return path, truth


def test_precision_at_5_percent_beats_random(dataset):
    path, _ = dataset
    result = evaluate(path, ADMIRALTY.signal, seeds=20)
    at5 = next(r for r in result["rates"] if r["rate"] == 0.05)
    assert at5["model_precision"] > 2 * at5["random_precision"]
    at10 = next(r for r in result["rates"] if r["rate"] == 0.10)
    assert at10["model_revenue_share"] > at10["random_revenue_share"]
    assert "precision" in format_table(result)


def test_cli_returns_dict(dataset, capsys):
    path, _ = dataset
    result = main([str(path), "--seeds", "3", "--json"])
    assert json.loads(capsys.readouterr().out)["model_version"] == result["model_version"]


def test_scored_declarations_carry_consistent_reasons_and_network_signal(dataset):
    path, truth = dataset
    rows, _state = replay(path, ADMIRALTY.signal, keep_features=True)
    x = np.array([r.values for r in rows])
    y = np.array([r.positive for r in rows], dtype=float)
    model = train(x, y, FEATURE_NAMES, trained="2025-07-01", signs=EXPECTED_SIGN)
    scores = [model.score(r.features) for r in rows[-200:]]
    for s in scores:
        assert s.reasons and s.model_version == model.version
        assert s.baseline + sum(r["contribution"] for r in s.reasons) == \
            pytest.approx(s.logit, abs=1e-2)
    sel = Selectivity(thresholds_from_capacity([s.probability for s in scores], 0.05, 0.1),
                      random_rate=0.02)
    lanes = [sel.decide({"id": r.declaration, "date": r.date}, s, {}).lane
             for r, s in zip(rows[-200:], scores, strict=True)]
    assert 5 <= lanes.count("red") <= 20
    # phoenix traders' controlled declarations see exposure to their burned predecessor
    by_id = {r.declaration: r for r in rows}
    phoenix = {n["phoenix"] for n in truth["networks"]}
    decls = {}
    with path.open() as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["kind"] == "declaration" and rec["importer"] in phoenix and rec["id"] in by_id:
                decls[rec["id"]] = rec
    assert decls, "expected controlled declarations of phoenix traders"
    exposure = FEATURE_NAMES.index("network_exposure")
    assert all(by_id[d].values[exposure] > 0 for d in decls)
