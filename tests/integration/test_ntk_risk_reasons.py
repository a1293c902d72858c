"""Risk reasons are written for the caller: a report, case, person or relation they may not
see still counts in the score (the lane does not depend on who asks) but is named only as
restricted intelligence. Everything is made through the API, as officers would."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.accounts.service import issue_token
from risk.intel import RESTRICTED_REASON
from tests.factories import imported
from tests.integration.test_riskengine_api import TRADERS, declaration, write_jsonl

FLAGGED = [declaration("DEC-OLD-1", "BG123", "2025-02-01"),
           {"kind": "control", "declaration": "DEC-OLD-1", "date": "2025-02-03", "lane": "red",
            "result": "positive", "finding": "concealment", "revenue": 4100.0}]
HIDDEN_PERSON = "Zoran Kostadinov"
TODAY = date.today().isoformat()  # the reports are received today: older declarations ignore them


def _report(client, headers, text: str) -> dict:
    response = client.post("/api/v1/reports", headers=headers, json={
        "channel": "partner_agency", "handling": "restricted", "source_grade": "B",
        "info_grade": "2", "title": "Cigarettes in laptops", "text": text})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _relate_director(client, headers, report: dict, trader: str) -> None:
    response = client.post(f"/api/v1/reports/{report['id']}/relations", headers=headers, json={
        "from": "person:zoran kostadinov", "type": "DIRECTOR_OF", "to": f"trader:{trader}"})
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def hidden_world(app, graph, tmp_path, make_unit, make_user, client):
    """South Region's restricted reports on BG555 and its director (also BG123's, which was
    caught), and South Region's open case on BG555; HQ sees none of it."""
    path = tmp_path / "seed.jsonl"
    write_jsonl(path, [*TRADERS, *FLAGGED])
    assert imported(app, path).ok
    make_unit("South Region")
    make_user("south@customs.example", role="analyst", unit="South Region")
    make_user("hq@customs.example", role="analyst", unit="HQ")
    make_user("liaison@customs.example", role="liaison", unit="HQ")
    tokens = {who: {"Authorization": "Bearer " + issue_token(graph, f"{who}@customs.example")}
              for who in ("south", "hq", "liaison")}
    south = tokens["south"]
    one = _report(client, south, f"{HIDDEN_PERSON} is director of Quiet Goods EOOD (BG555).")
    two = _report(client, south, f"{HIDDEN_PERSON} is director of Burned Trading EOOD (BG123).")
    three = _report(client, south, f"{HIDDEN_PERSON} is director of Trusted Logistics AD "
                    "(BG777).")
    _relate_director(client, south, one, "BG555")
    _relate_director(client, south, two, "BG123")
    _relate_director(client, south, three, "BG777")
    case = client.post("/api/v1/cases", headers=south,
                       json={"title": "Laptop cigarettes", "kind": "investigation"})
    assert case.status_code == 201, case.get_json()
    attached = client.post(f"/api/v1/cases/{case.get_json()['id']}/entities", headers=south,
                           json={"entity_id": "trader:BG555"})
    assert attached.status_code == 201, attached.get_json()
    return {"tokens": tokens, "reports": [one["id"], two["id"]], "case": case.get_json()["id"]}


def _score(client, headers) -> dict:
    response = client.post("/api/v1/declarations/score", headers=headers,
                           json=declaration("DEC-NEW-1", "BG555", TODAY))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_reasons_name_only_what_the_caller_may_see(client, hidden_world):
    tokens, reports = hidden_world["tokens"], hidden_world["reports"]
    south = _score(client, tokens["south"])
    seen = json.dumps(south["reasons"])
    assert reports[0] in seen and "B2" in seen and HIDDEN_PERSON in seen
    assert RESTRICTED_REASON not in seen
    for role in ("hq", "liaison"):
        result = _score(client, tokens[role])
        assert (result["score"], result["lane"]) == (south["score"], south["lane"])
        assert ([r["contribution"] for r in result["reasons"]]
                == [r["contribution"] for r in south["reasons"]])
        text = json.dumps(result)
        for hidden in (*reports, HIDDEN_PERSON, "B2", hidden_world["case"], "open case(s)"):
            assert hidden not in text, (role, hidden)
        assert RESTRICTED_REASON in text


def test_aeo_monitoring_names_only_paths_the_caller_may_see(client, hidden_world):
    def trusted(who: str) -> dict:
        response = client.get("/api/v1/risk/aeo", headers=hidden_world["tokens"][who])
        assert response.status_code == 200, response.get_json()
        return next(r for r in response.get_json()["traders"] if r["ref"] == "BG777")

    south, hq = trusted("south"), trusted("hq")
    assert HIDDEN_PERSON in south["detail"] and "BG123" in south["detail"]
    assert hq["exposure"] == south["exposure"] > 0 and hq["alert"] == south["alert"]
    assert HIDDEN_PERSON not in hq["detail"] and RESTRICTED_REASON in hq["detail"]


def test_score_page_reasons_are_filtered_too(client, hidden_world, auth):
    from tests.conftest import csrf_from

    auth.login("hq@customs.example")
    page = client.get("/risk/score")
    assert page.status_code == 200
    response = client.post("/risk/score", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "declaration": json.dumps(declaration("DEC-NEW-1", "BG555", TODAY))})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and RESTRICTED_REASON in html
    for hidden in (*hidden_world["reports"], HIDDEN_PERSON):
        assert hidden not in html


@pytest.mark.parametrize("role", ["admin", "analyst", "liaison", "investigator", "auditor",
                                  "handler", "committee"])
def test_every_role_may_score(client, graph, make_user, role):
    """docs/permissions.md: scoring is open to every role; the reasons are filtered."""
    make_user(f"{role}@customs.example", role=role)
    headers = {"Authorization": "Bearer " + issue_token(graph, f"{role}@customs.example")}
    response = client.post("/api/v1/declarations/score", headers=headers,
                           json=declaration("DEC-ANY", "BG555"))
    assert response.status_code == 200, response.get_json()
