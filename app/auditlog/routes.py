"""The audit log page and its CSV download."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from app.auditlog import bp, service
from app.auditlog.forms import AuditFilterForm
from app.spreadsheet import csv_download
from graph.db import get_graph

CSV_COLUMNS = ("seq", "at", "actor", "action", "target", "outcome", "reason", "origin", "detail",
               "hash")


def _form() -> AuditFilterForm:
    return AuditFilterForm(formdata=request.args)


@bp.get("/")
def index():
    graph = get_graph()
    try:
        form = _form()
        result = service.search(graph, current_user, form.query()) if form.validate() else None
        actions = service.known_actions(graph, current_user)
        head = service.chain_head(graph, current_user)
    except service.AuditForbidden:
        abort(403)
    return render_template(
        "auditlog/index.html",
        form=form,
        result=result,
        actions=actions,
        head=head,
        page_url=_page_url,
    )


@bp.get("/export.csv")
def export_csv():
    form = _form()
    if not form.validate():
        # The page shows the same form with its errors; a download cannot.
        return index()
    try:
        rows = service.export(get_graph(), current_user, form.query())
    except service.AuditForbidden:
        abort(403)
    return csv_download(
        CSV_COLUMNS, ([row.get(column) for column in CSV_COLUMNS] for row in rows),
        "audit-log.csv")


def _page_url(page: int, endpoint: str = "auditlog.index") -> str:
    """The current filters with another page (or, for the export, without a page)."""
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if endpoint == "auditlog.index" and page > 1:
        args["page"] = str(page)
    return url_for(endpoint, **args)
