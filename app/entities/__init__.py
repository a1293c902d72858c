"""Entity pages, the search box and the network explorer (session-authenticated)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item

bp = Blueprint("entities", __name__)
nav_item("entities.search", _l("Search"), order=20)
nav_item("entities.explorer", _l("Network explorer"), order=21)

from app.entities import routes  # noqa: E402, F401
