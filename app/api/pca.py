"""Post-clearance audit and AEO status over the API: the same services as the pages."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.aeo import service as aeo
from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import error_responses, json_request, json_response, register
from app.errors import error_response
from app.pca import service as pca
from graph.db import get_graph
from graph.errors import NotFound


def _body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _refused(exc: pca.PcaError | aeo.AeoError):
    titles = {403: "Forbidden", 404: "Not found", 409: "Conflict"}
    return error_response(exc.status, titles.get(exc.status, "Bad request"),
                          {"field": exc.field, "message": str(exc)})


@bp.get("/pca/plan")
@token_required
def api_pca_plan():
    try:
        pca.authorize(api_user(), pca.READ_ROLES)
        plan = pca.plan(get_graph(), request.args.get("from"), request.args.get("to"))
    except pca.PcaError as exc:
        return _refused(exc)
    return jsonify(plan)


@bp.post("/pca/audits")
@token_required
def api_plan_audit():
    body = _body()
    if body is None:
        return error_response(400, "Bad request", 'Send {"trader", "from", "to", "assignee" '
                                                  'or "unit", "due"} as JSON.')
    try:
        audit_id = pca.plan_audit(get_graph(), api_user(), trader=body.get("trader"),
                                  start=body.get("from"), end=body.get("to"),
                                  assignee=body.get("assignee"), unit=body.get("unit"),
                                  due=body.get("due"))
    except pca.PcaError as exc:
        return _refused(exc)
    return jsonify(_audit(pca.read_audit(get_graph(), api_user(), audit_id))), 201


def _audit(row: dict[str, Any]) -> dict[str, Any]:
    return {**row["audit"], "trader_name": row["trader_name"], "score": row["score"],
            "task": row["task"], "assignee": row["assignee"], "unit": row["unit"],
            "may_record_findings": bool(row["tasked"]),
            "declarations": row["declarations"]}


@bp.get("/pca/audits/<audit_id>")
@token_required
def api_get_audit(audit_id: str):
    try:
        return jsonify(_audit(pca.read_audit(get_graph(), api_user(), audit_id)))
    except pca.PcaError as exc:
        return _refused(exc)
    except NotFound:
        return error_response(404, "Not found", f"No audit {audit_id}.")


@bp.post("/pca/audits/<audit_id>/findings")
@token_required
def api_audit_findings(audit_id: str):
    body = _body()
    if body is None:
        return error_response(400, "Bad request", 'Send {"date", "finding", "declarations": '
                                                  '[{"id", "result", "revenue"}]} as JSON.')
    try:
        ids = pca.record_findings(get_graph(), api_user(), audit_id, when=body.get("date"),
                                  finding=body.get("finding"),
                                  results=body.get("declarations"))
    except pca.PcaError as exc:
        return _refused(exc)
    except NotFound:
        return error_response(404, "Not found", f"No audit {audit_id}.")
    return jsonify({"audit": audit_id, "controls": ids}), 201


@bp.get("/traders/<ref>/aeo")
@token_required
def api_aeo_history(ref: str):
    try:
        return jsonify(aeo.history(get_graph(), api_user(), ref))
    except aeo.AeoError as exc:
        return _refused(exc)
    except NotFound:
        return error_response(404, "Not found", f"No trader {ref}.")


@bp.post("/traders/<ref>/aeo")
@token_required
def api_record_aeo_status(ref: str):
    body = _body()
    if body is None:
        return error_response(400, "Bad request",
                              'Send {"status", "date", "level", "note"} as JSON.')
    try:
        status_id = aeo.record_status(get_graph(), api_user(), ref, status=body.get("status"),
                                      when=body.get("date"), level=body.get("level"),
                                      note=body.get("note"))
    except aeo.AeoError as exc:
        return _refused(exc)
    except NotFound:
        return error_response(404, "Not found", f"No trader {ref}.")
    return jsonify({"id": status_id, **aeo.history(get_graph(), api_user(), ref)}), 201


@bp.get("/risk/aeo/performance")
@token_required
def api_aeo_performance():
    try:
        aeo.authorize(api_user(), aeo.READ_ROLES)
    except aeo.AeoError as exc:
        return _refused(exc)
    return jsonify(aeo.performance(get_graph()))


_OBJ = {"type": "object"}
_PATH = [{"name": "audit_id", "in": "path", "required": True, "schema": {"type": "string"}}]
_REF = [{"name": "ref", "in": "path", "required": True, "schema": {"type": "string"}}]
_RESULT = {"type": "object", "required": ["id"],
           "properties": {"id": {"type": "string"}, "result": {"type": "string",
                                                               "enum": ["", "negative",
                                                                        "positive"]},
                          "revenue": {"type": "number", "minimum": 0}}}


def _op(summary: str, op_id: str, codes: tuple[int, ...], *, status: str = "200",
        params: list | None = None, body: dict | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": summary, "operationId": op_id,
                           "responses": {status: json_response(_OBJ),
                                         **error_responses(*codes)}}
    if params:
        out["parameters"] = params
    if body:
        out["requestBody"] = json_request(body)
    return out


register({
    "/pca/plan": {"get": {
        **_op("Post-clearance audit plan: traders by risk over a period", "pcaPlan",
              (400, 401, 403)),
        "parameters": [{"name": "from", "in": "query", "schema": {"type": "string",
                                                                  "format": "date"}},
                       {"name": "to", "in": "query", "schema": {"type": "string",
                                                                "format": "date"}}]}},
    "/pca/audits": {"post": _op(
        "Plan an audit of a trader's declarations, assigned as a task", "planAudit",
        (400, 401, 403, 404), status="201",
        body={"type": "object", "required": ["trader", "from", "to"],
              "properties": {"trader": {"type": "string"}, "from": {"type": "string"},
                             "to": {"type": "string"}, "assignee": {"type": "string"},
                             "unit": {"type": "string"}, "due": {"type": "string"}}})},
    "/pca/audits/{audit_id}": {"get": _op("An audit with its declarations and task",
                                          "getAudit", (401, 403, 404), params=_PATH)},
    "/pca/audits/{audit_id}/findings": {"post": _op(
        "Record an audit's findings as control results (lane blue)", "recordAuditFindings",
        (400, 401, 403, 404, 409), status="201", params=_PATH,
        body={"type": "object", "required": ["date", "declarations"],
              "properties": {"date": {"type": "string"}, "finding": {"type": "string"},
                             "declarations": {"type": "array", "items": _RESULT}}})},
    "/traders/{ref}/aeo": {
        "get": _op("A trader's AEO status history", "getAeoHistory", (401, 403, 404),
                   params=_REF),
        "post": _op("Record a change of a trader's AEO status", "recordAeoStatus",
                    (400, 401, 403, 404, 409), status="201", params=_REF,
                    body={"type": "object", "required": ["status", "date"],
                          "properties": {"status": {"type": "string",
                                                    "enum": ["granted", "suspended",
                                                             "revoked"]},
                                         "date": {"type": "string"},
                                         "level": {"type": "string"},
                                         "note": {"type": "string"}}})},
    "/risk/aeo/performance": {"get": _op(
        "AEO against other importers: selection rate, hit rate, revenue per control",
        "aeoPerformance", (401, 403))},
})
