from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item

bp = Blueprint("sources", __name__)
nav_item("sources.index", _l("Sources"), roles={"handler", "analyst", "admin"}, order=12)

from app.sources import routes  # noqa: E402, F401
