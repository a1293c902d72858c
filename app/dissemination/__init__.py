"""Dissemination of evaluated reports, sanitised copies and recipients' feedback."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item

bp = Blueprint("dissemination", __name__)
nav_item("dissemination.log", _l("Dissemination"), order=35)

from app.dissemination import routes  # noqa: E402, F401
