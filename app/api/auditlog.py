"""Audit log API: the auditor page's search for scripts (auditor and admin only, audited)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, register
from app.auditlog import service
from app.auditlog.forms import AuditFilterForm
from app.errors import error_response
from graph.db import get_graph

_FILTERS = {"actor", "action", "target", "date_from", "date_to", "outcome", "sensitive", "page"}


@bp.get("/audit")
@token_required
def audit_search():
    unknown = sorted(set(request.args) - _FILTERS)
    if unknown:
        return error_response(400, "Bad filter", f"unknown parameters: {', '.join(unknown)}")
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        reasons = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        return error_response(400, "Bad filter", reasons)
    try:
        page = service.search(get_graph(), api_user(), form.query())
    except service.AuditForbidden as exc:
        return error_response(403, "Forbidden", str(exc))
    return jsonify({"entries": page.entries, "page": page.page, "has_next": page.has_next})


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


register(
    {
        "/audit": {
            "get": {
                "summary": "Search the audit log, newest first, 50 per page (audited)",
                "operationId": "searchAudit",
                "parameters": [
                    _query("actor", {"type": "string", "maxLength": 254},
                           "e-mail or user id; 'anonymous' or 'system'"),
                    _query("action", {"type": "string", "maxLength": 100,
                                      "pattern": "^[A-Za-z0-9_.\\-]+$"},
                           "an action or its start, e.g. 'login.'"),
                    _query("target", {"type": "string", "maxLength": 254},
                           "a record id or part of one"),
                    _query("date_from", {"type": "string", "format": "date"}, "UTC day"),
                    _query("date_to", {"type": "string", "format": "date"},
                           "UTC day, inclusive"),
                    _query("outcome", {"type": "string",
                                       "enum": ["read", "refused", "missing"]},
                           "reads only: read, refused (the record exists, hidden from the "
                           "reader) or missing (no such record)"),
                    _query("sensitive", {"type": "string", "enum": ["true", "false"]},
                           "only reads of protected records and exports"),
                    _query("page", {"type": "integer", "minimum": 1, "maximum": 10000}, ""),
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "entries": {"type": "array", "items": {"type": "object"}},
                                "page": {"type": "integer"},
                                "has_next": {"type": "boolean"},
                            },
                        }}},
                    },
                    **error_responses(400, 401, 403),
                },
            }
        }
    }
)
