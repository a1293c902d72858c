"""Dissemination over the API: the same rules and audit events as the pages
(app/dissemination/service.py): send, originator consent, sanitised copies, feedback.

A report the caller may not see answers 404, exactly like one that does not exist; a rule
refusing a well-formed request answers 403 with the reason; a request naming unknown
recipients or an unusable text answers 422.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, jsonify
from flask_babel import gettext as _

from app.api import bp
from app.api.answers import json_object, not_visible
from app.api.auth import api_user, token_required
from app.api.openapi import (
    error_responses,
    json_request,
    json_response,
    path_parameter,
    register,
    schema_ref,
)
from app.dissemination import service
from app.dissemination.service import HANDLING_CODES, MAX_RESULT, MAX_TEXT, InvalidInput, Refused
from app.errors import error_response
from graph.db import get_graph
from graph.errors import NotFound
from graph.exchange.records import text_problem

MAX_RECIPIENTS = 100
MAX_NAME = 300
MAX_TITLE = 200


class BadBody(ValueError):
    """The JSON body has the wrong shape; the message says which field and why."""


def _object() -> dict[str, Any]:
    body = json_object()
    if body is None:
        raise BadBody(_("Send a JSON object."))
    return body


def _names(body: dict[str, Any], field: str) -> list[str]:
    value = body.get(field, [])
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or len(value) > MAX_RECIPIENTS
        or not all(isinstance(v, str) and 0 < len(v) <= MAX_NAME for v in value)
    ):
        raise BadBody(
            _("%(field)s: a list of at most %(max_recipients)s non-empty strings (up to "
              "%(max_name)s characters each).",
              field=field, max_recipients=MAX_RECIPIENTS, max_name=MAX_NAME)
        )
    return value


def _recipients(body: dict[str, Any]) -> tuple[list[str], list[str]]:
    units, users = _names(body, "units"), _names(body, "users")
    if not units and not users:
        raise BadBody(_("Name at least one recipient: {\"units\": [NAME], \"users\": [USER_ID]}."))
    return units, users


def _text(body: dict[str, Any], field: str, limit: int, *, required: bool) -> str:
    value = body.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        need = "a non-empty string" if required else "a string"
        raise BadBody(_("%(field)s: %(need)s of at most %(limit)s characters.",
                        field=field, need=need, limit=limit))
    if problem := text_problem(value):
        raise BadBody(_("%(field)s: %(problem)s.", field=field, problem=problem))
    return value


def _flag(body: dict[str, Any], field: str) -> bool:
    value = body.get(field, False)
    if not isinstance(value, bool):
        raise BadBody(_("%(field)s: true or false.", field=field))
    return value


def _failures_answered(view: Callable[..., Any]) -> Callable[..., Any]:
    """One mapping from the service's refusals to HTTP, shared by every operation on a
    report here: a bad body 400, a report the caller may not see 404, an unusable request
    422, a rule refusing it 403 with the reason."""

    @wraps(view)
    def answered(report_id: str) -> Any:
        try:
            return view(report_id)
        except BadBody as exc:
            return error_response(400, "Bad request", str(exc))
        except NotFound:
            return not_visible("report", report_id)
        except InvalidInput as exc:
            return error_response(422, "Unprocessable", str(exc))
        except Refused as exc:
            return error_response(403, "Refused", str(exc))

    return answered


def _view_json(view: dict[str, Any]) -> dict[str, Any]:
    """What the dissemination page shows: consents only to the originating unit's officers."""
    report = {k: v for k, v in view["report"].items() if k not in ("author_id", "consents")}
    if view["may_consent"]:
        report["consents"] = view["report"]["consents"]
    return {
        "report": report,
        "log": view["log"],
        "feedback": view["feedback"],
        "may_give_feedback": view["may_give_feedback"],
        "may_consent": view["may_consent"],
        "may_sanitise": view["may_sanitise"],
    }


@bp.get("/dissemination")
@token_required
def api_dissemination_log():
    """The dissemination log the caller may see, with the feedback rate (the log page)."""
    return jsonify(service.log(get_graph(), api_user()))


@bp.get("/dissemination/awaiting-feedback")
@token_required
def api_awaiting_feedback():
    """Reports sent to the caller or their unit that await their feedback (the page), and
    the feedback rate per recipient unit over the sendings they may see (the dashboard)."""
    days = current_app.config["FEEDBACK_DAYS"]
    return jsonify({
        "days": days,
        "awaiting": service.awaiting_feedback(get_graph(), api_user(), days),
        "by_unit": service.feedback_by_unit(get_graph(), api_user()),
    })


@bp.get("/reports/<report_id>/dissemination")
@token_required
@_failures_answered
def api_report_dissemination(report_id: str):
    view = service.report_view(get_graph(), api_user(), report_id, via="api")
    return jsonify(_view_json(view))


@bp.post("/reports/<report_id>/dissemination")
@token_required
@_failures_answered
def api_disseminate(report_id: str):
    units, users = _recipients(_object())
    sent = service.disseminate(get_graph(), api_user(), report_id, units=units, users=users)
    recipients = [{"kind": r["kind"], "id": r["id"], "name": r["name"]} for r in sent]
    return jsonify({"report_id": report_id, "sent_to": recipients}), 201


@bp.post("/reports/<report_id>/consents")
@token_required
@_failures_answered
def api_consent(report_id: str):
    units, users = _recipients(_object())
    service.record_consent(get_graph(), api_user(), report_id, units=units, users=users)
    return jsonify({"report_id": report_id, "units": units, "users": users}), 201


@bp.post("/reports/<report_id>/sanitised")
@token_required
@_failures_answered
def api_sanitise(report_id: str):
    body = _object()
    title = _text(body, "title", MAX_TITLE, required=True)
    text = _text(body, "text", MAX_TEXT, required=True)
    handling = body.get("handling", "open")
    if handling not in HANDLING_CODES:
        raise BadBody(_("handling: one of %(values)s.", values=', '.join(HANDLING_CODES)))
    copy_id = service.sanitise(
        get_graph(), api_user(), report_id, title=title, text=text, handling=handling
    )
    return jsonify({"id": copy_id, "sanitised_from": report_id, "handling": handling}), 201


@bp.get("/reports/<report_id>/feedback")
@token_required
@_failures_answered
def api_feedback(report_id: str):
    return jsonify(service.feedback_summary(get_graph(), api_user(), report_id))


@bp.post("/reports/<report_id>/feedback")
@token_required
@_failures_answered
def api_give_feedback(report_id: str):
    body = _object()
    feedback_id = service.give_feedback(
        get_graph(),
        api_user(),
        report_id,
        useful=_flag(body, "useful"),
        actioned=_flag(body, "actioned"),
        result=_text(body, "result", MAX_RESULT, required=False),
    )
    return jsonify({"id": feedback_id, "report_id": report_id}), 201


# ---------------------------------------------------------------------------- OpenAPI





_REPORT_ID = path_parameter("report_id")
_NAMES = {
    "type": "array",
    "maxItems": MAX_RECIPIENTS,
    "items": {"type": "string", "minLength": 1, "maxLength": MAX_NAME},
}
_STRINGS = {"type": ["string", "null"]}

_SCHEMAS = {
    "Recipients": {
        "type": "object",
        "description": "At least one unit (by name) or user (by id).",
        "properties": {"units": _NAMES, "users": _NAMES},
    },
    "DisseminationEntry": {
        "type": "object",
        "required": ["report_id", "at", "kind", "recipient"],
        "properties": {
            "report_id": {"type": "string"},
            "title": _STRINGS,
            "at": {"type": "string"},
            "handling": _STRINGS,
            "by": _STRINGS,
            "kind": {"type": "string", "enum": ["unit", "user", "partner"]},
            "recipient": _STRINGS,
            "delivery": {
                "type": ["object", "null"],
                "description": "A package to a partner: status delivered, pending (retried), "
                               "failed, or file (downloaded, not pushed)",
            },
        },
    },
    "FeedbackSummary": {
        "type": "object",
        "required": ["items", "count", "recipients", "answered"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "by": _STRINGS,
                        "unit": _STRINGS,
                        "at": {"type": "string"},
                        "useful": {"type": "boolean"},
                        "actioned": {"type": "boolean"},
                        "result": _STRINGS,
                    },
                },
            },
            "count": {"type": "integer"},
            "useful": {"type": "integer"},
            "actioned": {"type": "integer"},
            "recipients": {"type": "integer"},
            "answered": {"type": "integer"},
            "rate": {"type": ["number", "null"]},
        },
    },
    "ReportDissemination": {
        "type": "object",
        "required": ["report", "log", "feedback"],
        "properties": {
            "report": {
                "type": "object",
                "description": "The report as the dissemination page shows it; consents "
                "only for officers of the originating unit.",
                "properties": {
                    "id": {"type": "string"},
                    "reference": _STRINGS,
                    "status": _STRINGS,
                    "handling": _STRINGS,
                    "unit": _STRINGS,
                    "sanitised_from": _STRINGS,
                    "sanitised_from_reference": _STRINGS,
                    "copies": {"type": "array", "items": {"type": "object"}},
                    "consents": {"type": "array", "items": {"type": "object"}},
                },
            },
            "log": {"type": "array", "items": schema_ref("DisseminationEntry")},
            "feedback": schema_ref("FeedbackSummary"),
            "may_give_feedback": {"type": "boolean"},
            "may_consent": {"type": "boolean"},
            "may_sanitise": {"type": "boolean"},
        },
    },
}

register(
    {
        "/dissemination": {
            "get": {
                "summary": "The dissemination log the caller may see, with the feedback rate",
                "operationId": "disseminationLog",
                "responses": {
                    "200": json_response(
                        {
                            "type": "object",
                            "required": ["entries", "rate"],
                            "properties": {
                                "entries": {
                                    "type": "array",
                                    "items": schema_ref("DisseminationEntry"),
                                },
                                "rate": {"type": "object"},
                            },
                        }
                    ),
                    **error_responses(401),
                },
            }
        },
        "/dissemination/awaiting-feedback": {
            "get": {
                "summary": "Reports awaiting the caller's feedback, and the feedback rate "
                "per recipient unit over the sendings the caller may see",
                "operationId": "awaitingFeedback",
                "responses": {
                    "200": json_response({"type": "object",
                                          "required": ["days", "awaiting", "by_unit"],
                                          "properties": {
                        "days": {"type": "integer"},
                        "awaiting": {"type": "array", "items": {"type": "object", "properties": {
                            "report_id": {"type": "string"}, "reference": _STRINGS,
                            "title": _STRINGS, "sent": {"type": "string"},
                            "due": {"type": "string"}, "overdue": {"type": "boolean"},
                            "to": {"type": "string", "enum": ["you", "your unit"]}}}},
                        "by_unit": {"type": "array", "items": {"type": "object", "properties": {
                            "unit": _STRINGS, "sent": {"type": "integer"},
                            "answered": {"type": "integer"},
                            "rate": {"type": ["number", "null"]}}}}}}),
                    **error_responses(401),
                },
            }
        },
        "/reports/{report_id}/dissemination": {
            "get": {
                "summary": "A report's dissemination record: sendings, feedback, what the "
                "caller may do (audited as a report read)",
                "operationId": "getReportDissemination",
                "parameters": [_REPORT_ID],
                "responses": {
                    "200": json_response(schema_ref("ReportDissemination")),
                    **error_responses(401, 404),
                },
            },
            "post": {
                "summary": "Disseminate an evaluated report to units and users "
                "(handling code checked at sending time)",
                "operationId": "disseminateReport",
                "parameters": [_REPORT_ID],
                "requestBody": json_request(schema_ref("Recipients")),
                "responses": {
                    "201": json_response(
                        {
                            "type": "object",
                            "required": ["report_id", "sent_to"],
                            "properties": {
                                "report_id": {"type": "string"},
                                "sent_to": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                        "Sent",
                    ),
                    **error_responses(400, 401, 403, 404, 422),
                },
            },
        },
        "/reports/{report_id}/consents": {
            "post": {
                "summary": "The originating unit consents to sharing an 'originator' report",
                "operationId": "consentToDissemination",
                "parameters": [_REPORT_ID],
                "requestBody": json_request(schema_ref("Recipients")),
                "responses": {
                    "201": json_response({"type": "object"}, "Recorded"),
                    **error_responses(400, 401, 403, 404, 422),
                },
            }
        },
        "/reports/{report_id}/sanitised": {
            "post": {
                "summary": "Make a sanitised copy (no source link) for wider release",
                "operationId": "sanitiseReport",
                "parameters": [_REPORT_ID],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["title", "text"],
                        "properties": {
                            "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
                            "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
                            "handling": {
                                "type": "string",
                                "enum": list(HANDLING_CODES),
                                "default": "open",
                            },
                        },
                    }
                ),
                "responses": {
                    "201": json_response(
                        {
                            "type": "object",
                            "required": ["id", "sanitised_from"],
                            "properties": {
                                "id": {"type": "string"},
                                "sanitised_from": {"type": "string"},
                                "handling": {"type": "string"},
                            },
                        },
                        "Created",
                    ),
                    **error_responses(400, 401, 403, 404, 422),
                },
            }
        },
        "/reports/{report_id}/feedback": {
            "get": {
                "summary": "Recipients' feedback on a report",
                "operationId": "getReportFeedback",
                "parameters": [_REPORT_ID],
                "responses": {
                    "200": json_response(schema_ref("FeedbackSummary")),
                    **error_responses(401, 404),
                },
            },
            "post": {
                "summary": "Feedback from a recipient of a disseminated report",
                "operationId": "giveReportFeedback",
                "parameters": [_REPORT_ID],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "properties": {
                            "useful": {"type": "boolean"},
                            "actioned": {"type": "boolean"},
                            "result": {"type": "string", "maxLength": MAX_RESULT},
                        },
                    }
                ),
                "responses": {
                    "201": json_response(
                        {
                            "type": "object",
                            "required": ["id", "report_id"],
                            "properties": {
                                "id": {"type": "string"},
                                "report_id": {"type": "string"},
                            },
                        },
                        "Recorded",
                    ),
                    **error_responses(400, 401, 403, 404, 422),
                },
            },
        },
    },
    _SCHEMAS,
)
