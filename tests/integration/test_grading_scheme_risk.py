"""The one grading scheme in force decides what a report's grades weigh in the risk score:
under UK 3x5x2 a "1A" report (reliable source, known first hand) is strong intelligence, a
"3E" one (unreliable, suspected false) is not, as an Admiralty "A1" and "E5" would be."""

from __future__ import annotations

import json

from app.accounts.service import issue_token

TRADERS = [
    {"kind": "trader", "id": "BG4101", "name": "Morava Cargo EOOD", "country": "BG"},
    {"kind": "trader", "id": "BG4102", "name": "Struma Freight EOOD", "country": "BG"},
]


def report(rid: str, trader: str, source: str, info: str) -> dict:
    return {"kind": "report", "id": rid, "channel": "liaison", "received": "2025-03-20",
            "source_grade": source, "info_grade": info, "unit": "HQ",
            "text": f"{trader} expects cigarettes hidden in furniture next week."}


def declaration(did: str, importer: str) -> dict:
    return {"kind": "declaration", "id": did, "date": "2025-03-25", "origin": "TR",
            "importer": importer, "items": [{"hs": "940360", "value": 5000.0}]}


def test_report_grades_weigh_what_the_configured_scheme_says(app, runner, client, graph,
                                                              make_user, tmp_path):
    app.config["GRADING_SCHEME"] = "uk3x5x2"
    path = tmp_path / "uk.jsonl"
    lines = [*TRADERS, report("R-UK-1", "Morava Cargo EOOD", "1", "A"),
             report("R-UK-2", "Struma Freight EOOD", "3", "E")]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    imported = runner.invoke(args=["import", str(path), "--no-train"])
    assert imported.exit_code == 0, imported.output
    schemes = graph.query("MATCH (r:Report) RETURN collect(DISTINCT r.grading_scheme) AS s")
    assert schemes == [{"s": ["uk3x5x2"]}]

    make_user("analyst@customs.example", role="analyst")
    headers = {"Authorization": "Bearer " + issue_token(graph, "analyst@customs.example")}

    def intelligence(did: str, importer: str) -> dict:
        response = client.post("/api/v1/declarations/score", headers=headers,
                               json=declaration(did, importer))
        assert response.status_code == 200, response.get_json()
        return next(r for r in response.get_json()["reasons"]
                    if r["indicator"] == "intelligence")

    strong, weak = intelligence("DEC-UK-1", "BG4101"), intelligence("DEC-UK-2", "BG4102")
    assert "R-UK-1 (1A" in strong["detail"] and "R-UK-2 (3E" in weak["detail"]
    assert strong["contribution"] > weak["contribution"]


def test_source_regrade_suggestions_speak_the_configured_scheme(app, runner, client, graph,
                                                               make_user, tmp_path):
    """Five reports of one source name a trader whose import was then found positive: the
    suggestion is in 3x5x2 grades (an unjudged source stays "2", untested), not Admiralty."""
    app.config["GRADING_SCHEME"] = "uk3x5x2"
    reports = [{**report(f"R-KX-{i}", "Morava Cargo EOOD", "", "B"), "channel": "informant",
                "source": "KX-9", "received": f"2025-03-0{i}"} for i in range(1, 6)]
    lines = [*TRADERS, *reports, {**declaration("DEC-KX-1", "BG4101"), "date": "2025-03-10"},
             {"kind": "control", "declaration": "DEC-KX-1", "date": "2025-03-11",
              "lane": "red", "result": "positive"}]
    path = tmp_path / "kx.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    imported = runner.invoke(args=["import", str(path), "--no-train"])
    assert imported.exit_code == 0, imported.output
    make_user("handler@customs.example", role="handler")
    headers = {"Authorization": "Bearer " + issue_token(graph, "handler@customs.example")}
    response = client.get("/api/v1/risk/sources/regrade", headers=headers)
    assert response.status_code == 200, response.get_json()
    [suggestion] = response.get_json()["suggestions"]
    assert suggestion["tested"] == 5 and suggestion["confirmed"] == 5
    assert suggestion["current"] == suggestion["suggested"] == "2"
