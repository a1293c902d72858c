"""The declaration page: what a declaration says, who its parties are, how it scores and
what intelligence names them."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item

bp = Blueprint("declarations", __name__)

nav_item("declarations.search", _l("Find a declaration"), order=59)

from app.declarations import routes  # noqa: E402, F401
