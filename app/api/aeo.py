"""AEO monitoring over the API: acknowledging a trader's network exposure, like the page
(the new exposure becomes the baseline, so the alert clears until it rises again)."""

from __future__ import annotations

from flask import jsonify

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, operation
from app.api.risk import allowed
from app.errors import error_response
from app.risk import rankings
from graph import policy
from graph.db import get_graph
from graph.errors import NotFound


class Acknowledged(Answer):
    ref: str
    acknowledged_by: str


@bp.post("/risk/aeo/<ref>/acknowledge")
@token_required
@allowed(policy.READ_AEO)
@operation("Acknowledge an AEO trader's network exposure (new baseline)", answer=Acknowledged,
           errors=(401, 403, 404))
def api_acknowledge_aeo(ref: str):
    try:
        rankings.acknowledge_aeo(get_graph(), ref, api_user().email)
    except NotFound:
        return error_response(404, "Not found", f"No AEO trader {ref}.")
    return jsonify({"ref": ref, "acknowledged_by": api_user().email})
