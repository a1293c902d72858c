"""AEO status history and performance: recorded through `flask import`, the trader's AEO
page and the API; the flag the risk engine reads follows it; AEO against other importers
on the effectiveness page; an alert when an AEO trader's risk drifts above the threshold.
Bad input writes nothing."""

import json
import re
from datetime import date, timedelta

import pytest

from tests.conftest import AuthActions, csrf_from

TODAY = date.today()
DAY = [(TODAY - timedelta(days=n)).isoformat() for n in range(400)]

LINES = [
    {"kind": "trader", "id": "BG300", "name": "Vitosha Logistics", "country": "BG",
     "aeo_history": [{"status": "granted", "date": DAY[300], "level": "aeof"},
                     {"status": "suspended", "date": DAY[100], "level": "AEOF",
                      "note": "Decision 12/2026"}]},
    {"kind": "trader", "id": "BG301", "name": "Struma Freight", "country": "BG",
     "aeo_history": [{"status": "granted", "date": DAY[200], "level": "AEOC"}]},
    {"kind": "trader", "id": "BG302", "name": "Iskar Import", "country": "BG", "aeo": False},
    {"kind": "declaration", "id": "DEC-AEO-1", "date": DAY[10], "importer": "BG301",
     "origin": "CN", "items": [{"hs": "8471.30", "value": 1000.0}]},
    {"kind": "declaration", "id": "DEC-AEO-2", "date": DAY[11], "importer": "BG302",
     "origin": "CN", "items": [{"hs": "8471.30", "value": 1000.0}]},
    {"kind": "declaration", "id": "DEC-AEO-3", "date": DAY[12], "importer": "BG302",
     "origin": "CN", "items": [{"hs": "8471.30", "value": 1000.0}]},
    {"kind": "control", "declaration": "DEC-AEO-2", "date": DAY[9], "lane": "red",
     "result": "positive", "revenue": 400.0},
]


def _import(runner, tmp_path, lines, name="register.jsonl", rejected=0):
    path = tmp_path / name
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == (1 if rejected else 0), result.output
    assert f"rejected {rejected}" in result.output
    return result.output


@pytest.fixture
def register(runner, tmp_path):
    _import(runner, tmp_path, LINES)


def _token(graph, email):
    from app.accounts.service import issue_token

    return {"Authorization": "Bearer " + issue_token(graph, email)}


def _flag(graph, ref):
    return graph.query("MATCH (t:Trader {id: 'trader:' + $ref}) RETURN t.aeo AS aeo",
                       {"ref": ref})[0]["aeo"]


def _statuses(graph) -> int:
    return graph.query("MATCH (s:AeoStatus) RETURN count(s) AS n")[0]["n"]


def test_imported_history_sets_the_flag_and_round_trips_through_the_export(
        register, graph, runner, tmp_path, make_user, client):
    assert _flag(graph, "BG300") is False  # its latest status is a suspension
    assert _flag(graph, "BG301") is True
    assert _statuses(graph) == 3
    make_user("cora@customs.example", role="committee")
    AuthActions(client).login("cora@customs.example")
    page = client.get("/aeo/BG300").text
    assert "Decision 12/2026" in page and "suspended" in page and "AEOF" in page
    assert "None" not in page

    out = tmp_path / "export.jsonl"
    result = runner.invoke(args=["export", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    bg300 = next(x for x in lines if x.get("id") == "BG300")
    assert [h["status"] for h in bg300["aeo_history"]] == ["granted", "suspended"]
    assert bg300["aeo_history"][0]["level"] == "AEOF"
    # a second import of the export records nothing twice
    _import(runner, tmp_path, [x for x in lines if x["kind"] == "trader"], "again.jsonl")
    assert _statuses(graph) == 3 and _flag(graph, "BG300") is False


@pytest.mark.parametrize(("entry", "message"), [
    ({"status": "lapsed", "date": "2025-01-01"}, "aeo_history[0].status: one of"),
    ({"status": "granted"}, "aeo_history[0].date: required"),
    ({"status": "granted", "date": "01/02/2025"}, "aeo_history[0].date"),
    ({"status": "granted", "date": "2025-01-01", "level": "GOLD"}, "aeo_history[0].level"),
    ("granted", "aeo_history[0]: expected an object"),
])
def test_a_bad_history_rejects_its_line_only(entry, message, runner, graph, tmp_path):
    output = _import(runner, tmp_path, [{"kind": "trader", "id": "BG399", "name": "Bad Line",
                                         "aeo_history": [entry]},
                                        {"kind": "trader", "id": "BG398", "name": "Good"}],
                     rejected=1)
    assert message in output
    assert graph.query("MATCH (t:Trader {id: 'trader:BG399'}) RETURN count(t) AS n")[0]["n"] == 0
    assert _statuses(graph) == 0


def test_the_committee_records_a_revocation_and_the_flag_and_comparison_follow(
        register, graph, make_user, client, app):
    make_user("cora@customs.example", role="committee")
    make_user("ana@customs.example", role="analyst")
    AuthActions(client).login("cora@customs.example")
    page = client.get("/risk/effectiveness").text
    aeo_row = re.search(r'<tr data-group="aeo">(.*?)</tr>', page, re.S).group(1)
    other_row = re.search(r'<tr data-group="other">(.*?)</tr>', page, re.S).group(1)
    assert "<td>1</td>" in aeo_row  # one AEO trader (BG301), one declaration
    assert re.search(r'class="hit-rate">\s*100.0%', other_row)  # BG302: 1 of 1 positive
    assert "400" in other_row

    form = client.get("/aeo/BG301").text
    answer = client.post("/aeo/BG301", data={"csrf_token": csrf_from(form), "status": "revoked",
                                              "date": DAY[1], "level": "AEOC",
                                              "note": "Audit findings"})
    assert answer.status_code == 302, answer.text
    assert _flag(graph, "BG301") is False
    shown = client.get("/aeo/BG301").text
    assert "revoked" in shown and "Audit findings" in shown
    monitoring = client.get("/risk/aeo").text
    assert "BG301" not in monitoring  # no longer an AEO

    # an analyst reads the history but records nothing
    analyst = app.test_client()
    AuthActions(analyst).login("ana@customs.example")
    assert analyst.get("/aeo/BG301").status_code == 200
    token = csrf_from(analyst.get("/").text)
    assert analyst.post("/aeo/BG301", data={"csrf_token": token, "status": "granted",
                                            "date": DAY[0], "level": "AEOC"}).status_code == 403


def test_bad_status_changes_are_refused_with_a_reason_and_write_nothing(
        register, graph, make_user, client):
    make_user("cora@customs.example", role="committee")
    make_user("ana@customs.example", role="analyst")
    cora, ana = _token(graph, "cora@customs.example"), _token(graph, "ana@customs.example")
    before = _statuses(graph)
    future = (TODAY + timedelta(days=5)).isoformat()
    cases = [
        ({"status": "paused", "date": DAY[0]}, 400, "granted, suspended or revoked"),
        ({"status": "suspended", "date": "yesterday"}, 400, "YYYY-MM-DD"),
        ({"status": "suspended", "date": future}, 400, "in the future"),
        ({"status": "granted", "date": DAY[0], "level": "AEOX"}, 400, "AEOC, AEOS, AEOF"),
        ({"status": "granted", "date": DAY[0]}, 400, "names its level"),
        ({"status": "suspended", "date": DAY[0], "note": "x" * 501}, 400, "500 characters"),
        ({"status": "suspended", "date": DAY[100], "level": "AEOF"}, 409, "already has"),
    ]
    for body, status, message in cases:
        answer = client.post("/api/v1/traders/BG300/aeo", json=body, headers=cora)
        assert answer.status_code == status, (body, answer.json)
        assert message in json.dumps(answer.json), (body, answer.json)
    answer = client.post("/api/v1/traders/BG300/aeo", data="not json", headers=cora)
    assert answer.status_code == 400
    answer = client.post("/api/v1/traders/NOPE/aeo", json={"status": "suspended",
                                                           "date": DAY[0]}, headers=cora)
    assert answer.status_code == 404
    answer = client.post("/api/v1/traders/BG300/aeo", json={"status": "granted", "date": DAY[0],
                                                            "level": "AEOS"}, headers=ana)
    assert answer.status_code == 403
    assert _statuses(graph) == before and _flag(graph, "BG300") is False

    # the page shows the same reasons as a form error
    AuthActions(client).login("cora@customs.example")
    form = client.get("/aeo/BG300").text
    answer = client.post("/aeo/BG300", data={"csrf_token": csrf_from(form), "status": "granted",
                                              "date": DAY[0], "level": ""})
    assert answer.status_code == 400 and "names its level" in answer.text
    assert _statuses(graph) == before

    answer = client.post("/api/v1/traders/BG300/aeo", json={"status": "granted",
                                                            "date": DAY[0], "level": "AEOS"},
                         headers=cora)
    assert answer.status_code == 201, answer.json
    assert answer.json["aeo"] is True and answer.json["history"][0]["status"] == "granted"
    assert _flag(graph, "BG300") is True
    perf = client.get("/api/v1/risk/aeo/performance", headers=cora).json
    assert perf["other"]["declarations"] == 2 and perf["other"]["hit_rate"] == 1.0


def test_an_aeo_traders_risk_drifting_above_the_threshold_alerts_committee_and_auditors(
        register, graph, make_user, client):
    make_user("cora@customs.example", role="committee")
    make_user("petra@customs.example", role="auditor")
    make_user("ana@customs.example", role="analyst")
    cora = _token(graph, "cora@customs.example")
    # the committee tightens the green lane below the AEO trader's score
    answer = client.put("/api/v1/risk/thresholds", headers=cora,
                        json={"acceptable": 0.001, "unacceptable": 0.9, "audit": None})
    assert answer.status_code == 200, answer.json
    answer = client.post("/api/v1/controls", headers=cora, json={
        "declaration": "DEC-AEO-1", "date": DAY[2], "lane": "red", "result": "positive",
        "revenue": 900.0})
    assert answer.status_code == 201, answer.json

    def alerts(email):
        listed = client.get("/api/v1/notifications", headers=_token(graph, email)).json
        return [n for n in listed["notifications"] if n["kind"] == "aeo"]

    petra = alerts("petra@customs.example")
    assert len(petra) == 1 and "Struma Freight (BG301)" in petra[0]["text"]
    assert petra[0]["link"] == "/aeo/BG301"
    assert len(alerts("cora@customs.example")) == 1
    assert alerts("ana@customs.example") == []
    # a second control while still above tells nobody again
    client.post("/api/v1/controls", headers=cora, json={
        "declaration": "DEC-AEO-1", "date": DAY[1], "lane": "red", "result": "positive"})
    assert len(alerts("petra@customs.example")) == 1
    AuthActions(client).login("petra@customs.example")
    assert "RISK ABOVE GREEN" in client.get("/risk/aeo").text
