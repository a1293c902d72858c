"""A batch is scored as each of its declarations alone would be: the batch reads the
parties' context once for all of them (traders shared by several declarations, their
reports, cases and network), and that sharing changes no score, lane or reason, for any
reader. Everything is made through the import and the API, as officers would."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.accounts.service import issue_token
from risk.intel import RESTRICTED_REASON
from tests.factories import imported
from tests.integration.test_riskengine_api import PERSONS, TRADERS, declaration, write_jsonl

TODAY = date.today().isoformat()  # reports are received today: only today's declarations see them
CONTAINER = "CSQU3054383"
FLAGGED = [declaration("DEC-OLD-1", "BG123", "2025-02-01"),
           {"kind": "control", "declaration": "DEC-OLD-1", "date": "2025-02-03", "lane": "red",
            "result": "positive", "finding": "concealment", "revenue": 4100.0,
            "seized": [{"hs": "240220", "description": "cigarettes", "quantity": 100000,
                        "unit": "pcs"}]},
           declaration("DEC-OLD-2", "BG555", "2025-02-01"),
           {"kind": "control", "declaration": "DEC-OLD-2", "date": "2025-02-02",
            "lane": "yellow", "result": "negative"}]


def _post(client, headers, path: str, body: dict) -> dict:
    response = client.post(path, headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def world(app, graph, tmp_path, make_unit, make_user, client):
    """The register's network (BG999 shares a phone and a director with BG123, which was
    caught), South Region's restricted report and relation on BG555's director and its open
    case on BG555, and an open HQ report on BG999 and a container."""
    path = tmp_path / "seed.jsonl"
    write_jsonl(path, [*TRADERS, *PERSONS, *FLAGGED])
    assert imported(app, path).ok
    make_unit("South Region")
    make_user("south@customs.example", role="analyst", unit="South Region")
    make_user("hq@customs.example", role="analyst", unit="HQ")
    tokens = {who: {"Authorization": "Bearer " + issue_token(graph, f"{who}@customs.example")}
              for who in ("south", "hq")}
    south, hq = tokens["south"], tokens["hq"]
    for trader, name in (("BG555", "Quiet Goods EOOD"), ("BG123", "Burned Trading EOOD")):
        hidden = _post(client, south, "/api/v1/reports", {
            "channel": "partner_agency", "handling": "restricted", "source_grade": "B",
            "info_grade": "2", "title": "Cigarettes in laptops",
            "text": f"Zoran Kostadinov is director of {name} ({trader})."})
        _post(client, south, f"/api/v1/reports/{hidden['id']}/relations", {
            "from": "person:zoran kostadinov", "type": "DIRECTOR_OF", "to": f"trader:{trader}"})
    case = _post(client, south, "/api/v1/cases",
                 {"title": "Laptop cigarettes", "kind": "investigation"})
    _post(client, south, f"/api/v1/cases/{case['id']}/entities", {"entity_id": "trader:BG555"})
    _post(client, hq, "/api/v1/reports", {
        "channel": "partner_agency", "handling": "open", "source_grade": "A", "info_grade": "1",
        "title": "Laptops",
        "text": f"Fresh Start EOOD (BG999) ships laptops in container {CONTAINER}."})
    return tokens


def _batch() -> list[dict]:
    """Traders that come back in several declarations and in several roles, a container,
    an importer nobody knows, and a declaration too old for today's reports."""
    parties = [("BG999", "BG999"), ("BG555", "BG999"), ("BG777", "BG555"), ("BG123", "BG777"),
               ("BG999", "BG555"), ("NEW1", "BG123"), ("BG555", "BG555"), ("BG777", "NEW1")]
    decls = []
    for i, (importer, declarant) in enumerate(parties):
        decl = declaration(f"DEC-B-{i:02d}", importer, TODAY, declarant=declarant,
                           value=12000.0 + 1500 * i)
        if i % 3 == 0:
            decl["transport"] = {"mode": "sea", "container": CONTAINER}
        decls.append(decl)
    decls.append(declaration("DEC-B-OLD", "BG999", "2025-04-01"))
    return decls


def _score(client, headers, body) -> dict:
    response = client.post("/api/v1/declarations/score", headers=headers, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("reader", ["south", "hq"])
def test_a_batch_scores_each_declaration_as_alone(client, world, reader):
    headers = world[reader]
    decls = _batch()
    bad = {**declaration("DEC-B-BAD", "BG999", TODAY), "origin": "China"}
    results = _score(client, headers, {"declarations": [*decls[:4], bad, *decls[4:]]})["results"]
    assert results[4]["id"] == "DEC-B-BAD" and results[4]["error"]["field"] == "origin"
    batch = results[:4] + results[5:]
    alone = [_score(client, headers, decl) for decl in decls]
    assert batch == alone

    # the comparison is not between empty contexts: network, reports and cases count
    by_id = {r["id"]: {x["indicator"]: x for x in r["reasons"]} for r in alone}
    assert by_id["DEC-B-00"]["network_exposure"]["contribution"] > 0
    assert by_id["DEC-B-00"]["intelligence"]["contribution"] > 0
    assert by_id["DEC-B-01"]["watchlist"]["contribution"] > 0
    assert "intelligence" not in by_id["DEC-B-OLD"]
    text = json.dumps(alone)
    if reader == "south":
        assert "Zoran Kostadinov" in text and RESTRICTED_REASON not in text
    else:
        assert "Zoran Kostadinov" not in text and RESTRICTED_REASON in text
