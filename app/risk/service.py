"""Risk application services: settings and thresholds, committee profiles, selections
and control results, the committee's effectiveness tallies, source regrading.

Shared by the API, the pages and the CLI (no request objects here); each write and its
audit event in one transaction. Scoring is :mod:`app.risk.scoring`, training
:mod:`app.risk.training`, the trader rankings :mod:`app.risk.rankings`, who may do what
:mod:`app.risk.permissions`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import has_app_context
from flask_babel import gettext as _

from app.audit import audit as audit_event
from app.evidence import service as evidence
from app.evidence.service import Prepared
from app.risk.conditions import ConditionError, check_conditions
from app.risk.rankings import rescore_traders
from app.risk.scoring import score_declarations, score_stored_declaration, stored_declarations
from app.watch import notify
from graph.connection import Graph
from graph.controls import ControlRepository
from graph.errors import NotFound, Refused
from graph.evidence import EvidenceRepository, Parent
from graph.grading import GradingScheme
from graph.regrade import RegradeRepository
from graph.riskmodels import RiskModelRepository
from graph.riskparties import NO_VIEWER
from graph.riskprofiles import ProfileRepository, profile_from_node
from risk.scoring import settings_of
from risk.selectivity import (
    Profile,
    ProfileError,
    Selectivity,
    Thresholds,
    thresholds_from_capacity,
)


class RiskError(Refused, ValueError):
    """Input the risk service refuses, with a reason for the officer or API client."""


# -- settings and thresholds ---------------------------------------------------------------------
def current_settings(graph: Graph) -> dict[str, Any]:
    return settings_of(RiskModelRepository(graph).settings())


def update_thresholds(graph: Graph, by: str, acceptable: float, unacceptable: float,
                      audit: float | None, random_rate: float, random_lane: str = "red",
                      note: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The committee's lanes; recorded (with ``note``) in the change's own transaction."""
    try:
        Thresholds(acceptable, unacceptable, audit)
        Selectivity(Thresholds(acceptable, unacceptable, audit), [], random_rate, random_lane)
    except ValueError as exc:
        raise RiskError(str(exc)) from None
    changes = {"acceptable": acceptable, "unacceptable": unacceptable,
               "audit": -1.0 if audit is None else audit,
               "random_rate": random_rate, "random_lane": random_lane}

    def update_and_record() -> dict[str, Any]:
        stored = RiskModelRepository(graph).update_settings(changes, by)
        audit_event("risk.thresholds", "settings", {
            "acceptable": acceptable, "unacceptable": unacceptable, "audit": audit,
            "random_rate": random_rate, "random_lane": random_lane, **(note or {})})
        return stored

    return settings_of(graph.atomically(update_and_record))


def thresholds_for_capacity(graph: Graph, red_share: float, yellow_share: float = 0.0,
                            audit_share: float = 0.0, sample: int = 2000) -> Thresholds:
    """Thresholds that would have sent ``red_share`` of recent declarations red."""
    recent = stored_declarations(ControlRepository(graph).recent_declarations(sample))
    if not recent:
        raise RiskError(_("no declarations in the graph to take a score distribution from"))
    scores: list[float] = []
    for i in range(0, len(recent), 500):
        scores.extend(r["score"] for r in score_declarations(graph, recent[i : i + 500]))
    try:
        return thresholds_from_capacity(scores, red_share, yellow_share, audit_share)
    except ValueError as exc:
        raise RiskError(str(exc)) from None


# -- profiles ------------------------------------------------------------------------------------
def save_profile(graph: Graph, raw: Mapping[str, Any], by: str, change: str = "updated",
                 expected: int | None = None, action: str = "risk.profile.save"
                 ) -> dict[str, Any]:
    """Validate and store a committee profile; every change adds a history version,
    recorded as ``action`` in its transaction."""
    reports = raw.get("reports") or []
    if not isinstance(reports, list) or not all(isinstance(r, str) for r in reports):
        raise RiskError(_("reports: a list of report ids"))
    core = {k: raw.get(k) for k in ("id", "conditions", "rationale", "weight", "lane",
                                    "valid_from", "valid_to", "name") if raw.get(k) is not None}
    try:
        core["conditions"] = check_conditions(raw.get("conditions"))
    except ConditionError as exc:
        raise RiskError(str(exc)) from None
    try:
        profile = Profile.parse(core)
    except ProfileError as exc:
        raise RiskError(str(exc)) from None
    repo = ProfileRepository(graph)
    missing = repo.missing_reports(reports)
    if missing:
        raise RiskError(_("reports not found: %(values)s", values=', '.join(missing)))
    active = raw.get("active", True)
    props = {
        "conditions_json": json.dumps(core["conditions"]), "rationale": profile.rationale,
        "weight": profile.weight, "lane": profile.lane,
        "valid_from": profile.valid_from.isoformat() if profile.valid_from else None,
        "valid_to": profile.valid_to.isoformat() if profile.valid_to else None,
        "active": bool(active), "name": str(raw.get("name") or profile.id)[:120],
    }
    def save_and_record() -> int:
        version = repo.save_profile(profile.id, props, reports, change, by, expected)
        if version is None:
            raise RiskError(_("the profile was changed by someone else meanwhile; reload and "
                              "retry"))
        audit_event(action, profile.id, {"version": version})
        return version

    version = graph.atomically(save_and_record)
    return {"id": profile.id, "version": version, **props, "reports": reports}


def list_profiles(graph: Graph) -> list[dict[str, Any]]:
    out = []
    for node in ProfileRepository(graph).all_profiles():
        out.append({**profile_from_node(node), "name": node.get("name"),
                    "active": node.get("active", True), "version": node.get("version"),
                    "updated_at": node.get("updated_at"), "updated_by": node.get("updated_by"),
                    "reports": node.get("reports") or []})
    return out


def get_profile(graph: Graph, profile_id: str) -> dict[str, Any]:
    for p in list_profiles(graph):
        if p["id"] == profile_id:
            return {**p, "history": ProfileRepository(graph).profile_history(profile_id)}
    raise NotFound(f"no profile {profile_id}")


def retire_profile(graph: Graph, profile_id: str, by: str) -> dict[str, Any]:
    current = get_profile(graph, profile_id)
    raw = {k: current[k] for k in ("id", "conditions", "rationale", "weight", "lane",
                                   "valid_from", "valid_to", "name")}
    raw["reports"] = [r["id"] for r in current["reports"]]
    raw["active"] = False
    return save_profile(graph, raw, by, change="retired", action="risk.profile.retire")


# -- selections and controls ------------------------------------------------------------------
def record_selection(graph: Graph, declaration_id: str, by: str,
                     viewer: Mapping[str, str] = NO_VIEWER) -> dict[str, Any]:
    """Score a stored declaration and keep why it was selected (profiles, lane, random);
    the reasons returned are written for ``viewer``."""
    repo = ControlRepository(graph)
    result = score_stored_declaration(graph, declaration_id, viewer)
    indicators = [r["indicator"] for r in result["reasons"]
                  if r["contribution"] > 0 and not r["indicator"].startswith(("profile:",
                                                                             "random"))][:3]
    props = {"lane": result["lane"], "score": result["score"], "random": result["random"],
             "targeted": result["targeted"], "profiles": result["profiles"],
             "indicators": indicators, "model_version": result["model_version"]}
    def save_and_record() -> None:
        repo.save_selection(declaration_id, props, by)
        audit_event("risk.select", declaration_id,
                    {"lane": props["lane"], "profiles": props["profiles"]})

    graph.atomically(save_and_record)
    return {"declaration": declaration_id, **props, "reasons": result["reasons"]}


def record_control(graph: Graph, control: Mapping[str, Any], by: str,
                   files: list[Prepared] | None = None) -> str:
    """Store a control result with its evidence ``files`` (checked and stored by
    app.evidence), rescore its traders and record it: one transaction."""
    def save_and_record() -> str:
        control_id = ControlRepository(graph).save_control(control, by)
        detail: dict[str, Any] = {"result": control["result"], "lane": control["lane"]}
        if files:
            EvidenceRepository(graph).attach(Parent.CONTROL, control_id, evidence.rows(files))
            detail["files"] = evidence.summary(files)
        graph.write(rescore_traders, (), [control["declaration"]])
        audit_event("risk.control", control_id, detail)
        notify.control_recorded(graph, control_id)
        return control_id

    control_id = graph.atomically(save_and_record)
    if has_app_context():  # the KPI pages count it at once, not after their cache expires
        from app.kpi.service import forget_figures

        forget_figures()
    return control_id


OUTCOME_COUNTS = ("penalties", "seizures", "referrals", "cases", "convictions")


def _bucket() -> dict[str, Any]:
    return {"selections": 0, "controlled": 0, "hits": 0, "revenue": 0.0,
            **dict.fromkeys(OUTCOME_COUNTS, 0), "fines": {}}


def effectiveness(graph: Graph) -> dict[str, Any]:
    """Selections, controls, hits, hit rate, revenue and outcomes (penalties with their
    fines per currency, seizures, referrals, cases, convictions) per profile, indicator,
    lane and random selection."""
    by_profile: dict[str, dict[str, Any]] = {}
    by_indicator: dict[str, dict[str, Any]] = {}
    by_lane: dict[str, dict[str, Any]] = {}
    random_sel, targeted = _bucket(), _bucket()
    for group in ControlRepository(graph).effectiveness_groups():
        buckets = [by_profile.setdefault(p, _bucket()) for p in group["profiles"]]
        buckets += [by_indicator.setdefault(i, _bucket()) for i in group["indicators"]]
        buckets.append(by_lane.setdefault(group["lane"] or "unknown", _bucket()))
        buckets.append(random_sel if group["random"] else targeted)
        for b in buckets:
            for key in ("selections", "controlled", "hits", *OUTCOME_COUNTS):
                b[key] += int(group[key] or 0)
            b["revenue"] += float(group["revenue"] or 0.0)
            for fine in group["fines"] or ():
                currency = fine["currency"] or "?"
                b["fines"][currency] = b["fines"].get(currency, 0.0) + float(fine["amount"])

    def rate(table: dict[str, Any]) -> dict[str, Any]:
        table["hit_rate"] = table["hits"] / table["controlled"] if table["controlled"] else None
        table["revenue"] = round(table["revenue"], 2)
        table["fines"] = {c: round(a, 2) for c, a in sorted(table["fines"].items())}
        return table

    return {
        "profiles": {k: rate(v) for k, v in sorted(by_profile.items())},
        "indicators": {k: rate(v) for k, v in sorted(by_indicator.items())},
        "lanes": {k: rate(v) for k, v in sorted(by_lane.items())},
        "random": rate(random_sel), "targeted": rate(targeted),
    }


# -- source regrade -------------------------------------------------------------------------------
MIN_TESTED = 5


def regrade_suggestions(graph: Graph, scheme: GradingScheme) -> list[dict[str, Any]]:
    """Rule: with at least 5 reports whose named traders were controlled within 180 days,
    >= 50 % confirmed -> one grade more reliable; <= 10 % -> one grade less; else keep.
    Grades are the configured scheme's; "cannot be judged" is never moved."""
    codes = {g.code for g in scheme.source}
    out = []
    for row in RegradeRepository(graph).source_outcomes():
        tested, confirmed = int(row["tested"]), int(row["confirmed"])
        current = str(row["grade"] or scheme.unknown_source).strip().upper()[:1]
        if tested < MIN_TESTED or current not in codes:
            continue
        share = confirmed / tested
        suggested = current
        if share >= 0.5:
            suggested = scheme.regraded(current, more_reliable=True)
        elif share <= 0.1:
            suggested = scheme.regraded(current, more_reliable=False)
        out.append({"source": row["source"], "current": current, "suggested": suggested,
                    "tested": tested, "confirmed": confirmed, "share": round(share, 3)})
    return out


def decide_regrade(graph: Graph, scheme: GradingScheme, source_id: str, accept: bool,
                   by: str) -> dict[str, Any]:
    found = next((s for s in regrade_suggestions(graph, scheme) if s["source"] == source_id),
                 None)
    if found is None:
        raise NotFound(f"no regrade suggestion for source {source_id}")
    decision = "accepted" if accept and found["suggested"] != found["current"] else "declined"
    result = {**found, "decision": decision}

    def decide_and_record() -> None:
        RegradeRepository(graph).save_regrade(found, decision, by)
        audit_event("risk.regrade", source_id, result)

    graph.atomically(decide_and_record)
    return result
