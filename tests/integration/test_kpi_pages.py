"""The KPI dashboard and the annual report show real figures from the graph."""

import json
import re
from datetime import UTC, datetime, timedelta

from app.accounts.service import issue_token
from tests.factories import control, declaration, report


def _seed(make, make_unit) -> int:
    """Six HQ reports received a day ago (four from informants, two from the hotline), graded
    B2 three times and B3 three times when an analyst evaluates them now; two sent to the
    South Region, one of them with feedback. Three controls: a red hit that seized
    cigarettes worth 30,000, a red and a yellow miss. The committee's profile "Laptops from
    CN". Returns the year all this falls in."""
    received = datetime.now(UTC) - timedelta(hours=24)
    year = received.year
    make_unit("South Region")
    analyst = make.user("hq.analyst@customs.example")
    south = make.user("south.analyst@customs.example", unit="South Region")
    stamp = received.strftime("%Y-%m-%dT%H:%M:%SZ")
    make.import_lines(
        *(report(f"R-{i}", "x", channel="informant" if i <= 4 else "hotline", received=stamp,
                 title="t", handling="restricted") for i in range(1, 7)),
        *(declaration(f"DEC-{i}", f"{year}-0{i + 2}-12") for i in range(1, 4)),
        control("DEC-1", f"{year}-03-13", "positive", lane="red", revenue=4100.0,
                seized=[{"hs": "240220", "description": "cigarettes", "value": 30000.0}]),
        control("DEC-2", f"{year}-04-13", "negative", lane="red", revenue=0.0),
        control("DEC-3", f"{year}-05-13", "negative", lane="yellow", revenue=0.0),
    )
    for i in range(1, 7):
        make.evaluate(f"R-{i}", by=analyst, source_grade="B", info_grade="2" if i <= 3 else "3")
    make.disseminate("R-1", by=analyst, units=("South Region",))
    make.disseminate("R-2", by=analyst, units=("South Region",))
    make.feedback("R-1", by=south, useful=True)
    profile = {"id": "P-1", "name": "Laptops from CN",
               "conditions": [{"field": "origin", "op": "==", "value": "CN"}],
               "weight": 2.0, "lane": "yellow", "rationale": "Concealment in laptop loads"}
    make.api("post", "/risk/profiles", as_=make.user("committee@customs.example", "committee"),
             json=profile, expect=201)
    return year


def _cell(html: str, table_id: str, label: str) -> str:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf"<td>{re.escape(label)}</td><td>([^<]*)</td>", table)
    assert match, f"{label} not in {table_id}"
    return match.group(1)


def test_kpi_dashboard_shows_seeded_figures(make, make_unit, make_user, client, auth):
    year = _seed(make, make_unit)
    make_user("liaison@customs.example", "liaison", "HQ")

    auth.login("liaison@customs.example")
    assert client.get(f"/kpi/?year={year}").status_code == 403
    auth.logout()
    auth.login("committee@customs.example")
    page = client.get(f"/kpi/?year={year}")
    assert page.status_code == 200
    html = page.text
    assert 'data-kpi="reports"><span class="tile-value">6<' in html
    assert _cell(html, "kpi-flow", "Disseminated") == "2 (33.3%)"
    assert _cell(html, "kpi-flow", "Disseminated reports with feedback") == "1 (50.0%)"
    assert "24.0 h" in html  # one day from receipt to evaluation
    assert _cell(html, "kpi-units", "HQ") == "6"
    assert _cell(html, "kpi-grades", "B2") == "3" and _cell(html, "kpi-grades", "B3") == "3"
    lanes = html.split('id="kpi-lanes"', 1)[1].split("</table>", 1)[0]
    assert "<td>2</td><td>1</td><td>50.0%</td>" in lanes  # red: 2 controls, 1 hit
    profiles = html.split('id="kpi-profiles"', 1)[1].split("</table>", 1)[0]
    assert "Laptops from CN</td><td>0</td><td>0</td><td>0</td>" in profiles  # selected none
    assert "<td>cigarettes</td><td>1</td>" in html and "30,000" in html
    assert "bound method" not in html
    assert f'src="/kpi/charts/reports-by-month.svg?year={year}"' in html
    assert "style=" not in html and "<script>" not in html  # no inline style or script

    chart = client.get(f"/kpi/charts/reports-by-month.svg?year={year}")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert b"<svg" in chart.data and b"informant" in chart.data
    assert client.get("/kpi/charts/nope.svg").status_code == 404
    empty = client.get("/kpi/?year=2019")
    assert empty.status_code == 200 and "No risk profiles" not in empty.text
    assert "No control results in 2019" in empty.text


def test_annual_report_prints_the_year(make, make_unit, client, auth):
    year = _seed(make, make_unit)
    auth.login("committee@customs.example")
    page = client.get(f"/kpi/annual?year={year}")
    assert page.status_code == 200
    assert f"Annual progress report {year}" in page.text
    assert "6 intelligence reports received" in page.text
    assert "3 controls with a hit rate of 33.3%" in page.text
    assert "1 seizures worth 30,000" in page.text
    assert "css/workspace.css" in page.text
    assert client.get("/kpi/annual?year=banana").status_code == 200
    css = client.get("/static/css/workspace.css").text
    assert "@media print" in css


def _decl(did: str, day: str, origin: str = "CN") -> dict:
    return {"kind": "declaration", "id": did, "date": day, "flow": "import",
            "office": "BGSOF001", "importer": "BG555", "exporter": "CN1", "declarant": "BG555",
            "origin": origin, "departure": origin, "destination": "BG",
            "transport": {"mode": "road", "container": None},
            "items": [{"hs": "847130", "description": "laptops", "quantity": 400, "unit": "pcs",
                       "weight_kg": 800.0, "value": 12000.0, "value_cif": 12600.0,
                       "currency": "EUR", "tax_rate": 0.0, "taxes": 0.0}]}


def test_profile_rows_count_what_the_profile_selected_and_the_page_opens_on_its_year(
        graph, make_user, client, auth, runner, tmp_path):
    """Declarations and a control come in through `flask import`; the committee's profile
    selects through the API; the annual report counts that profile's selections, controls
    and hits, and opens on the latest year with data (2024 here), not the calendar year."""
    make_user("committee@customs.example", "committee", "HQ")
    make_user("liaison@customs.example", "liaison", "HQ")
    tokens = {role: {"Authorization": "Bearer " + issue_token(graph, f"{role}@customs.example")}
              for role in ("committee", "liaison")}
    records = [
        {"kind": "trader", "id": "BG555", "name": "Quiet Goods EOOD", "country": "BG"},
        {"kind": "trader", "id": "CN1", "name": "Shenzhen Export Co", "country": "CN"},
        _decl("DEC-A", "2024-04-01"), _decl("DEC-B", "2024-04-02"),
        _decl("DEC-C", "2024-04-03"), _decl("DEC-TR", "2024-04-04", origin="TR"),
        {"kind": "control", "declaration": "DEC-C", "date": "2024-04-05", "lane": "red",
         "result": "positive", "revenue": 100.0,
         "seized": [{"hs": "240220", "description": "cigarettes", "value": 500.0}]},
    ]
    path = tmp_path / "trade.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    imported = runner.invoke(args=["import", str(path)])
    assert imported.exit_code == 0, imported.output

    profile = {"id": "CN-LAPTOPS", "name": "Laptops from China",
               "conditions": [{"field": "origin", "op": "==", "value": "CN"}],
               "weight": 2.0, "lane": "yellow", "rationale": "Concealment in laptop loads"}
    created = client.post("/api/v1/risk/profiles", json=profile, headers=tokens["committee"])
    assert created.status_code == 201, created.get_json()
    for did in ("DEC-A", "DEC-B", "DEC-TR"):
        selected = client.post(f"/api/v1/declarations/{did}/selection",
                               headers=tokens["liaison"])
        assert selected.status_code == 201, selected.get_json()
        assert ("CN-LAPTOPS" in selected.get_json()["profiles"]) == (did != "DEC-TR")
    for did, result in (("DEC-A", "positive"), ("DEC-B", "negative"), ("DEC-TR", "positive")):
        control = client.post("/api/v1/controls", headers=tokens["liaison"],
                              json={"declaration": did, "date": "2024-04-06", "lane": "yellow",
                                    "result": result})
        assert control.status_code == 201, control.get_json()

    auth.login("committee@customs.example")
    report = client.get("/kpi/annual")
    assert report.status_code == 200
    assert "Annual progress report 2024" in report.text
    profiles = report.text.split('id="kpi-profiles"', 1)[1].split("</table>", 1)[0]
    # selected DEC-A and DEC-B (not DEC-TR, not the unscored DEC-C); both controlled, one hit
    assert "Laptops from China</td><td>2</td><td>2</td><td>1</td><td>50.0%" in profiles
    assert "<td>cigarettes</td><td>1</td>" in report.text
    assert "bound method" not in report.text
    dashboard = client.get("/kpi/")
    assert "Key performance indicators 2024" in dashboard.text
    # an explicit year still wins, and a year with nothing stays itself
    assert "Key performance indicators 2023" in client.get("/kpi/?year=2023").text


def test_annual_summary_counts_evaluation_red_lane_cases_and_tasks(make, make_unit, client,
                                                                    auth):
    """The summary's other figures, from cases and a task opened, closed and done through the
    API: two cases (one a request for information), one closed; one task done."""
    year = _seed(make, make_unit)
    analyst = "hq.analyst@customs.example"  # cases count as the reader may see them
    rfi = make.case("Who ships the laptops?", by=analyst, kind="rfi")
    make.case("Laptop ring", by=analyst)
    make.api("patch", f"/cases/{rfi}", as_=analyst, json={"status": "closed"}, expect=200)
    task = make.task("Check the laptop importer's warehouse", by=analyst, assignee=analyst)
    make.api("patch", f"/tasks/{task['id']}", as_=analyst, json={"status": "done"},
             expect=200)
    auth.login(analyst)
    page = client.get(f"/kpi/annual?year={year}").text
    assert "100.0% evaluated" in page
    # controls recorded the lanes that selected them: two red of three declarations
    assert "66.7% of 3 declarations selected for the red lane." in page
    assert ("2 cases opened (1 requests for information), 1 closed, 1 tasks completed; "
            "1 cases open now.") in page
