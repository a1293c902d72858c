from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item

bp = Blueprint("cases", __name__)
nav_item("cases.index", _l("Cases"), order=40)
nav_item("cases.my_tasks", _l("My tasks"), order=41, pinned=None)

from app.cases import routes  # noqa: E402, F401
