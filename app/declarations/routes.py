"""``/declarations/<id>``: thin over graph.declarations and the risk scoring service."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from app.declarations import bp
from app.risk import service as risk
from graph.access import viewer_param
from graph.db import get_graph
from graph.declarations import DeclarationRepository
from graph.errors import NotFound

PARTY_ROLES = {
    "IMPORTED_BY": "importer",
    "EXPORTED_BY": "exporter",
    "DECLARED_BY": "declarant",
    "SHIPPED_IN": "container",
    "CARRIED_BY": "vessel",
    "TRANSPORTED_BY": "vehicle",
}


@bp.get("/declarations/<path:declaration_id>")
def detail(declaration_id: str):
    graph = get_graph()
    try:
        page = DeclarationRepository(graph).page(declaration_id, viewer_param(current_user))
    except NotFound:
        abort(404, "No such declaration.")
    score = None
    if page["declaration"].get("status") != "referenced":  # a control named it, no line yet
        score = risk.score_stored_declaration(graph, declaration_id,
                                              viewer_param(current_user))
    return render_template("declarations/detail.html", roles=PARTY_ROLES, score=score, **page)
