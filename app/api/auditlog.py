"""Audit log API: the auditor page's search for scripts (auditor and admin only, audited)."""

from __future__ import annotations

from typing import Any, Literal

from flask import jsonify, request
from pydantic import ConfigDict, Field

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.auditlog import service
from app.auditlog.forms import AuditFilterForm
from app.errors import error_response
from graph.db import get_graph


class AuditQuery(Body):
    """The page's filters (app/auditlog/forms.py reads them into the service's query)."""

    model_config = ConfigDict(extra="forbid")

    actor: str | None = Field(None, max_length=254,
                              description="e-mail or user id; 'anonymous' or 'system'")
    action: str | None = Field(None, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$",
                               description="an action or its start, e.g. 'login.'")
    target: str | None = Field(None, max_length=254, description="a record id or part of one")
    date_from: str | None = Field(None, json_schema_extra={"format": "date"},
                                  description="UTC day")
    date_to: str | None = Field(None, json_schema_extra={"format": "date"},
                                description="UTC day, inclusive")
    outcome: Literal["read", "refused", "missing"] | None = Field(
        None, description="reads only: read, refused (the record exists, hidden from the "
        "reader) or missing (no such record)")
    sensitive: Literal["true", "false"] | None = Field(
        None, description="only reads of protected records and exports")
    page: int | None = Field(None, ge=1, le=10000)


class AuditPage(Answer):
    entries: list[dict[str, Any]]
    page: int
    has_next: bool


@bp.get("/audit")
@token_required
@operation("Search the audit log, newest first, 50 per page (audited)", query=AuditQuery,
           answer=AuditPage, errors=(400, 401, 403), operation_id="searchAudit")
def audit_search(query: AuditQuery):
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        reasons = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        return error_response(400, "Bad filter", reasons)
    try:
        page = service.search(get_graph(), api_user(), form.query())
    except service.AuditForbidden as exc:
        return error_response(403, "Forbidden", str(exc))
    return jsonify({"entries": page.entries, "page": page.page, "has_next": page.has_next})
