"""The declaration page: what a declaration says, who its parties are, how it scores and
what intelligence names them."""

from flask import Blueprint

bp = Blueprint("declarations", __name__)

from app.declarations import routes  # noqa: E402, F401
