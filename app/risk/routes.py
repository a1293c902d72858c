"""Risk pages: thin routes over app.risk.service."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.aeo import service as aeo_service
from app.audit import audit
from app.evidence.routes import evidence, uploads
from app.evidence.service import EvidenceError
from app.i18n import say
from app.risk import bp, permissions, rankings, scoring, service, training
from app.risk.backtest import backtest
from app.risk.conditions import (
    ConditionError,
    check_conditions,
    condition_from_form,
    describe,
)
from app.risk.forms import (
    MIN_CONDITION_ROWS,
    AcknowledgeForm,
    CapacityForm,
    ControlForm,
    ProfileForm,
    ScoreForm,
    ThresholdsForm,
    condition_rows,
    control_from_form,
    subject_choices,
)
from app.spreadsheet import csv_download
from graph import policy
from graph.access import viewer_param
from graph.db import get_graph
from graph.errors import NotFound
from graph.exchange.records import SCORING, LineError, reason_field, validate


def _allow(roles: frozenset[str]) -> None:
    try:
        permissions.authorize(current_user, roles)
    except permissions.RiskForbidden:
        abort(403)


def _can_edit() -> bool:
    return str(current_user.role) in policy.EDIT_RISK


@bp.route("/score", methods=["GET", "POST"])
def score():
    form = ScoreForm()
    result = None
    if form.validate_on_submit():
        try:
            raw = json.loads(form.declaration.data)
        except ValueError as exc:
            form.declaration.errors.append(f"Not valid JSON: {exc}")
        else:
            try:
                decl = validate(raw, "declaration", SCORING).clean
            except LineError as exc:
                form.declaration.errors.extend(say(reason) for reason in exc.reasons)
            else:
                result = scoring.score_declarations(get_graph(), [decl],
                                                    viewer_param(current_user))[0]
    return render_template("risk/score.html", form=form, result=result)


@bp.get("/traders")
def traders():
    _allow(policy.READ_RISK)
    rows = rankings.high_risk_traders(get_graph(), 50)
    return render_template("risk/traders.html", traders=rows)


@bp.get("/traders.csv")
def traders_csv():
    """Post-clearance audit planning list: ranked traders with their main reasons."""
    _allow(policy.READ_RISK)
    rows = rankings.high_risk_traders(get_graph(), 500)
    audit("risk.export.traders", "traders.csv", {"rows": len(rows)})
    return csv_download(
        ["rank", "trader", "name", "score", "aeo", "network_exposure", "reasons"],
        ([rank, row["id"], row["name"], f"{row['score']:.4f}", row["aeo"],
          row["network_exposure"], " | ".join(say(r["detail"]) for r in row["reasons"][:3])]
         for rank, row in enumerate(rows, start=1)),
        "pca-planning.csv")


@bp.get("/commodities")
def commodities():
    _allow(policy.READ_RISK)
    return render_template("risk/commodities.html",
                           commodities=rankings.high_risk_commodities(get_graph(), 50))


@bp.get("/profiles")
def profiles():
    _allow(policy.READ_RISK)
    return render_template("risk/profiles.html", profiles=service.list_profiles(get_graph()),
                           can_edit=_can_edit(), effect=service.effectiveness(get_graph()))


def _profile_form_data(profile: dict) -> dict:
    rows = condition_rows(profile["conditions"])
    return {"id": profile["id"], "name": profile.get("name"),
            "conditions": rows + [{}] * max(1, MIN_CONDITION_ROWS - len(rows)),
            "weight": profile.get("weight") or 0.0, "lane": profile.get("lane") or "",
            "rationale": profile.get("rationale"), "active": profile.get("active", True),
            "reports": ", ".join(r["id"] for r in profile.get("reports") or [])}


def _form_conditions(form: ProfileForm, problems: list[str]) -> list[dict] | None:
    """The rows that name a field, each checked; None (with each row's message on its
    value, or in ``problems``) when one is wrong or none is given."""
    conditions, ok = [], True
    for row in form.conditions:
        subject = row.form.subject.data or ""
        if not subject:
            continue
        try:
            conditions.append(condition_from_form(subject, row.form.op.data or "",
                                                  row.form.value.data or ""))
        except ConditionError as exc:
            row.form.value.errors = [*row.form.value.errors, str(exc)]
            ok = False
    if ok and not conditions:
        problems.append("Choose a field, an operator and a value for at least one condition.")
        ok = False
    return conditions if ok else None


@bp.route("/profiles/new", methods=["GET", "POST"], defaults={"profile_id": None})
@bp.route("/profiles/<profile_id>", methods=["GET", "POST"])
def profile(profile_id: str | None):
    _allow(policy.READ_RISK)
    graph = get_graph()
    current = None
    if profile_id:
        try:
            current = service.get_profile(graph, profile_id)
        except NotFound:
            abort(404)
    form = ProfileForm(data=_profile_form_data(current) if current else None)
    for row in form.conditions:
        row.form.subject.choices = subject_choices()
    if form.is_submitted() and not _can_edit():
        abort(403)
    tested, problems = None, []
    if current and not form.is_submitted():
        try:  # saved before conditions were checked: say why it never fired
            check_conditions(current["conditions"])
        except ConditionError as exc:
            problems.append(f"The saved conditions cannot apply ({exc}); choose them again.")
    if form.is_submitted() and form.more.data:
        if len(form.conditions) < form.conditions.max_entries:
            form.conditions.append_entry()
            form.conditions[-1].form.subject.choices = subject_choices()
    elif form.is_submitted() and form.backtest.data:
        form.validate()
        if not form.csrf_token.errors and not form.months.errors:
            for f in (form.id, form.name, form.rationale, form.reports, form.change):
                f.errors = []  # asked before saving: only the conditions must be complete
            conditions = _form_conditions(form, problems)
            if conditions is not None:
                tested = backtest(graph, conditions, form.months.data or 12,
                                  replacing=current["id"] if current else None)
    elif form.validate_on_submit():
        conditions = _form_conditions(form, problems)
        if conditions is not None:
            raw = {"id": form.id.data.strip(), "name": form.name.data,
                   "conditions": conditions, "weight": form.weight.data or 0.0,
                   "lane": form.lane.data or None, "rationale": form.rationale.data,
                   "valid_from": form.valid_from.data.isoformat() if form.valid_from.data
                   else None,
                   "valid_to": form.valid_to.data.isoformat() if form.valid_to.data else None,
                   "reports": [r.strip() for r in (form.reports.data or "").split(",")
                               if r.strip()],
                   "active": form.active.data}
            try:
                saved = service.save_profile(graph, raw, current_user.email,
                                             change=form.change.data or "saved")
            except service.RiskError as exc:
                problems.append(str(exc))
            else:
                flash(_("Profile %(id)s saved (version %(version)s).", id=saved["id"],
                        version=saved["version"]), "success")
                return redirect(url_for("risk.profile", profile_id=saved["id"]))
    return render_template("risk/profile.html", form=form, profile=current,
                           can_edit=_can_edit(), tested=tested, problems=problems,
                           described=describe(current["conditions"]) if current else [])


@bp.route("/thresholds", methods=["GET", "POST"])
def thresholds():
    _allow(policy.READ_RISK)
    graph = get_graph()
    settings = service.current_settings(graph)
    form = ThresholdsForm(prefix="t", data=settings)
    capacity = CapacityForm(prefix="c")
    if (form.is_submitted() or capacity.is_submitted()) and not _can_edit():
        abort(403)
    try:
        if form.submit.data and form.validate_on_submit():
            values = {"acceptable": form.acceptable.data,
                      "unacceptable": form.unacceptable.data, "audit": form.audit.data,
                      "random_rate": form.random_rate.data, "random_lane": form.random_lane.data}
            service.update_thresholds(graph, current_user.email, **values)
            flash(_("Thresholds saved."), "success")
            return redirect(url_for("risk.thresholds"))
        if capacity.submit.data and capacity.validate_on_submit():
            t = service.thresholds_for_capacity(graph, capacity.red_share.data,
                                                capacity.yellow_share.data or 0.0)
            values = {"acceptable": t.acceptable, "unacceptable": t.unacceptable,
                      "audit": settings.get("audit") if t.audit is None else t.audit,
                      "random_rate": settings["random_rate"],
                      "random_lane": settings["random_lane"]}
            if values["audit"] is not None and values["audit"] > values["acceptable"]:
                values["audit"] = None
            service.update_thresholds(graph, current_user.email, **values,
                                      note={"red_share": capacity.red_share.data})
            flash(_("Thresholds set from inspection capacity."), "success")
            return redirect(url_for("risk.thresholds"))
    except service.RiskError as exc:
        form.acceptable.errors = [*form.acceptable.errors, str(exc)]
    models = training.list_models(graph)
    return render_template("risk/thresholds.html", form=form, capacity=capacity,
                           settings=settings, can_edit=_can_edit(), models=models)


@bp.get("/effectiveness")
def effectiveness():
    _allow(policy.READ_RISK)
    return render_template("risk/effectiveness.html", effect=service.effectiveness(get_graph()),
                           aeo=aeo_service.performance(get_graph()))


@bp.get("/aeo")
def aeo():
    _allow(policy.READ_RISK)
    traders = rankings.aeo_monitoring(get_graph(), viewer_param(current_user))
    return render_template("risk/aeo.html", traders=traders, form=AcknowledgeForm())


@bp.post("/aeo/<ref>/acknowledge")
def aeo_acknowledge(ref: str):
    _allow(policy.READ_RISK)
    if not AcknowledgeForm().validate_on_submit():
        abort(400)
    try:
        rankings.acknowledge_aeo(get_graph(), ref, current_user.email)
    except NotFound:
        abort(404)
    flash(_("Exposure of %(ref)s acknowledged.", ref=ref), "success")
    return redirect(url_for("risk.aeo"))


@bp.route("/control", methods=["GET", "POST"])
def control():
    _allow(policy.EXAMINE_DECLARATIONS)
    form = ControlForm(declaration=request.args.get("declaration", "")[:64])
    if form.validate_on_submit():
        try:
            ctrl = validate(control_from_form(form), "control", SCORING).clean
        except LineError as exc:
            for reason in exc.reasons:  # each message beside its own field
                found = reason_field(reason)
                target = getattr(form, found["field"] or "", None)
                if target is None or not hasattr(target, "errors"):
                    form.declaration.errors.append(say(reason))
                else:
                    target.errors.append(say(found["message"]))
        else:
            store = evidence()
            try:
                files = store.prepare(uploads(), by=current_user.email)
                cid = store.saved(files, lambda: service.record_control(
                    get_graph(), ctrl, current_user.email, files=files))
            except EvidenceError as exc:
                form.files.errors = [*form.files.errors, str(exc)]
            except NotFound as exc:
                form.declaration.errors.append(str(exc))
            else:
                flash(_("Control %(cid)s recorded.", cid=cid), "success")
                return redirect(url_for("declarations.detail",
                                        declaration_id=ctrl["declaration"]))
    return render_template("risk/control.html", form=form)
