"""Findings lead to their evidence: every id a person reads is a link to a page that opens,
reports and tips carry human references, times are local and readable, and no page shows
"None", "??", a Python method or a raw ISO timestamp."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.accounts.service import issue_token
from tests.conftest import csrf_from

REFERENCE = re.compile(r"^R-\d{4}-\d{6}$")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")

TRADER = {"kind": "trader", "id": "NL123456789", "name": "Baltic Star Trading Ltd",
          "country": "NL", "phones": ["+31 10 555 0101"], "registered": "2024-02-11",
          "vat_group": "NL-G7"}
DECLARATION = {
    "kind": "declaration", "id": "DEC-2025-000001", "date": "2025-03-12", "flow": "import",
    "office": "BGSVI001", "importer": "NL123456789", "exporter": "CN9133",
    "origin": "CN", "departure": "CN", "destination": "BG",
    "transport": {"mode": "sea", "container": "MSCU1234565"},
    "items": [{"hs": "8471.30", "description": "laptops", "quantity": 400, "unit": "pcs",
               "weight_kg": 800.0, "value": 12000.0, "currency": "EUR"}],
    "procedure": "4000",
}
CONTROL = {"kind": "control", "declaration": "DEC-2025-000001", "date": "2025-03-13",
           "lane": "red", "result": "positive", "finding": "undervaluation",
           "revenue": 4100.0,
           "seized": [{"hs": "240220", "description": "cigarettes", "quantity": 100000,
                       "unit": "pcs", "value": 30000.0}]}
TEXT = "BALTIC STAR TRADING LIMITED hides cigarettes in laptop consignments from Ningbo."


def visible_text(html: str) -> str:
    """What a person reads: tags (and their attributes, like <time datetime>) removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_readable(html: str) -> None:
    text = visible_text(html)
    for bad in ("None", "??", "<bound method", "bound method"):
        assert bad not in text, f"{bad!r} shown: …{text[max(0, text.find(bad) - 80):][:160]}…"
    assert not ISO_TIME.search(text), ISO_TIME.search(text).group(0)


def import_lines(runner, tmp_path: Path, lines: list[dict]) -> None:
    path = tmp_path / "register.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output


def api_post(client, token: str, body: dict):
    return client.post("/api/v1/reports", json=body,
                       headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def token(graph, runner, make_user, make_unit, tmp_path) -> str:
    """ana@ (HQ) and south@ (South) analysts, the trader's declaration and its control
    imported; ana's API token."""
    make_unit("South")
    make_user("ana@customs.example", role="analyst")
    make_user("south@customs.example", role="analyst", unit="South")
    import_lines(runner, tmp_path, [TRADER, DECLARATION, CONTROL])
    return issue_token(graph, "ana@customs.example")


def test_report_reference_is_shown_linked_and_opens(app, graph, client, auth, token):
    app.config["CORDON_TIMEZONE"] = "Europe/Sofia"
    created = api_post(client, token, {"channel": "open_source", "handling": "open",
                                       "title": "Baltic Star smuggling",
                                       "received": "2026-03-10T09:00:00Z", "text": TEXT})
    assert created.status_code == 201, created.json
    rid, reference = created.json["id"], created.json["reference"]
    assert REFERENCE.match(reference)
    # A client's own id keeps working; the reference still comes from the counter.
    own = api_post(client, token, {"id": "EXT-77", "channel": "open_source",
                                   "handling": "open", "text": "Baltic Star Trading Ltd."})
    assert own.status_code == 201 and own.json["id"] == "EXT-77"
    assert REFERENCE.match(own.json["reference"]) and own.json["reference"] != reference
    got = client.get(f"/api/v1/reports/{own.json['reference']}",
                     headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200 and got.json["id"] == "EXT-77"
    assert got.json["reference"] == own.json["reference"]
    listed = client.get("/api/v1/reports", headers={"Authorization": f"Bearer {token}"})
    assert {r["reference"] for r in listed.json["reports"]} >= {reference,
                                                                 own.json["reference"]}
    # A report South may not see is never linked from shared pages.
    south = issue_token(graph, "south@customs.example")
    hidden = api_post(client, south, {"channel": "open_source", "handling": "restricted",
                                      "title": "South only", "text": TEXT})
    assert hidden.status_code == 201

    auth.login("ana@customs.example")
    link = f'href="/reports/{rid}"'
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200 and reference in page.text
    assert "10 Mar 2026, 11:00 EET" in page.text  # 09:00 UTC in Sofia
    assert_readable(page.text)
    assert client.get(f"/reports/{reference}").status_code == 200  # numbered: id = reference
    by_reference = client.get(f"/reports/{own.json['reference']}")
    assert by_reference.status_code == 302 and by_reference.location.endswith("/reports/EXT-77")
    ext = client.get(f"/reports/{own.json['reference']}", follow_redirects=True)
    assert ext.status_code == 200 and f"<h1>{own.json['reference']} ·" in ext.text
    assert client.get(f"/reports/{hidden.json['reference']}").status_code == 404
    # every page of the report answers to what people read as to the id its links carry
    ext_ref = own.json["reference"]
    for page_of in ("/dissemination/reports/{}", "/dissemination/reports/{}/feedback",
                    "/reports/{}/edit"):
        by_id = client.get(page_of.format("EXT-77"))
        assert by_id.status_code == 200, page_of
        found = client.get(page_of.format(ext_ref))
        assert found.status_code == 302, page_of
        assert found.location.endswith(page_of.format("EXT-77")), found.location
    assert client.get(f"/dissemination/reports/{hidden.json['reference']}").status_code == 404

    search = client.get("/search?q=Baltic")
    assert search.status_code == 200 and link in search.text and f">{reference}</a>" in search.text
    assert hidden.json["reference"] not in search.text
    assert_readable(search.text)
    assert reference in client.get(f"/search?q={reference}").text

    entity = client.get("/entities/trader:NL123456789")
    assert entity.status_code == 200
    assert link in entity.text and f">{reference}</a>" in entity.text
    assert 'href="/declarations/DEC-2025-000001"' in entity.text
    assert "vat group" in entity.text and "NL-G7" in entity.text  # extra fields, no JSON
    assert "extra_json" not in entity.text and "{&#34;" not in entity.text
    assert hidden.json["reference"] not in entity.text
    assert_readable(entity.text)
    opened = client.get(re.search(r'href="(/reports/[^"]+)"', entity.text).group(1))
    assert opened.status_code == 200


def test_declaration_page_after_import(app, graph, client, auth, token):
    seen = api_post(client, token, {"channel": "open_source", "handling": "open",
                                    "title": "Open word", "text": TEXT}).json
    hidden = api_post(client, issue_token(graph, "south@customs.example"),
                      {"channel": "open_source", "handling": "restricted",
                       "title": "South only", "text": TEXT}).json

    auth.login("ana@customs.example")
    page = client.get("/declarations/DEC-2025-000001")
    assert page.status_code == 200
    html = page.text
    assert 'href="/entities/trader:NL123456789"' in html and "Baltic Star Trading" in html
    assert re.search(r'data-lane="(green|yellow|red)"', html)
    assert 'class="reasons"' in html and '<li data-indicator="' in html  # the score page's reasons
    assert "laptops" in html and "undervaluation" in html and "cigarettes" in html
    assert f'href="/reports/{seen["id"]}"' in html and seen["reference"] in html
    assert hidden["reference"] not in html and "South only" not in html
    assert_readable(html)
    assert client.get("/declarations/NOPE").status_code == 404

    # The explorer gives report and declaration nodes the url of their pages.
    network = client.get("/explorer/api/neighbours?id=trader:NL123456789&depth=1").json
    kinds = {n["kind"]: n for n in network["nodes"]}
    assert kinds["Declaration"]["url"] == "/declarations/DEC-2025-000001"
    report_node = kinds["Report"]
    assert report_node["url"] == f"/reports/{seen['id']}"
    assert report_node["reference"] == seen["reference"]
    for node in network["nodes"]:
        assert client.get(node["url"]).status_code == 200, node

    annual = client.get("/kpi/annual?year=2025")
    assert annual.status_code == 200 and "cigarettes" in annual.text
    assert_readable(annual.text)


def send_tip(client, what: str) -> str:
    """The public form, as a tipster sends it; returns the tipster's own reference."""
    form = client.get("/hotline")
    sent = client.post("/hotline", data={"what": what, "where": "", "when": "", "who": "",
                                         "details": "at the border", "contact": "",
                                         "csrf_token": csrf_from(form.text)})
    assert sent.status_code == 200, sent.text
    return re.search(r'id="tip-reference">([^<]+)<', sent.text).group(1)


def test_tips_get_their_own_series(app, graph, client, auth, make_user):
    make_user("ana@customs.example", role="analyst")
    first = send_tip(client, "Cigarettes in a lorry")
    send_tip(client, "Cash couriers every Friday")
    auth.login("ana@customs.example")
    tips = client.get("/hotline/tips")
    refs = re.findall(r">(T-\d{4}-\d{6})</a>", tips.text)
    assert sorted(int(r[-6:]) for r in refs) == [1, 2]
    # The tipster keeps the random reference they were given (with their code).
    assert first not in tips.text
    api = client.get(f"/api/v1/reports/{refs[0]}",
                     headers={"Authorization": "Bearer " + issue_token(graph,
                                                                        "ana@customs.example")})
    assert api.status_code == 200 and api.json["reference"] == refs[0]
    refs = [{"reference": r} for r in sorted(refs)]

    assert_readable(tips.text)
    tip = client.get(f"/reports/{refs[0]['reference']}", follow_redirects=True)
    assert tip.status_code == 200 and refs[0]["reference"] in tip.text
    assert "ungraded" in client.get("/reports/").text
    assert_readable(client.get("/reports/").text)


def test_migration_numbers_older_records_in_creation_order(app, graph, client, make_user):
    """Records stored before references existed (simulated by taking them away again) get
    theirs from V0017, in creation order, and a second run changes nothing."""
    from graph.migrations import load_migrations

    make_user("ana@customs.example", role="analyst")
    token = issue_token(graph, "ana@customs.example")
    numbered = api_post(client, token, {"channel": "open_source", "handling": "open",
                                        "text": "First."}).json
    own = api_post(client, token, {"id": "EXT-1", "channel": "open_source",
                                   "handling": "open", "text": "Second."}).json
    send_tip(client, "First tip")
    send_tip(client, "Second tip")
    year = numbered["reference"][2:6]
    # What an older version stored: no report references, the tipster's on the tip.
    # Cypher on purpose: it simulates a pre-migration database to test the migration.
    graph.run_schema("DROP CONSTRAINT report_reference_unique IF EXISTS")
    graph.query("MATCH (r:Report) WHERE r.channel <> 'hotline' REMOVE r.reference", write=True)
    graph.query("MATCH (k:TipKey)-[:FOR]->(r:Report) SET r.reference = k.reference",
                write=True)
    graph.query("MATCH (c:TipCounter) DELETE c", write=True)
    graph.query("MATCH (c:ReportCounter) SET c.next = 1", write=True)  # EXT-1 drew none

    migration = next(m for m in load_migrations() if m.name == "report_references")
    for _run in range(2):
        for statement in migration.statements:
            graph.run_schema(statement)
        refs = {r["id"]: r["reference"] for r in graph.query(
            "MATCH (r:Report) RETURN r.id AS id, r.reference AS reference")}
        assert refs[numbered["id"]] == numbered["id"]
        assert refs["EXT-1"] == f"R-{year}-000002"
        tips = sorted(v for k, v in refs.items() if v.startswith("T-"))
        assert tips == [f"T-{year}-000001", f"T-{year}-000002"]
    assert graph.query("SHOW CONSTRAINTS YIELD name WHERE name = 'report_reference_unique' "
                       "RETURN count(*) AS n")[0]["n"] == 1
    assert own["reference"] != numbered["reference"]
