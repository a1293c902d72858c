"""Cases and tasks over the API, with the same rules as the pages (app/cases/service.py).

A case the caller may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.api import bp
from app.api.answers import json_object, object_body, refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import (
    error_responses,
    json_request,
    json_response,
    path_parameter,
    register,
    schema_ref,
)
from app.cases import service
from app.cases.service import CaseError
from app.errors import error_response
from graph.db import get_graph

_case = refusals_answered("case", "case_id", CaseError)
_task = refusals_answered("task", "task_id", CaseError)


def _case_json(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.items() if k not in ("created_by",)}


@bp.get("/cases")
@token_required
@_case
def api_list_cases():
    cases = service.list_cases(get_graph(), api_user(), status=request.args.get("status"))
    return jsonify({"cases": cases})


@bp.post("/cases")
@token_required
@_case
def api_create_case():
    body = object_body()
    case_id = service.open_case(
        get_graph(),
        api_user(),
        title=body.get("title"),
        kind=body.get("kind"),
        description=body.get("description"),
    )
    return jsonify(_case_json(service.read_case(get_graph(), api_user(), case_id))), 201


@bp.get("/cases/<case_id>")
@token_required
@_case
def api_get_case(case_id: str):
    return jsonify(_case_json(service.read_case(get_graph(), api_user(), case_id)))


@bp.patch("/cases/<case_id>")
@token_required
@_case
def api_update_case(case_id: str):
    """``{"status": ...}`` and/or ``{"kind": "investigation"}`` (an RFI becomes one)."""
    body = json_object()
    if body is None or not ({"status", "kind"} & body.keys()):
        return error_response(400, "Bad request", 'Send {"status": ...} or {"kind": ...}.')
    service.update_case(get_graph(), api_user(), case_id, kind=body.get("kind"),
                        status=body.get("status"))
    return jsonify(_case_json(service.read_case(get_graph(), api_user(), case_id)))


@bp.post("/cases/<case_id>/members")
@token_required
@_case
def api_add_member(case_id: str):
    body = object_body()
    service.add_member(
        get_graph(), api_user(), case_id, email=body.get("email"), role=body.get("role")
    )
    return jsonify(_case_json(service.read_case(get_graph(), api_user(), case_id))), 201


_ATTACH_FIELDS = {
    "reports": ("report", "report_id"),
    "entities": ("entity", "entity_id"),
    "charts": ("chart", "chart_id"),
}


@bp.post("/cases/<case_id>/<any(reports, entities, charts):collection>")
@token_required
@_case
def api_attach(case_id: str, collection: str):
    body = object_body()
    what, field = _ATTACH_FIELDS[collection]
    service.attach(get_graph(), api_user(), case_id, what, body.get(field) or body.get("id"))
    return jsonify(_case_json(service.read_case(get_graph(), api_user(), case_id))), 201


@bp.post("/cases/<case_id>/notes")
@token_required
@_case
def api_add_note(case_id: str):
    body = object_body()
    note_id = service.add_note(get_graph(), api_user(), case_id, body.get("text"))
    return jsonify({"id": note_id}), 201


@bp.post("/cases/<case_id>/tasks")
@token_required
@_case
def api_create_task(case_id: str):
    return _create_task(case_id)


@bp.get("/tasks")
@token_required
def api_my_tasks():
    include_closed = request.args.get("all") in ("1", "true")
    return jsonify(service.my_tasks(get_graph(), api_user(), include_closed=include_closed))


@bp.post("/tasks")
@token_required
@_case
def api_create_standing_task():
    """A task with no case: everyday tasking of a unit or an officer."""
    return _create_task(None)


def _create_task(case_id: str | None):
    """One body for a case's task and a standing task: title, description, due, priority,
    and an assignee (e-mail) or a unit."""
    body = object_body()
    fields = ("title", "description", "due", "priority", "assignee", "unit")
    task_id = service.create_task(get_graph(), api_user(), case_id,
                                  **{f: body.get(f) for f in fields})
    return jsonify(service.read_task(get_graph(), api_user(), task_id)), 201


@bp.get("/tasks/<task_id>")
@token_required
@_task
def api_get_task(task_id: str):
    return jsonify(service.read_task(get_graph(), api_user(), task_id))


@bp.patch("/tasks/<task_id>")
@token_required
@_task
def api_update_task(task_id: str):
    """Any of ``{"status"}``, ``{"due"}`` (null clears it) and a new ``{"assignee": EMAIL}``
    or ``{"unit": NAME}``, in one transaction: a bad value writes nothing."""
    body = json_object()
    if body is None or not ({"status", "due", "assignee", "unit"} & body.keys()):
        return error_response(400, "Bad request", "Send status, due, assignee or unit.")
    changes = {k: body[k] for k in ("status", "due") if k in body}
    service.update_task(
        get_graph(),
        api_user(),
        task_id,
        assignee=body.get("assignee"),
        unit=body.get("unit"),
        **changes,
    )
    return jsonify(service.read_task(get_graph(), api_user(), task_id))


_SCHEMAS = {
    "Case": {
        "type": "object",
        "required": ["id", "kind", "title", "status", "unit"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["rfi", "investigation"]},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "suspended", "closed"]},
            "unit": {"type": "string"},
            "created_at": {"type": "string"},
            "updated_at": {"type": "string"},
            "can_manage": {"type": "boolean"},
            "members": {"type": "array", "items": {"type": "object"}},
            "reports": {
                "type": "array",
                "items": {"type": "object"},
                "description": "Only the reports the caller may read.",
            },
            "entities": {"type": "array", "items": {"type": "object"}},
            "charts": {"type": "array", "items": {"type": "object"}},
            "notes": {"type": "array", "items": {"type": "object"}},
            "tasks": {"type": "array", "items": schema_ref("Task")},
        },
    },
    "NewCase": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "kind": {"type": "string", "enum": ["rfi", "investigation"], "default": "rfi"},
            "description": {"type": "string"},
        },
    },
    "Task": {
        "type": "object",
        "required": ["id", "title", "status", "priority", "overdue"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "due": {"type": ["string", "null"], "format": "date"},
            "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
            "status": {"type": "string", "enum": ["open", "in_progress", "done", "cancelled"]},
            "assignee": {"type": ["object", "null"]},
            "unit": {"type": ["string", "null"]},
            "overdue": {"type": "boolean"},
            "author": {"type": ["string", "null"]},
            "on_case": {
                "type": "boolean",
                "description": "False for a standing task. case_id and case_title are null "
                "when the caller does not see the case.",
            },
            "case_id": {"type": ["string", "null"]},
            "case_title": {"type": ["string", "null"]},
        },
    },
    "NewTask": {
        "type": "object",
        "required": ["title"],
        "description": "Give exactly one of assignee (an officer's e-mail) or unit. Officers "
        "task their own unit and the units below it.",
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "due": {"type": "string", "format": "date"},
            "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
            "assignee": {"type": "string", "format": "email"},
            "unit": {"type": "string"},
        },
    },
}

_CASE_ID = path_parameter("case_id")
_TASK_ID = path_parameter("task_id")

register(
    {
        "/cases": {
            "get": {
                "summary": "Cases the caller may see",
                "operationId": "listCases",
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["open", "suspended", "closed"]},
                    }
                ],
                "responses": {
                    "200": json_response(
                        {
                            "type": "object",
                            "properties": {"cases": {"type": "array", "items": {"type": "object"}}},
                        }
                    ),
                    **error_responses(400, 401),
                },
            },
            "post": {
                "summary": "Open a case (an RFI by default)",
                "operationId": "createCase",
                "requestBody": json_request(schema_ref("NewCase")),
                "responses": {
                    "201": json_response(schema_ref("Case"), "Created"),
                    **error_responses(400, 401, 403),
                },
            },
        },
        "/cases/{case_id}": {
            "get": {
                "summary": "One case with what the caller may see of it (audited)",
                "operationId": "getCase",
                "parameters": [_CASE_ID],
                "responses": {
                    "200": json_response(schema_ref("Case")),
                    **error_responses(401, 404),
                },
            },
            "patch": {
                "summary": "Set the status, or turn an RFI into an investigation",
                "operationId": "updateCase",
                "parameters": [_CASE_ID],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "properties": {
                            "status": {"type": "string", "enum": ["open", "suspended", "closed"]},
                            "kind": {"type": "string", "enum": ["investigation"]},
                        },
                    }
                ),
                "responses": {
                    "200": json_response(schema_ref("Case")),
                    **error_responses(400, 401, 403, 404, 409),
                },
            },
        },
        "/cases/{case_id}/members": {
            "post": {
                "summary": "Assign an officer to the case",
                "operationId": "addCaseMember",
                "parameters": [_CASE_ID],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["email"],
                        "properties": {
                            "email": {"type": "string"},
                            "role": {"type": "string", "enum": ["lead", "member"]},
                        },
                    }
                ),
                "responses": {
                    "201": json_response(schema_ref("Case"), "Assigned"),
                    **error_responses(400, 401, 403, 404),
                },
            },
        },
        **{
            f"/cases/{{case_id}}/{collection}": {
                "post": {
                    "summary": f"Attach a {what} the caller may see",
                    "operationId": f"attachCase{what.capitalize()}",
                    "parameters": [_CASE_ID],
                    "requestBody": json_request(
                        {
                            "type": "object",
                            "required": [field],
                            "properties": {field: {"type": "string"}},
                        }
                    ),
                    "responses": {
                        "201": json_response(schema_ref("Case"), "Attached"),
                        **error_responses(400, 401, 404, 409),
                    },
                }
            }
            for collection, (what, field) in _ATTACH_FIELDS.items()
        },
        "/cases/{case_id}/notes": {
            "post": {
                "summary": "Add a note",
                "operationId": "addCaseNote",
                "parameters": [_CASE_ID],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["text"],
                        "properties": {"text": {"type": "string"}},
                    }
                ),
                "responses": {
                    "201": json_response(
                        {"type": "object", "properties": {"id": {"type": "string"}}}, "Added"
                    ),
                    **error_responses(400, 401, 404, 409),
                },
            },
        },
        "/cases/{case_id}/tasks": {
            "post": {
                "summary": "Task an officer or a unit (own unit or below it)",
                "operationId": "createTask",
                "parameters": [_CASE_ID],
                "requestBody": json_request(schema_ref("NewTask")),
                "responses": {
                    "201": json_response(schema_ref("Task"), "Created"),
                    **error_responses(400, 401, 403, 404, 409),
                },
            },
        },
        "/tasks": {
            "get": {
                "summary": "My tasks (assigned to me or my unit) and the tasks I issued",
                "operationId": "myTasks",
                "parameters": [
                    {
                        "name": "all",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["0", "1"]},
                    }
                ],
                "responses": {
                    "200": json_response(
                        {
                            "type": "object",
                            "properties": {
                                "assigned": {"type": "array", "items": schema_ref("Task")},
                                "issued": {"type": "array", "items": schema_ref("Task")},
                            },
                        }
                    ),
                    **error_responses(401),
                },
            },
            "post": {
                "summary": "A standing task (no case) for an officer or a unit",
                "operationId": "createStandingTask",
                "requestBody": json_request(schema_ref("NewTask")),
                "responses": {
                    "201": json_response(schema_ref("Task"), "Created"),
                    **error_responses(400, 401, 403),
                },
            },
        },
        "/tasks/{task_id}": {
            "get": {
                "summary": "One task",
                "operationId": "getTask",
                "parameters": [_TASK_ID],
                "responses": {
                    "200": json_response(schema_ref("Task")),
                    **error_responses(401, 404),
                },
            },
            "patch": {
                "summary": "Change the status or due date, or reassign (all or nothing)",
                "operationId": "updateTask",
                "parameters": [_TASK_ID],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "properties": {
                            "status": {
                                "type": "string",
                                "enum": ["open", "in_progress", "done", "cancelled"],
                            },
                            "due": {"type": ["string", "null"], "format": "date"},
                            "assignee": {"type": "string"},
                            "unit": {"type": "string"},
                        },
                    }
                ),
                "responses": {
                    "200": json_response(schema_ref("Task")),
                    **error_responses(400, 401, 403, 404, 409),
                },
            },
        },
    },
    _SCHEMAS,
)
