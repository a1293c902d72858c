"""One validator per record kind: the same bad record gets the same reasons through
`flask import`, the API and the page's form (graph/exchange/records.py)."""

from __future__ import annotations

import json

from markupsafe import escape

from app.accounts.service import issue_token
from tests.conftest import csrf_from

# Every field wrong in a way the one validator names: date, country, HS code, number.
BAD_DECLARATION = {
    "kind": "declaration", "id": "DEC-BAD-1", "date": "2025-13-40", "origin": "China",
    "importer": "BG555", "items": [{"hs": "84", "value": -5}],
}  # fmt: skip
REASONS = [
    "date: '2025-13-40' is not an ISO 8601 date",
    "origin: 'China' is not an ISO 3166-1 alpha-2 country code (ZZ for unknown)",
    "items[0].hs: '84' is not an HS code (6 to 10 digits)",
    "items[0].value: -5 must be a number >= 0 and at most 1e+15",
]
BAD_CONTROL = {"kind": "control", "declaration": "DEC 1", "date": "2025-04-02",
               "lane": "purple", "result": "found"}  # fmt: skip
CONTROL_REASONS = [
    "declaration: 'DEC 1' is not a register identifier (1-64 letters, digits or ./:-_)",
    "lane: 'purple' is not one of green, yellow, red, blue (blue: post-clearance audit)",
    "result: 'found' is not one of negative, positive",
]


def test_a_bad_declaration_gets_the_same_reasons_everywhere(runner, client, graph, make_user,
                                                            auth, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(BAD_DECLARATION) + "\n" + json.dumps(BAD_CONTROL) + "\n")
    imported = runner.invoke(args=["import", str(path)])
    assert imported.exit_code == 1
    assert f"bad.jsonl:1: {'; '.join(REASONS)}" in imported.output, imported.output
    assert f"bad.jsonl:2: {'; '.join(CONTROL_REASONS)}" in imported.output, imported.output

    make_user("analyst@customs.example", role="analyst")
    headers = {"Authorization": "Bearer " + issue_token(graph, "analyst@customs.example")}
    scored = client.post("/api/v1/declarations/score", json=BAD_DECLARATION, headers=headers)
    assert scored.status_code == 422
    assert scored.get_json()["detail"]["errors"] == REASONS
    batch = client.post("/api/v1/declarations/score", headers=headers,
                        json={"declarations": [BAD_DECLARATION]})
    assert [e["message"] for e in batch.get_json()["detail"]["results"][0]["errors"]] == [
        reason.split(": ", 1)[1] for reason in REASONS]
    recorded = client.post("/api/v1/controls", json=BAD_CONTROL, headers=headers)
    assert recorded.status_code == 422 and recorded.get_json()["detail"] == CONTROL_REASONS

    auth.login("analyst@customs.example")
    page = client.get("/risk/score")
    form = client.post("/risk/score", data={"csrf_token": csrf_from(page.text),
                                            "declaration": json.dumps(BAD_DECLARATION)})
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    for reason in REASONS:
        assert str(escape(reason)) in html, reason
    assert "risk-result" not in html  # nothing scored


def test_unknown_countries_pass_the_import_and_the_scoring_alike(runner, client, graph,
                                                                 make_user, tmp_path):
    """ZZ, XX and QU are "unknown" through every entry point: stored and scored as none."""
    unknown = {**BAD_DECLARATION, "id": "DEC-ZZ", "date": "2025-04-01", "origin": "zz",
               "departure": "XX", "destination": "QU",
               "items": [{"hs": "8471.30", "value": 100}]}  # fmt: skip
    path = tmp_path / "zz.jsonl"
    path.write_text(json.dumps(unknown) + "\n")
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    stored = graph.query("MATCH (d:Declaration {id: 'DEC-ZZ'}) "
                         "RETURN d.origin AS o, d.departure AS d, d.destination AS t")
    assert stored == [{"o": None, "d": None, "t": None}]
    make_user("analyst@customs.example", role="analyst")
    headers = {"Authorization": "Bearer " + issue_token(graph, "analyst@customs.example")}
    scored = client.post("/api/v1/declarations/score", json=unknown, headers=headers)
    assert scored.status_code == 200, scored.get_json()
