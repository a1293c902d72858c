"""Risk engine through the graph and the API: network and intelligence indicators,
thresholds and random selection, profiles with history, feedback into hit rates,
validation of bad declarations. Data goes in through the real import (flask import)."""

from __future__ import annotations

import json

import pytest

from app.accounts.service import issue_token
from tests.factories import imported

TRADERS = [
    {"kind": "trader", "id": "BG123", "name": "Burned Trading EOOD", "country": "BG",
     "address": "1 Port St, Varna", "phones": ["+359 2 555 0101"], "aeo": False,
     "registered": "2020-01-01"},
    {"kind": "trader", "id": "BG999", "name": "Fresh Start EOOD", "country": "BG",
     "address": "9 New St, Sofia", "phones": ["+359 2 555 0101"], "aeo": False,
     "registered": "2025-03-01"},
    {"kind": "trader", "id": "BG555", "name": "Quiet Goods EOOD", "country": "BG",
     "address": "5 Calm St, Ruse", "phones": ["+359 2 777 0000"], "aeo": False,
     "registered": "2025-03-01"},
    {"kind": "trader", "id": "BG777", "name": "Trusted Logistics AD", "country": "BG",
     "address": "7 Safe St, Plovdiv", "phones": ["+359 2 888 0000"], "aeo": True,
     "registered": "2010-01-01"},
    {"kind": "trader", "id": "CN1", "name": "Shenzhen Export Co", "country": "CN"},
]
PERSONS = [
    {"kind": "person", "id": "P-1", "name": "Ivan Petrov", "nationality": "BG",
     "roles": [{"trader": "BG123", "role": "director"}, {"trader": "BG999", "role": "director"},
               {"trader": "BG777", "role": "employee"}]},
]


def declaration(did: str, importer: str, day: str = "2025-04-01", origin: str = "CN",
                value: float = 12000.0, **extra) -> dict:
    return {"kind": "declaration", "id": did, "date": day, "flow": "import",
            "office": "BGSOF001", "importer": importer, "exporter": "CN1", "declarant": importer,
            "origin": origin, "departure": origin, "destination": "BG",
            "transport": {"mode": "road", "container": None},
            "items": [{"hs": "847130", "description": "laptops", "quantity": 400, "unit": "pcs",
                       "weight_kg": 800.0, "value": value, "value_cif": value * 1.05,
                       "currency": "EUR", "tax_rate": 0.0, "taxes": 0.0}], **extra}


def write_jsonl(path, records) -> None:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


@pytest.fixture
def seeded(app, graph, tmp_path):
    records = [*TRADERS, *PERSONS,
               declaration("DEC-OLD-1", "BG123", "2025-02-01"),
               {"kind": "control", "declaration": "DEC-OLD-1", "date": "2025-02-03",
                "lane": "red", "result": "positive", "finding": "concealment",
                "revenue": 4100.0, "seized": [{"hs": "240220", "description": "cigarettes",
                                               "quantity": 100000, "unit": "pcs"}]},
               declaration("DEC-OLD-2", "BG555", "2025-02-01"),
               {"kind": "control", "declaration": "DEC-OLD-2", "date": "2025-02-02",
                "lane": "yellow", "result": "negative"}]
    path = tmp_path / "seed.jsonl"
    write_jsonl(path, records)
    summary = imported(app, path)
    assert summary.ok, summary.first_errors
    return graph


@pytest.fixture
def tokens(make_user, graph):
    make_user("committee@customs.example", role="committee")
    make_user("analyst@customs.example", role="analyst")
    make_user("liaison@customs.example", role="liaison")
    return {role: {"Authorization": "Bearer " + issue_token(graph, f"{role}@customs.example")}
            for role in ("committee", "analyst", "liaison")}


def score(client, headers, decl):
    response = client.post("/api/v1/declarations/score", json=decl, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_planted_network_raises_score_and_reasons_show_the_path(client, seeded, tokens):
    linked = score(client, tokens["analyst"], declaration("DEC-NEW-1", "BG999"))
    quiet = score(client, tokens["analyst"], declaration("DEC-NEW-2", "BG555"))
    assert linked["score"] > quiet["score"]
    network = next(r for r in linked["reasons"] if r["indicator"] == "network_exposure")
    assert network["contribution"] > 0
    assert "phone" in network["detail"] and "+359" in network["detail"]
    assert "director Ivan Petrov" in network["detail"]
    assert "BG123" in network["detail"] and "seized 03 Feb 2025" in network["detail"]
    assert all(r["indicator"] != "network_exposure" or r["contribution"] <= 0
               for r in quiet["reasons"])
    assert 0 <= linked["score"] <= 1 and linked["lane"] in ("green", "yellow", "red", "blue")
    assert linked["model_version"]


def test_aeo_monitoring_alerts_when_exposure_rises(client, seeded, tokens):
    rows = client.get("/api/v1/risk/aeo", headers=tokens["analyst"]).get_json()["traders"]
    trusted = next(r for r in rows if r["ref"] == "BG777")
    assert trusted["alert"] and trusted["exposure"] > 0 and "BG123" in trusted["detail"]


def test_intelligence_mentions_count_by_grade_without_exposing_sources(
        app, client, seeded, tokens, tmp_path, graph, make):
    report = {"kind": "report", "id": "R-2025-0042", "channel": "informant",
              "received": "2025-03-20T09:00:00Z", "source": "KX-17", "source_grade": "B",
              "info_grade": "2", "handling": "restricted", "unit": "HQ",
              "title": "Cigarettes in laptop consignments",
              "text": "Quiet Goods EOOD (BG555) will receive cigarettes hidden in laptops."}
    path = tmp_path / "report.jsonl"
    write_jsonl(path, [report])
    assert imported(app, path).ok
    # an analyst confirms that the report names the trader
    make.link_mention("R-2025-0042", "Quiet Goods EOOD", "trader:BG555",
                      by="analyst@customs.example")
    result = score(client, tokens["analyst"], declaration("DEC-NEW-3", "BG555"))
    intel = next(r for r in result["reasons"] if r["indicator"] == "intelligence")
    assert intel["contribution"] > 0
    assert "R-2025-0042" in intel["detail"] and "B2" in intel["detail"]
    # BG555 is both importer and declarant: one party, its report counted and named once
    assert intel["detail"].count("R-2025-0042") == 1
    assert "KX-17" not in json.dumps(result)


def test_committee_thresholds_change_lanes_and_random_rate_is_honoured(client, seeded, tokens):
    decl = declaration("DEC-NEW-4", "BG999")
    put = client.put("/api/v1/risk/thresholds", headers=tokens["committee"],
                     json={"acceptable": 0.98, "unacceptable": 0.99, "audit": None,
                           "random_rate": 0.0})
    assert put.status_code == 200, put.get_json()
    assert score(client, tokens["analyst"], decl)["lane"] == "green"
    lowered = client.put("/api/v1/risk/thresholds", headers=tokens["committee"],
                         json={"acceptable": 0.0001, "unacceptable": 0.0002})
    assert lowered.status_code == 200, lowered.get_json()
    assert score(client, tokens["analyst"], decl)["lane"] == "red"
    refused = client.put("/api/v1/risk/thresholds", headers=tokens["analyst"],
                         json={"acceptable": 0.5, "unacceptable": 0.6})
    assert refused.status_code == 403
    bad = client.put("/api/v1/risk/thresholds", headers=tokens["committee"],
                     json={"acceptable": 0.7, "unacceptable": 0.6})
    assert bad.status_code == 422

    client.put("/api/v1/risk/thresholds", headers=tokens["committee"],
               json={"acceptable": 1.0, "unacceptable": 1.0, "audit": None,
                     "random_rate": 0.2, "random_lane": "red"})
    batch = [declaration(f"DEC-R-{i:05d}", "BG555") for i in range(1000)]
    response = client.post("/api/v1/declarations/score", json={"declarations": batch},
                           headers=tokens["liaison"])
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == [d["id"] for d in batch]
    randoms = [r for r in results if r["random"]]
    assert 160 <= len(randoms) <= 240
    assert all(r["lane"] == "red" and r["reasons"][0]["indicator"] == "random" for r in randoms)
    assert all(r["lane"] == "green" for r in results if not r["random"])


def test_profiles_versioned_and_control_results_change_their_hit_rates(
        app, client, seeded, tokens, tmp_path, graph, auth):
    profile = {"id": "CN-LAPTOPS", "name": "Laptops from China",
               "conditions": [{"field": "origin", "op": "==", "value": "CN"},
                              {"field": "items.hs", "op": "startswith", "value": "8471"}],
               "weight": 2.0, "lane": "yellow", "rationale": "Concealment in laptop loads"}
    assert client.post("/api/v1/risk/profiles", json=profile,
                       headers=tokens["analyst"]).status_code == 403
    created = client.post("/api/v1/risk/profiles", json=profile, headers=tokens["committee"])
    assert created.status_code == 201, created.get_json()
    changed = client.post("/api/v1/risk/profiles", headers=tokens["committee"],
                          json={**profile, "weight": 3.0, "change": "raised after seizures"})
    assert changed.get_json()["version"] == 2
    history = client.get("/api/v1/risk/profiles/CN-LAPTOPS",
                         headers=tokens["analyst"]).get_json()["history"]
    assert [v["version"] for v in history] == [2, 1]
    assert history[0]["change"] == "raised after seizures"
    invalid = client.post("/api/v1/risk/profiles", headers=tokens["committee"],
                          json={**profile, "conditions": [{"field": "x", "op": "eval",
                                                           "value": 1}]})
    assert invalid.status_code == 422

    path = tmp_path / "new.jsonl"
    write_jsonl(path, [declaration("DEC-SEL-1", "BG555"), declaration("DEC-SEL-2", "BG555")])
    assert imported(app, path).ok
    for did in ("DEC-SEL-1", "DEC-SEL-2"):
        selected = client.post(f"/api/v1/declarations/{did}/selection",
                               headers=tokens["liaison"])
        assert selected.status_code == 201
        assert "CN-LAPTOPS" in selected.get_json()["profiles"]
        assert selected.get_json()["lane"] in ("yellow", "red")

    def profile_rates():
        eff = client.get("/api/v1/risk/effectiveness", headers=tokens["analyst"]).get_json()
        return eff["profiles"]["CN-LAPTOPS"]

    assert profile_rates() == {"selections": 2, "controlled": 0, "hits": 0, "revenue": 0.0,
                               "hit_rate": None, "penalties": 0, "seizures": 0,
                               "referrals": 0, "cases": 0, "convictions": 0, "fines": {}}
    posted = client.post("/api/v1/controls", headers=tokens["liaison"],
                         json={"declaration": "DEC-SEL-1", "date": "2025-04-02",
                               "lane": "yellow", "result": "positive", "revenue": 900.0})
    assert posted.status_code == 201, posted.get_json()
    assert profile_rates()["hit_rate"] == 1.0 and profile_rates()["revenue"] == 900.0
    client.post("/api/v1/controls", headers=tokens["liaison"],
                json={"declaration": "DEC-SEL-2", "date": "2025-04-03", "lane": "blue",
                      "result": "negative"})
    assert profile_rates()["hit_rate"] == 0.5
    assert client.post("/api/v1/controls", headers=tokens["liaison"],
                       json={"declaration": "NOPE", "date": "2025-04-03", "lane": "red",
                             "result": "negative"}).status_code == 404

    # the page shows the same hit rate
    auth.login("analyst@customs.example")
    page = client.get("/risk/profiles")
    assert page.status_code == 200 and "CN-LAPTOPS" in page.text and "50.0%" in page.text
    # a new control also updated the precomputed aggregates
    stat = graph.query("MATCH (s:RiskStat {dimension: 'importer', key: 'BG555'}) "
                       "RETURN s.n_controls AS n, s.n_positive AS p")[0]
    assert stat == {"n": 3, "p": 1}


def test_unknown_country_codes_are_scored_as_no_country(client, seeded, tokens):
    """ZZ, XX and QU (unknown in customs registers) score like an undeclared country."""
    for code in ("ZZ", "xx", "QU"):
        result = score(client, tokens["analyst"], declaration(f"DEC-{code}", "BG555",
                                                              origin=code))
        reasons = {r["indicator"]: r["detail"] for r in result["reasons"]}
        assert code.upper() not in reasons.get("origin_history", ""), reasons
        assert "transit_origin" not in reasons or "None" not in reasons["transit_origin"]
    refused = client.post("/api/v1/declarations/score", headers=tokens["analyst"],
                          json=declaration("DEC-QQ", "BG555", origin="QQ"))
    assert refused.status_code == 422
    assert "ZZ for unknown" in " ".join(refused.get_json()["detail"]["errors"])


def test_bad_declarations_get_json_4xx_with_reasons(client, seeded, tokens):
    headers = tokens["analyst"]
    bad = declaration("DEC-BAD", "BG555", origin="China", day="2025-13-40")
    bad["items"][0]["hs"] = "84"
    bad["items"][0]["value"] = -5
    response = client.post("/api/v1/declarations/score", json=bad, headers=headers)
    assert response.status_code == 422
    errors = " ".join(response.get_json()["detail"]["errors"])
    assert "date" in errors and "origin" in errors and "hs" in errors and "value" in errors
    # a batch scores the good declarations and names each bad one's problem in its place
    late = declaration("DEC-LATE", "BG555", day="2025-13-40")
    batch = {"declarations": [declaration("DEC-OK", "BG555"), {"id": 5}, "nonsense", late,
                              declaration("DEC-OK-2", "BG555")]}
    response = client.post("/api/v1/declarations/score", json=batch, headers=headers)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == ["DEC-OK", None, None, "DEC-LATE", "DEC-OK-2"]
    assert all(r["lane"] in ("green", "yellow", "red", "blue") and "error" not in r
               for r in (results[0], results[4]))
    assert results[1]["error"]["field"] == "id" and "score" not in results[1]
    assert results[2]["error"] == {"field": None,
                                   "message": "a declaration must be a JSON object"}
    assert results[3]["error"]["field"] == "date" and "ISO 8601" in results[3]["error"]["message"]
    assert [e["field"] for e in results[3]["errors"]] == ["date"]
    nothing = client.post("/api/v1/declarations/score", headers=headers,
                          json={"declarations": [{"id": 5}, late]})
    assert nothing.status_code == 422  # nothing could be scored
    assert [r["id"] for r in nothing.get_json()["detail"]["results"]] == [None, "DEC-LATE"]
    assert client.post("/api/v1/declarations/score", json={"declarations": "DEC-OK"},
                       headers=headers).status_code == 400  # not a list
    assert client.post("/api/v1/declarations/score", data="{not json",
                       headers={**headers, "Content-Type": "application/json"}
                       ).status_code == 400
    too_many = {"declarations": [declaration("X", "BG555")] * 1001}
    assert client.post("/api/v1/declarations/score", json=too_many,
                       headers=headers).status_code == 413
    assert client.post("/api/v1/declarations/score",
                       json=declaration("DEC-OK", "BG555")).status_code == 401


def test_pages_render_for_readers_and_scoring_form_works(client, seeded, auth, make_user):
    make_user("auditor@customs.example", role="auditor")
    auth.login("auditor@customs.example")
    for url in ("/risk/traders", "/risk/commodities", "/risk/profiles", "/risk/thresholds",
                "/risk/effectiveness", "/risk/aeo", "/risk/control"):
        assert client.get(url).status_code == 200, url
    csv_text = client.get("/risk/traders.csv").text
    assert csv_text.startswith("rank,trader") and "BG123" in csv_text
    traders = client.get("/risk/traders").text
    assert "/entities/trader:BG123" in traders
    from tests.conftest import csrf_from

    page = client.get("/risk/score")
    result = client.post("/risk/score", data={
        "csrf_token": csrf_from(page.text),
        "declaration": json.dumps(declaration("DEC-FORM", "BG999"))})
    assert result.status_code == 200 and "network_exposure" in result.text
    assert "director Ivan Petrov" in result.text
    denied = client.post("/risk/thresholds", data={"csrf_token": csrf_from(page.text),
                                                    "t-acceptable": "0.1"})
    assert denied.status_code == 403


def test_committee_decisions_and_controls_commit_with_their_audit_events(
        client, seeded, tokens, graph, monkeypatch):
    from app.risk import service
    from graph.errors import DatabaseUnavailable

    events = ("MATCH (a:AuditEvent) WHERE a.action STARTS WITH 'risk.' "
              "RETURN a.action AS action ORDER BY a.seq")
    assert client.put("/api/v1/risk/thresholds", headers=tokens["committee"],
                      json={"acceptable": 0.3, "unacceptable": 0.7}).status_code == 200
    assert client.post("/api/v1/controls", headers=tokens["liaison"],
                       json={"declaration": "DEC-OLD-2", "date": "2025-04-02", "lane": "red",
                             "result": "positive", "revenue": 50.0}).status_code == 201
    assert [e["action"] for e in graph.query(events)] == ["risk.thresholds", "risk.control"]

    def audit_log_down(*args, **kwargs):
        raise DatabaseUnavailable("The graph database is unavailable")

    monkeypatch.setattr(service, "audit_event", audit_log_down)
    refused = client.put("/api/v1/risk/thresholds", headers=tokens["committee"],
                         json={"acceptable": 0.4, "unacceptable": 0.8})
    assert refused.status_code == 503
    lost = client.post("/api/v1/controls", headers=tokens["liaison"],
                       json={"declaration": "DEC-OLD-2", "date": "2025-04-09", "lane": "red",
                             "result": "negative"})
    assert lost.status_code == 503
    monkeypatch.undo()
    settings = client.get("/api/v1/risk/thresholds", headers=tokens["committee"]).get_json()
    assert (settings["acceptable"], settings["unacceptable"]) == (0.3, 0.7)  # unchanged
    assert graph.query("MATCH (c:Control {date: '2025-04-09'}) RETURN c") == []
    assert len(graph.query(events)) == 2


def test_every_reason_names_its_indicator_in_words_on_the_page_and_in_the_api(
        client, seeded, tokens, auth):
    """The engine's names (network_exposure) stay the API's keys; people read the
    indicator's name in words, from the same table on the score page and in the API."""
    import html
    import re

    from tests.conftest import csrf_from

    decl = declaration("DEC-NEW-9", "BG999")
    api = score(client, tokens["analyst"], decl)
    labels = {r["indicator"]: r["label"] for r in api["reasons"]}
    assert labels["network_exposure"] == "Network exposure"
    assert all(label and "_" not in label for label in labels.values()), labels
    french = client.post("/api/v1/declarations/score", json=decl,
                         headers={**tokens["analyst"], "Accept-Language": "fr"}).get_json()
    assert {r["indicator"]: r["label"] for r in french["reasons"]}["network_exposure"] \
        == "Exposition au réseau"

    auth.login("analyst@customs.example")
    form = client.get("/risk/score")
    page = client.post("/risk/score", data={"csrf_token": csrf_from(form.text),
                                            "declaration": json.dumps(decl)})
    assert page.status_code == 200
    shown = dict(re.findall(r'<li data-indicator="([^"]+)"><strong>([^<]+)</strong>',
                            html.unescape(page.text)))
    assert shown["network_exposure"] == "Network exposure"
    assert shown == {k: v for k, v in labels.items() if k in shown}
    assert not any("_" in label for label in shown.values()), shown
