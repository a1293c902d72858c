"""Dissemination pages: thin views over app.dissemination.service."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.dissemination import bp, service
from app.dissemination.forms import ConsentForm, FeedbackForm, RecipientsForm, SanitiseForm
from app.dissemination.service import NotFound, Refused
from graph.db import get_graph


def _with_choices(form: RecipientsForm) -> RecipientsForm:
    choices = service.recipients(get_graph())
    form.units.choices = [SelectChoice(u, u) for u in choices["units"]]
    form.users.choices = [
        SelectChoice(u["id"], f"{u['email']} ({u['unit']})") for u in choices["users"]
    ]
    if isinstance(form, ConsentForm):
        form.partners.choices = [SelectChoice(p["id"], f"{p['name']} ({p['country']})")
                                 for p in choices["partners"]]
    return form


def _page(report_id: str, *, send=None, consent=None, feedback=None, status: int = 200):
    try:
        view = service.report_view(get_graph(), current_user, report_id)
    except NotFound:
        abort(404)
    return render_template(
        "dissemination/report.html",
        **view,
        send_form=send or _with_choices(RecipientsForm(formdata=None)),
        consent_form=consent or _with_choices(ConsentForm(formdata=None, prefix="consent")),
        feedback_form=feedback or FeedbackForm(formdata=None),
    ), status


@bp.get("/")
def log():
    return render_template("dissemination/log.html", **service.log(get_graph(), current_user))


@bp.get("/awaiting-feedback")
def awaiting():
    days = current_app.config["FEEDBACK_DAYS"]
    return render_template("dissemination/awaiting.html", days=days,
                           awaiting=service.awaiting_feedback(get_graph(), current_user, days))


@bp.get("/reports/<path:report_id>")
def report(report_id: str):
    return _page(report_id)


@bp.post("/reports/<path:report_id>/send")
def send(report_id: str):
    form = _with_choices(RecipientsForm())
    if form.validate_on_submit():
        try:
            sent = service.disseminate(
                get_graph(), current_user, report_id, units=form.units.data, users=form.users.data
            )
        except NotFound:
            abort(404)
        except Refused as exc:
            form.units.errors = [*form.units.errors, str(exc)]
        else:
            names = ", ".join(r["name"] for r in sent)
            flash(_("Report disseminated to %(names)s.", names=names), "success")
            return redirect(url_for("dissemination.report", report_id=report_id))
    return _page(report_id, send=form, status=400)


@bp.post("/reports/<path:report_id>/consent")
def consent(report_id: str):
    form = _with_choices(ConsentForm(prefix="consent"))
    if form.validate_on_submit():
        try:
            service.record_consent(
                get_graph(), current_user, report_id, units=form.units.data,
                users=form.users.data, partners=form.partners.data,
            )
        except NotFound:
            abort(404)
        except Refused as exc:
            form.units.errors = [*form.units.errors, str(exc)]
        else:
            flash(_("Consent recorded."), "success")
            return redirect(url_for("dissemination.report", report_id=report_id))
    return _page(report_id, consent=form, status=400)


@bp.route("/reports/<path:report_id>/sanitise", methods=["GET", "POST"])
def sanitise(report_id: str):
    try:
        view = service.report_view(get_graph(), current_user, report_id)
    except NotFound:
        abort(404)
    original = view["report"]
    draft = service.sanitise_draft(get_graph(), original)
    form = SanitiseForm(
        data={
            "title": draft["title"],
            "text": draft["text"],
            "handling": draft["handling"],
        }
    )
    if form.validate_on_submit():
        try:
            copy_id = service.sanitise(
                get_graph(),
                current_user,
                report_id,
                title=form.title.data,
                text=form.text.data,
                handling=form.handling.data,
            )
        except NotFound:
            abort(404)
        except Refused as exc:
            form.text.errors = [*form.text.errors, str(exc)]
        else:
            flash(_("Sanitised copy created: read it through before you disseminate it."),
                  "success")
            return redirect(url_for("dissemination.report", report_id=copy_id))
    status = 400 if form.errors else 200
    return render_template(
        "dissemination/sanitise.html", report=original, form=form, redacted=draft["redacted"]
    ), status


@bp.route("/reports/<path:report_id>/feedback", methods=["GET", "POST"])
def feedback(report_id: str):
    form = FeedbackForm()
    graph = get_graph()
    if form.validate_on_submit():
        try:
            service.give_feedback(
                graph,
                current_user,
                report_id,
                useful=form.useful.data,
                actioned=form.actioned.data,
                result=form.result.data or "",
            )
        except NotFound:
            abort(404)
        except Refused as exc:
            form.result.errors = [*form.result.errors, str(exc)]
        else:
            flash(_("Thank you for the feedback."), "success")
            return redirect(url_for("dissemination.feedback", report_id=report_id))
    try:
        view = service.report_view(graph, current_user, report_id)
    except NotFound:
        abort(404)
    status = 400 if form.errors else 200
    return render_template("dissemination/feedback.html", **view, feedback_form=form), status
