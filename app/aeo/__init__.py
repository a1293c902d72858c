"""AEO status history (granted, suspended, revoked, with dates and level) of a trader;
opened from the AEO monitoring page, the trader rankings and the drift alerts."""

from flask import Blueprint

bp = Blueprint("aeo", __name__)

from app.aeo import routes  # noqa: E402, F401
