"""Dissemination over the API: the same rules and audit events as the pages
(app/dissemination/service.py): send, originator consent, sanitised copies, feedback.

A report the caller may not see answers 404, exactly like one that does not exist; a rule
refusing a well-formed request answers 403 with the reason; a request naming unknown
recipients or an unusable text answers 422.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any

from flask import current_app, jsonify
from pydantic import AfterValidator, Field, StrictBool, StringConstraints, model_validator

from app.api import bp
from app.api.answers import not_visible
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.dissemination import service
from app.dissemination.service import HANDLING_CODES, MAX_RESULT, MAX_TEXT, InvalidInput, Refused
from app.errors import error_response
from graph.db import get_graph
from graph.errors import NotFound
from graph.exchange.records import text_problem

MAX_RECIPIENTS = 100
MAX_NAME = 300
MAX_TITLE = 200


def _usable(value: str) -> str:
    """The exchange format's rule for a text that leaves the unit (graph/exchange/records.py)."""
    if problem := text_problem(value):
        raise ValueError(problem)
    return value


def _handling(value: str) -> str:
    if value not in HANDLING_CODES:
        raise ValueError(f"Choose {', '.join(HANDLING_CODES)}.")
    return value


Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
Names = Annotated[list[Name], Field(max_length=MAX_RECIPIENTS)]
# A text someone wrote: not blank, within its limit, usable outside the unit.
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE, pattern=r"\S"),
                  AfterValidator(_usable)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=r"\S"),
                 AfterValidator(_usable)]
Result = Annotated[str, StringConstraints(max_length=MAX_RESULT), AfterValidator(_usable)]


class Recipients(Body):
    """At least one unit (by name) or user (by id)."""

    units: Names | None = None
    users: Names | None = None

    @model_validator(mode="after")
    def _someone(self) -> Recipients:
        if not self.units and not self.users:
            raise ValueError('Name at least one recipient: {"units": [NAME], '
                             '"users": [USER_ID]}.')
        return self


class Sanitised(Body):
    title: Title
    text: Text
    handling: Annotated[str, AfterValidator(_handling)] = Field(
        "open", json_schema_extra={"enum": list(HANDLING_CODES)})


class NewFeedback(Body):
    useful: StrictBool = False
    actioned: StrictBool = False
    result: Result | None = None


class DisseminationEntry(Answer):
    report_id: str
    at: str
    kind: str = Field(json_schema_extra={"enum": ["unit", "user", "partner"]})
    recipient: str | None
    title: str | None = None
    handling: str | None = None
    by: str | None = None
    delivery: dict[str, Any] | None = Field(None, description="A package to a partner: "
                                            "status delivered, pending (retried), failed, "
                                            "or file (downloaded, not pushed)")


class DisseminationLog(Answer):
    entries: list[DisseminationEntry]
    rate: dict[str, Any]


class AwaitedReport(Answer):
    report_id: str | None = None
    reference: str | None = None
    title: str | None = None
    sent: str | None = None
    due: str | None = None
    overdue: bool | None = None
    to: str | None = Field(None, json_schema_extra={"enum": ["you", "your unit"]})


class UnitFeedbackRate(Answer):
    unit: str | None = None
    sent: int | None = None
    answered: int | None = None
    rate: float | None = None


class AwaitingFeedback(Answer):
    days: int
    awaiting: list[AwaitedReport]
    by_unit: list[UnitFeedbackRate]


class FeedbackItem(Answer):
    id: str | None = None
    by: str | None = None
    unit: str | None = None
    at: str | None = None
    useful: bool | None = None
    actioned: bool | None = None
    result: str | None = None


class FeedbackSummary(Answer):
    items: list[FeedbackItem]
    count: int
    recipients: int
    answered: int
    useful: int | None = None
    actioned: int | None = None
    rate: float | None = None


class DisseminatedReport(Answer):
    """The report as the dissemination page shows it; consents only for officers of the
    originating unit."""

    id: str | None = None
    reference: str | None = None
    status: str | None = None
    handling: str | None = None
    unit: str | None = None
    sanitised_from: str | None = None
    sanitised_from_reference: str | None = None
    copies: list[dict[str, Any]] | None = None
    consents: list[dict[str, Any]] | None = None


class ReportDissemination(Answer):
    report: DisseminatedReport
    log: list[DisseminationEntry]
    feedback: FeedbackSummary
    may_give_feedback: bool | None = None
    may_consent: bool | None = None
    may_sanitise: bool | None = None


class Sent(Answer):
    report_id: str
    sent_to: list[dict[str, Any]]


class Consented(Answer):
    report_id: str
    units: list[str]
    users: list[str]


class SanitisedCopy(Answer):
    id: str
    sanitised_from: str
    handling: str | None = None


class FeedbackGiven(Answer):
    id: str
    report_id: str


def _failures_answered(view: Callable[..., Any]) -> Callable[..., Any]:
    """One mapping from the service's refusals to HTTP, shared by every operation on a
    report here (a bad body is answered 400 by its model): a report the caller may not see
    404, an unusable request 422, a rule refusing it 403 with the reason."""

    @wraps(view)
    def answered(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFound:
            return not_visible("report", kwargs.get("report_id", ""))
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
@operation("The dissemination log the caller may see, with the feedback rate",
           answer=DisseminationLog, operation_id="disseminationLog")
def api_dissemination_log():
    """The dissemination log the caller may see, with the feedback rate (the log page)."""
    return jsonify(service.log(get_graph(), api_user()))


@bp.get("/dissemination/awaiting-feedback")
@token_required
@operation("Reports awaiting the caller's feedback, and the feedback rate per recipient unit "
           "over the sendings the caller may see", answer=AwaitingFeedback,
           operation_id="awaitingFeedback")
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
@operation("A report's dissemination record: sendings, feedback, what the caller may do "
           "(audited as a report read)", answer=ReportDissemination, errors=(401, 404),
           operation_id="getReportDissemination")
def api_report_dissemination(report_id: str):
    view = service.report_view(get_graph(), api_user(), report_id, via="api")
    return jsonify(_view_json(view))


@bp.post("/reports/<report_id>/dissemination")
@token_required
@_failures_answered
@operation("Disseminate an evaluated report to units and users (handling code checked at "
           "sending time)", body=Recipients, answer=(201, Sent),
           errors=(400, 401, 403, 404, 422), operation_id="disseminateReport")
def api_disseminate(report_id: str, body: Recipients):
    sent = service.disseminate(get_graph(), api_user(), report_id, units=body.units or [],
                               users=body.users or [])
    recipients = [{"kind": r["kind"], "id": r["id"], "name": r["name"]} for r in sent]
    return jsonify({"report_id": report_id, "sent_to": recipients}), 201


@bp.post("/reports/<report_id>/consents")
@token_required
@_failures_answered
@operation("The originating unit consents to sharing an 'originator' report",
           body=Recipients, answer=(201, Consented), errors=(400, 401, 403, 404, 422),
           operation_id="consentToDissemination")
def api_consent(report_id: str, body: Recipients):
    units, users = body.units or [], body.users or []
    service.record_consent(get_graph(), api_user(), report_id, units=units, users=users)
    return jsonify({"report_id": report_id, "units": units, "users": users}), 201


@bp.post("/reports/<report_id>/sanitised")
@token_required
@_failures_answered
@operation("Make a sanitised copy (no source link) for wider release", body=Sanitised,
           answer=(201, SanitisedCopy), errors=(400, 401, 403, 404, 422),
           operation_id="sanitiseReport")
def api_sanitise(report_id: str, body: Sanitised):
    copy_id = service.sanitise(get_graph(), api_user(), report_id, title=body.title,
                               text=body.text, handling=body.handling)
    return jsonify({"id": copy_id, "sanitised_from": report_id,
                    "handling": body.handling}), 201


@bp.get("/reports/<report_id>/feedback")
@token_required
@_failures_answered
@operation("Recipients' feedback on a report", answer=FeedbackSummary, errors=(401, 404),
           operation_id="getReportFeedback")
def api_feedback(report_id: str):
    return jsonify(service.feedback_summary(get_graph(), api_user(), report_id))


@bp.post("/reports/<report_id>/feedback")
@token_required
@_failures_answered
@operation("Feedback from a recipient of a disseminated report", body=NewFeedback,
           answer=(201, FeedbackGiven), errors=(400, 401, 403, 404, 422),
           operation_id="giveReportFeedback")
def api_give_feedback(report_id: str, body: NewFeedback):
    feedback_id = service.give_feedback(get_graph(), api_user(), report_id,
                                        useful=body.useful, actioned=body.actioned,
                                        result=body.result or "")
    return jsonify({"id": feedback_id, "report_id": report_id}), 201
