"""Evidence files: downloads and thumbnails; attaching lives with each record's pages."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from app.evidence import routes  # noqa: E402, F401
