"""The partner register (administrators only, see the blueprint): partner agencies and
administrations, what they may receive, their keys; and this instance's own public keys."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin import bp
from app.cooperation import service
from app.cooperation.forms import PartnerForm
from app.i18n import say
from graph.db import get_graph
from graph.errors import NotFound
from graph.grading import Grading
from graph.partners import PartnerRepository
from graph.units import UnitRepository


def _form(data: dict | None = None) -> PartnerForm:
    form = PartnerForm(data=data)
    grading = Grading.from_config(current_app.config)
    form.handling.choices = [SelectChoice(code, label) for code, label
                             in grading.choices(grading.handling, translate=say)]
    form.unit.choices = [SelectChoice(u["name"], u["name"])
                         for u in UnitRepository(get_graph()).list()]
    return form


def _save(form: PartnerForm, partner_id: str | None = None) -> str | None:
    """Save the posted form; None (and the message on its field) when refused."""
    graph = get_graph()
    try:
        return service.save_partner(
            graph, current_user, form.data, Grading.from_config(current_app.config),
            [c.value for c in form.unit.choices], partner_id)
    except service.PartnerError as exc:
        getattr(form, exc.field).errors = [*getattr(form, exc.field).errors, str(exc)]
        return None


@bp.route("/partners", methods=["GET", "POST"])
def partners():
    form = _form({"kind": "agency", "unit": "HQ"})
    if form.validate_on_submit() and _save(form):
        flash(_("Partner %(name)s registered.", name=form.name.data.strip()), "success")
        return redirect(url_for("admin.partners"))
    own = service.keys(current_app.config)
    return render_template("admin/partners.html", partners=PartnerRepository(get_graph()).list(),
                           form=form, own=own), (400 if form.errors else 200)


@bp.route("/partners/<partner_id>", methods=["GET", "POST"])
def edit_partner(partner_id: str):
    try:
        partner = PartnerRepository(get_graph()).get(partner_id)
    except NotFound:
        abort(404)
    form = _form(partner)
    if form.validate_on_submit() and _save(form, partner_id):
        flash(_("Partner %(name)s saved.", name=form.name.data.strip()), "success")
        return redirect(url_for("admin.partners"))
    return render_template("admin/partner_edit.html", partner=partner, form=form), (
        400 if form.errors else 200)
