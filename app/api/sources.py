"""The source register over the API. Identities never appear in these answers except from
``POST /sources/{codename}/identity`` for the handler or controller, with a reason."""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, jsonify
from flask_babel import gettext as _
from pydantic import Field

from app.api import bp
from app.api.answers import refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.sources.service import SourceError, SourceService
from graph.db import get_graph


def _service() -> SourceService:
    return SourceService.from_config(get_graph(), current_app.config)


def _public(source: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "codename", "type", "reliability", "status", "created_at", "handler",
            "controller", "reports", "is_handler", "is_controller", "approved_at",
            "approved_by", "review_due")
    return {k: source[k] for k in keys if k in source}


_answered = refusals_answered("source", "codename", SourceError)
SourceType = Literal["informant", "liaison_officer", "partner_agency", "open_source", "hotline"]


class Source(Answer):
    codename: str
    id: str | None = None
    type: SourceType | None = None
    reliability: str | None = None
    status: str | None = None
    approved_at: str | None = None
    approved_by: str | None = None
    review_due: str | None = None
    handler: str | None = None
    controller: str | None = None


class Sources(Answer):
    sources: list[Source]


class SourceQuery(Body):
    type: str | None = None
    status: str | None = None


class Identity(Body):
    name: str | None = None
    contact: str | None = None
    address: str | None = None
    notes: str | None = None


class NewSource(Body):
    codename: str
    type: str
    controller_id: str
    reliability: str | None = None
    handler_id: str | None = None
    identity: Identity | None = None


class Registered(Answer):
    codename: str


class Regrade(Body):
    grade: str
    reason: str


class Reason(Body):
    reason: str


class Revealed(Answer):
    codename: str
    identity: dict[str, Any] | None = None


class Approval(Body):
    review_due: str = Field(json_schema_extra={"format": "date"})


class Review(Body):
    review_due: str = Field(json_schema_extra={"format": "date"})
    note: str


class Contact(Body):
    date: str = Field(json_schema_extra={"format": "date"})
    officer_id: str
    place: str
    payment: Literal["none", "payment", "reward"] | None = None
    amount: str | float | None = None
    currency: str | None = None
    reason: str | None = None
    notes: str | None = None


@bp.get("/sources")
@token_required
@_answered
@operation("The source register (codenames only; handlers, analysts, admins)",
           query=SourceQuery, answer=Sources, errors=(401, 403))
def api_list_sources(query: SourceQuery):
    sources = _service().list(api_user(), type=query.type or None, status=query.status or None)
    return jsonify({"sources": [_public(s) for s in sources]})


@bp.post("/sources")
@token_required
@_answered
@operation("Register a source (handlers and admins)", body=NewSource,
           answer=(201, Registered), errors=(400, 401, 403, 409))
def api_register_source(body: NewSource):
    codename = _service().register(api_user(), body.model_dump(exclude_none=True))
    return jsonify({"codename": codename}), 201


@bp.get("/sources/<codename>")
@token_required
@_answered
@operation("One source with its reliability history (never its identity)", answer=Source,
           errors=(401, 403, 404))
def api_get_source(codename: str):
    service = _service()
    source = service.get(api_user(), codename, via="api")
    history = service.history(api_user(), source["codename"])
    return jsonify({**_public(source), "grades": history})


@bp.post("/sources/<codename>/grades")
@token_required
@_answered
@operation("Regrade a source's reliability, with a reason", body=Regrade,
           answer=dict[str, Any], errors=(400, 401, 403, 404))
def api_regrade_source(codename: str, body: Regrade):
    code = _service().regrade(api_user(), codename, body.grade, body.reason)
    return jsonify({"codename": codename, "reliability": code})


@bp.post("/sources/<codename>/identity")
@token_required
@_answered
@operation("The identity, for the source's handler or controller only, with a reason "
           "(audited); 404 for everyone else", body=Reason, answer=Revealed,
           errors=(400, 401, 403, 404), operation_id="revealSourceIdentity")
def api_source_identity(codename: str, body: Reason):
    service = _service()
    source = service.get(api_user(), codename, audited=False)  # the view is audited
    identity = service.reveal_identity(api_user(), source, body.reason)
    return jsonify({"codename": source["codename"], "identity": identity})


@bp.post("/sources/<codename>/approval")
@token_required
@_answered
@operation("Approve a source's recruitment (its controller only), with the first review date",
           body=Approval, answer=dict[str, Any], errors=(400, 401, 403, 404, 409))
def api_approve_source(codename: str, body: Approval):
    """The controller approves the recruitment, with the first review date."""
    due = _service().approve(api_user(), codename, body.review_due)
    return jsonify({"codename": codename, "status": "active", "review_due": due})


@bp.post("/sources/<codename>/reviews")
@token_required
@_answered
@operation("Record a periodic review with the next review date (handler or controller)",
           body=Review, answer=dict[str, Any], errors=(400, 401, 403, 404, 409))
def api_review_source(codename: str, body: Review):
    due = _service().record_review(api_user(), codename, body.review_due, body.note)
    return jsonify({"codename": codename, "review_due": due})


def _contact_log(codename: str) -> tuple[SourceService, dict[str, Any]]:
    """The contact log is read and written by the source's handler and controller only."""
    service = _service()
    source = service.get(api_user(), codename, audited=False)
    if not (source["is_handler"] or source["is_controller"]):
        raise SourceError(_("The contact log is kept by the source's "
                            "handler and controller only."), "codename", status=403)
    return service, source


@bp.get("/sources/<codename>/contacts")
@token_required
@_answered
@operation("The contact log (the source's handler and controller only)",
           answer=dict[str, Any], errors=(401, 403, 404), operation_id="listSourceContacts")
def api_source_contacts(codename: str):
    service, source = _contact_log(codename)
    return jsonify({"codename": source["codename"],
                    "contacts": service.contacts(api_user(), source)})


@bp.post("/sources/<codename>/contacts")
@token_required
@_answered
@operation("Log a contact: date, officer met, place, payment or reward with amount, "
           "currency and reason", body=Contact, answer=(201, dict[str, Any]),
           errors=(400, 401, 403, 404), operation_id="addSourceContact")
def api_add_source_contact(codename: str, body: Contact):
    service, source = _contact_log(codename)
    contact_id = service.record_contact(api_user(), source["codename"],
                                        body.model_dump(exclude_none=True))
    return jsonify({"id": contact_id}), 201
