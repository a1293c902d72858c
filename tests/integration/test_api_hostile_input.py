"""Bodies and query parameters an attacker (or a broken client) sends: every JSON operation
answers 4xx with a reason, never a 500, never text that is not JSON, never a half write.

The body rules live in one place (graph.safejson through the app's JSON provider); these
tests walk every operation of the served OpenAPI document so a new one is covered too.
"""

from __future__ import annotations

import json
import re

import pytest

from app.accounts.service import issue_token

HOSTILE = {
    "deep": ("[" * 100_000, "nested deeper than 64 levels"),
    "deep object": ('{"a":' * 5_000 + "1" + "}" * 5_000, "nested deeper than 64 levels"),
    "surrogate": ('{"title": "\\ud800", "text": "\\ud800", "name": "\\ud800"}',
                  "lone UTF-16 surrogate"),
    "nan": ('{"title": NaN, "value": Infinity}', "is not a JSON number"),
}


@pytest.fixture
def admin(make_user, graph) -> dict[str, str]:
    make_user("admin@customs.example", role="admin")
    return {"Authorization": "Bearer " + issue_token(graph, "admin@customs.example")}


def _operations(client, headers) -> list[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json", headers=headers).get_json()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch") and "requestBody" in operation:
                found.append((method.upper(), "/api/v1" + re.sub(r"\{[^}]+\}", "X-1", path)))
    return found


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_every_json_operation_refuses_a_hostile_body_with_400_and_its_reason(client, admin,
                                                                             kind):
    body, reason = HOSTILE[kind]
    operations = _operations(client, admin)
    assert len(operations) >= 20, operations
    wrong = []
    for method, path in operations:
        response = client.open(path, method=method, data=body, headers=admin,
                               content_type="application/json")
        detail = (response.get_json(silent=True) or {}).get("detail") or ""
        if response.status_code != 400 or reason not in str(detail):
            wrong.append((method, path, response.status_code, str(detail)[:80]))
    assert wrong == []


def test_query_integers_past_what_the_database_takes_answer_400(client, admin):
    response = client.get("/api/v1/reports", query_string={"skip": str(2**64)}, headers=admin)
    assert response.status_code == 400
    assert "skip must be at most" in response.get_json()["detail"]["message"]
    assert client.get("/api/v1/reports?skip=10", headers=admin).status_code == 200


def test_the_app_never_sends_nan(app):
    with app.app_context(), pytest.raises(ValueError):
        app.json.dumps({"score": float("nan")})


def test_overflowing_item_values_are_refused_not_scored_green(client, admin):
    declaration = {
        "kind": "declaration", "id": "DEC-HUGE", "date": "2025-04-01", "origin": "CN",
        "importer": "BG123", "destination": "BG",
        "items": [{"hs": "847130", "quantity": 1e308, "weight_kg": 1e308, "value": 1e308,
                   "value_cif": 1e308}, {"hs": "847130", "value": 1e308, "quantity": 1e308}],
    }
    response = client.post("/api/v1/declarations/score", json=declaration, headers=admin)
    text = response.get_data(as_text=True)
    assert "NaN" not in text and "Infinity" not in text
    assert response.status_code == 422, text
    json.loads(text)
    assert "items[1].value" in text and "at most" in text
    ok = {**declaration, "items": [{"hs": "847130", "quantity": 10, "value": 1000.0}]}
    assert client.post("/api/v1/declarations/score", json=ok, headers=admin).status_code == 200


def test_patch_with_a_bad_status_writes_nothing(client, make_user, graph):
    make_user("analyst@customs.example", role="analyst")
    admin = {"Authorization": "Bearer " + issue_token(graph, "analyst@customs.example")}
    created = client.post("/api/v1/cases", json={"title": "Partial write"}, headers=admin)
    assert created.status_code == 201, created.get_json()
    case_id = created.get_json()["id"]
    response = client.patch(f"/api/v1/cases/{case_id}",
                            json={"kind": "investigation", "status": "bogus"}, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["detail"]["field"] == "status"
    case = client.get(f"/api/v1/cases/{case_id}", headers=admin).get_json()
    assert case["kind"] == "rfi" and case["status"] == "open"
    events = graph.query("MATCH (a:AuditEvent {action: 'case.convert'}) RETURN count(a) AS n")
    assert events[0]["n"] == 0
    both = client.patch(f"/api/v1/cases/{case_id}",
                        json={"kind": "investigation", "status": "suspended"}, headers=admin)
    assert both.status_code == 200, both.get_json()
    assert both.get_json()["kind"] == "investigation" and both.get_json()["status"] == "suspended"
