"""Training ranks every trader from the register it read for the replay (one network read,
not two): after `flask risk train` each trader's stored score, exposure and reasons are
the ones it gets ranked alone, with its own read of its reports and network paths (the
path a recorded control takes)."""

from __future__ import annotations

from app.risk import rankings
from app.risk.scoring import active_model
from app.risk.service import current_settings
from bench.generator import write
from graph.db import get_graph
from risk.ranking import ranking_model


def test_training_stores_the_ranking_each_trader_gets_alone(app, runner, make_unit, tmp_path):
    source = tmp_path / "register.jsonl"
    write(source, 3000, seed=7)
    for unit in ("VAR-INT", "SVI-INT", "SOF-INT"):
        make_unit(unit)
    imported = runner.invoke(args=["import", str(source), "--no-train"])
    assert imported.exit_code == 0, imported.output
    trained = runner.invoke(args=["risk", "train"])
    assert trained.exit_code == 0, trained.output

    with app.app_context():
        graph = get_graph()
        stored = rankings.high_risk_traders(graph, limit=100_000)
        model = ranking_model(active_model(graph, current_settings(graph)["model_version"]))
        alone = {r["id"]: graph.read(lambda tx, ref=r["id"]: rankings.rank_traders(
            tx, model, [ref]))[0] for r in stored}
    assert len(stored) > 150  # every trader of the register, and those only referenced
    for row in stored:
        mine = alone[row["id"]]
        assert (row["score"], row["network_exposure"], row["reasons"]) == \
            (mine["score"], mine["network_exposure"], mine["reasons"]), row["id"]
    # the register exercises what the shared read carries: paths to flagged traders, and
    # reports the stored reasons may only count
    assert any(r["network_exposure"] > 0 for r in stored)
    assert any("restricted intelligence" in x["detail"] for r in stored for x in r["reasons"])
