from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from graph import policy

bp = Blueprint("intake", __name__)
nav_item("intake.index", _l("Reports"), order=10)
nav_item("intake.quick_log", _l("Quick log"), roles=policy.QUICK_LOG, order=11,
         pinned={"liaison"})

from app.intake import routes  # noqa: E402, F401
