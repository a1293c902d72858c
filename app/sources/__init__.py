from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from graph import policy

bp = Blueprint("sources", __name__)
nav_item("sources.index", _l("Sources"), roles=policy.READ_SOURCES, order=12)

from app.sources import routes  # noqa: E402, F401
