"""The start-up warm-up runs every hot read it names against the real database, on an
empty graph and on one with a ranked trader (entity page, explorer and scoring then run
on that trader), and shows nothing: it only reads."""

from app.warmup import warm_up

TRADER = """
CREATE (t:Entity:Trader {id: 'trader:BG1', ref: 'BG1', name: 'Orion Freight Ltd',
                         label: 'ORG', status: 'confirmed', risk_score: 0.7,
                         risk_exposure: 0.1, risk_reasons_json: '[]'})
CREATE (d:Declaration {id: 'DEC-1', date: '2025-03-12', flow: 'import'})-[:IMPORTED_BY]->(t)
"""
COUNT = "MATCH (n) RETURN count(n) AS nodes"


def test_warm_up_runs_every_step_and_writes_nothing(app, graph):
    steps = ["search", "reports", "traders", "entity page", "explorer", "scoring"]
    empty = warm_up(app)
    assert list(empty) == steps
    assert all(outcome == "ok" for outcome in empty.values()), empty

    graph.query(TRADER, write=True)
    before = graph.query(COUNT)[0]["nodes"]
    outcome = warm_up(app)
    assert outcome == dict.fromkeys(steps, "ok")
    assert graph.query(COUNT)[0]["nodes"] == before
