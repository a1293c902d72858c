"""Pages of the mutual assistance register: the list, a new request, a request's page
(reply, files, status, case, package) and their printable forms."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.assistance import bp, exchange, service
from app.assistance.forms import CaseForm, ReplyForm, RequestForm, StatusForm
from app.evidence.routes import evidence, uploads
from app.evidence.service import EvidenceError
from graph.clock import utc_now
from graph.db import get_graph
from graph.errors import NotFound

# Pages every desk officer opens; a request's own page is open to whoever may see it
# (a linked case's members included), its changes to desk officers only.
DESK_ENDPOINTS = {"assistance.index", "assistance.new", "assistance.register_print"}


@bp.before_request
def require_desk_role():
    if request.endpoint in DESK_ENDPOINTS and not service.is_desk_officer(current_user):
        abort(403)


@bp.context_processor
def words() -> dict:
    return {"statuses": service.STATUS_TITLES, "directions": service.DIRECTION_TITLES}


def _filters() -> dict[str, str | None]:
    return {k: request.args.get(k) or None for k in ("direction", "status", "partner")}


def _listing(limit: int):
    try:
        return service.listing(get_graph(), current_user, **_filters(),
                               after=request.args.get("after") or None, limit=limit)
    except service.AssistanceError as exc:
        flash(str(exc), "error")
        return {"requests": [], "next": None, "refused": True}


@bp.get("/assistance/")
def index():
    page = _listing(service.PAGE)
    return render_template("assistance/list.html", page=page, filters=_filters(),
                           partners=service.partners(get_graph())), (
        400 if page.get("refused") else 200)


@bp.get("/assistance/print")
def register_print():
    page = _listing(service.PRINT_LIMIT)
    return render_template("assistance/register_print.html", page=page, filters=_filters(),
                           generated_at=utc_now())


@bp.route("/assistance/new", methods=["GET", "POST"])
def new():
    graph = get_graph()
    form = RequestForm()
    form.partner.choices = [SelectChoice(p["id"], f"{p['name']} ({p['country']})")
                            for p in service.partners(graph)]
    if form.validate_on_submit():
        try:
            request_id = service.create(graph, current_user, form.data)
        except service.AssistanceError as exc:
            field = getattr(form, exc.field, None) or form.questions
            field.errors = [*field.errors, str(exc)]
        else:
            flash(_("Request saved."), "success")
            return redirect(url_for("assistance.detail", request_id=request_id))
    status = 400 if form.errors else 200
    return render_template("assistance/new.html", form=form), status


def _read(request_id: str, via: str = "page") -> dict:
    try:
        return service.read(get_graph(), current_user, request_id, via=via)
    except NotFound:
        abort(404)


@bp.get("/assistance/<request_id>")
def detail(request_id: str):
    row = _read(request_id)
    status_form = StatusForm()
    status_form.status.choices = [
        SelectChoice(s, service.STATUS_TITLES[s]) for s, sources in service.MOVES.items()
        if row["status"] in sources and (s != "sent" or row["direction"] == "outgoing")]
    reply_form = ReplyForm(reply=row.get("reply_text") or "")
    return render_template("assistance/detail.html", r=row, status_form=status_form,
                           reply_form=reply_form, case_form=CaseForm(),
                           may_act=service.is_desk_officer(current_user))


@bp.get("/assistance/<request_id>/print")
def request_print(request_id: str):
    return render_template("assistance/request_print.html", r=_read(request_id, "print"),
                           generated_at=utc_now())


def _back(request_id: str):
    return redirect(url_for("assistance.detail", request_id=request_id))


def _acted(request_id: str, action, success: str):
    try:
        action()
    except NotFound:
        abort(404)
    except service.AssistanceError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc), "error")
    else:
        flash(success, "success")
    return _back(request_id)


@bp.post("/assistance/<request_id>/status")
def change_status(request_id: str):
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return _back(request_id)
    return _acted(request_id, lambda: service.change_status(
        get_graph(), current_user, request_id, request.form.get("status")),
        _("Status changed."))


@bp.post("/assistance/<request_id>/case")
def link_case(request_id: str):
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return _back(request_id)
    return _acted(request_id, lambda: service.link_case(
        get_graph(), current_user, request_id, request.form.get("case")), _("Case linked."))


@bp.post("/assistance/<request_id>/reply")
def reply(request_id: str):
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return _back(request_id)
    if not service.is_desk_officer(current_user):
        abort(403)
    store = evidence()
    try:
        files = store.prepare(uploads(), by=current_user.email)
    except EvidenceError as exc:
        flash(str(exc), "error")
        return _back(request_id)
    return _acted(request_id, lambda: store.saved(files, lambda: service.reply(
        get_graph(), current_user, request_id, request.form.get("reply"), files)),
        _("Reply saved."))


@bp.post("/assistance/<request_id>/package")
def package(request_id: str):
    """Download the package for the partner: the request (outgoing) or our reply."""
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return _back(request_id)
    graph = get_graph()
    row = _read(request_id, "package")
    build = (exchange.build_request_package if row["direction"] == "outgoing"
             else exchange.build_reply_package)
    try:
        sent = build(graph, current_user, current_app.config, request_id)
    except service.AssistanceError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc), "error")
        return _back(request_id)
    return Response(sent["data"], mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{sent["filename"]}"'})
