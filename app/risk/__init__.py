"""Risk targeting: score declarations, committee profiles and thresholds, feedback, rankings.

Also wires the risk aggregates to the import: each batch of declarations and controls
updates them inside its own write transaction (graph.exchange batch listeners).
"""

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from app.risk.permissions import EXAMINE_ROLES, READ_ROLES
from graph.controls import record_selections_from_controls
from graph.riskstats import record_controls, record_declarations
from graph.traderscores import TraderScoreRepository

bp = Blueprint("risk", __name__, cli_group="risk")

nav_item("risk.score", _l("Score a declaration"), order=60)
nav_item("risk.traders", _l("High-risk traders"), roles=READ_ROLES, order=61)
nav_item("risk.commodities", _l("High-risk commodities"), roles=READ_ROLES, order=62)
nav_item("risk.profiles", _l("Risk profiles"), roles=READ_ROLES, order=63)
nav_item("risk.thresholds", _l("Selectivity thresholds"), roles=READ_ROLES, order=64)
nav_item("risk.effectiveness", _l("Targeting effectiveness"), roles=READ_ROLES, order=65)
nav_item("risk.aeo", _l("AEO monitoring"), roles=READ_ROLES, order=66)
nav_item("risk.control", _l("Record a control result"), roles=EXAMINE_ROLES, order=67)


def on_control_batch(tx: Any, rows: list[dict[str, Any]]) -> None:
    """Selection record (lane, random) for controls without one, the aggregates; the
    controlled declarations' parties are marked for rescoring when the import ends."""
    record_selections_from_controls(tx, rows)
    record_controls(tx, rows)
    TraderScoreRepository.mark_stale(tx, declarations=[r.get("declaration") for r in rows])


def on_declaration_batch(tx: Any, rows: list[dict[str, Any]]) -> None:
    """Aggregates; the batch's parties (new traders too) are marked for rescoring."""
    from risk.scoring import PARTY_ROLES

    record_declarations(tx, rows)
    TraderScoreRepository.mark_stale(tx, refs=[r.get(role) for r in rows for role in PARTY_ROLES])


def on_import_finished(graph: Any) -> None:
    """Stored trader scores follow the import: once per trader, not once per batch."""
    from app.risk.rankings import rescore_stale_traders

    rescore_stale_traders(graph)


def _register_listeners() -> None:
    try:
        from graph.exchange.listeners import register_batch_listener, register_finish_listener
    except ImportError:  # the import is optional for the risk engine
        return
    register_batch_listener("declaration", on_declaration_batch)
    register_batch_listener("control", on_control_batch)
    register_finish_listener(on_import_finished)


_register_listeners()

from app.risk import cli, routes  # noqa: E402, F401
