"""Risk targeting: score declarations, committee profiles and thresholds, feedback, rankings.

An import keeps the risk aggregates and stored trader scores in step through the import
use case (app/exchange/load.py), once per file.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from graph import policy

bp = Blueprint("risk", __name__, cli_group="risk")

nav_item("risk.score", _l("Score a declaration"), order=60)
nav_item("risk.traders", _l("High-risk traders"), roles=policy.READ_RISK, order=61)
nav_item("risk.commodities", _l("High-risk commodities"), roles=policy.READ_RISK, order=62)
nav_item("risk.profiles", _l("Risk profiles"), roles=policy.READ_RISK, order=63)
nav_item("risk.thresholds", _l("Selectivity thresholds"), roles=policy.READ_RISK, order=64)
nav_item("risk.effectiveness", _l("Targeting effectiveness"), roles=policy.READ_RISK, order=65)
nav_item("risk.aeo", _l("AEO monitoring"), roles=policy.READ_RISK, order=66)
nav_item("risk.control", _l("Record a control result"), roles=policy.EXAMINE_DECLARATIONS, order=67)

from app.risk import cli, routes  # noqa: E402, F401
