"""A trader's AEO page: status history and the form the committee records changes with."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.aeo import bp, service
from app.aeo.forms import AeoStatusForm
from app.i18n import term
from graph import policy
from graph.db import get_graph
from graph.errors import NotFound


def _page(ref: str, form: AeoStatusForm, status: int = 200):
    try:
        trader = service.history(get_graph(), current_user, ref)
    except service.AeoError:
        abort(403)
    except NotFound:
        abort(404)
    return render_template("aeo/trader.html", ref=ref, trader=trader, form=form,
                           can_edit=policy.may(current_user, policy.EDIT_AEO)), status


@bp.get("/aeo/<ref>")
def trader(ref: str):
    return _page(ref, AeoStatusForm(data={"date": date.today()}))


@bp.post("/aeo/<ref>")
def record(ref: str):
    form = AeoStatusForm()
    if not policy.may(current_user, policy.EDIT_AEO):
        abort(403)
    if form.validate_on_submit():
        try:
            service.record_status(get_graph(), current_user, ref, status=form.status.data,
                                  when=form.date.data.isoformat(), level=form.level.data,
                                  note=form.note.data)
        except NotFound:
            abort(404)
        except service.AeoError as exc:
            getattr(form, exc.field, form.status).errors.append(str(exc))
        else:
            flash(_("AEO status of %(ref)s recorded: %(status)s.", ref=ref,
                    status=term(form.status.data)), "success")
            return redirect(url_for("aeo.trader", ref=ref))
    return _page(ref, form, 400)
