"""Case and task pages: parse the form, call the service, render or redirect."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.cases import bp, service
from app.cases.forms import (
    AttachForm,
    CaseForm,
    CaseStatusForm,
    ConvertForm,
    MemberForm,
    NoteForm,
    TaskAssignForm,
    TaskDueForm,
    TaskForm,
    TaskStatusForm,
)
from app.cases.service import CaseError
from app.evidence.routes import evidence, uploads
from app.evidence.service import EvidenceError
from app.i18n import term
from graph import policy
from graph.db import get_graph
from graph.errors import NotFound
from graph.tasks import TaskStatus

ATTACHABLE = ("report", "entity", "chart")


def _fill_assignment_choices(form, choices) -> None:
    form.assignee.choices = [SelectChoice("", "—")] + [
        SelectChoice(u["email"], f"{u['name'] or u['email']} ({u['unit']})")
        for u in choices["users"]
    ]
    form.unit.choices = [SelectChoice("", "—")] + [
        SelectChoice(u["name"], u["name"]) for u in choices["units"]
    ]


def _task_form(**kwargs) -> TaskForm:
    form = TaskForm(**kwargs)
    _fill_assignment_choices(form, service.tasking_choices(get_graph(), current_user))
    return form


def _back(case_id: str):
    return redirect(url_for("cases.detail", case_id=case_id))


def _flash_error(exc: CaseError) -> None:
    flash(str(exc), "error")


@bp.route("/cases/", methods=["GET", "POST"])
def index():
    form = CaseForm()
    can_open = policy.may(current_user, policy.OPEN_CASES)
    if can_open and form.validate_on_submit():
        try:
            case_id = service.open_case(
                get_graph(),
                current_user,
                title=form.title.data,
                kind=form.kind.data,
                description=form.description.data,
            )
        except CaseError as exc:
            getattr(form, exc.field, form.title).errors.append(str(exc))
        else:
            flash(_("Case %(case_id)s opened.", case_id=case_id), "success")
            return _back(case_id)
    status = request.args.get("status") or None
    try:
        cases = service.list_cases(get_graph(), current_user, status=status)
    except CaseError:
        cases = service.list_cases(get_graph(), current_user)
    return render_template(
        "cases/index.html", cases=cases, form=form, can_open=can_open, status=status
    )


@bp.get("/cases/<case_id>")
def detail(case_id: str):
    return _case_page(case_id)


def _case_page(case_id: str, status: int = 200, posted: str = "", form=None,
               attach: str | None = None):
    """The case; a refused ``form`` (``posted``: its name in the template) comes back with
    each message beside its field. The three attach forms share one form class:
    ``attach`` says which of them was refused."""
    try:
        case = service.read_case(get_graph(), current_user, case_id)
    except NotFound:
        abort(404)
    forms = {
        "status_form": CaseStatusForm(formdata=None, data={"status": case["status"]}),
        "member_form": MemberForm(formdata=None),
        "attach_target_form": AttachForm(formdata=None),
        "note_form": NoteForm(formdata=None),
        "task_form": _task_form(formdata=None),
    }
    if form is not None:
        forms[posted] = form
    return render_template("cases/detail.html", case=case, convert_form=ConvertForm(),
                           task_status_form=TaskStatusForm(), attach_refused=attach,
                           **forms), status


def _run(case_id: str, action, success: str, form=None, posted: str = "",
         attach: str | None = None):
    """Run one case action from a detail-page form and come back to the case; a refusal
    about one of ``form``'s fields is shown beside it, any other at the top."""
    if form is not None and not form.validate_on_submit():
        return _case_page(case_id, 400, posted, form, attach)
    try:
        action()
    except NotFound:
        abort(404)
    except CaseError as exc:
        field = "target" if attach else exc.field  # the API's report_id, entity_id, chart_id
        if form is None or exc.status in (403, 409) or field not in form:
            _flash_error(exc)
            return _back(case_id)
        form[field].errors.append(str(exc))
        return _case_page(case_id, 400, posted, form, attach)
    flash(success, "success")
    return _back(case_id)


@bp.post("/cases/<case_id>/status")
def set_status(case_id: str):
    form = CaseStatusForm()
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return _back(case_id)
    return _run(
        case_id,
        lambda: service.set_case_status(get_graph(), current_user, case_id, form.status.data),
        _("Status saved."),
    )


@bp.post("/cases/<case_id>/convert")
def convert(case_id: str):
    if not ConvertForm().validate_on_submit():
        abort(400)
    return _run(
        case_id,
        lambda: service.convert_to_investigation(get_graph(), current_user, case_id),
        _("The request is now an investigation."),
    )


@bp.post("/cases/<case_id>/members")
def add_member(case_id: str):
    form = MemberForm()
    return _run(
        case_id,
        lambda: service.add_member(
            get_graph(), current_user, case_id, email=form.email.data, role=form.role.data
        ),
        _("%(email)s assigned to the case.", email=form.email.data),
        form, "member_form",
    )


# What the officer reads once a report, entity or chart is attached (one sentence per
# kind: the kind's word is not slotted into a sentence of another language).
ATTACHED = {"report": _l("Report %(target)s attached."),
            "entity": _l("Entity %(target)s attached."), "chart": _l("Chart %(target)s attached.")}


@bp.post("/cases/<case_id>/attach/<what>")
def attach(case_id: str, what: str):
    if what not in ATTACHABLE:
        abort(404)
    form = AttachForm()
    return _run(
        case_id,
        lambda: service.attach(get_graph(), current_user, case_id, what, form.target.data),
        ATTACHED[what] % {"target": form.target.data},
        form, "attach_target_form", attach=what,
    )


@bp.post("/cases/<case_id>/notes")
def add_note(case_id: str):
    form = NoteForm()
    return _run(
        case_id,
        lambda: service.add_note(get_graph(), current_user, case_id, form.text.data),
        _("Note added."),
        form, "note_form",
    )


@bp.post("/cases/<case_id>/files")
def attach_files(case_id: str):
    if not FlaskForm().validate_on_submit():  # the CSRF token; the files are read below
        flash(_("The form expired; try again."), "error")
        return _back(case_id)
    store = evidence()
    try:
        files = store.prepare(uploads(), by=current_user.email,
                              strip=request.form.get("strip_metadata") == "y")
    except EvidenceError as exc:
        flash(str(exc), "error")
        return _back(case_id)
    return _run(
        case_id,
        lambda: store.saved(files, lambda: service.attach_files(get_graph(), current_user,
                                                                case_id, files)),
        _("%(num)d file(s) attached.", num=len(files)),
    )


@bp.post("/cases/<case_id>/tasks")
def add_task(case_id: str):
    form = _task_form()
    return _run(
        case_id,
        lambda: service.create_task(
            get_graph(),
            current_user,
            case_id,
            **_task_fields(form),
        ),
        _("Task assigned."),
        form, "task_form",
    )


def _task_fields(form) -> dict:
    """What the task form says, as the service takes it (a case's task or a standing one)."""
    return {
        "title": form.title.data,
        "description": form.description.data,
        "due": form.due.data.isoformat() if form.due.data else None,
        "priority": form.priority.data,
        "assignee": form.assignee.data or None,
        "unit": form.unit.data or None,
    }


def _form_errors(form) -> str:
    return "; ".join(
        f"{form[name].label.text}: {', '.join(msgs)}" for name, msgs in form.errors.items()
    )


@bp.route("/tasks/", methods=["GET", "POST"])
def my_tasks():
    """My tasks, the tasks I issued, and a form for a standing task (no case needed)."""
    form = _task_form()
    if form.validate_on_submit():
        try:
            task_id = service.create_task(
                get_graph(),
                current_user,
                None,
                **_task_fields(form),
            )
        except CaseError as exc:
            getattr(form, exc.field, form.title).errors.append(str(exc))
        else:
            flash(_("Task assigned."), "success")
            return redirect(url_for("cases.task_detail", task_id=task_id))
    include_closed = request.args.get("all") == "1"
    tasks = service.my_tasks(get_graph(), current_user, include_closed=include_closed)
    return render_template(
        "cases/tasks.html",
        tasks=tasks,
        include_closed=include_closed,
        status_form=TaskStatusForm(),
        task_form=form,
    ), (400 if form.errors else 200)


@bp.get("/tasks/<task_id>")
def task_detail(task_id: str):
    try:
        task = service.read_task(get_graph(), current_user, task_id)
    except NotFound:
        abort(404)
    assign_form = TaskAssignForm()
    choices = service.tasking_choices(get_graph(), current_user)
    _fill_assignment_choices(assign_form, choices)
    return render_template(
        "cases/task.html",
        task=task,
        status_form=TaskStatusForm(data={"status": task["status"]}),
        assign_form=assign_form,
        due_form=TaskDueForm(data={"due": _date_or_none(task["due"])}),
    )


def _date_or_none(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _after_task(task_id: str, task: dict):
    """Back where the form was: the case, the dashboard, the task or my tasks."""
    target = request.form.get("next")
    if target == "case" and task.get("case_id"):
        return _back(task["case_id"])
    if target == "dashboard":
        return redirect(url_for("main.dashboard"))
    if target == "task":
        return redirect(url_for("cases.task_detail", task_id=task_id))
    return redirect(url_for("cases.my_tasks"))


def _task_action(task_id: str, form, action, success):
    try:
        task = service.read_task(get_graph(), current_user, task_id)
        if not form.validate_on_submit():
            raise CaseError(_form_errors(form) or _("Check the form."), "status")
        action()
    except NotFound:
        abort(404)
    except CaseError as exc:
        _flash_error(exc)
    else:
        flash(success(task), "success")
    return _after_task(task_id, task)


@bp.post("/tasks/<task_id>/status")
def task_status(task_id: str):
    form = TaskStatusForm()
    return _task_action(
        task_id,
        form,
        lambda: service.set_task_status(get_graph(), current_user, task_id, form.status.data),
        lambda task: _("“%(task)s” is now %(status)s.", task=task["title"],
                       status=term(TaskStatus(form.status.data).value)),
    )


@bp.post("/tasks/<task_id>/assign")
def task_assign(task_id: str):
    form = TaskAssignForm()
    _fill_assignment_choices(form, service.tasking_choices(get_graph(), current_user))
    return _task_action(
        task_id,
        form,
        lambda: service.reassign_task(
            get_graph(),
            current_user,
            task_id,
            assignee=form.assignee.data or None,
            unit=form.unit.data or None,
        ),
        lambda task: _("“%(task)s” reassigned.", task=task["title"]),
    )


@bp.post("/tasks/<task_id>/due")
def task_due(task_id: str):
    form = TaskDueForm()
    return _task_action(
        task_id,
        form,
        lambda: service.set_task_due(
            get_graph(),
            current_user,
            task_id,
            form.due.data.isoformat() if form.due.data else None,
        ),
        lambda task: _("Due date of “%(task)s” saved.", task=task["title"]),
    )
