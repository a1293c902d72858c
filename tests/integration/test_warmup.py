"""The start-up warm-up runs every hot read it names against the real database, on an
empty graph and on one with a ranked trader (entity page, explorer and scoring then run
on that trader), and shows nothing: it only reads."""

from app.warmup import warm_up
from tests.factories import control, declaration, trader

COUNT = "MATCH (n) RETURN count(n) AS nodes"


def test_warm_up_runs_every_step_and_writes_nothing(app, graph, make):
    steps = ["dashboard", "report page", "kpi", "search", "reports", "traders", "entity page",
             "explorer", "scoring"]
    empty = warm_up(app)
    assert list(empty) == steps
    assert all(outcome == "ok" for outcome in empty.values()), empty

    make.import_lines(  # a trader with a controlled import: the risk engine ranks it
        trader("BG1", "Orion Freight Ltd"),
        declaration("DEC-1", "2025-03-12", flow="import", importer="BG1"),
        control("DEC-1", "2025-03-13", "positive"),
    )
    ranked = graph.query("MATCH (t:Trader {id: 'trader:BG1'}) RETURN t.risk_score AS score")
    assert ranked[0]["score"] is not None
    before = graph.query(COUNT)[0]["nodes"]
    outcome = warm_up(app)
    assert outcome == dict.fromkeys(steps, "ok")
    assert graph.query(COUNT)[0]["nodes"] == before
