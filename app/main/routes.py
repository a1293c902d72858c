"""The dashboard and the health check."""

from flask import current_app, jsonify, render_template
from flask_login import current_user

from app.cases import service as tasks
from app.cases.forms import TaskStatusForm
from app.dissemination import service as dissemination
from app.main import bp, service
from app.sources.service import SourceService
from graph import policy
from graph.db import get_graph
from graph.errors import DatabaseUnavailable

DASHBOARD_TASKS = 10
DASHBOARD_AWAITING = 5


@bp.get("/")
def dashboard():
    counts = service.counts(get_graph())
    mine = tasks.assigned_tasks(get_graph(), current_user)
    awaiting = dissemination.awaiting_feedback(get_graph(), current_user,
                                               current_app.config["FEEDBACK_DAYS"])
    return render_template(
        "main/dashboard.html",
        counts=counts,
        my_tasks=mine[:DASHBOARD_TASKS],
        more_tasks=max(0, len(mine) - DASHBOARD_TASKS),
        overdue=sum(1 for t in mine if t["overdue"]),
        status_form=TaskStatusForm(),
        reviews_overdue=SourceService.from_config(get_graph(), current_app.config)
        .reviews_overdue(current_user),
        handles_sources=policy.may(current_user, policy.HANDLE_SOURCES),
        awaiting=awaiting[:DASHBOARD_AWAITING],
        more_awaiting=max(0, len(awaiting) - DASHBOARD_AWAITING),
        feedback_units=dissemination.feedback_by_unit(get_graph(), current_user),
    )


@bp.get("/healthz")
def healthz():
    try:
        server = get_graph().ping()
    except DatabaseUnavailable as exc:
        return jsonify({"status": "unavailable", "neo4j": "down", "reason": str(exc)}), 503
    return jsonify({"status": "ok", "neo4j": "up", "server": server["agent"]})
