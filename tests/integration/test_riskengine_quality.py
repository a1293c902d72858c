"""Acceptance: generated 10k register through `flask import`, train on the earlier controls,
score the later controlled declarations through the API; precision at 5 % must be more
than twice the random rate, and every score must carry reasons."""

from __future__ import annotations

import json

import numpy as np

from app.accounts.service import issue_token
from bench.generator import write
from tests.factories import imported


def test_precision_at_5_percent_beats_random_on_generated_data(
        app, client, graph, make_user, make_unit, tmp_path):
    source = tmp_path / "r10k.jsonl"
    write(source, "10k", seed=7)
    records = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    controls = {r["declaration"]: r for r in records if r["kind"] == "control"}
    declarations = [r for r in records if r["kind"] == "declaration"]
    controlled_dates = sorted(d["date"] for d in declarations if d["id"] in controls)
    cut = controlled_dates[int(len(controlled_dates) * 0.7)]

    def known_before_cut(r: dict) -> bool:
        when = r.get("date") or r.get("received") or ""
        return r["kind"] in ("trader", "person", "relation") or when[:10] < cut

    train_file = tmp_path / "train.jsonl"
    train_file.write_text("\n".join(json.dumps(r) for r in records if known_before_cut(r)))
    for unit in ("VAR-INT", "SVI-INT", "SOF-INT"):
        make_unit(unit)
    summary = imported(app, train_file)
    assert summary.by_kind["control"]["created"] > 300, summary.first_errors[:5]

    make_user("committee@customs.example", role="committee")
    headers = {"Authorization": "Bearer " + issue_token(graph, "committee@customs.example")}
    trained = client.post("/api/v1/risk/train", headers=headers)
    assert trained.status_code == 201, trained.get_json()

    later = [d for d in declarations if d["date"] >= cut and d["id"] in controls]
    response = client.post("/api/v1/declarations/score", headers=headers,
                           json={"declarations": later})
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert all(r["reasons"] and r["model_version"] == trained.get_json()["version"]
               for r in results)
    scores = np.array([r["score"] for r in results])
    positive = np.array([controls[d["id"]]["result"] == "positive" for d in later], dtype=float)
    k = max(1, round(0.05 * len(later)))
    top = np.argsort(-scores, kind="stable")[:k]
    precision, base = positive[top].mean(), positive.mean()
    assert precision > 2 * base, (precision, base, k)
