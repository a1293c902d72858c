"""An entity known only from reports the user may not see (ENTITY_VISIBLE) is not revealed
by merges, duplicate proposals, case attachments, saved charts or KPI counts. Everything is
made through the API and the pages, as officers would."""

from __future__ import annotations

import re

import pytest

from app.accounts.service import issue_token
from tests.conftest import csrf_from

HIDDEN = "person:zoran kostadinov"
HIDDEN_NAME = "Zoran Kostadinov"
LOOKALIKE = "person:zoran kostadinow"


def _report(client, headers, text: str, handling: str = "restricted") -> dict:
    response = client.post("/api/v1/reports", headers=headers, json={
        "channel": "partner_agency", "handling": handling, "source_grade": "B",
        "info_grade": "2", "title": "Cigarettes in laptops", "text": text})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def world(graph, client, make_unit, make_user):
    make_unit("South Region")
    make_user("south@customs.example", role="analyst", unit="South Region")
    make_user("hq@customs.example", role="analyst", unit="HQ")
    make_user("committee@customs.example", role="committee", unit="HQ")
    tokens = {who: {"Authorization": "Bearer " + issue_token(graph, f"{who}@customs.example")}
              for who in ("south", "hq")}
    hidden = _report(client, tokens["south"],
                     f"{HIDDEN_NAME} is director of Quiet Goods EOOD in Varna.")
    assert HIDDEN in {e["entity_id"] for e in hidden["entities"]}
    seen = _report(client, tokens["hq"], "Zoran Kostadinow is director of Calm Trade OOD.",
                   handling="open")
    assert LOOKALIKE in {e["entity_id"] for e in seen["entities"]}
    return {"tokens": tokens, "hidden_report": hidden["id"]}


def test_merge_answers_the_same_404_for_hidden_and_missing(client, world):
    hq = world["tokens"]["hq"]

    def merge(source: str, into: str):
        return client.post(f"/api/v1/entities/{source}/merge", headers=hq,
                           json={"into": into, "reason": "same man"})

    missing = merge("person:nobody at all", LOOKALIKE)
    assert missing.status_code == 404
    for source, into in ((HIDDEN, LOOKALIKE), (LOOKALIKE, HIDDEN), (HIDDEN, "org:calm trade ood")):
        response = merge(source, into)
        assert response.status_code == 404, (source, into, response.get_json())
        assert response.get_json()["error"] == missing.get_json()["error"]
    split = client.post(f"/api/v1/entities/{HIDDEN}/split", headers=hq, json={"reason": "x"})
    assert split.status_code == 404


def test_duplicates_never_propose_a_hidden_entity(client, auth, world):
    auth.login("hq@customs.example")
    for url in ("/merges/", f"/merges/entities/{LOOKALIKE}"):
        page = client.get(url)
        assert page.status_code == 200
        assert HIDDEN_NAME not in page.text and HIDDEN not in page.text, url
    assert client.get(f"/merges/entities/{HIDDEN}").status_code == 404
    auth.logout()
    auth.login("south@customs.example")  # the pair is real: South Region, seeing both, gets it
    assert "Kostadinow" in client.get(f"/merges/entities/{HIDDEN}").text


def test_a_hidden_entity_cannot_be_attached_to_a_case(client, auth, world):
    hq = world["tokens"]["hq"]
    case = client.post("/api/v1/cases", headers=hq, json={"title": "Laptops", "kind": "rfi"})
    assert case.status_code == 201
    case_id = case.get_json()["id"]
    answers = {}
    for target in (HIDDEN, "person:nobody at all"):
        response = client.post(f"/api/v1/cases/{case_id}/entities", headers=hq,
                               json={"entity_id": target})
        answers[target] = (response.status_code, response.get_json().get("error"))
    assert answers[HIDDEN] == answers["person:nobody at all"] and answers[HIDDEN][0] == 404
    auth.login("hq@customs.example")
    page = client.get(f"/cases/{case_id}")
    client.post(f"/cases/{case_id}/attach/entity",
                data={"csrf_token": csrf_from(page.text), "target": HIDDEN})
    after = client.get(f"/cases/{case_id}").text
    assert HIDDEN_NAME not in after
    body = client.get(f"/api/v1/cases/{case_id}", headers=hq).get_data(as_text=True)
    assert HIDDEN not in body and HIDDEN_NAME not in body


def test_a_saved_chart_drops_nodes_the_reader_may_not_see(client, world):
    south, hq = world["tokens"]["south"], world["tokens"]["hq"]
    case = client.post("/api/v1/cases", headers=south,
                       json={"title": "Varna ring", "kind": "investigation"})
    case_id = case.get_json()["id"]
    added = client.post(f"/api/v1/cases/{case_id}/members", headers=south,
                        json={"email": "hq@customs.example", "role": "member"})
    assert added.status_code == 201, added.get_json()
    chart = client.post("/api/v1/charts", headers=south, json={"case_id": case_id, "chart": {
        "title": "Ring", "nodes": [{"id": HIDDEN}, {"id": LOOKALIKE},
                                   {"id": "report:" + world["hidden_report"]}],
        "edges": [{"source": HIDDEN, "target": LOOKALIKE, "type": "SAME_AS"}]}})
    assert chart.status_code == 201, chart.get_json()
    chart_id = chart.get_json()["id"]
    own = client.get(f"/api/v1/charts/{chart_id}", headers=south).get_json()
    assert {n["id"] for n in own["document"]["nodes"]} >= {HIDDEN, LOOKALIKE}
    read = client.get(f"/api/v1/charts/{chart_id}", headers=hq)
    assert read.status_code == 200
    document = read.get_json()["document"]
    assert [n["id"] for n in document["nodes"]] == [LOOKALIKE]
    assert document["edges"] == []
    assert HIDDEN not in read.get_data(as_text=True)


def test_kpis_count_only_reports_the_reader_may_see(client, auth, world):
    auth.login("committee@customs.example")
    html = client.get("/kpi/").text
    # HQ's open report only; South Region's restricted report is neither counted nor named
    assert re.search(r'data-kpi="reports"><span class="tile-value">1<', html)
    assert "South Region" not in html
