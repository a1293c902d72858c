"""Duplicate proposals, merge and split pages: thin views over app.merges.service."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.merges import bp, service
from app.merges.forms import MergeForm, SplitForm
from app.merges.service import MergeRefused, NotFound
from graph import policy
from graph.db import get_graph


@bp.get("/")
def index():
    graph = get_graph()
    if not policy.may(current_user, policy.MERGE_ENTITIES):
        abort(403)
    return render_template(
        "merges/index.html",
        proposals=service.proposals(graph, current_user),
        merged=service.merged(graph, current_user),
        form=MergeForm(formdata=None),
        split_form=SplitForm(formdata=None),
    )


@bp.get("/entities/<path:entity_id>")
def entity(entity_id: str):
    if not policy.may(current_user, policy.MERGE_ENTITIES):
        abort(403)
    try:
        subject, found = service.candidates_for(get_graph(), current_user, entity_id)
    except NotFound:
        abort(404)
    return render_template(
        "merges/entity.html",
        entity=subject,
        candidates=found,
        form=MergeForm(formdata=None),
        split_form=SplitForm(formdata=None),
    )


def _back(default_id: str | None = None):
    target = request.form.get("back")
    if target == "entity" and default_id:
        return redirect(url_for("merges.entity", entity_id=default_id))
    return redirect(url_for("merges.index"))


@bp.post("/merge")
def merge():
    form = MergeForm()
    if not form.validate_on_submit():
        problems = "; ".join(e for errors in form.errors.values() for e in errors)
        flash(_("Not merged: %(value)s.", value=problems or 'the form was incomplete'), "error")
        return _back(form.from_id.data), 303
    try:
        result = service.merge(
            get_graph(), current_user, form.from_id.data, form.into_id.data, form.reason.data
        )
    except NotFound:
        abort(404)
    except MergeRefused as exc:
        flash(_("Not merged: %(exc)s", exc=exc), "error")
        return _back(form.from_id.data), 303
    flash(_("%(source)s merged into %(into)s (reversible: split).", source=result["from"],
            into=result["into"]), "success")
    return _back(form.from_id.data)


@bp.post("/split")
def split():
    form = SplitForm()
    if not form.validate_on_submit():
        flash(_("Not split: the form was incomplete."), "error")
        return _back(), 303
    try:
        result = service.split(get_graph(), current_user, form.entity_id.data, form.reason.data)
    except NotFound:
        abort(404)
    except MergeRefused as exc:
        flash(_("Not split: %(exc)s", exc=exc), "error")
        return _back(form.entity_id.data), 303
    flash(_("%(source)s split from %(into)s.", source=result["from"], into=result["into"]),
          "success")
    return _back(form.entity_id.data)
