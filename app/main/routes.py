"""The dashboard and the health check."""

from flask import jsonify, render_template

from app.main import bp
from graph.dashboard import DashboardRepository
from graph.db import get_graph
from graph.errors import DatabaseUnavailable


@bp.get("/")
def dashboard():
    counts = DashboardRepository(get_graph()).counts()
    return render_template("main/dashboard.html", counts=counts)


@bp.get("/healthz")
def healthz():
    try:
        server = get_graph().ping()
    except DatabaseUnavailable as exc:
        return jsonify({"status": "unavailable", "neo4j": "down", "reason": str(exc)}), 503
    return jsonify({"status": "ok", "neo4j": "up", "server": server["agent"]})
