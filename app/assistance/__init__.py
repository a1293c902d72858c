"""Mutual administrative assistance requests: the register of the international
cooperation desk (requests sent to and received from partner administrations), their
replies, reminders before and after the deadline, and their travel in exchange packages."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from graph import policy

bp = Blueprint("assistance", __name__, cli_group="assistance")

nav_item("assistance.index", _l("Mutual assistance"), roles=policy.ASSISTANCE_DESK, order=37)

from app.assistance import cli, routes  # noqa: E402, F401
