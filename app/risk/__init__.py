"""Risk targeting: score declarations, committee profiles and thresholds, feedback, rankings.

An import keeps the risk aggregates and stored trader scores in step through the import
use case (app/exchange/load.py), once per file.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item

bp = Blueprint("risk", __name__, cli_group="risk")

READERS = {"admin", "analyst", "investigator", "auditor", "committee"}
EXAMINERS = {"admin", "analyst", "investigator", "auditor", "committee", "liaison"}

nav_item("risk.score", _l("Score a declaration"), order=60)
nav_item("risk.traders", _l("High-risk traders"), roles=READERS, order=61)
nav_item("risk.commodities", _l("High-risk commodities"), roles=READERS, order=62)
nav_item("risk.profiles", _l("Risk profiles"), roles=READERS, order=63)
nav_item("risk.thresholds", _l("Selectivity thresholds"), roles=READERS, order=64)
nav_item("risk.effectiveness", _l("Targeting effectiveness"), roles=READERS, order=65)
nav_item("risk.aeo", _l("AEO monitoring"), roles=READERS, order=66)
nav_item("risk.control", _l("Record a control result"), roles=EXAMINERS, order=67)

from app.risk import cli, routes  # noqa: E402, F401
