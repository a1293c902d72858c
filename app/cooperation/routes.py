"""Send to partner: an analyst packs a report for a partner agency and downloads the file."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.cooperation import bp, service
from app.cooperation.forms import PackageForm
from app.dissemination.service import NotFound, report_view
from graph.db import get_graph


@bp.route("/reports/<path:report_id>/package", methods=["GET", "POST"])
def package(report_id: str):
    graph = get_graph()
    try:
        view = report_view(graph, current_user, report_id, via="cooperation")
    except NotFound:
        abort(404)
    partners = service.sendable_partners(graph)
    form = PackageForm()
    form.partner.choices = [
        SelectChoice(p["name"], f"{p['name']} ({p['country']}; receives "
                                f"{', '.join(p['handling'])})") for p in partners]
    if form.validate_on_submit():
        try:
            sent = service.build_package(graph, current_user, current_app.config,
                                         form.partner.data, [report_id],
                                         form.conditions.data)
        except service.Refused as exc:
            form.partner.errors = [*form.partner.errors, str(exc)]
        else:
            return Response(sent["data"], mimetype="application/json", headers={
                "Content-Disposition": f'attachment; filename="{sent["filename"]}"'})
    status = 400 if form.errors else 200
    return render_template("cooperation/package.html", report=view["report"], form=form,
                           partners=partners), status
