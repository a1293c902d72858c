"""The committee's strategy: objectives with targets set on the page, compared in the annual
progress report (and its CSV) with the year's results and the previous year's."""

import csv
import io
import json

import pytest

from tests.conftest import csrf_from
from tests.factories import laptops

COMMITTEE = "committee@customs.example"


def _control(did: str, day: str, lane: str, result: str) -> dict:
    return {"kind": "control", "declaration": did, "date": day, "lane": lane, "result": result,
            "revenue": 250.0 if result == "positive" else 0.0}


@pytest.fixture
def year_of_controls(make_user, runner, tmp_path):
    """2024: four controlled declarations, one red and one hit (hit rate 25 %, red 25 %);
    2023: two, both hits. All through `flask import`."""
    make_user(COMMITTEE, "committee", "HQ")
    make_user("analyst@customs.example", "analyst", "HQ")
    records = [
        {"kind": "trader", "id": "BG555", "name": "Quiet Goods EOOD", "country": "BG"},
        {"kind": "trader", "id": "CN1", "name": "Shenzhen Export Co", "country": "CN"},
        *(laptops(f"DEC-24-{i}", f"2024-05-0{i}") for i in range(1, 5)),
        *(laptops(f"DEC-23-{i}", f"2023-05-0{i}") for i in range(1, 3)),
        _control("DEC-24-1", "2024-05-10", "red", "positive"),
        _control("DEC-24-2", "2024-05-10", "yellow", "negative"),
        _control("DEC-24-3", "2024-05-10", "yellow", "negative"),
        _control("DEC-24-4", "2024-05-10", "green", "negative"),
        _control("DEC-23-1", "2023-05-10", "red", "positive"),
        _control("DEC-23-2", "2023-05-10", "red", "positive"),
    ]
    path = tmp_path / "controls.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    imported = runner.invoke(args=["import", str(path)])
    assert imported.exit_code == 0, imported.output


def _set(client, year: int, **fields):
    page = client.get(f"/kpi/strategy?year={year}")
    data = {"csrf_token": csrf_from(page.text), "o-submit": "Set the objective"}
    data.update({f"o-{k}": v for k, v in fields.items()})
    return client.post(f"/kpi/strategy?year={year}", data=data, follow_redirects=True)


def test_objectives_set_on_the_page_are_met_or_missed_in_the_annual_report(
        client, auth, year_of_controls, graph):
    auth.login(COMMITTEE)
    saved = _set(client, 2024, kpi="hit_rate", comparator="at_least", target="20",
                 note="The strategy's floor")
    assert saved.status_code == 200 and "Objective for 2024 set." in saved.text
    _set(client, 2024, kpi="red_lane_share", comparator="at_most", target="10")
    _set(client, 2024, kpi="revenue", comparator="at_least", target="1000")
    # a second target for the same figure replaces the first
    _set(client, 2024, kpi="revenue", comparator="at_least", target="200")
    page = client.get("/kpi/strategy?year=2024")
    objectives = page.text.split('id="objectives"', 1)[1].split("</table>", 1)[0]
    assert objectives.count("<tr>") == 4  # header + three objectives
    assert "at least 20.0%" in objectives and "The strategy&#39;s floor" in objectives
    criteria = client.post("/kpi/strategy?year=2024", data={
        "csrf_token": csrf_from(page.text), "c-acceptable": "Documentary checks for AEOs",
        "c-unacceptable": "Weapons never leave unchecked", "c-submit": "Save the criteria"},
        follow_redirects=True)
    assert "Risk criteria for 2024 saved." in criteria.text

    report = client.get("/kpi/annual?year=2024").text
    progress = report.split('id="progress"', 1)[1].split("</table>", 1)[0]
    rows = {row.split('"', 1)[0]: row for row in progress.split('data-kpi="')[1:]}
    # hit rate 1 of 4 = 25 % (target ≥ 20 %): met; 2023 had 2 of 2
    assert "25.0%" in rows["hit_rate"] and "100.0%" in rows["hit_rate"]
    assert "result-met" in rows["hit_rate"]
    # one of four declarations red = 25 % (target ≤ 10 %): missed
    assert "25.0%" in rows["red_lane_share"] and "result-missed" in rows["red_lane_share"]
    # revenue 250 against the replacing target of 200: met
    assert "at least 200" in rows["revenue"] and "result-met" in rows["revenue"]
    assert "2 of 3 objectives met, 1 missed." in report
    assert "Weapons never leave unchecked" in report

    download = client.get("/kpi/annual.csv?year=2024")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(download.text)))
    assert table[0] == ["section", "figure", "2024", "2023", "target", "met"]
    by_figure = {(r[0], r[1]): r for r in table[1:]}
    assert by_figure[("objective", "Control hit rate (%)")][2:] == [
        "25.0", "100.0", "at least 20.0", "yes"]
    assert by_figure[("objective", "Declarations in the red lane (%)")][5] == "no"
    assert by_figure[("figure", "Revenue recovered by controls")][2:4] == ["250", "500"]

    actions = {r["action"] for r in graph.query(
        "MATCH (a:AuditEvent) WHERE a.action STARTS WITH 'strategy.' RETURN a.action AS action")}
    assert actions == {"strategy.objective", "strategy.criteria"}

    # removing an objective takes it out of the report
    page = client.get("/kpi/strategy?year=2024")
    remove_url = page.text.split('action="/kpi/strategy/2024/objectives/', 1)[1].split('"', 1)[0]
    removed = client.post(f"/kpi/strategy/2024/objectives/{remove_url}",
                          data={"csrf_token": csrf_from(page.text)}, follow_redirects=True)
    assert "Objective removed from 2024." in removed.text
    # the first objective (hit rate, met) is gone: red lane missed, revenue met
    assert "1 of 2 objectives met, 1 missed." in client.get("/kpi/annual?year=2024").text


def test_bad_targets_are_refused_with_a_reason_and_nothing_is_written(
        client, auth, year_of_controls):
    auth.login(COMMITTEE)
    too_high = _set(client, 2024, kpi="hit_rate", comparator="at_least", target="150")
    assert "between 0 and 100" in too_high.text
    missing = _set(client, 2024, kpi="hit_rate", comparator="at_least", target="")
    assert "Give the target as a number." in missing.text
    unknown = _set(client, 2024, kpi="phase_of_the_moon", comparator="at_least", target="3")
    assert "Not a valid choice" in unknown.text
    sideways = _set(client, 2024, kpi="hit_rate", comparator="about", target="3")
    assert "Not a valid choice" in sideways.text
    negative = _set(client, 2024, kpi="revenue", comparator="at_least", target="-5")
    assert "cannot be negative" in negative.text
    assert "No objectives set for 2024." in client.get("/kpi/strategy?year=2024").text


def test_readers_see_the_strategy_but_only_the_committee_changes_it(
        client, auth, year_of_controls):
    auth.login(COMMITTEE)
    _set(client, 2024, kpi="hit_rate", comparator="at_least", target="20")
    auth.logout()
    auth.login("analyst@customs.example")
    page = client.get("/kpi/strategy?year=2024")
    assert page.status_code == 200 and "at least 20.0%" in page.text
    assert "Set the objective" not in page.text
    refused = client.post("/kpi/strategy?year=2024", data={
        "csrf_token": csrf_from(page.text), "o-kpi": "hit_rate", "o-comparator": "at_most",
        "o-target": "90", "o-submit": "Set the objective"})
    assert refused.status_code == 403
    assert "at least 20.0%" in client.get("/kpi/strategy?year=2024").text
    assert client.post("/kpi/strategy/2024/objectives/anything/remove",
                       data={"csrf_token": csrf_from(page.text)}).status_code == 403
