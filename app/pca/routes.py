"""Post-clearance audit pages: thin routes over app.pca.service."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.cases import service as cases
from app.pca import bp, service
from app.pca.forms import FindingsForm, PeriodForm, PlanAuditForm
from graph import policy
from graph.db import get_graph
from graph.errors import NotFound


def _allow(roles: frozenset[str]) -> None:
    try:
        service.authorize(current_user, roles)
    except service.PcaError:
        abort(403)


def _plan_form(plan: dict, trader: str | None = None) -> PlanAuditForm:
    form = PlanAuditForm(prefix="audit",
                         data={"trader": trader,
                               "period_from": date.fromisoformat(plan["period_from"]),
                               "period_to": date.fromisoformat(plan["period_to"])})
    choices = cases.tasking_choices(get_graph(), current_user)
    form.assignee.choices = [SelectChoice("", "—")] + [
        SelectChoice(u["email"], f"{u['name'] or u['email']} ({u['role']}, {u['unit']})")
        for u in sorted(choices["users"], key=lambda u: (u["role"] != "auditor", u["email"]))]
    form.unit.choices = [SelectChoice("", "—")] + [SelectChoice(u["name"], u["name"])
                                                   for u in choices["units"]]
    return form


def _render_plan(plan: dict, period_form: PeriodForm, form: PlanAuditForm | None, status=200):
    return render_template(
        "pca/plan.html", plan=plan, period_form=period_form, form=form,
        audits=service.list_audits(get_graph(), current_user),
        can_plan=policy.may(current_user, policy.PLAN_PCA)), status


@bp.get("/pca/")
def plan():
    """Traders ranked by risk over a chosen period, the audits, a form to assign one."""
    _allow(policy.READ_PCA)
    period_form = PeriodForm(request.args)
    try:
        result = service.plan(get_graph(), request.args.get("period_from") or None,
                              request.args.get("period_to") or None)
    except service.PcaError as exc:
        getattr(period_form, exc.field, period_form.period_from).errors = [str(exc)]
        result = service.plan(get_graph())
        return _render_plan(result, period_form, _plan_form(result), 400)
    period_form.period_from.data = date.fromisoformat(result["period_from"])
    period_form.period_to.data = date.fromisoformat(result["period_to"])
    return _render_plan(result, period_form, _plan_form(result, request.args.get("trader")))


@bp.post("/pca/audits")
def plan_audit():
    _allow(policy.PLAN_PCA)
    result = service.plan(get_graph())
    form = _plan_form(result)
    if form.validate_on_submit():
        try:
            audit_id = service.plan_audit(
                get_graph(), current_user, trader=form.trader.data,
                start=form.period_from.data.isoformat(), end=form.period_to.data.isoformat(),
                assignee=form.assignee.data or None, unit=form.unit.data or None,
                due=form.due.data.isoformat() if form.due.data else None)
        except service.PcaError as exc:
            field = {"period": "period_from", "title": "trader"}.get(exc.field, exc.field)
            getattr(form, field, form.trader).errors.append(str(exc))
        else:
            flash(_("Audit %(audit)s assigned.", audit=audit_id), "success")
            return redirect(url_for("pca.audit_detail", audit_id=audit_id))
    return _render_plan(result, PeriodForm(), form, 400)


def _audit_page(audit_id: str, form: FindingsForm, status: int = 200,
                row_errors: dict[str, str] | None = None):
    try:
        audit = service.read_audit(get_graph(), current_user, audit_id)
    except NotFound:
        abort(404)
    return render_template("pca/audit.html", audit=audit, form=form,
                           posted=request.form if request.method == "POST" else {},
                           row_errors=row_errors or {}), status


@bp.get("/pca/audits/<audit_id>")
def audit_detail(audit_id: str):
    _allow(policy.READ_PCA)
    return _audit_page(audit_id, FindingsForm(data={"date": date.today()}))


@bp.post("/pca/audits/<audit_id>/findings")
def findings(audit_id: str):
    _allow(policy.READ_PCA)
    form = FindingsForm()
    try:
        audit = service.read_audit(get_graph(), current_user, audit_id)
    except NotFound:
        abort(404)
    row_errors: dict[str, str] = {}
    if form.validate_on_submit():
        results = [{"id": d["id"], "result": request.form.get(f"result-{i}", ""),
                    "revenue": request.form.get(f"revenue-{i}", "")}
                   for i, d in enumerate(audit["declarations"])]
        try:
            ids = service.record_findings(get_graph(), current_user, audit_id,
                                          when=form.date.data.isoformat(),
                                          finding=form.finding.data, results=results)
        except service.PcaError as exc:
            if exc.status == 403:
                abort(403, str(exc))
            if exc.field.startswith(("result-", "revenue-")):
                row_errors[exc.field] = str(exc)
            else:
                getattr(form, exc.field, form.date).errors.append(str(exc))
        else:
            flash(ngettext("Findings recorded as %(num)s control result.",
                           "Findings recorded as %(num)s control results.", len(ids)), "success")
            return redirect(url_for("pca.audit_detail", audit_id=audit_id))
    return _audit_page(audit_id, form, 400, row_errors)
