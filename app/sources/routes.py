"""Source register pages. The identity is shown only in the answer to a POST that states a
reason, to the source's handler or controller (enforced in the repository query)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts import service as accounts
from app.i18n import say
from app.intake.service import ReportService
from app.sources import bp
from app.sources.forms import (
    ApprovalForm,
    ContactForm,
    IdentityForm,
    RegradeForm,
    RevealForm,
    ReviewForm,
    SourceForm,
)
from app.sources.service import SourceError, SourceService, default_review_date
from graph import clock, policy
from graph.db import get_graph
from graph.errors import NotFound

# The officers a contact may be logged for, named by their part in running the source.
ROLE_WORDS = {"handler": _l("handler"), "controller": _l("controller")}


def _service() -> SourceService:
    return SourceService.from_config(get_graph(), current_app.config)


def _error(form: Any, exc: SourceError) -> None:
    if exc.status == 403:
        abort(403)
    field = getattr(form, exc.field, None)
    if field is None:
        flash(str(exc), "error")
        return
    field.errors = [*field.errors, str(exc)]


def _source(service: SourceService, codename: str, *, audited: bool = False) -> dict[str, Any]:
    """The source for the page (``audited``: the detail page's read) or for a POST."""
    try:
        return service.get(current_user, codename, audited=audited)
    except SourceError:
        abort(403)
    except NotFound:
        abort(404)


@bp.get("/")
def index():
    service = _service()
    try:
        sources = service.list(current_user)
    except SourceError:
        abort(403)
    return render_template("sources/list.html", sources=sources,
                           may_register=policy.may(current_user, policy.REGISTER_SOURCES),
                           guidelines=service.guidelines())


@bp.route("/new", methods=["GET", "POST"])
def new():
    service = _service()
    if not policy.may(current_user, policy.REGISTER_SOURCES):
        abort(403)
    form = SourceForm()
    grading = service.grading
    form.reliability.choices = grading.choices(grading.scheme.source, translate=say,
                                               blank=_("— not yet judged —"))
    users = [u for u in accounts.users(get_graph()) if u.get("active", True)]
    form.handler_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(u["id"], f"{u['name']} ({u['unit']})") for u in users
        if u["role"] in policy.HANDLE_SOURCES]
    form.controller_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(u["id"], f"{u['name']} · {u['role']} ({u['unit']})") for u in users
        if u["role"] in policy.CONTROL_SOURCES]
    if not form.is_submitted() and policy.may(current_user, policy.HANDLE_SOURCES):
        form.handler_id.data = current_user.id
    if form.validate_on_submit():
        data = dict(form.data)
        data["identity"] = {k: data.pop(k) for k in ("name", "contact", "address", "notes")}
        try:
            codename = service.register(current_user, data)
        except SourceError as exc:
            _error(form, exc)
        else:
            flash(_("Source %(codename)s registered.", codename=codename), "success")
            return redirect(url_for("sources.detail", codename=codename))
    return render_template("sources/new.html", form=form, guidelines=service.guidelines()), (
        400 if form.errors else 200)


@bp.get("/<codename>")
def detail(codename: str):
    service = _service()
    source = _source(service, codename, audited=True)
    return _detail_page(service, source)


def _detail_page(service: SourceService, source: dict[str, Any], status: int = 200,
                 **forms: Any):
    """The source's page; ``forms`` carry a posted form back with its errors."""
    regrade = RegradeForm()
    regrade.grade.choices = service.grading.choices(service.grading.scheme.source,
                                                    blank=_("— choose —"), translate=say)
    approval = forms.get("approval") or ApprovalForm(
        formdata=None, data={"review_due": default_review_date()})
    review = forms.get("review") or ReviewForm(
        formdata=None, data={"review_due": default_review_date()})
    contact = forms.get("contact") or ContactForm(
        formdata=None, data={"date": clock.today(), "officer_id": current_user.id,
                             "currency": "EUR"})
    contact.officer_id.choices = [
        SelectChoice(source[f"{role}_id"], f"{source[role]} ({ROLE_WORDS[role]})")
        for role in ("handler", "controller") if source.get(f"{role}_id")]
    reports = ReportService.from_config(get_graph(), current_app.config)
    return render_template(
        "sources/detail.html",
        source=source,
        history=service.history(current_user, source["codename"]),
        grading=service.grading,
        regrade=regrade,
        reveal=RevealForm(),
        approval=approval,
        review=review,
        contact=contact,
        contacts=service.contacts(current_user, source),
        reviews=service.reviews(current_user, source),
        overdue=bool(source.get("review_due")) and source["review_due"] < clock.today(),
        guidelines=service.guidelines(),
        reports=reports.list(current_user, source=source["codename"], limit=200)[0],
    ), status


def _post_guideline_form(codename: str, form: Any, key: str, act: Any, done: str):
    """Validate ``form``, run ``act(service, source, form)`` and go back to the page, or
    show the page again with the form's errors (400; nothing written)."""
    service = _service()
    source = _source(service, codename)
    if form.validate_on_submit():
        try:
            act(service, source, form)
        except SourceError as exc:
            _error(form, exc)
        else:
            flash(done, "success")
            return redirect(url_for("sources.detail", codename=source["codename"]))
    elif "csrf_token" in form.errors:
        flash(_("The form expired; reload the page and send it again."), "error")
    return _detail_page(service, source, 400, **{key: form})


@bp.post("/<codename>/approve")
def approve(codename: str):
    """The controller approves the recruitment of a registered source."""
    return _post_guideline_form(
        codename, ApprovalForm(), "approval",
        lambda service, source, form: service.approve(current_user, source["codename"],
                                                      form.review_due.data),
        _("Recruitment approved: the source may now be used."))


@bp.post("/<codename>/review")
def review(codename: str):
    return _post_guideline_form(
        codename, ReviewForm(), "review",
        lambda service, source, form: service.record_review(
            current_user, source["codename"], form.review_due.data, form.note.data),
        _("Review recorded."))


@bp.post("/<codename>/contacts")
def contact(codename: str):
    form = ContactForm()
    form.officer_id.choices = []  # checked by the service against the source's officers
    return _post_guideline_form(
        codename, form, "contact",
        lambda service, source, form: service.record_contact(
            current_user, source["codename"], dict(form.data)),
        _("Contact logged."))


@bp.post("/<codename>/grade")
def grade(codename: str):
    service = _service()
    source = _source(service, codename)
    form = RegradeForm()
    if form.validate_on_submit():
        try:
            code = service.regrade(current_user, source["codename"], form.grade.data,
                                   form.reason.data or "")
        except SourceError as exc:
            if exc.status == 403:
                abort(403)
            flash(str(exc), "error")
        else:
            flash(_("%(codename)s is now graded %(code)s.", codename=source["codename"],
                    code=code), "success")
    return redirect(url_for("sources.detail", codename=source["codename"]))


@bp.post("/<codename>/identity")
def identity(codename: str):
    """Open the identity for the handler or controller, with a reason; audited."""
    service = _service()
    source = _source(service, codename)
    form = RevealForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        identity = service.reveal_identity(current_user, source, form.reason.data)
    except SourceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("sources.detail", codename=source["codename"]))
    except NotFound:
        abort(404)
    edit = IdentityForm(data=identity)
    return render_template("sources/identity.html", source=source, identity=identity,
                           form=edit)


@bp.post("/<codename>/identity/edit")
def identity_edit(codename: str):
    service = _service()
    source = _source(service, codename)
    form = IdentityForm()
    if form.validate_on_submit():
        try:
            service.set_identity(current_user, source, dict(form.data))
        except SourceError as exc:
            flash(str(exc), "error")
        except NotFound:
            abort(404)
        else:
            flash(_("Identity saved (encrypted)."), "success")
    return redirect(url_for("sources.detail", codename=source["codename"]))
