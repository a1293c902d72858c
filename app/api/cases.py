"""Cases and tasks over the API, with the same rules as the pages (app/cases/service.py).

A case the caller may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import jsonify
from pydantic import Field

from app.api import bp
from app.api.answers import refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.cases import service
from app.cases.service import CaseError
from app.errors import error_response
from graph.db import get_graph

_case = refusals_answered("case", "case_id", CaseError)
_task = refusals_answered("task", "task_id", CaseError)

CaseStatus = Literal["open", "suspended", "closed"]
CaseKind = Literal["rfi", "investigation"]
TaskStatus = Literal["open", "in_progress", "done", "cancelled"]
Priority = Literal["low", "normal", "high", "urgent"]


class Task(Answer):
    id: str
    title: str
    status: TaskStatus
    priority: Priority
    overdue: bool
    description: str | None = None
    due: date | None = None
    assignee: dict[str, Any] | None = None
    unit: str | None = None
    author: str | None = None
    on_case: bool = Field(True, description="False for a standing task. case_id and "
                          "case_title are null when the caller does not see the case.")
    case_id: str | None = None
    case_title: str | None = None


class Case(Answer):
    id: str
    kind: CaseKind
    title: str
    status: CaseStatus
    unit: str
    description: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    can_manage: bool | None = None
    members: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = Field([], description="Only the reports the caller may "
                                          "read.")
    entities: list[dict[str, Any]] = []
    charts: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    tasks: list[Task] = []


class Cases(Answer):
    cases: list[dict[str, Any]]


class MyTasks(Answer):
    assigned: list[Task]
    issued: list[Task]


class CaseQuery(Body):
    status: CaseStatus | None = None


class TaskQuery(Body):
    all: Literal["0", "1", "true"] | None = None


class NewCase(Body):
    title: str = Field(max_length=200)
    kind: CaseKind = "rfi"
    description: str | None = None


class CaseChange(Body):
    status: CaseStatus | None = None
    kind: Literal["investigation"] | None = Field(None, description="An RFI becomes an "
                                                  "investigation.")


class NewMember(Body):
    email: str
    role: Literal["lead", "member"] | None = None


class Attachment(Body):
    """What to attach, by the collection's own field or ``id``."""

    report_id: str | None = None
    entity_id: str | None = None
    chart_id: str | None = None
    id: str | None = None


class Note(Body):
    text: str


class NewTask(Body):
    """Give exactly one of assignee (an officer's e-mail) or unit. Officers task their own
    unit and the units below it."""

    title: str
    description: str | None = None
    due: str | None = Field(None, json_schema_extra={"format": "date"})
    priority: Priority | None = None
    assignee: str | None = Field(None, json_schema_extra={"format": "email"})
    unit: str | None = None


class TaskChange(Body):
    status: TaskStatus | None = None
    due: str | None = Field(None, json_schema_extra={"format": "date"},
                            description="null clears it")
    assignee: str | None = None
    unit: str | None = None


class Created(Answer):
    id: str


def _case_json(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.items() if k not in ("created_by",)}


def _read(case_id: str) -> dict[str, Any]:
    return _case_json(service.read_case(get_graph(), api_user(), case_id))


@bp.get("/cases")
@token_required
@_case
@operation("Cases the caller may see", query=CaseQuery, answer=Cases, errors=(400, 401))
def api_list_cases(query: CaseQuery):
    return jsonify({"cases": service.list_cases(get_graph(), api_user(), status=query.status)})


@bp.post("/cases")
@token_required
@_case
@operation("Open a case (an RFI by default)", body=NewCase, answer=(201, Case),
           errors=(400, 401, 403))
def api_create_case(body: NewCase):
    case_id = service.open_case(get_graph(), api_user(), title=body.title, kind=body.kind,
                                description=body.description)
    return jsonify(_read(case_id)), 201


@bp.get("/cases/<case_id>")
@token_required
@_case
@operation("One case with what the caller may see of it (audited)", answer=Case,
           errors=(401, 404))
def api_get_case(case_id: str):
    return jsonify(_read(case_id))


@bp.patch("/cases/<case_id>")
@token_required
@_case
@operation("Set the status, or turn an RFI into an investigation", body=CaseChange,
           answer=Case, errors=(400, 401, 403, 404, 409))
def api_update_case(case_id: str, body: CaseChange):
    if not body.model_fields_set:
        return error_response(400, "Bad request", 'Send {"status": ...} or {"kind": ...}.')
    service.update_case(get_graph(), api_user(), case_id, kind=body.kind, status=body.status)
    return jsonify(_read(case_id))


@bp.post("/cases/<case_id>/members")
@token_required
@_case
@operation("Assign an officer to the case", body=NewMember, answer=(201, Case),
           errors=(400, 401, 403, 404))
def api_add_member(case_id: str, body: NewMember):
    service.add_member(get_graph(), api_user(), case_id, email=body.email, role=body.role)
    return jsonify(_read(case_id)), 201


_ATTACH_FIELDS = {
    "reports": ("report", "report_id"),
    "entities": ("entity", "entity_id"),
    "charts": ("chart", "chart_id"),
}


@bp.post("/cases/<case_id>/<any(reports, entities, charts):collection>")
@token_required
@_case
@operation("Attach a report, entity or chart the caller may see", body=Attachment,
           answer=(201, Case), errors=(400, 401, 404, 409))
def api_attach(case_id: str, collection: str, body: Attachment):
    what, field = _ATTACH_FIELDS[collection]
    service.attach(get_graph(), api_user(), case_id, what, getattr(body, field) or body.id)
    return jsonify(_read(case_id)), 201


@bp.post("/cases/<case_id>/notes")
@token_required
@_case
@operation("Add a note", body=Note, answer=(201, Created), errors=(400, 401, 404, 409))
def api_add_note(case_id: str, body: Note):
    return jsonify({"id": service.add_note(get_graph(), api_user(), case_id, body.text)}), 201


@bp.post("/cases/<case_id>/tasks")
@token_required
@_case
@operation("Task an officer or a unit (own unit or below it)", body=NewTask,
           answer=(201, Task), errors=(400, 401, 403, 404, 409))
def api_create_task(case_id: str, body: NewTask):
    return _create_task(case_id, body)


@bp.get("/tasks")
@token_required
@operation("My tasks (assigned to me or my unit) and the tasks I issued", query=TaskQuery,
           answer=MyTasks)
def api_my_tasks(query: TaskQuery):
    include_closed = query.all in ("1", "true")
    return jsonify(service.my_tasks(get_graph(), api_user(), include_closed=include_closed))


@bp.post("/tasks")
@token_required
@_case
@operation("A standing task (no case) for an officer or a unit", body=NewTask,
           answer=(201, Task), errors=(400, 401, 403))
def api_create_standing_task(body: NewTask):
    """A task with no case: everyday tasking of a unit or an officer."""
    return _create_task(None, body)


def _create_task(case_id: str | None, body: NewTask):
    task_id = service.create_task(get_graph(), api_user(), case_id,
                                  **body.model_dump(include=set(NewTask.model_fields)))
    return jsonify(service.read_task(get_graph(), api_user(), task_id)), 201


@bp.get("/tasks/<task_id>")
@token_required
@_task
@operation("One task", answer=Task, errors=(401, 404))
def api_get_task(task_id: str):
    return jsonify(service.read_task(get_graph(), api_user(), task_id))


@bp.patch("/tasks/<task_id>")
@token_required
@_task
@operation("Change the status or due date, or reassign (all or nothing)", body=TaskChange,
           answer=Task, errors=(400, 401, 403, 404, 409))
def api_update_task(task_id: str, body: TaskChange):
    """Any of status, due (null clears it) and a new assignee (e-mail) or unit, in one
    transaction: a bad value writes nothing."""
    if not body.model_fields_set:
        return error_response(400, "Bad request", "Send status, due, assignee or unit.")
    changes = body.model_dump(include={"status", "due"} & body.model_fields_set)
    service.update_task(get_graph(), api_user(), task_id, assignee=body.assignee,
                        unit=body.unit, **changes)
    return jsonify(service.read_task(get_graph(), api_user(), task_id))
