from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item

bp = Blueprint("main", __name__)
nav_item("main.dashboard", _l("Dashboard"), order=0)

from app.main import routes  # noqa: E402, F401
