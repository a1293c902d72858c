"""Acknowledging an AEO trader's exposure through the API sets the page's baseline, is
audited, and is refused to roles that may not read risk (403) and unknown traders (404)."""

from tests.factories import trader


def test_acknowledge_aeo_over_the_api(client, graph, make, make_user):
    from app.accounts.service import issue_token

    make.import_lines(trader("BG111", "Safe Trading", aeo=True),
                      trader("BG222", "Plain Trading", aeo=False))
    make_user("analyst@customs.example", role="analyst")
    make_user("handler@customs.example", role="handler")
    analyst = {"Authorization": "Bearer " + issue_token(graph, "analyst@customs.example")}
    handler = {"Authorization": "Bearer " + issue_token(graph, "handler@customs.example")}

    before = client.get("/api/v1/risk/aeo", headers=analyst).json["traders"]
    assert [(t["ref"], t["since"]) for t in before] == [("BG111", None)]

    assert client.post("/api/v1/risk/aeo/BG111/acknowledge", headers=handler).status_code == 403
    assert client.post("/api/v1/risk/aeo/BG222/acknowledge", headers=analyst).status_code == 404
    assert client.post("/api/v1/risk/aeo/BG111/acknowledge").status_code == 401
    assert not graph.query("MATCH (w:RiskAeoWatch) RETURN w")

    done = client.post("/api/v1/risk/aeo/BG111/acknowledge", headers=analyst)
    assert done.status_code == 200, done.json
    assert done.json == {"ref": "BG111", "acknowledged_by": "analyst@customs.example"}
    after = client.get("/api/v1/risk/aeo", headers=analyst).json["traders"]
    assert after[0]["since"] and after[0]["alert"] is False
    watch = graph.query("MATCH (w:RiskAeoWatch {trader: 'BG111'}) RETURN w.by AS by")
    assert watch == [{"by": "analyst@customs.example"}]
    events = graph.query(
        "MATCH (a:AuditEvent {action: 'risk.aeo.acknowledge'}) RETURN a.target AS t, a.actor AS a"
    )
    assert events == [{"t": "BG111", "a": "analyst@customs.example"}]
