"""Send to partner (a package downloaded, pushed to the partner's inbox, or both), and the
formats partners read: a report's STIX bundle and FollowTheMoney entities, the WCO seizure
CSV, and a partner's STIX bundle taken in."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.cooperation import bp, formats, service
from app.cooperation.forms import PackageForm, SeizuresForm, StixImportForm
from app.dissemination.service import NotFound, report_view
from app.i18n import say
from app.spreadsheet import csv_download
from graph.db import get_graph


def _delivery_message(sent: dict) -> str:
    status = sent.get("delivery", "pending")
    if status == "delivered":
        return _("Package pushed to %(partner)s: delivered.", partner=sent["partner"])
    if status == "failed":
        return _("Package for %(partner)s: the push failed; see the dissemination log.",
                 partner=sent["partner"])
    return _("Package for %(partner)s: the partner is unreachable; it will be pushed again.",
             partner=sent["partner"])


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
            if sent["pushed"]:
                flash(_delivery_message(sent),
                      "success" if sent["delivery"] == "delivered" else "error")
            if not sent["pushed"] or form.download.data:
                return Response(sent["data"], mimetype="application/json", headers={
                    "Content-Disposition": f'attachment; filename="{sent["filename"]}"'})
            return redirect(url_for("dissemination.report", report_id=report_id))
    status = 400 if form.errors else 200
    return render_template("cooperation/package.html", report=view["report"], form=form,
                           partners=partners), status


def _export(report_id: str, make, mimetype: str, suffix: str):
    graph = get_graph()
    try:
        report = report_view(graph, current_user, report_id, via="export")["report"]
        data = make(graph, current_user, current_app.config, [report_id],
                    request.args.get("partner") or None)
    except NotFound:
        abort(404)
    except service.Refused as exc:
        flash(str(exc), "error")
        return redirect(url_for("dissemination.report", report_id=report_id))
    body = data if isinstance(data, bytes) else json.dumps(data, indent=1).encode()
    name = f"{report.get('reference') or 'report'}{suffix}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/reports/<path:report_id>/stix")
def stix(report_id: str):
    return _export(report_id, formats.stix_bundle, "application/stix+json", ".stix.json")


@bp.get("/reports/<path:report_id>/ftm")
def ftm(report_id: str):
    return _export(report_id, formats.ftm_lines, "application/json", ".ftm.json")


@bp.route("/", methods=["GET", "POST"])
def index():
    graph = get_graph()
    seizures = SeizuresForm(request.args)
    upload = StixImportForm()
    upload.partner.choices = [SelectChoice(p["name"], p["name"])
                              for p in service.sendable_partners(graph)]
    if upload.validate_on_submit():
        data = upload.bundle.data.read() if upload.bundle.data else b""
        try:
            result = formats.import_stix(graph, current_app.config, data,
                                         upload.partner.data, current_user)
        except service.PackageRefused as exc:
            upload.bundle.errors = [*upload.bundle.errors, say(exc)]
        else:
            flash(_("Bundle from %(partner)s: %(reports)d report(s), %(created)d new.",
                    partner=result["partner"], reports=len(result["reports"]),
                    created=result["created"]), "success")
            return redirect(url_for("cooperation.index"))
    return render_template("cooperation/index.html", seizures=seizures, upload=upload), (
        400 if upload.errors else 200)


@bp.get("/seizures.csv")
def seizures_csv():
    try:
        rows = formats.seizure_rows(get_graph(), current_user, request.args.get("start"),
                                    request.args.get("end"))
    except service.Refused as exc:
        flash(str(exc), "error")
        return redirect(url_for("cooperation.index"))
    return csv_download(formats.SEIZURE_HEADER, rows, "seizures-wco.csv")
