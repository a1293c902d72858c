"""Training the targeting model on the controls in the graph.

The graph's side of :mod:`risk.training`: the register (traders, reports naming them,
network paths) and the history of declarations and controls are read, replayed in date
order by :func:`risk.replay.replay_history` (the same replay the evaluation runs on a
file: each controlled declaration described with what was known before it), fitted with
a time-split evaluation, stored, activated, and every trader ranked with the new model
from the register already read (its network is the costly read: it is made once).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.exchange.load import Clock
from app.risk.rankings import read_register, rescore_all_traders
from app.risk.service import RiskError
from graph.connection import Graph
from graph.riskmodels import RiskModelRepository
from graph.riskparties import PartyRepository, Register
from graph.riskstats import stream_history
from graph.traderscores import TraderScoreRepository
from risk.ranking import ranking_model
from risk.replay import Entry, RegisterState, Row, replay_history
from risk.scoring import container_of, settings_of
from risk.training import MODEL_KINDS, fit_and_evaluate


def training_rows(graph: Graph, register: Register) -> list[Row]:
    """Indicator rows for every controlled declaration, each as of its own date."""
    history = list(stream_history(graph))
    mentions = dict(register.mentions)
    containers = sorted({c for e in history if (c := container_of(e.declaration))})
    for i in range(0, len(containers), 2000):
        mentions.update(graph.read(
            lambda tx, c=containers[i : i + 2000]: PartyRepository.mentions(tx, [], c)))
    state = RegisterState(register.traders, mentions, register.links)
    return replay_history((Entry(e.declaration, e.controls) for e in history), state)


def train_from_graph(graph: Graph, by: str = "system", holdout: float = 0.3,
                     l2: float = 1.0, kind: str = "auto") -> dict[str, Any]:
    """Learn from the controls in the graph; store and activate the model. ``kind``:
    ``auto`` fits the logistic and the boosted model on the earlier controls and keeps the
    one with the better precision at 5 % on the later ones (ties: logistic, the simpler).
    ``seconds``: what each step took (the bench reports them)."""
    if kind not in MODEL_KINDS:
        raise RiskError(f"model kind: one of {', '.join(MODEL_KINDS)}")
    clock = Clock({})
    register = read_register(graph, TraderScoreRepository(graph).all_traders())
    clock.lap("register")
    rows = training_rows(graph, register)
    clock.lap("replay")
    positive = sum(1 for r in rows if r.positive)
    if len(rows) < 20 or positive < 2 or positive == len(rows):
        raise RiskError(_("training needs at least 20 controls with both outcomes; the graph has "
                          "%(length)s controlled declarations, %(value)s positive",
                          length=len(rows), value=positive))
    model, metrics = fit_and_evaluate(rows, holdout, l2, kind)
    linear = ranking_model(model)
    repo = RiskModelRepository(graph)
    version = repo.save_model(model.version, model.to_json(), model.trained, model.n_train,
                              model.n_positive, metrics, by, repo.count_controls())
    clock.lap("fit")
    rescore_all_traders(graph, register)
    clock.lap("ranking")
    return {"version": version, "metrics": metrics, "seconds": clock.seconds,
            "coefficients": dict(zip(linear.features, linear.coef, strict=True))}


def retrain_due(graph: Graph) -> bool:
    settings = settings_of(RiskModelRepository(graph).settings())
    return not settings.get("model_version") or \
        int(settings.get("controls_since_model") or 0) >= int(settings["retrain_after"])


def list_models(graph: Graph, limit: int = 10) -> list[dict[str, Any]]:
    return RiskModelRepository(graph).models(limit)
