"""``/declarations/``: search, the declaration page and its selection; thin over
graph.declarations and the risk scoring service."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.declarations import bp, service
from app.declarations.forms import DeclarationSearchForm, SelectForm
from app.i18n import lane_name
from app.risk import scoring
from app.risk import service as risk
from graph import policy
from graph.access import viewer_param
from graph.db import get_graph
from graph.errors import NotFound

PARTY_ROLES = {
    "IMPORTED_BY": "importer",
    "EXPORTED_BY": "exporter",
    "DECLARED_BY": "declarant",
    "SHIPPED_IN": "container",
    "CARRIED_BY": "vessel",
    "TRANSPORTED_BY": "vehicle",
}


def _can_examine() -> bool:
    return policy.may(current_user, policy.EXAMINE_DECLARATIONS)


@bp.get("/declarations/")
def search():
    form = DeclarationSearchForm(request.args)
    results = None
    if request.args and form.validate():
        results = scoring.find_declarations(
            get_graph(), viewer_param(current_user), (form.q.data or "").strip() or None,
            (form.trader.data or "").strip() or None,
            form.date_from.data.isoformat() if form.date_from.data else None,
            form.date_to.data.isoformat() if form.date_to.data else None)
    return render_template("declarations/search.html", form=form, results=results)


@bp.get("/declarations/<path:declaration_id>")
def detail(declaration_id: str):
    graph = get_graph()
    try:
        page = service.page(graph, current_user, declaration_id)
    except NotFound:
        abort(404, "No such declaration.")
    score = None
    if page["declaration"].get("status") != "referenced":  # a control named it, no line yet
        score = scoring.score_stored_declaration(graph, declaration_id,
                                              viewer_param(current_user))
    return render_template("declarations/detail.html", roles=PARTY_ROLES, score=score,
                           can_examine=_can_examine(), select_form=SelectForm(), **page)


@bp.post("/declarations/<path:declaration_id>/select")
def select(declaration_id: str):
    """Score the declaration and keep why it was selected (lane, profiles, indicators)."""
    if not _can_examine():
        abort(403)
    if not SelectForm().validate_on_submit():
        abort(400, "The form expired; reload the page.")
    try:
        chosen = risk.record_selection(get_graph(), declaration_id, current_user.email,
                                       viewer_param(current_user))
    except NotFound:
        abort(404, "No such declaration.")
    flash(_("Declaration %(declaration)s selected for the %(lane)s.", declaration=declaration_id,
            lane=lane_name(chosen["lane"])), "success")
    return redirect(url_for("declarations.detail", declaration_id=declaration_id))
