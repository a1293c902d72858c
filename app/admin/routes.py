"""Administration of users and units (administrators only, see the blueprint)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import service
from app.accounts.roles import UnitKind
from app.accounts.service import AccountError
from app.admin import bp
from app.admin.forms import (
    UnitCreateForm,
    UnitEditForm,
    UserCreateForm,
    UserEditForm,
    parent_choices,
    unit_choices,
)
from app.auth.forms import RevokeForm
from app.sources.forms import GuidelinesForm
from app.sources.service import SourceError, SourceService
from graph.db import get_graph
from graph.errors import NotFound

KIND_TITLES = {k.value: k.title for k in UnitKind}


def _field_error(form, exc: AccountError) -> None:
    field = getattr(form, exc.field, None) or next(iter(form))
    field.errors.append(str(exc))


def _unit_names() -> list[str]:
    return [u["name"] for u in service.units(get_graph())]


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserCreateForm()
    form.unit.choices = unit_choices(_unit_names())
    if form.validate_on_submit():
        try:
            user = service.create_user(
                get_graph(),
                form.email.data,
                role=form.role.data,
                unit=form.unit.data,
                password=form.password.data,
                name=form.name.data,
                must_change_password=True,  # the officer chooses their own at first sign-in
            )
        except AccountError as exc:
            _field_error(form, exc)
        else:
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/users.html", users=service.users(get_graph()), form=form)


@bp.route("/users/<user_id>", methods=["GET", "POST"])
def edit_user(user_id: str):
    try:
        row = service.user_row(get_graph(), user_id)
    except NotFound:
        abort(404)
    form = UserEditForm(
        data={
            "name": row["name"],
            "role": row["role"],
            "unit": row["unit"],
            "active": row["active"],
        }
    )
    form.unit.choices = unit_choices(_unit_names())
    if form.validate_on_submit():
        try:
            service.update_user(
                get_graph(),
                user_id,
                name=form.name.data or "",
                role=form.role.data,
                unit=form.unit.data,
                active=form.active.data,
            )
        except AccountError as exc:
            _field_error(form, exc)
        else:
            flash(_("User %(email)s saved.", email=row['email']), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", user=row, form=form)


@bp.route("/units", methods=["GET", "POST"])
def units():
    form = UnitCreateForm()
    form.parent.choices = parent_choices(service.units(get_graph()))
    if form.validate_on_submit():
        try:
            unit = service.create_unit(
                get_graph(), form.name.data, kind=form.kind.data, parent=form.parent.data or None
            )
        except AccountError as exc:
            _field_error(form, exc)
        else:
            flash(_("Unit %(name)s created.", name=unit['name']), "success")
            return redirect(url_for("admin.units"))
    return render_template(
        "admin/units.html", units=service.units(get_graph()), form=form, kinds=KIND_TITLES
    ), (400 if form.errors else 200)


@bp.route("/units/<path:name>", methods=["GET", "POST"])
def edit_unit(name: str):
    """Rename a unit or move it in the tree (HQ → regional → crossing point)."""
    try:
        unit = service.unit(get_graph(), name)
    except NotFound:
        abort(404)
    form = UnitEditForm(data={"name": unit["name"], "parent": unit["parent"] or ""})
    form.parent.choices = parent_choices(service.units(get_graph()), exclude=unit["name"])
    if form.validate_on_submit():
        try:
            saved = service.update_unit(
                get_graph(), unit["name"], new_name=form.name.data, parent=form.parent.data or None
            )
        except AccountError as exc:
            _field_error(form, exc)
        else:
            flash(_("Unit %(name)s saved.", name=saved['name']), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_edit.html", unit=unit, form=form, kinds=KIND_TITLES), (
        400 if form.errors else 200
    )


@bp.get("/tokens")
def tokens():
    return render_template(
        "admin/tokens.html", tokens=service.list_tokens(get_graph()), revoke_form=RevokeForm()
    )


@bp.post("/tokens/<token_id>/revoke")
def revoke_token(token_id: str):
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            row = service.revoke_token(get_graph(), token_id)
        except NotFound:
            abort(404)
        flash(_("Token %(id)s of %(email)s is revoked.", id=row["id"], email=row["email"]),
              "success")
    return redirect(url_for("admin.tokens"))


@bp.route("/guidelines", methods=["GET", "POST"])
def guidelines():
    """The informant guidelines the administration adopts (shown on the source pages)."""
    sources = SourceService.from_config(get_graph(), current_app.config)
    current = sources.guidelines()
    form = GuidelinesForm(data={"text": current["text"] if current else ""})
    if form.validate_on_submit():
        try:
            sources.set_guidelines(current_user, form.text.data)
        except SourceError as exc:
            form.text.errors = [*form.text.errors, str(exc)]
        else:
            flash(_("The guidelines for informants are adopted."), "success")
            return redirect(url_for("admin.guidelines"))
    return render_template("admin/guidelines.html", form=form, current=current), (
        400 if form.errors else 200)
