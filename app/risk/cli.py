"""``flask risk ...``: train the model, rebuild aggregates, print rankings.

Scheduled retraining: ``flask risk train --if-due`` retrains only when at least
``retrain_after`` (default 500) controls arrived since the last model; run it from cron,
e.g. ``*/30 * * * * cd /opt/cordon && .venv/bin/flask risk train --if-due``.
"""

from __future__ import annotations

import json

import click

from app.audit import audit
from app.risk import bp, rankings, service, training
from graph.db import get_graph
from graph.riskstats import rebuild
from risk.training import MODEL_KINDS


@bp.cli.command("train")
@click.option("--if-due", is_flag=True, help="Only when enough new controls arrived.")
@click.option("--l2", type=float, default=1.0, show_default=True)
@click.option("--model", "kind", type=click.Choice(MODEL_KINDS), default="auto",
              show_default=True,
              help="auto keeps whichever of logistic and boosted ranks later controls better.")
def train(if_due: bool, l2: float, kind: str) -> None:
    """Learn from the controls in the graph and activate the model."""
    graph = get_graph()
    if if_due and not training.retrain_due(graph):
        click.echo("no retraining due")
        return
    try:
        result = training.train_from_graph(graph, by="cli", l2=l2, kind=kind)
    except service.RiskError as exc:
        raise click.ClickException(str(exc)) from None
    audit("risk.train", result["version"], {"metrics": result["metrics"]})
    report_training(result)


def report_training(result: dict) -> None:
    """The new model and how it did on the controls held out from its check fit."""
    click.echo(f"risk model {result['version']} ({result['metrics'].get('kind', 'logistic')}) "
               f"trained on {result['metrics']['controls']} controls and activated")
    for row in result["metrics"].get("holdout", []):
        click.echo(f"  holdout precision@{row['rate']:.0%}: {row['precision']:.1%} "
                   f"(random {row['random_precision']:.1%})")


@bp.cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute all risk aggregates from the declarations and controls in the graph."""
    counts = rebuild(get_graph())
    audit("risk.rebuild", "aggregates", counts)
    click.echo(json.dumps(counts))


@bp.cli.command("traders")
@click.option("--limit", type=int, default=20)
def traders(limit: int) -> None:
    """Print the highest-risk traders with their reasons."""
    for row in rankings.high_risk_traders(get_graph(), limit):
        click.echo(f"{row['score']:.3f} {row['id']} {row['reasons'][0]['detail']}")
