"""Post-clearance audit and AEO status over the API: the same services as the pages."""

from __future__ import annotations

from typing import Any, Literal

from flask import jsonify
from pydantic import ConfigDict, Field

from app.aeo import service as aeo
from app.api import bp
from app.api.answers import refusals_answered
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, Number, operation
from app.pca import service as pca
from graph import policy
from graph.db import get_graph

_audit_refusals = refusals_answered("audit", "audit_id", pca.PcaError)
_aeo_refusals = refusals_answered("trader", "ref", aeo.AeoError)


class Period(Body):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    start: str | None = Field(None, alias="from", json_schema_extra={"format": "date"})
    end: str | None = Field(None, alias="to", json_schema_extra={"format": "date"})


class NewAudit(Body):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    trader: str
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    assignee: str | None = None
    unit: str | None = None
    due: str | None = None


class DeclarationResult(Body):
    id: str
    result: Literal["", "negative", "positive"] | None = None
    revenue: Number | None = Field(None, ge=0)


class Findings(Body):
    date: str
    finding: str | None = None
    declarations: list[DeclarationResult]


class AeoChange(Body):
    status: Literal["granted", "suspended", "revoked"]
    date: str
    level: str | None = None
    note: str | None = None


class Recorded(Answer):
    audit: str
    controls: list[str]


@bp.get("/pca/plan")
@token_required
@_audit_refusals
@operation("Post-clearance audit plan: traders by risk over a period", query=Period,
           answer=dict[str, Any], errors=(400, 401, 403), operation_id="pcaPlan")
def api_pca_plan(query: Period):
    pca.authorize(api_user(), policy.READ_PCA)
    return jsonify(pca.plan(get_graph(), query.start, query.end))


@bp.post("/pca/audits")
@token_required
@_audit_refusals
@operation("Plan an audit of a trader's declarations, assigned as a task", body=NewAudit,
           answer=(201, dict[str, Any]), errors=(400, 401, 403, 404))
def api_plan_audit(body: NewAudit):
    audit_id = pca.plan_audit(get_graph(), api_user(), trader=body.trader, start=body.start,
                              end=body.end, assignee=body.assignee, unit=body.unit,
                              due=body.due)
    return jsonify(_audit(pca.read_audit(get_graph(), api_user(), audit_id))), 201


def _audit(row: dict[str, Any]) -> dict[str, Any]:
    return {**row["audit"], "trader_name": row["trader_name"], "score": row["score"],
            "task": row["task"], "assignee": row["assignee"], "unit": row["unit"],
            "may_record_findings": bool(row["tasked"]),
            "declarations": row["declarations"]}


@bp.get("/pca/audits/<audit_id>")
@token_required
@_audit_refusals
@operation("An audit with its declarations and task", answer=dict[str, Any],
           errors=(401, 403, 404))
def api_get_audit(audit_id: str):
    return jsonify(_audit(pca.read_audit(get_graph(), api_user(), audit_id)))


@bp.post("/pca/audits/<audit_id>/findings")
@token_required
@_audit_refusals
@operation("Record an audit's findings as control results (lane blue)", body=Findings,
           answer=(201, Recorded), errors=(400, 401, 403, 404, 409),
           operation_id="recordAuditFindings")
def api_audit_findings(audit_id: str, body: Findings):
    results = [r.model_dump(exclude_unset=True) for r in body.declarations]
    ids = pca.record_findings(get_graph(), api_user(), audit_id, when=body.date,
                              finding=body.finding, results=results)
    return jsonify({"audit": audit_id, "controls": ids}), 201


@bp.get("/traders/<ref>/aeo")
@token_required
@_aeo_refusals
@operation("A trader's AEO status history", answer=dict[str, Any], errors=(401, 403, 404),
           operation_id="getAeoHistory")
def api_aeo_history(ref: str):
    return jsonify(aeo.history(get_graph(), api_user(), ref))


@bp.post("/traders/<ref>/aeo")
@token_required
@_aeo_refusals
@operation("Record a change of a trader's AEO status", body=AeoChange,
           answer=(201, dict[str, Any]), errors=(400, 401, 403, 404, 409))
def api_record_aeo_status(ref: str, body: AeoChange):
    status_id = aeo.record_status(get_graph(), api_user(), ref, status=body.status,
                                  when=body.date, level=body.level, note=body.note)
    return jsonify({"id": status_id, **aeo.history(get_graph(), api_user(), ref)}), 201


@bp.get("/risk/aeo/performance")
@token_required
@_aeo_refusals
@operation("AEO against other importers: selection rate, hit rate, revenue per control",
           answer=dict[str, Any], errors=(401, 403))
def api_aeo_performance():
    aeo.authorize(api_user(), policy.READ_AEO)
    return jsonify(aeo.performance(get_graph()))
