"""Phone numbers are one entity in E.164 however they are typed: a local number in a
report (read in the administration's country, CORDON_COUNTRY), the same number in a
trader register in international form, and any spelling an officer searches for."""

import json

import pytest

from app.accounts.service import issue_token
from nlp.resolution import set_home_region
from tests.conftest import fresh_app


@pytest.fixture
def bulgarian_app(app_config, _migrated):
    with fresh_app({**app_config, "CORDON_COUNTRY": "BG"}) as app:
        yield app
    set_home_region(None)  # the country is process-wide: leave none for the next test


def test_local_and_international_spellings_meet_on_one_e164_entity(bulgarian_app, tmp_path):
    from app.accounts.service import create_user

    graph = bulgarian_app.extensions["neo4j"].graph
    client = bulgarian_app.test_client()
    runner = bulgarian_app.test_cli_runner()
    create_user(graph, "ana@customs.example", role="analyst", unit="HQ",
                password="a-long-test-password-1")
    bearer = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}

    trader = {"kind": "trader", "id": "BG131", "name": "Danube Brokers OOD", "country": "BG",
              "phones": ["+359 888 123 456"], "emails": [], "aeo": False}
    register = tmp_path / "traders.jsonl"
    register.write_text(json.dumps(trader) + "\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(register)]).exit_code == 0

    text = "The driver of the lorry called 0888 123 456 twice before the crossing."
    created = client.post("/api/v1/reports", json={"channel": "hotline", "handling": "open",
                                                   "text": text}, headers=bearer)
    assert created.status_code == 201, created.text
    phones = [m for m in created.json["entities"] if m["label"] == "PHONE"]
    assert [(m["text"], m["entity_id"]) for m in phones] == [
        ("0888 123 456", "phone:+359888123456")]  # kept as written, stored as E.164

    dossier = client.get("/api/v1/entities/phone:+359888123456", headers=bearer)
    assert dossier.status_code == 200
    assert created.json["id"] in [r["id"] for r in dossier.json["reports"]]
    assert "trader:BG131" in json.dumps(dossier.json["relations"])  # the register's holder

    for spelling in ("0888 123 456", "+359 888 123 456", "00359888123456", "359-888-123-456"):
        found = client.get("/api/v1/entities", query_string={"q": spelling}, headers=bearer)
        assert found.status_code == 200
        assert "phone:+359888123456" in [e["id"] for e in found.json["entities"]], spelling
