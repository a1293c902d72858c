"""The KPI dashboard, its charts (SVG) and the printable annual report."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from app.audit import audit
from app.kpi import bp, service
from app.kpi.charts import CHARTS
from graph.clock import utc_now

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
        charts=CHARTS,
        generated_at=utc_now(),
    )


@bp.get("/charts/<name>.svg")
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    year = service.parse_year(request.args.get("year"), current_user)
    svg = CHARTS[name][1](service.figures(year, current_user))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
