from flask import Blueprint

from app.navigation import nav_item

bp = Blueprint("main", __name__)
nav_item("main.dashboard", "Dashboard", order=0)

from app.main import routes  # noqa: E402, F401
