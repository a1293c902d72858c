"""Hotline pages: thin views over app.hotline.service."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.evidence.routes import evidence, uploads
from app.hotline import bp, service
from app.hotline.forms import AddInformationForm, FollowUpForm, ReplyForm, TipForm
from app.hotline.service import TipAccessDenied, TipError
from graph.db import get_graph
from graph.errors import Forbidden, NotFound

GENERIC_DENIAL = _l("That reference and code do not match a tip. Check both and try again.")


def _limited(name: str):
    """The 429 page when this client went over the limit, else None."""
    retry = current_app.extensions["hotline_limits"][name].hit(g.hotline_client)
    if retry is None:
        return None
    response = current_app.make_response(
        (render_template("hotline/too_many.html", minutes=max(1, round(retry / 60))), 429)
    )
    response.headers["Retry-After"] = str(int(retry))
    return response


def _field_error(form, exc: TipError) -> None:
    field = getattr(form, exc.field, None) or form.details
    field.errors = [*field.errors, str(exc)]


@bp.route("", methods=["GET", "POST"])
def tip():
    form = TipForm()
    if request.method == "POST" and (limited := _limited("tip")):
        return limited
    if form.validate_on_submit():
        try:
            receipt = service.submit_tip(
                get_graph(),
                what=form.what.data or "",
                where=form.where.data or "",
                when=form.when.data or "",
                who=form.who.data or "",
                details=form.details.data or "",
                contact=form.contact.data or "",
                uploads=uploads(),
                evidence=evidence(),
            )
        except TipError as exc:
            _field_error(form, exc)
        else:
            return render_template("hotline/received.html", receipt=receipt)
    status = 400 if form.errors else 200
    return render_template("hotline/tip.html", form=form), status


def _thread_page(reference: str, code: str, add_form: AddInformationForm | None = None):
    messages = service.thread(get_graph(), reference, code)
    add_form = add_form or AddInformationForm(formdata=None, reference=reference, code=code)
    return render_template(
        "hotline/thread.html", messages=messages, reference=reference, form=add_form
    )


@bp.route("/follow-up", methods=["GET", "POST"])
def follow_up():
    form = FollowUpForm()
    if request.method == "POST" and (limited := _limited("followup")):
        return limited
    if form.validate_on_submit():
        try:
            reference = service.normalise_reference(form.reference.data) or form.reference.data
            return _thread_page(reference, form.code.data)
        except TipAccessDenied:
            form.code.errors = [str(GENERIC_DENIAL)]
    status = 400 if form.errors else 200
    return render_template("hotline/follow_up.html", form=form), status


@bp.post("/follow-up/add")
def add_information():
    form = AddInformationForm()
    if limited := _limited("followup"):
        return limited
    denied = render_template("hotline/follow_up.html", form=FollowUpForm(formdata=None))
    if not form.reference.data or not form.code.data:
        flash(str(GENERIC_DENIAL), "error")
        return denied, 400
    try:
        if form.validate_on_submit():
            service.add_information(
                get_graph(), form.reference.data, form.code.data, form.text.data,
                uploads=uploads(), evidence=evidence(),
            )
            flash(_("Thank you. Your information was added to your tip."), "success")
            return _thread_page(form.reference.data, form.code.data)
        return _thread_page(form.reference.data, form.code.data, form), 400
    except TipError as exc:
        target = form.files if exc.field == "files" else form.text
        target.errors = [*target.errors, str(exc)]
        return _thread_page(form.reference.data, form.code.data, form), 400
    except TipAccessDenied:
        flash(str(GENERIC_DENIAL), "error")
        return denied, 400


@bp.get("/tips")
@login_required
def tips():
    return render_template("hotline/tips.html", tips=service.tips_for(get_graph(), current_user))


@bp.route("/tips/<report_id>", methods=["GET"])
@login_required
def tip_detail(report_id: str):
    try:
        tip_row = service.tip_for(get_graph(), current_user, report_id)
    except NotFound:
        abort(404)
    return render_template("hotline/tip_detail.html", tip=tip_row, form=ReplyForm())


@bp.post("/tips/<report_id>/reply")
@login_required
def reply(report_id: str):
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            service.reply(get_graph(), current_user, report_id, form.text.data)
        except NotFound:
            abort(404)
        except Forbidden as exc:
            abort(403, str(exc))
        except TipError as exc:
            form.text.errors = [*form.text.errors, str(exc)]
        else:
            flash(_("Reply sent. The tipster sees it with their reference and code."), "success")
            return redirect(url_for("hotline.tip_detail", report_id=report_id))
    try:
        tip_row = service.tip_for(get_graph(), current_user, report_id)
    except NotFound:
        abort(404)
    return render_template("hotline/tip_detail.html", tip=tip_row, form=form), 400
