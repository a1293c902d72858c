"""One rule for reports: a bad report line is refused with the same reason by
`flask import` and by the API (graph/exchange/records.py, kind "report")."""

from __future__ import annotations

import json

import pytest

from tests.factories import report

REGISTER = {"channel": "register", "handling": "restricted", "event_type": "seizure",
            "text": "Cigarettes found behind the cabin wall."}  # fmt: skip


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        ({"value": "lots"}, "value", "value: 'lots' is not a number"),
        ({"currency": "EURO"}, "currency",
         "currency: 'EURO' is not an ISO 4217 currency code such as EUR"),
        ({"event_type": "picnic"}, "event_type",
         "event_type: 'picnic' is not one of seizure, offence, suspicious_event"),
        ({"received": "2999-01-01T08:00:00Z"}, "received",
         "received: '2999-01-01T08:00:00Z' lies in the future"),
        ({"vehicles": ["CA 1234 AB", "X\u202eY"]}, "vehicles",
         "vehicles[1]: holds the control character U+202E; remove it"),
        ({"title": "x" * 201}, "title", "title: longer than 200 characters"),
    ],
)  # fmt: skip
def test_import_and_api_refuse_a_bad_report_with_the_same_reason(
    make, runner, tmp_path, graph, bad, field, reason
):
    line = {**report("R-BAD-1", REGISTER["text"], channel="register"), **REGISTER, **bad}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    imported = runner.invoke(args=["import", str(path), "--no-train"])
    assert imported.exit_code == 1, imported.output
    assert f"bad.jsonl:1: {reason}" in imported.output

    make.user("ana@customs.example", role="analyst")
    body = {k: v for k, v in line.items() if k not in ("kind", "id", "unit")}
    answer = make.api("post", "/reports", as_="ana@customs.example", json=body, expect=400)
    assert (answer["detail"]["field"], answer["detail"]["message"]) == (field, reason)
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 0


def test_a_register_line_keeps_its_checked_event_fields(make, graph):
    line = {**report("R-REG-1", REGISTER["text"], channel="register"), **REGISTER,
            "value": "30,000", "currency": "eur", "containers": "mscu 1234565"}  # fmt: skip
    make.import_lines(line)
    extra = json.loads(graph.query("MATCH (r:Report {id: 'R-REG-1'}) RETURN r.extra_json AS x")
                       [0]["x"])  # fmt: skip
    assert extra == {"event_type": "seizure", "value": 30000.0, "currency": "EUR",
                     "containers": ["MSCU1234565"]}  # fmt: skip
