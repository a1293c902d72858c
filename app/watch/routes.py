"""Watch list and notification pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.watch import bp, service
from app.watch.forms import PlainForm, WatchEntityForm, WatchSearchForm
from app.watch.service import WatchError
from graph.errors import NotFound


def _local(target: str | None, fallback: str) -> str:
    """Same-site relative paths only, so a form cannot bounce the officer elsewhere."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


@bp.get("/watch/")
def index():
    return _watch_page()


def _watch_page(status: int = 200, entity_form: WatchEntityForm | None = None,
                search_form: WatchSearchForm | None = None, choices: list | None = None):
    """The watch list; a refused form comes back with its message beside its field, a name
    that several entities answer to with them (``choices``) to pick from."""
    return render_template(
        "watch/index.html",
        choices=choices or [],
        watches=service.watches(current_user),
        entity_form=entity_form or WatchEntityForm(formdata=None),
        search_form=search_form or WatchSearchForm(formdata=None),
        remove_form=PlainForm(),
    ), status


def _refused(form, exc: WatchError, default) -> None:
    getattr(form, exc.field or "", default).errors.append(str(exc))


@bp.post("/watch/entity")
def add_entity():
    form = WatchEntityForm()
    choices: list = []
    if form.validate_on_submit():
        try:
            entity, choices = service.entity_to_watch(current_user, form.entity_id.data)
            if entity:
                service.watch_entity(current_user, entity["id"])
        except WatchError as exc:
            _refused(form, exc, form.entity_id)
        else:
            if entity:
                flash(_("You now watch %(data)s.", data=entity.get("name") or entity["id"]),
                      "success")
                return redirect(_local(form.next.data, url_for("watch.index")))
            # several entities answer to what was typed: the officer picks one
            return _watch_page(200, entity_form=form, choices=choices)
    return _watch_page(400, entity_form=form)


@bp.post("/watch/search")
def add_search():
    form = WatchSearchForm()
    if form.validate_on_submit():
        try:
            service.watch_search(current_user, form.query.data)
        except WatchError as exc:
            _refused(form, exc, form.query)
        else:
            flash(_("Search saved: you will be told about new matches."), "success")
            return redirect(url_for("watch.index"))
    return _watch_page(400, search_form=form)


@bp.post("/watch/<watch_id>/remove")
def remove(watch_id: str):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        service.unwatch(current_user, watch_id)
    except NotFound:
        abort(404)
    flash(_("No longer watched."), "success")
    return redirect(url_for("watch.index"))


@bp.get("/notifications/")
def notifications():
    return render_template(
        "watch/notifications.html",
        notifications=service.notifications(current_user),
        form=PlainForm(),
    )


@bp.get("/notifications/<notification_id>")
def open_notification(notification_id: str):
    """A notification's link (also the one in its mail): marks it read, opens its record."""
    try:
        link = service.open_notification(current_user, notification_id)
    except NotFound:
        abort(404)
    return redirect(_local(link, url_for("watch.notifications")))


@bp.post("/notifications/read")
def mark_read():
    if not PlainForm().validate_on_submit():
        abort(400)
    service.mark_read(current_user, request.form.get("id") or None)
    return redirect(url_for("watch.notifications"))
