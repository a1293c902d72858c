"""The KPI dashboard, its charts (SVG), the committee's strategy and the printable annual
progress report (also as CSV)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import audit
from app.kpi import bp, objectives, service
from app.kpi.charts import CHARTS
from app.kpi.forms import CriteriaForm, ObjectiveForm
from app.spreadsheet import csv_download
from graph.clock import utc_now
from graph.db import get_graph
from graph.errors import NotFound

# An SVG loaded as an image runs no script; matplotlib styles it with inline CSS, so the
# image gets its own policy instead of the page one.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@bp.get("/")
def dashboard():
    year = service.parse_year(request.args.get("year"), current_user)
    return render_template(
        "kpi/dashboard.html", kpi=service.figures(year, current_user), charts=CHARTS
    )


@bp.get("/annual")
def annual():
    year = service.parse_year(request.args.get("year"), current_user)
    audit("kpi.annual_report", str(year))
    return render_template(
        "kpi/annual.html",
        kpi=service.figures(year, current_user),
        progress=objectives.progress(get_graph(), current_user, year),
        plan=objectives.plan(get_graph(), year),
        charts=CHARTS,
        generated_at=utc_now(),
    )


@bp.get("/annual.csv")
def annual_csv():
    """The progress report's objectives and headline figures, this year beside the last."""
    year = service.parse_year(request.args.get("year"), current_user)
    rows = objectives.report_rows(get_graph(), current_user, year)
    audit("kpi.annual_report.csv", str(year), {"rows": len(rows)})
    return csv_download(
        ["section", "figure", str(year), str(year - 1), "target", "met"], rows,
        f"annual-progress-report-{year}.csv")


@bp.route("/strategy", methods=["GET", "POST"])
def strategy():
    """Objectives with targets and the risk criteria of a year; the committee edits."""
    year = service.parse_year(request.values.get("year"), current_user)
    graph = get_graph()
    current = objectives.plan(graph, year)
    objective = ObjectiveForm(prefix="o")
    criteria = CriteriaForm(prefix="c", data=current)
    if request.method == "POST":
        if not objectives.can_edit(current_user):
            abort(403)
        try:
            if objective.submit.data and objective.validate_on_submit():
                objectives.set_objective(graph, current_user, year, objective.kpi.data,
                                         objective.comparator.data, objective.target.data,
                                         objective.note.data)
                flash(_("Objective for %(year)s set.", year=year), "success")
                return redirect(url_for("kpi.strategy", year=year))
            if criteria.submit.data and criteria.validate_on_submit():
                objectives.set_criteria(graph, current_user, year, criteria.acceptable.data,
                                        criteria.unacceptable.data)
                flash(_("Risk criteria for %(year)s saved.", year=year), "success")
                return redirect(url_for("kpi.strategy", year=year))
        except objectives.ObjectiveError as exc:
            form = objective if exc.field in objective else criteria
            form[exc.field].errors = [*form[exc.field].errors, str(exc)]
    return render_template(
        "kpi/strategy.html", year=year, plan=current, objective=objective, criteria=criteria,
        can_edit=objectives.can_edit(current_user))


@bp.post("/strategy/<int:year>/objectives/<objective_id>/remove")
def remove_objective(year: int, objective_id: str):
    if not objectives.can_edit(current_user):
        abort(403)
    try:
        objectives.remove_objective(get_graph(), current_user, year, objective_id)
    except NotFound:
        abort(404)
    flash(_("Objective removed from %(year)s.", year=year), "success")
    return redirect(url_for("kpi.strategy", year=year))


@bp.get("/charts/<name>.svg")
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    year = service.parse_year(request.args.get("year"), current_user)
    svg = CHARTS[name][1](service.figures(year, current_user))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
