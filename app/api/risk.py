"""Risk API: scoring, selections, control results, profiles, thresholds, rankings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal

from flask import current_app, jsonify, request
from pydantic import Field, StrictBool

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, json_request, operation
from app.audit import audit
from app.errors import error_response
from app.i18n import say
from app.risk import permissions, rankings, scoring, service, training
from app.risk.indicators import labelled
from graph import policy
from graph.access import viewer_param
from graph.db import get_graph
from graph.errors import NotFound
from graph.exchange.records import SCORING, LineError, reason_field, validate
from graph.grading import Grading, GradingScheme
from graph.vocabulary import LANES

MAX_BATCH = 1000
Lane = Literal[LANES]  # the vocabulary's lanes, one word each


class RiskReason(Answer):
    indicator: str  # the engine's name (network_exposure), stable for programs
    label: str  # what an officer calls it, in the caller's language (app/risk/indicators.py)
    contribution: float
    detail: str


class RiskResult(Answer):
    id: str
    score: float = Field(ge=0, le=1)
    lane: Lane
    reasons: list[RiskReason]
    model_version: str | None = None
    random: bool | None = None
    profiles: list[str] | None = None


class RiskFieldError(Answer):
    field: str | None
    message: str


class RiskDeclarationError(Answer):
    """A declaration of a batch that could not be scored, in its place."""

    id: str | None
    error: RiskFieldError
    errors: list[RiskFieldError]


class RiskResults(Answer):
    results: list[RiskResult | RiskDeclarationError]


class Limit(Body):
    limit: int = Field(50, ge=1, le=1000)


class RegradeDecision(Body):
    accept: StrictBool


# Bodies that are records of the exchange format (a declaration, a control) or the
# committee's own documents: their validators hold the rules (422 with every reason).
_RECORD = json_request({"type": "object"})


def _json_body() -> Any:
    body = request.get_json(silent=True)
    if body is None:
        return None
    return body


def _forbidden(exc: Exception):
    return error_response(403, "Forbidden", str(exc))


def allowed(roles: frozenset[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse with 403 unless the token's user has one of ``roles`` (checked in the service)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                permissions.authorize(api_user(), roles)
            except permissions.RiskForbidden as exc:
                return _forbidden(exc)
            return view(*args, **kwargs)

        return guarded

    return decorate


@bp.post("/declarations/score")
@token_required
@operation("Score one declaration or {declarations: [...]} (stores nothing)",
           answer=RiskResult | RiskResults, errors=(400, 401, 413, 422),
           operation_id="scoreDeclarations", requestBody=_RECORD)
def score_declarations():
    body = _json_body()
    if not isinstance(body, dict):
        return error_response(
            400, "Bad request", 'Send one declaration object or {"declarations": [...]} as JSON.'
        )
    batch = "declarations" in body and body.get("kind") is None
    raw = body["declarations"] if batch else [body]
    if not isinstance(raw, list) or not raw:
        return error_response(400, "Bad request", "declarations: a non-empty list")
    if len(raw) > MAX_BATCH:
        return error_response(
            413, "Too many declarations", f"at most {MAX_BATCH} declarations per request"
        )
    if not batch:
        decl, errors = _checked(body, "declaration")
        if errors:
            return error_response(422, "Invalid declaration",
                                  {"index": 0, "id": body.get("id"), "errors": errors})
        return jsonify(_readable(scoring.score_declarations(get_graph(), [decl],
                                                            viewer_param(api_user()))[0]))
    # A batch scores what it can: a bad declaration gets its error in its place.
    checked = [_checked(item, "declaration") for item in raw]
    valid = [decl for decl, errors in checked if not errors]
    scores = iter(scoring.score_declarations(get_graph(), valid, viewer_param(api_user()))
                  if valid else ())
    results = []
    for item, (_decl, errors) in zip(raw, checked, strict=True):
        if not errors:
            results.append(_readable(next(scores)))
            continue
        ident = item.get("id") if isinstance(item, dict) else None
        results.append({"id": ident if isinstance(ident, str) else None,
                        "error": reason_field(errors[0]),
                        "errors": [reason_field(e) for e in errors]})
    if not valid:
        return error_response(422, "Invalid declarations", {"results": results})
    return jsonify({"results": results})


def _readable(row: dict[str, Any]) -> dict[str, Any]:
    """A scored declaration, trader or line with each reason's indicator named in words."""
    return {**row, "reasons": labelled(row["reasons"])}


def _checked(raw: Any, kind: str) -> tuple[dict[str, Any], list[str]]:
    """The record as the risk engine takes it, or the reasons (the import's own checks)."""
    try:
        return validate(raw, kind, SCORING).clean, []
    except LineError as exc:
        return {}, [say(reason) for reason in exc.reasons]


@bp.post("/declarations/<declaration_id>/selection")
@token_required
@operation("Record the selection of a stored declaration", answer=(201, dict[str, Any]),
           errors=(401, 403, 404), operation_id="selectDeclaration")
def select_declaration(declaration_id: str):
    try:
        permissions.authorize(api_user(), policy.EXAMINE_DECLARATIONS)
        selection = service.record_selection(get_graph(), declaration_id, api_user().email,
                                             viewer_param(api_user()))
    except permissions.RiskForbidden as exc:
        return _forbidden(exc)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    return jsonify(_readable(selection)), 201


@bp.post("/controls")
@token_required
@allowed(policy.EXAMINE_DECLARATIONS)
@operation("Record a control or post-clearance audit result", answer=(201, dict[str, Any]),
           errors=(401, 403, 404, 422), operation_id="recordControl", requestBody=_RECORD)
def record_control():
    control, errors = _checked(_json_body(), "control")
    if errors:
        return error_response(422, "Invalid control", errors)
    try:
        control_id = service.record_control(get_graph(), control, api_user().email)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    return jsonify({"id": control_id}), 201


@bp.get("/risk/traders")
@token_required
@allowed(policy.READ_RISK)
@operation("High-risk traders with reasons", query=Limit, answer=dict[str, Any],
           errors=(400, 401, 403), operation_id="riskTraders")
def risk_traders(query: Limit):
    return jsonify({"traders": [_readable(t) for t in
                                rankings.high_risk_traders(get_graph(), query.limit)]})


@bp.get("/risk/commodities")
@token_required
@allowed(policy.READ_RISK)
@operation("High-risk HS6 x origin lines with reasons", query=Limit, answer=dict[str, Any],
           errors=(400, 401, 403), operation_id="riskCommodities")
def risk_commodities(query: Limit):
    return jsonify({"commodities": [_readable(c) for c in
                                    rankings.high_risk_commodities(get_graph(), query.limit)]})


@bp.get("/risk/profiles")
@token_required
@allowed(policy.READ_RISK)
@operation("Committee risk profiles", answer=dict[str, Any], errors=(401, 403))
def list_profiles():
    return jsonify({"profiles": service.list_profiles(get_graph())})


@bp.get("/risk/profiles/<profile_id>")
@token_required
@operation("A profile with its history", answer=dict[str, Any], errors=(401, 403, 404))
def get_profile(profile_id: str):
    try:
        permissions.authorize(api_user(), policy.READ_RISK)
        return jsonify(service.get_profile(get_graph(), profile_id))
    except permissions.RiskForbidden as exc:
        return _forbidden(exc)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))


@bp.post("/risk/profiles")
@token_required
@operation("Create or change a profile (versioned)", answer=(201, dict[str, Any]),
           errors=(400, 401, 403, 422), requestBody=_RECORD)
def save_profile():
    body = _json_body()
    if not isinstance(body, dict):
        return error_response(400, "Bad request", "Send a profile object as JSON.")
    try:
        permissions.authorize(api_user(), policy.EDIT_RISK)
        expected = body.pop("expected_version", None)
        saved = service.save_profile(
            get_graph(),
            body,
            api_user().email,
            change=str(body.pop("change", "saved"))[:200],
            expected=expected if isinstance(expected, int) else None,
        )
    except permissions.RiskForbidden as exc:
        return _forbidden(exc)
    except service.RiskError as exc:
        return error_response(422, "Invalid profile", str(exc))
    return jsonify(saved), 201


@bp.delete("/risk/profiles/<profile_id>")
@token_required
@operation("Retire a profile (kept in history)", answer=dict[str, Any],
           errors=(401, 403, 404))
def retire_profile(profile_id: str):
    try:
        permissions.authorize(api_user(), policy.EDIT_RISK)
        saved = service.retire_profile(get_graph(), profile_id, api_user().email)
    except permissions.RiskForbidden as exc:
        return _forbidden(exc)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    return jsonify(saved)


@bp.get("/risk/thresholds")
@token_required
@operation("Selectivity thresholds and random rate", answer=dict[str, Any])
def get_thresholds():
    return jsonify(service.current_settings(get_graph()))


@bp.put("/risk/thresholds")
@token_required
@operation("Set thresholds (or red_share for capacity)", answer=dict[str, Any],
           errors=(400, 401, 403, 422), requestBody=_RECORD)
def put_thresholds():
    body = _json_body()
    if not isinstance(body, dict):
        return error_response(400, "Bad request", "Send the thresholds as a JSON object.")
    try:
        permissions.authorize(api_user(), policy.EDIT_RISK)
        graph = get_graph()
        current = service.current_settings(graph)
        if body.get("red_share") is not None:
            t = service.thresholds_for_capacity(
                graph,
                _share(body, "red_share"),
                _share(body, "yellow_share"),
                _share(body, "audit_share"),
            )
            body = {
                **body,
                "acceptable": t.acceptable,
                "unacceptable": t.unacceptable,
                "audit": t.audit,
            }
        values = {
            k: body.get(k, current.get(k))
            for k in ("acceptable", "unacceptable", "audit", "random_rate", "random_lane")
        }
        for key in ("acceptable", "unacceptable", "random_rate"):
            values[key] = _number(values[key], key)
        if values["audit"] is not None:
            values["audit"] = _number(values["audit"], "audit")
        saved = service.update_thresholds(graph, api_user().email, **values)
    except permissions.RiskForbidden as exc:
        return _forbidden(exc)
    except service.RiskError as exc:
        return error_response(422, "Invalid thresholds", str(exc))
    return jsonify(saved)


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise service.RiskError(f"{name}: a number between 0 and 1")
    return float(value)


def _share(body: dict, name: str) -> float:
    return _number(body.get(name) or 0.0, name)


@bp.get("/risk/effectiveness")
@token_required
@allowed(policy.READ_RISK)
@operation("Hit rates per profile, indicator, lane, random", answer=dict[str, Any],
           errors=(401, 403), operation_id="riskEffectiveness")
def get_effectiveness():
    return jsonify(service.effectiveness(get_graph()))


@bp.get("/risk/aeo")
@token_required
@allowed(policy.READ_RISK)
@operation("AEO traders and network exposure alerts", answer=dict[str, Any],
           errors=(401, 403), operation_id="riskAeo")
def get_aeo():
    return jsonify({"traders": rankings.aeo_monitoring(get_graph(), viewer_param(api_user()))})


@bp.get("/risk/sources/regrade")
@token_required
@allowed(policy.REGRADE_SOURCES)
@operation("Source regrade suggestions (handlers)", answer=dict[str, Any], errors=(401, 403),
           operation_id="regradeSuggestions")
def get_regrades():
    audit("risk.regrade.read", "sources")
    return jsonify({"suggestions": service.regrade_suggestions(get_graph(), _scheme())})


@bp.post("/risk/sources/<source_id>/regrade")
@token_required
@operation("Accept or decline a regrade suggestion", body=RegradeDecision,
           answer=dict[str, Any], errors=(400, 401, 403, 404))
def decide_regrade(source_id: str, body: RegradeDecision):
    try:
        permissions.authorize(api_user(), policy.REGRADE_SOURCES)
        result = service.decide_regrade(get_graph(), _scheme(), source_id, body.accept,
                                        api_user().email)
    except permissions.RiskForbidden as exc:
        return _forbidden(exc)
    except NotFound as exc:
        return error_response(404, "Not found", str(exc))
    return jsonify(result)


def _scheme() -> GradingScheme:
    """The grading scheme this instance grades sources in (GRADING_SCHEME)."""
    return Grading.from_config(current_app.config).scheme


@bp.post("/risk/train")
@token_required
@operation("Retrain the risk model from the controls", answer=(201, dict[str, Any]),
           errors=(401, 403, 409), operation_id="trainRisk")
def train_model():
    try:
        permissions.authorize(api_user(), policy.EDIT_RISK)
        result = training.train_from_graph(get_graph(), by=api_user().email)
    except permissions.RiskForbidden as exc:
        return _forbidden(exc)
    except service.RiskError as exc:
        return error_response(409, "Cannot train", str(exc))
    audit("risk.train", result["version"], {"metrics": result["metrics"]})
    return jsonify(result), 201
