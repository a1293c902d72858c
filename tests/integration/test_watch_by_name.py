"""An officer watches a trader by typing its name or register number on /watch/, not its
internal id: one entity found is watched at once (stored by its id, as before); a name
several entities answer to lists them to pick from; what the officer may not see is never
found, named or listed (need-to-know)."""

from __future__ import annotations

import re

from app.accounts.service import issue_token
from tests.conftest import csrf_from
from tests.factories import trader

HIDDEN_NAME = "Zoran Kostadinov"


def _watch(client, typed: str):
    page = client.get("/watch/")
    return client.post("/watch/entity", data={"entity_id": typed,
                                              "csrf_token": csrf_from(page.text)})


def _watched(client, headers) -> list[str]:
    return sorted(w["entity_id"] for w in client.get("/api/v1/watches", headers=headers)
                  .get_json()["watches"] if w["kind"] == "entity")


def test_an_officer_watches_a_trader_by_name_or_register_number(
        client, graph, auth, make, make_unit, make_user):
    make.import_lines(trader("NL123456789", "Baltic Star Trading Ltd", country="NL"),
                      trader("NL987654321", "Baltic Star Shipping BV", country="NL"),
                      trader("BG200300400", "Vega Wholesale AD", country="BG"))
    make_unit("South Region")
    make_user("south@customs.example", role="analyst", unit="South Region")
    south = {"Authorization": "Bearer " + issue_token(graph, "south@customs.example")}
    hidden = client.post("/api/v1/reports", headers=south, json={
        "channel": "partner_agency", "handling": "restricted", "source_grade": "B",
        "info_grade": "2", "title": "t", "text": f"{HIDDEN_NAME} is director of Quiet Goods."})
    assert hidden.status_code == 201, hidden.get_json()
    make_user("ana@customs.example", role="analyst", unit="HQ")
    mine = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    auth.login("ana@customs.example")

    form = client.get("/watch/").text
    assert "trader:NL" not in form and 'list="watch-entities"' in form

    by_number = _watch(client, "NL123456789")
    assert by_number.status_code == 302
    assert _watched(client, mine) == ["trader:NL123456789"]
    assert "You now watch Baltic Star Trading Ltd." in client.get("/watch/").text

    by_name = _watch(client, "vega wholesale ad")
    assert by_name.status_code == 302
    assert _watched(client, mine) == ["trader:BG200300400", "trader:NL123456789"]

    several = _watch(client, "Baltic Star")
    assert several.status_code == 200
    choices = re.findall(r'<li data-entity="([^"]+)">', several.text)
    assert set(choices) == {"trader:NL123456789", "trader:NL987654321"}
    assert "Baltic Star Shipping BV" in several.text and "NL987654321" in several.text
    picked = client.post("/watch/entity", data={"entity_id": "trader:NL987654321",
                                                "csrf_token": csrf_from(several.text)})
    assert picked.status_code == 302
    assert "trader:NL987654321" in _watched(client, mine)

    for typed in (HIDDEN_NAME, "person:zoran kostadinov", "Nobody Trading At All"):
        refused = _watch(client, typed)
        assert refused.status_code == 400, typed
        assert f"No entity you may see matches {typed}." in refused.text
        assert 'data-entity="person:zoran' not in refused.text
    assert len(_watched(client, mine)) == 3
