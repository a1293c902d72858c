"""Entity pages, the search box and the network explorer (session-authenticated)."""

from flask import Blueprint

from app.navigation import nav_item

bp = Blueprint("entities", __name__)
nav_item("entities.search", "Search", order=20)
nav_item("entities.explorer", "Network explorer", order=21)

from app.entities import routes  # noqa: E402, F401
