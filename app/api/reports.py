"""Reports and extraction over the API, with the rules of the pages (app/intake/service.py).

A report the caller may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, jsonify, request
from pydantic import ConfigDict, Field

from app.api import bp
from app.api.answers import not_visible, refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.errors import error_response
from app.intake.service import AlreadyStored, ReportError, ReportService
from graph.db import get_graph
from graph.errors import NotFound
from graph.vocabulary import Channel, ReportStatus
from nlp import LABELS

MAX_EXTRACT = 100_000


_answered = refusals_answered("report", "report_id", ReportError)
Review = Literal["accepted", "rejected"]


def _choices(*values: Any) -> dict[str, Any]:
    """The words a field takes, for the document: the exchange format's validator
    (graph/exchange/records.py) holds the rule, the vocabulary the words."""
    return {"enum": [str(v) for v in values]}


class NewReport(Body):
    """A report object of the exchange format; `kind` may be left out. Grades are checked
    against the configured grading scheme (graph/exchange/records.py holds the rules)."""

    model_config = ConfigDict(extra="allow")

    channel: str = Field(json_schema_extra=_choices(*Channel))
    handling: str = Field(json_schema_extra=_choices("open", "restricted", "originator"))
    kind: Literal["report"] | None = None
    id: str | None = None
    received: str | None = Field(None, json_schema_extra={"format": "date-time"})
    source: str | None = Field(None, description="codename (informant reports)")
    source_grade: str | None = None
    info_grade: str | None = None
    scheme_handling: str | None = None
    unit: str | None = None
    title: str | None = None
    text: str | None = None
    status: str | None = Field(None, json_schema_extra=_choices("draft", "submitted"))
    event_type: str | None = Field(None, json_schema_extra=_choices(
        "seizure", "offence", "suspicious_event"))
    event_date: str | None = Field(None, json_schema_extra={"format": "date"})
    place: str | None = None
    commodity: str | None = None
    quantity: str | None = None
    value: float | str | None = None  # the validator reads "30,000" and says why not
    currency: str | None = None
    persons: list[str] | None = None
    vehicles: list[str] | None = None
    containers: list[str] | None = None
    crossing: str | None = None


class ExtractedEntity(Answer):
    start: int
    end: int
    label: str = Field(json_schema_extra=_choices(*LABELS))
    text: str
    normalized: str
    confidence: float
    entity_id: str | None = None


class ReportMention(Answer):
    id: str | None = None
    start: int | None = None
    end: int | None = None
    label: str | None = None
    text: str | None = None
    normalized: str | None = None
    confidence: float | None = None
    entity_id: str | None = None
    provenance: str | None = None
    review: str | None = None
    field: str | None = None


class Report(Answer):
    id: str
    channel: str
    status: ReportStatus
    handling: str
    unit: str
    reference: str | None = Field(None, description="what people read: R-2026-000123 "
                                  "(reports), T-2026-000045 (hotline tips); the paths accept "
                                  "it for the id")
    title: str | None = None
    text: str | None = None
    source: str | None = Field(None, description="codename only")
    source_grade: str | None = None
    info_grade: str | None = None
    received: str | None = None
    author: str | None = None
    entities: list[ReportMention] = []


class Stored(Answer):
    id: str
    reference: str | None
    entities: list[ReportMention]


class ReportQuery(Body):
    q: str = ""
    status: str | None = None
    channel: str | None = None
    unit: str | None = None
    source: str | None = None
    mine: str | None = None
    limit: int = Field(50, ge=1, le=500)
    skip: int = Field(0, ge=0)
    after: str | None = Field(None, description="the `next` of the page before")


class ReportPage(Answer):
    reports: list[dict[str, Any]]
    next: str | None


class ReportChange(Body):
    """The report's fields to change (as in NewReport), and ``reason`` for a new handling
    code on a submitted report."""

    model_config = ConfigDict(extra="allow")

    reason: str | None = Field(None, max_length=500)


class Transition(Body):
    action: Literal["submit", "evaluate", "archive"]
    info_grade: str | None = None
    source_grade: str | None = None
    evaluation: str | None = None


class Moved(Answer):
    id: str
    status: str


class NewMention(Body):
    label: str
    start: int | None = None
    end: int | None = None
    text: str | None = None
    occurrence: int = 1


class MentionChange(Body):
    review: Review | None = None
    entity_id: str | None = None
    label: str | None = None
    start: int | None = None
    end: int | None = None


class Mentions(Answer):
    entities: list[ReportMention]


class LabelReview(Body):
    label: str = Field(description="PERSON, ORG, PHONE, ...")
    review: Review


class Reviewed(Mentions):
    reviewed: list[str]


class NewRelation(Body):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    start: str = Field(alias="from")
    type: str = Field(description="director_of, associate_of, uses_phone, ...")
    to: str


class Text(Body):
    text: str


class Extracted(Answer):
    entities: list[ExtractedEntity]


_IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
                "description": "The client's key for this one report (8-100 letters, digits, "
                "- or _): a retry with the same key stores nothing new and answers 200 with "
                "the first report.",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,100}$"}}


def report_service() -> ReportService:
    """The report service as the pages build it, for the API's report and file operations."""
    return ReportService.from_config(get_graph(), current_app.config)


def mention_json(row: dict[str, Any]) -> dict[str, Any]:
    """A stored mention in the extract contract shape plus its review state."""
    out = {
        "id": row.get("id"),
        "start": row.get("start"),
        "end": row.get("end"),
        "label": row.get("label"),
        "text": row.get("text"),
        "normalized": row.get("normalized") or row.get("text"),
        "confidence": round(float(row.get("confidence") or 0.0), 3),
        "entity_id": row.get("entity_id"),
        "provenance": row.get("provenance"),
        "review": row.get("review"),
    }
    if row.get("field"):
        out["field"] = row["field"]
    if row.get("entity_name"):
        out["entity_name"] = row["entity_name"]
    return out


@bp.post("/reports")
@token_required
@_answered
@operation("Store a report: graded, extracted and resolved", body=NewReport,
           answer=(201, Stored), errors=(400, 401, 403, 409), operation_id="createReport",
           parameters=[_IDEMPOTENCY], responses={"200": {
               "description": "Stored before under this Idempotency-Key",
               "content": {"application/json": {"schema": {
                   "$ref": "#/components/schemas/Stored"}}}}})
def api_create_report(body: NewReport):
    draft = str(body.status or "").lower() == "draft"
    service = report_service()
    try:
        rid, rows = service.create(api_user(), body.model_dump(exclude_unset=True),
                                   submit=not draft,
                                   submission=request.headers.get("Idempotency-Key"))
    except AlreadyStored as again:  # a retry of a call that was stored: answer as then
        stored = service.mentions(api_user(), again.report_id)
        return jsonify({"id": again.report_id,
                        "reference": service.reference(api_user(), again.report_id),
                        "entities": [mention_json(r) for r in stored]})
    return jsonify({"id": rid, "reference": service.reference(api_user(), rid),
                    "entities": [mention_json(r) for r in rows]}), 201


@bp.get("/reports")
@token_required
@_answered
@operation("Reports the caller may see; full-text search with q", query=ReportQuery,
           answer=ReportPage, errors=(400, 401), operation_id="listReports",
           description="Newest first (with q: best matches first); `next` of an answer as "
           "`after` gives the page after it (keyset: prefer it to `skip`).")
def api_list_reports(query: ReportQuery):
    user = api_user()
    reports, following = report_service().list(
        user,
        q=query.q[:200],
        status=query.status,
        channel=query.channel,
        unit=query.unit,
        source=query.source,
        author_id=user.id if query.mine in ("1", "true", "yes") else None,
        limit=query.limit,
        skip=query.skip,
        after=query.after,
    )
    return jsonify({"reports": reports, "next": following})


@bp.get("/reports/<report_id>")
@token_required
@_answered
@operation("One report with its entities (audited); 404 when not visible", answer=Report,
           errors=(401, 404))
def api_get_report(report_id: str):
    service = report_service()
    report_id = service.resolve(api_user(), report_id)  # the id or the reference
    report = service.get(api_user(), report_id, via="api")
    mentions = service.mentions(api_user(), report_id)
    return jsonify({**report, "entities": [mention_json(m) for m in mentions]})


@bp.patch("/reports/<report_id>")
@token_required
@_answered
@operation("Change a draft or submitted report; new text is re-extracted", body=ReportChange,
           answer=Report, errors=(400, 401, 403, 404, 409),
           description="The author changes a draft; the author and the originating unit's "
           "analysts a submitted report. A new handling code on a submitted report needs "
           "`reason` (audited) and the originating unit.")
def api_update_report(report_id: str, body: ReportChange):
    service = report_service()
    service.update(api_user(), report_id, body.model_dump(exclude_unset=True))
    report = service.get(api_user(), report_id, audited=False)
    mentions = service.mentions(api_user(), report_id)
    return jsonify({**report, "entities": [mention_json(m) for m in mentions]})


@bp.post("/reports/<report_id>/transitions")
@token_required
@_answered
@operation("Move a report on: submit, evaluate (info_grade), archive", body=Transition,
           answer=Moved, errors=(400, 401, 403, 404, 409))
def api_transition_report(report_id: str, body: Transition):
    status = report_service().transition(api_user(), report_id, body.action,
                                         body.model_dump(exclude_unset=True))
    return jsonify({"id": report_id, "status": status})


@bp.post("/reports/<report_id>/mentions")
@token_required
@_answered
@operation("Add a missed entity by offsets or by text and occurrence", body=NewMention,
           answer=(201, ReportMention), errors=(400, 401, 403, 404),
           operation_id="addReportMention")
def api_add_mention(report_id: str, body: NewMention):
    row = report_service().add_mention(
        api_user(), report_id, label=body.label, start=body.start, end=body.end,
        text=body.text, occurrence=body.occurrence,
    )
    return jsonify(mention_json(row)), 201


@bp.patch("/reports/<report_id>/mentions/<mention_id>")
@token_required
@_answered
@operation("Review a mention: accept/reject, relabel or re-span, or link it",
           body=MentionChange, answer=Mentions, errors=(400, 401, 403, 404),
           operation_id="changeReportMention")
def api_change_mention(report_id: str, mention_id: str, body: MentionChange):
    """``{"review": "accepted"|"rejected"}``, ``{"entity_id"}`` or ``{"label", "start", "end"}``."""
    service, user = report_service(), api_user()
    try:
        if body.entity_id:
            service.link_mention(user, report_id, mention_id, body.entity_id)
        elif body.label:
            service.edit_mention(user, report_id, mention_id, label=body.label,
                                 start=body.start, end=body.end)
        elif body.review:
            service.review_mention(user, report_id, mention_id, body.review)
        else:
            return error_response(400, "Bad request", "Send review, entity_id or label.")
        mentions = service.mentions(user, report_id)
    except NotFound:
        return not_visible("mention", mention_id)
    return jsonify({"entities": [mention_json(m) for m in mentions]})


@bp.post("/reports/<report_id>/mentions/by-label")
@token_required
@_answered
@operation("Accept or reject every proposed mention of one label", body=LabelReview,
           answer=Reviewed, errors=(400, 401, 403, 404),
           operation_id="reviewReportMentionsByLabel")
def api_review_label(report_id: str, body: LabelReview):
    """Every proposed mention of the label at once (the review page's "Accept all" /
    "Reject all")."""
    service, user = report_service(), api_user()
    ids = service.review_label(user, report_id, body.label, body.review)
    mentions = service.mentions(user, report_id)
    return jsonify({"reviewed": ids, "entities": [mention_json(m) for m in mentions]})


@bp.post("/reports/<report_id>/relations")
@token_required
@_answered
@operation("Relate two entities mentioned in the report", body=NewRelation,
           answer=(201, dict[str, Any]), errors=(400, 401, 403, 404),
           operation_id="addReportRelation")
def api_add_relation(report_id: str, body: NewRelation):
    report_service().relate(api_user(), report_id, body.start, body.type, body.to)
    return jsonify({"from": body.start, "to": body.to, "type": body.type}), 201


@bp.post("/extract")
@token_required
@_answered
@operation("Entity extraction without storing anything", body=Text, answer=Extracted,
           errors=(400, 401, 413))
def api_extract(body: Text):
    text = body.text
    if len(text) > MAX_EXTRACT:
        return error_response(413, "Payload too large",
                              f"text is longer than {MAX_EXTRACT} characters.")
    return jsonify({"entities": report_service().extract(text)})
