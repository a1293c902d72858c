"""Report pages: lists and search, entry forms, the liaison quick log, detail and review."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts import service as accounts
from app.dissemination import service as dissemination
from app.errors import error_response, wants_json
from app.evidence.routes import evidence, uploads
from app.evidence.service import EvidenceError, Prepared
from app.i18n import say, term
from app.intake import bp
from app.intake.forms import (
    CHANNEL_CHOICES,
    ActionForm,
    AddMentionForm,
    EvaluateForm,
    LiaisonLogForm,
    MentionForm,
    RelationForm,
    ReportForm,
)
from app.intake.highlight import segments
from app.intake.service import (
    KNOWN_LABELS,
    AlreadyStored,
    Channel,
    ReportError,
    ReportService,
    Status,
    creatable_channels,
    who_logs,
)
from graph.db import get_graph
from graph.errors import NotFound
from graph.evidence import Parent
from graph.exchange.records import reason_field

LIST_VIEWS = ("all", "queue", "mine")
NOT_REPORT_FIELDS = ("csrf_token", "submit", "save_draft", "submission", "files",
                     "strip_metadata")


def _evidence_of(form: Any, *, strip: bool = False) -> list[Prepared]:
    """The form's files, checked and stored (ReportError on the files field otherwise)."""
    try:
        return evidence().prepare(uploads(), by=current_user.email, strip=bool(strip),
                                  extract=True)
    except EvidenceError as exc:
        raise ReportError(str(exc), "files") from None


def _service() -> ReportService:
    return ReportService.from_config(get_graph(), current_app.config)


def _form_error(form: Any, exc: ReportError) -> None:
    field = getattr(form, exc.field, None)
    if field is None or not hasattr(field, "errors") or exc.field in ("csrf_token",):
        flash(str(exc), "error")
        return
    if isinstance(field.errors, tuple):
        field.errors = list(field.errors)
    placed = reason_field(str(exc))  # beside its field, the words without the field's name
    named = placed["field"] and re.split(r"[\[.]", placed["field"])[0] == exc.field
    field.errors.append(placed["message"] if named else str(exc))
    if field.type == "HiddenField":  # nowhere on the page to show it
        flash(str(exc), "error")


def _grading_choices(form: Any, service: ReportService) -> None:
    grading = service.grading
    form.handling.choices = grading.choices(grading.handling, blank=_("— choose —"), translate=say)
    if hasattr(form, "source_grade"):
        form.source_grade.choices = grading.choices(grading.scheme.source, blank="—",
                                                    translate=say)
    if hasattr(form, "info_grade"):
        form.info_grade.choices = grading.choices(grading.scheme.information, blank="—",
                                                  translate=say)
    if hasattr(form, "scheme_handling"):
        form.scheme_handling.choices = grading.choices(grading.scheme.handling, blank="—",
                                                       translate=say)


@bp.get("/")
def index():
    service = _service()
    view = request.args.get("view", "all")
    if view not in LIST_VIEWS:
        view = "all"
    filters = {
        "q": request.args.get("q", "").strip()[:200],
        "status": request.args.get("status", ""),
        "channel": request.args.get("channel", ""),
        "unit": request.args.get("unit", ""),
    }
    query = dict(filters)
    if view == "queue":
        query["status"] = Status.SUBMITTED.value
    if view == "mine":
        query["author_id"] = current_user.id
    after = request.args.get("after") or None
    try:
        reports, following = service.list(current_user, after=after, **query)
    except ReportError as exc:
        flash(str(exc), "error")
        reports, following, after = [], None, None
    return render_template(
        "intake/list.html",
        reports=reports,
        following=following,
        paged=bool(after),
        view=view,
        filters=filters,
        channels=CHANNEL_CHOICES,
        statuses=[s.value for s in Status],
        units=[u["name"] for u in accounts.units(get_graph())],
        creatable=creatable_channels(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    service = _service()
    allowed = creatable_channels(current_user)
    try:
        channel = Channel(request.values.get("channel") or allowed[0].value)
    except (ValueError, IndexError):
        abort(404 if allowed else 403)
    if channel not in allowed:  # say why and whom to ask, not a bare 403
        return render_template(
            "intake/not_yours.html", channels=allowed,
            **who_logs(get_graph(), current_user, channel)), 403
    form = ReportForm(channel=channel.value)
    _grading_choices(form, service)
    held = service.sources_held(current_user)
    form.source.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(s["codename"], f"{s['codename']} ({s['reliability'] or '?'})")
        for s in held if s.get("status") != "pending"  # approval of recruitment first
    ]
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in NOT_REPORT_FIELDS}
        data["channel"] = channel.value
        try:
            files = _evidence_of(form, strip=form.strip_metadata.data)
            rid, rows = evidence().saved(files, lambda: service.create(
                current_user, data, submit=not form.save_draft.data,
                submission=form.submission.data or None, files=files))
        except AlreadyStored as again:  # sent twice: the first one arrived
            flash(_("Report %(reference)s was saved already.",
                    reference=service.reference(current_user, again.report_id)), "info")
            return redirect(url_for("intake.detail", report_id=again.report_id))
        except ReportError as exc:
            if exc.status == 403:
                abort(403)
            _form_error(form, exc)
        else:
            flash(_("Report %(reference)s saved with %(count)s entities to review.",
                    reference=service.reference(current_user, rid), count=len(rows)), "success")
            return redirect(url_for("intake.detail", report_id=rid))
    return render_template(
        "intake/new.html", form=form, channel=channel, channels=allowed,
        scheme=service.grading.scheme,
        awaiting=[s["codename"] for s in held if s.get("status") == "pending"],
        who_logs_informants=(None if Channel.INFORMANT in allowed
                             else who_logs(get_graph(), current_user, Channel.INFORMANT)),
    ), 200 if not form.errors else 400


@bp.get("/log/known")
def quick_log_known():
    """While the officer types: is this plate, container or phone already known to them?"""
    if Channel.LIAISON not in creatable_channels(current_user):
        abort(403)
    label = request.args.get("label", "").upper()
    value = request.args.get("value", "")[:40]
    if label not in KNOWN_LABELS:
        return jsonify({"error": "label is VEHICLE, CONTAINER or PHONE"}), 400
    message = _service().known(current_user, label, value)
    return jsonify({"known": message is not None, "message": message})


@bp.route("/log", methods=["GET", "POST"])
def quick_log():
    service = _service()
    if Channel.LIAISON not in creatable_channels(current_user):
        abort(403)
    form = LiaisonLogForm()
    units = accounts.units(get_graph())
    form.crossing.choices = [SelectChoice(u["name"], u["name"])
                             for u in units if u["kind"] == "bcp"]
    if current_user.unit not in {c.value for c in form.crossing.choices}:
        form.crossing.choices.insert(0, SelectChoice(current_user.unit, current_user.unit))
    if request.method == "GET":
        form.crossing.data = current_user.unit
    # the default codes in the officer's language; an instance's own codes as configured
    form.handling.choices = [
        SelectChoice(g.code, g.label if term(g.code) == g.code else term(g.code).capitalize())
        for g in service.grading.handling]
    if form.validate_on_submit():
        data = {
            "channel": Channel.LIAISON.value,
            "crossing": form.crossing.data,
            "vehicles": [form.vehicle.data] if form.vehicle.data else [],
            "containers": [form.container.data] if form.container.data else [],
            "phones": [form.phone.data] if form.phone.data else [],
            "text": form.text.data or "",
            "handling": form.handling.data,
        }
        try:
            files = _evidence_of(form)
            rid, _rows = evidence().saved(files, lambda: service.create(
                current_user, data, submission=form.submission.data or None, files=files))
        except AlreadyStored as again:  # sent twice: the first one arrived
            return redirect(url_for("intake.quick_log", logged=again.report_id))
        except ReportError as exc:
            field = {"vehicles": "vehicle", "containers": "container",
                     "phones": "phone"}.get(exc.field, exc.field)
            _form_error(form, ReportError(str(exc), field))
        else:
            return redirect(url_for("intake.quick_log", logged=rid))
    return render_template("intake/quick_log.html", form=form,
                           logged=request.args.get("logged")), 200 if not form.errors else 400


def _load(service: ReportService, report_id: str, *, audited: bool = True,
          via: str = "page") -> dict[str, Any]:
    try:
        return service.get(current_user, report_id, audited=audited, via=via)
    except NotFound:
        abort(404)


@bp.before_app_request
def _report_by_reference():
    """Every report's page (the report, its dissemination, feedback, package, the tip's
    thread) answers to the reference people read (``R-2026-000123``) as to the id its
    links carry (an import's own ``REG-123``): a GET by reference goes to the id's page."""
    report_id = (request.view_args or {}).get("report_id")
    if (request.method != "GET" or not report_id or request.blueprint == "api"
            or not current_user.is_authenticated):
        return None
    found = _service().resolve(current_user, report_id)
    if found == report_id:
        return None
    return redirect(url_for(str(request.endpoint),
                            **{**(request.view_args or {}), "report_id": found},
                            **request.args.to_dict()))


@bp.get("/<report_id>")
def detail(report_id: str):
    service = _service()
    report = _load(service, report_id)
    mentions = service.mentions(current_user, report_id)
    reviewer = service.may_review(current_user, report)
    evaluate = EvaluateForm()
    evaluate.info_grade.choices = service.grading.choices(
        service.grading.scheme.information, blank=_("— choose —"), translate=say)
    evaluate.source_grade.choices = service.grading.choices(service.grading.scheme.source,
                                                            blank="—", translate=say)
    entities = {m["entity_id"]: m["entity_name"] or m["text"] for m in mentions
                if m.get("review") != "rejected"}
    relation = RelationForm()
    relation.from_id.choices = relation.to_id.choices = [
        SelectChoice(entity_id, name)
        for entity_id, name in sorted(entities.items(), key=lambda kv: kv[1].lower())]
    q = request.args.get("q", "").strip()
    files = evidence().files_of(current_user, Parent.REPORT, report_id)
    return render_template(
        "intake/detail.html",
        report=report,
        files=files,
        file_names={f["id"]: f["name"] for f in files},
        may_attach=service.may_attach(current_user, report),
        mentions=mentions,
        segments=segments(report.get("text") or "", mentions),
        actions=service.allowed_actions(current_user, report),
        sharing=dissemination.report_actions(get_graph(), current_user, report),
        may_edit=service.may_edit(current_user, report),
        reviewer=reviewer,
        grading=service.grading,
        evaluate=evaluate,
        action_form=ActionForm(),
        mention_form=MentionForm(),
        add_form=AddMentionForm(),
        relation=relation,
        q=q,
        link_for=request.args.get("link", ""),
        found=service.search_entities(current_user, q) if (q and reviewer) else [],
    )


@bp.route("/<report_id>/edit", methods=["GET", "POST"])
def edit(report_id: str):
    service = _service()
    # the form shows the whole text: opening it is a read (a POST shows what was sent)
    report = _load(service, report_id, audited=request.method == "GET", via="edit")
    if not service.may_edit(current_user, report):
        abort(403)
    channel = Channel(report["channel"])
    data = {k: report.get(k) for k in ReportForm().data if k in report}
    for key in ("persons", "vehicles", "containers"):
        data[key] = "\n".join(report.get(key) or [])
    data["received"] = (report.get("received") or "")[:16]
    form = ReportForm(data=data) if request.method == "GET" else ReportForm()
    _grading_choices(form, service)
    form.source.choices = [SelectChoice(report.get("source") or "", report.get("source") or "—")]
    if form.validate_on_submit():
        changes = {k: v for k, v in form.data.items()
                   if k not in (*NOT_REPORT_FIELDS, "channel", "source")}
        try:
            gone = service.update(current_user, report_id, changes)
        except ReportError as exc:
            if exc.status == 403 and exc.field != "handling":
                abort(403)
            _form_error(form, exc)
        else:
            flash(_("Report %(reference)s saved.", reference=report.get("reference") or report_id),
                  "success")
            if gone:
                flash(_("%(gone)s reviewed mention(s) no longer in the text were removed.",
                        gone=gone),
                      "info")
            return redirect(url_for("intake.detail", report_id=report_id))
    return render_template("intake/new.html", form=form, channel=channel, channels=[],
                           scheme=service.grading.scheme, report=report), (
        200 if not form.errors else 400)


@bp.post("/<report_id>/files")
def attach_files(report_id: str):
    service = _service()
    _load(service, report_id, audited=False)
    form = ActionForm()  # the CSRF token
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("intake.detail", report_id=report_id) + "#files")
    try:
        files = evidence().prepare(uploads(), by=current_user.email,
                                   strip=request.form.get("strip_metadata") == "y", extract=True)
        if not files:
            raise EvidenceError(_("Choose a file to attach."))
        evidence().saved(files, lambda: service.attach_files(current_user, report_id, files))
    except EvidenceError as exc:
        flash(str(exc), "error")
    except ReportError as exc:
        if exc.status == 403:
            abort(403)
        flash(str(exc), "error")
    else:
        found = sum(len(f.mentions) for f in files)
        if found:
            flash(_("%(num)s file(s) attached; %(found)s entities found in them to review.",
                    num=len(files), found=found), "success")
        else:
            flash(_("%(num)s file(s) attached.", num=len(files)), "success")
    return redirect(url_for("intake.detail", report_id=report_id) + "#files")


@bp.post("/<report_id>/transition")
def transition(report_id: str):
    service = _service()
    _load(service, report_id, audited=False)
    form = EvaluateForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("intake.detail", report_id=report_id))
    try:
        status = service.transition(current_user, report_id, form.action.data or "",
                                    dict(form.data))
    except ReportError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Report %(report_id)s is %(status)s.",
                report_id=service.reference(current_user, report_id), status=term(status)),
              "success")
    return redirect(url_for("intake.detail", report_id=report_id))


def _review_answer(report_id: str, review: str, ids: list[str], message: str | None):
    """The review page's script asks for JSON (no reload); the plain form gets the page."""
    if wants_json():
        return jsonify({"review": review, "mentions": ids, "message": message})
    if message:
        flash(message, "success")
    return redirect(url_for("intake.detail", report_id=report_id) + "#entities")


def _review_refused(report_id: str, message: str, status: int = 400):
    if wants_json():
        return error_response(status, "Not reviewed", message)
    flash(message, "error")
    return redirect(url_for("intake.detail", report_id=report_id) + "#entities")


@bp.post("/<report_id>/mentions/by-label")
def review_label(report_id: str):
    """Accept all or reject all proposed mentions of one label."""
    service = _service()
    _load(service, report_id, audited=False)
    form = MentionForm()
    if not form.validate_on_submit():
        return _review_refused(report_id, _("The form expired; try again."))
    try:
        ids = service.review_label(current_user, report_id, form.label.data or "",
                                   form.action.data or "")
    except ReportError as exc:
        if exc.status == 403:
            abort(403)
        return _review_refused(report_id, str(exc))
    except NotFound:  # a mention went while this ran: nothing was written
        return _review_refused(report_id,
                               _("The entities changed meanwhile; reload and retry."), 409)
    label = term(str(form.label.data).upper())
    if not ids:
        message = _("No %(label)s mention was proposed.", label=label)
    elif form.action.data.lower() == "rejected":
        message = ngettext("%(num)s %(label)s mention rejected.",
                           "%(num)s %(label)s mentions rejected.", len(ids), label=label)
    else:
        message = ngettext("%(num)s %(label)s mention accepted.",
                           "%(num)s %(label)s mentions accepted.", len(ids), label=label)
    return _review_answer(report_id, form.action.data.lower(), ids, message)


@bp.post("/<report_id>/mentions/<mention_id>")
def mention(report_id: str, mention_id: str):
    """One mention: accept, reject, back to proposed, relabel or re-span, or link. The
    review page's script sends accept and reject asking for JSON (no reload)."""
    service = _service()
    _load(service, report_id, audited=False)
    form = MentionForm()
    if not form.validate_on_submit():
        return _review_refused(report_id, _("The form expired; try again."))
    action = form.action.data
    try:
        if action in ("accepted", "rejected", "proposed"):
            service.review_mention(current_user, report_id, mention_id, action)
            return _review_answer(report_id, action, [mention_id], None)
        if action == "edit":
            service.edit_mention(current_user, report_id, mention_id,
                                 label=form.label.data, start=form.start.data,
                                 end=form.end.data)
        elif action == "link":
            service.link_mention(current_user, report_id, mention_id,
                                 form.entity_id.data or "")
        else:
            return _review_refused(report_id, _("Unknown action."))
    except ReportError as exc:
        if exc.status == 403:
            abort(403)
        return _review_refused(report_id, str(exc))
    except NotFound:
        abort(404)
    return redirect(url_for("intake.detail", report_id=report_id) + "#entities")


@bp.post("/<report_id>/mentions")
def add_mention(report_id: str):
    service = _service()
    _load(service, report_id, audited=False)
    form = AddMentionForm()
    if form.validate_on_submit():
        try:
            row = service.add_mention(current_user, report_id, label=form.label.data,
                                      text=form.text.data, occurrence=form.occurrence.data,
                                      start=form.start.data, end=form.end.data)
        except ReportError as exc:
            if exc.status == 403:
                abort(403)
            flash(str(exc), "error")
        else:
            flash(_("Added %(text)s as %(label)s.", text=repr(row["text"]), label=row["label"]),
                  "success")
    else:
        flash(_("The form expired; try again."), "error")
    return redirect(url_for("intake.detail", report_id=report_id) + "#entities")


@bp.post("/<report_id>/relations")
def add_relation(report_id: str):
    service = _service()
    _load(service, report_id, audited=False)
    form = RelationForm()
    if form.validate_on_submit():
        try:
            service.relate(current_user, report_id, form.from_id.data, form.type.data,
                           form.to_id.data)
        except ReportError as exc:
            if exc.status == 403:
                abort(403)
            flash(str(exc), "error")
        else:
            flash(_("Relation added."), "success")
    else:
        flash(_("The form expired; try again."), "error")
    return redirect(url_for("intake.detail", report_id=report_id) + "#relations")
