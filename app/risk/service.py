"""Risk service: score declarations, train the model, keep settings, profiles and feedback.

Shared by the API, the pages and the CLI (no request objects here). Scoring reads the
precomputed aggregates and a bounded neighbourhood of the parties in one read
transaction, then runs the pure engine in :mod:`risk`. Training replays the declarations
and controls of the graph in date order, so each controlled declaration is described
only with what was known before it (no leakage), and records a time-split evaluation.
"""

from __future__ import annotations

import heapq
import json
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from flask import has_app_context
from flask_babel import gettext as _

from app.audit import audit as audit_event
from app.evidence import service as evidence
from app.evidence.service import Prepared
from app.risk.conditions import ConditionError, check_conditions
from app.watch import notify
from graph.connection import Graph
from graph.errors import NotFound
from graph.evidence import EvidenceRepository, Parent
from graph.grading import GradingScheme
from graph.risk import NO_VIEWER, RiskRepository
from graph.riskstats import (
    StatsSnapshot,
    UnitValueSnapshot,
    day,
    declaration_from_node,
    load_snapshot,
    stream_history,
)
from risk import boost
from risk.boost import BoostedModel, load_model
from risk.features import (
    BOOSTED_INPUTS,
    EXPECTED_SIGN,
    FEATURE_NAMES,
    Context,
    Feature,
    as_mapping,
    detailed,
    extract,
)
from risk.intel import RESTRICTED_REASON, Mention
from risk.model import RiskModel, Score, train
from risk.network import PathLink, TraderFlag, exposure_from_links
from risk.selectivity import (
    LANES,
    Profile,
    ProfileError,
    Selectivity,
    Thresholds,
    thresholds_from_capacity,
)
from risk.stats import InMemoryHistoryStats, dimension_keys, smoothed
from risk.valuation import UnitValueStats

PARTY_ROLES = ("importer", "declarant", "exporter")
OVERALL_KEY = ("overall", "*")
DEFAULT_SETTINGS = {"acceptable": 0.35, "unacceptable": 0.6, "audit": 0.25,
                    "random_rate": 0.01, "random_lane": "red", "retrain_after": 500}
MAX_REASONS = 8
RATES = (0.01, 0.02, 0.05, 0.10)

# Before the first training, and for indicators that training data cannot teach (no
# watch-list history), these expert weights apply (log-odds per unit of the indicator).
PRIOR_WEIGHTS = {
    "importer_history": 1.0, "declarant_history": 0.5, "exporter_history": 0.3,
    "hs2_history": 0.2, "hs6_origin_history": 0.5, "origin_history": 0.3,
    "undervaluation": 0.3, "transit_origin": 0.3, "intelligence": 1.0,
    "network_exposure": 0.4, "watchlist": 1.5, "aeo": -1.0,
}
PRIOR_INTERCEPT = -3.0
FIXED_WHEN_CONSTANT = ("watchlist",)


class RiskError(ValueError):
    """Input the risk service refuses, with a reason for the officer or API client."""


def prior_model() -> RiskModel:
    n = len(FEATURE_NAMES)
    return RiskModel(list(FEATURE_NAMES), [0.0] * n, [1.0] * n,
                     [PRIOR_WEIGHTS.get(f, 0.0) for f in FEATURE_NAMES], PRIOR_INTERCEPT,
                     "prior", meta={"kind": "expert prior, used until the first training"})


# -- process-wide caches: reload only when the stored version changes -----------------------
_lock = threading.Lock()
Model = RiskModel | BoostedModel
_models: dict[str, Model] = {}
_UNLOADED = object()
_profiles: dict[str, Any] = {"version": _UNLOADED, "parsed": []}


def _model(repo: RiskRepository, version: str | None) -> Model:
    if not version:
        return prior_model()
    model = _models.get(version)
    if model is None:
        model = load_model(repo.model_json(version))
        with _lock:
            _models.clear()  # one active model per process is enough
            _models[version] = model
    return model


def profile_from_node(node: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"], "conditions": json.loads(node.get("conditions_json") or "[]"),
        "rationale": node.get("rationale") or "", "weight": node.get("weight") or 0.0,
        "lane": node.get("lane"), "valid_from": node.get("valid_from"),
        "valid_to": node.get("valid_to"), "name": node.get("name"),
    }


def _active_profiles(repo: RiskRepository, version: Any) -> list[Profile]:
    # profiles_version grows on every save; None (nothing saved yet) is a version too
    if _profiles["version"] is _UNLOADED or _profiles["version"] != version:
        parsed = []
        for node in repo.active_profiles():
            try:
                parsed.append(Profile.parse(profile_from_node(node)))
            except ProfileError:
                continue  # validated when saved; a legacy node never breaks scoring
        with _lock:
            _profiles.update(version=version, parsed=parsed)
    return list(_profiles["parsed"])


def settings_of(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored settings over the defaults; a negative audit threshold means "no blue lane"."""
    out = {**DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if v is not None}}
    if out.get("audit") is not None and float(out["audit"]) < 0:
        out["audit"] = None
    return out


def selectivity_of(settings: Mapping[str, Any], profiles: list[Profile]) -> Selectivity:
    thresholds = Thresholds(float(settings["acceptable"]), float(settings["unacceptable"]),
                            None if settings.get("audit") in (None, "") else
                            float(settings["audit"]))
    return Selectivity(thresholds, profiles, float(settings["random_rate"]),
                       str(settings["random_lane"]))


# -- context: what the graph knows around a batch of declarations ---------------------------
@dataclass
class BatchContext:
    stats: StatsSnapshot
    values: UnitValueSnapshot
    traders: dict[str, dict[str, Any]]
    mentions: dict[tuple[str, str], list[Mention]]
    links: dict[str, list[PathLink]]
    flags: dict[str, TraderFlag]
    settings: dict[str, Any]


def _container(decl: Mapping[str, Any]) -> str | None:
    transport = decl.get("transport")
    if isinstance(transport, Mapping) and transport.get("container"):
        return str(transport["container"])
    return None


def _read_context(tx: Any, declarations: Sequence[Mapping[str, Any]],
                  viewer: Mapping[str, str]) -> BatchContext:
    """Two round trips for the whole batch: the aggregates, then the parties' context as
    ``viewer`` may read it (what they may not see is marked restricted)."""
    stats, values = load_snapshot(tx, declarations)
    parties = {str(d[r]) for d in declarations for r in PARTY_ROLES if d.get(r)}
    containers = {c for d in declarations if (c := _container(d))}
    party = RiskRepository.party_context(tx, parties, containers, viewer)
    return BatchContext(stats, values, party.traders, party.mentions, party.links, party.flags,
                        party.settings)


def party_mentions(decl: Mapping[str, Any], mentions: Mapping[tuple[str, str], list[Mention]]
                   ) -> list[Mention]:
    out: list[Mention] = []
    for role in PARTY_ROLES:
        if decl.get(role):
            out.extend(mentions.get(("trader", str(decl[role])), ()))
    container = _container(decl)
    if container:
        out.extend(mentions.get(("container", container), ()))
    return out


def party_exposure(decl: Mapping[str, Any], links: Mapping[str, list[PathLink]],
                   flags: Mapping[str, TraderFlag]) -> tuple[float, str]:
    """The most exposed party's network exposure, with the paths behind it."""
    best = (0.0, "No links to traders with positive controls or seizures")
    for role in PARTY_ROLES:
        ref = decl.get(role)
        if not ref:
            continue
        own = [link for link in links.get(str(ref), ()) if link.other != ref]
        value, detail = exposure_from_links(own, flags)
        if value > best[0]:
            best = (value, f"{role.capitalize()} {ref}: {detail}")
    return best


def context_for(decl: Mapping[str, Any], ctx: BatchContext) -> Context:
    importer = ctx.traders.get(str(decl.get("importer") or ""), {})
    exposure, detail = party_exposure(decl, ctx.links, ctx.flags)
    watch = []
    for role in PARTY_ROLES:
        info = ctx.traders.get(str(decl.get(role) or ""))
        if info and (info.get("watchlist") or info.get("cases")):
            cases = int(info.get("cases") or 0)
            watch.append(f"{role} {decl[role]}" + (f" (on {cases} open case(s))" if cases
                                                   else " (watch list)"))
        elif info and info.get("hidden_cases"):  # another unit's case: counts, not named
            watch.append(f"{role} {decl[role]} ({RESTRICTED_REASON})")
    return Context(mentions=party_mentions(decl, ctx.mentions), network_exposure=exposure,
                   network_detail=detail, watchlist_hit=bool(watch),
                   watchlist_detail=("Watch list / open case: " + "; ".join(watch)) if watch
                   else "", aeo=bool(importer.get("aeo")),
                   trader_registered=day(importer.get("registered")) or None)


# -- scoring ----------------------------------------------------------------------------------
OTHER_INDICATORS = "other_indicators"


def _reasons(reasons: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The strongest reasons; what the others add together is one more reason, so that the
    contributions shown always add up to the score."""
    listed = list(reasons)
    kept = [r for r in listed if abs(r["contribution"]) >= 0.005]
    kept.sort(key=lambda r: -abs(r["contribution"]))
    if not kept:
        kept = listed[:1]
    shown = kept[:MAX_REASONS]
    out = [{"indicator": r["indicator"], "contribution": round(float(r["contribution"]), 4),
            "detail": r["detail"]} for r in shown]
    rest = [r for r in listed if not any(r is s for s in shown)]
    left = math.fsum(float(r["contribution"]) for r in rest)
    if abs(left) >= 0.005:
        out.append({"indicator": OTHER_INDICATORS, "contribution": round(left, 4),
                    "detail": f"{len(rest)} other indicators together"})
    return out


def _features(model: Model, decl: Mapping[str, Any], ctx: BatchContext) -> list[Feature]:
    """What ``model`` reads: the indicators, and for the boosted model the measures and
    each declared field's record too."""
    read = detailed if isinstance(model, BoostedModel) else extract
    return read(decl, ctx.stats, ctx.values, context_for(decl, ctx))


def _score_all(model: Model, rows: Sequence[Sequence[Feature]]) -> list[Score]:
    if isinstance(model, BoostedModel):
        return model.score_batch(rows)
    return [model.score(r) for r in rows]


def score_declarations(graph: Graph, declarations: Sequence[Mapping[str, Any]],
                       viewer: Mapping[str, str] = NO_VIEWER) -> list[dict[str, Any]]:
    """Score validated declarations (stores nothing); results in the same order.

    Every role may score (the lane is the same whoever asks); the reasons are written for
    ``viewer`` (``graph.access.viewer_param``): a report, case, person or relation they
    may not see still counts, and is named only as restricted intelligence."""
    repo = RiskRepository(graph)
    ctx: BatchContext = graph.read(_read_context, list(declarations), viewer)
    settings = settings_of(ctx.settings)
    model = _model(repo, ctx.settings.get("model_version"))
    select = selectivity_of(settings, _active_profiles(repo, ctx.settings.get("profiles_version")))
    results = []
    rows = [_features(model, decl, ctx) for decl in declarations]
    for decl, features, score in zip(declarations, rows, _score_all(model, rows), strict=True):
        decision = select.decide(decl, score, as_mapping(features))
        reasons = _reasons(decision.reasons)
        if decision.random:
            reasons.insert(0, {"indicator": "random", "contribution": 0.0,
                               "detail": f"Random selection ({settings['random_rate']:.1%} "
                                         "minimum rate) for unbiased hit rates"})
        results.append({
            "id": decl.get("id"), "score": round(decision.score, 6), "lane": decision.lane,
            "reasons": reasons, "baseline": round(score.baseline, 4),
            "model_version": decision.model_version,
            "model_score": round(decision.model_score, 6), "random": decision.random,
            "targeted": decision.targeted, "profiles": decision.profiles,
        })
    return results


# -- training -----------------------------------------------------------------------------------
@dataclass
class TrainingRow:
    declaration: str
    date: str
    values: list[float]
    positive: bool
    revenue: float
    inputs: dict[str, float]


class _Replay:
    """Chronological state as the graph would have had it on each declaration's date."""

    def __init__(self, traders: dict[str, dict[str, Any]],
                 mentions: dict[tuple[str, str], list[Mention]],
                 links: dict[str, list[PathLink]]) -> None:
        self.stats = InMemoryHistoryStats()
        self.values = UnitValueStats()
        self.flags: dict[str, TraderFlag] = {}
        self.traders = traders
        self.mentions = mentions
        self.links = links

    def features(self, decl: Mapping[str, Any]) -> list[Feature]:
        ctx = BatchContext(self.stats, self.values, self.traders,  # type: ignore[arg-type]
                           self.mentions, self.links, self.flags, {})
        return detailed(decl, self.stats, self.values, context_for(decl, ctx))

    def observe_control(self, decl: Mapping[str, Any], control: Mapping[str, Any]) -> None:
        self.stats.record_control(decl, control)
        importer = decl.get("importer")
        if importer and (control.get("result") == "positive" or control.get("seized_json")
                         not in (None, "", "[]")):
            old = self.flags.get(importer, TraderFlag())
            when = day(control.get("date"))
            seized = control.get("seized_json") not in (None, "", "[]")
            self.flags[importer] = TraderFlag(
                old.positives + (control.get("result") == "positive"),
                old.seizures + seized,
                when if control.get("result") == "positive" else old.last_positive,
                when if seized else old.last_seized)

    def observe_declaration(self, decl: Mapping[str, Any]) -> None:
        self.stats.record_declaration(decl)
        self.values.record_declaration(decl)


ALL_TRADERS = "MATCH (t:Trader) RETURN coalesce(t.ref, substring(t.id, 7)) AS ref"


def _chunked(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def training_rows(graph: Graph) -> list[TrainingRow]:
    """Indicator rows for every controlled declaration, each as of its own date."""
    refs = sorted(r["ref"] for r in graph.query(ALL_TRADERS) if r["ref"])
    traders: dict[str, dict[str, Any]] = {}
    mentions: dict[tuple[str, str], list[Mention]] = {}
    links: dict[str, list[PathLink]] = {}
    for chunk in _chunked(refs):
        def work(tx: Any, chunk: list[str] = chunk) -> None:
            traders.update(RiskRepository.traders(tx, chunk))
            mentions.update(RiskRepository.mentions(tx, chunk))
            links.update(RiskRepository.network_links(tx, chunk))
        graph.read(work)
    # open cases are today's knowledge: a replay must not see them
    for info in traders.values():
        info["cases"], info["watchlist"] = 0, False
    state = _Replay(traders, mentions, links)
    pending: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = []
    rows: list[TrainingRow] = []
    seq = 0
    history = list(stream_history(graph))
    containers = sorted({c for e in history if (c := _container(e.declaration))})
    for chunk in _chunked(containers, 2000):
        mentions.update(graph.read(lambda tx, c=chunk: RiskRepository.mentions(tx, [], c)))
    for entry in history:
        decl = entry.declaration
        today = decl["date"]
        while pending and pending[0][0] < today:  # a result counts from the day after
            _cost, _order, d, c = heapq.heappop(pending)
            state.observe_control(d, c)
        if entry.controls:
            features = state.features(decl)
            rows.append(TrainingRow(decl["id"], today,
                                    [f.value for f in features[:len(FEATURE_NAMES)]],
                                    any(c.get("result") == "positive" for c in entry.controls),
                                    sum(float(c.get("revenue") or 0.0) for c in entry.controls),
                                    {f.name: f.value for f in features}))
            for control in entry.controls:
                seq += 1
                heapq.heappush(pending, (control.get("date") or today, seq, decl, control))
        state.observe_declaration(decl)
    return rows


def precision_at(scores: np.ndarray, positive: np.ndarray, revenue: np.ndarray,
                 rates: Sequence[float] = RATES) -> list[dict[str, float]]:
    order = np.lexsort((np.arange(len(scores)), -scores))
    base = float(positive.mean()) if len(positive) else 0.0
    total = float(revenue.sum()) or 1.0
    out = []
    for rate in rates:
        k = max(1, round(rate * len(scores)))
        top = order[:k]
        out.append({"rate": rate, "k": k, "precision": float(positive[top].mean()),
                    "random_precision": base,
                    "revenue_share": float(revenue[top].sum()) / total, "random_revenue": rate})
    return out


def _with_fixed_weights(model: RiskModel) -> RiskModel:
    coef = list(model.coef)
    scale = list(model.scale)
    mean = list(model.mean)
    for name in FIXED_WHEN_CONSTANT:
        j = model.features.index(name)
        if coef[j] == 0.0 and scale[j] == 1.0:
            coef[j], mean[j] = PRIOR_WEIGHTS[name], 0.0
    return RiskModel(model.features, mean, scale, coef, model.intercept, model.trained,
                     model.n_train, model.n_positive, model.l2, model.meta)


MODEL_KINDS = ("auto", "boosted", "logistic")


def _fit(kind: str, rows: list[TrainingRow], x: np.ndarray, y: np.ndarray, l2: float,
         trained: str | None = None) -> Model:
    linear = train(x, y, FEATURE_NAMES, l2=l2, trained=trained, signs=EXPECTED_SIGN)
    if kind == "logistic":
        return linear
    return boost.train([r.inputs for r in rows], y, BOOSTED_INPUTS, trained=trained,
                       signs=EXPECTED_SIGN, linear=_with_fixed_weights(linear))


def _holdout_scores(model: Model, rows: list[TrainingRow], x: np.ndarray) -> np.ndarray:
    if isinstance(model, BoostedModel):
        return model.score_matrix(model.matrix([r.inputs for r in rows]))
    return model.score_matrix(x)


def train_from_graph(graph: Graph, by: str = "system", holdout: float = 0.3,
                     l2: float = 1.0, kind: str = "auto") -> dict[str, Any]:
    """Learn from the controls in the graph; store and activate the model. ``kind``:
    ``auto`` fits the logistic and the boosted model on the earlier controls and keeps the
    one with the better precision at 5 % on the later ones (ties: logistic, the simpler)."""
    if kind not in MODEL_KINDS:
        raise RiskError(f"model kind: one of {', '.join(MODEL_KINDS)}")
    rows = training_rows(graph)
    y = np.array([r.positive for r in rows], dtype=float)
    if len(rows) < 20 or y.sum() < 2 or y.sum() == len(y):
        raise RiskError(_("training needs at least 20 controls with both outcomes; the graph has "
                          "%(length)s controlled declarations, %(value)s positive",
                          length=len(rows), value=int(y.sum())))
    x = np.array([r.values for r in rows])
    dates = sorted(r.date for r in rows)
    cut = dates[min(len(dates) - 1, int(len(dates) * (1 - holdout)))]
    early = np.array([r.date < cut for r in rows])
    metrics: dict[str, Any] = {"controls": len(rows), "positive": int(y.sum()), "split": cut}
    chosen = "logistic" if kind == "logistic" else "boosted"
    if early.sum() >= 10 and len(set(y[early].tolist())) == 2 and (~early).sum() >= 10:
        revenue = np.array([r.revenue for r in rows])
        first = [r for r, e in zip(rows, early, strict=True) if e]
        later = [r for r, e in zip(rows, early, strict=True) if not e]
        tried = ("logistic", "boosted") if kind == "auto" else (chosen,)
        candidates = {k: precision_at(_holdout_scores(_fit(k, first, x[early], y[early], l2),
                                                      later, x[~early]),
                                      y[~early], revenue[~early]) for k in tried}
        if kind == "auto":
            at5 = {k: next(r["precision"] for r in table if r["rate"] == 0.05)
                   for k, table in candidates.items()}
            chosen = "boosted" if at5["boosted"] > at5["logistic"] else "logistic"
        metrics["holdout"] = candidates[chosen]
        metrics["candidates"] = candidates
        metrics["holdout_controls"] = int((~early).sum())
    elif kind == "auto":
        chosen = "logistic"  # too few controls to compare: the simpler model
    metrics["kind"] = chosen
    fitted = _fit(chosen, rows, x, y, l2, trained=dates[-1])
    model = fitted if isinstance(fitted, BoostedModel) else _with_fixed_weights(fitted)
    linear = ranking_model(model)
    repo = RiskRepository(graph)
    version = repo.save_model(model.version, model.to_json(), model.trained, model.n_train,
                              model.n_positive, metrics, by, repo.count_controls())
    rescore_all_traders(graph)
    return {"version": version, "metrics": metrics,
            "coefficients": dict(zip(linear.features, linear.coef, strict=True))}


def retrain_due(graph: Graph) -> bool:
    settings = settings_of(RiskRepository(graph).settings())
    return not settings.get("model_version") or \
        int(settings.get("controls_since_model") or 0) >= int(settings["retrain_after"])


# -- settings and thresholds ---------------------------------------------------------------------
def current_settings(graph: Graph) -> dict[str, Any]:
    return settings_of(RiskRepository(graph).settings())


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
        stored = RiskRepository(graph).update_settings(changes, by)
        audit_event("risk.thresholds", "settings", {
            "acceptable": acceptable, "unacceptable": unacceptable, "audit": audit,
            "random_rate": random_rate, "random_lane": random_lane, **(note or {})})
        return stored

    return settings_of(graph.atomically(update_and_record))


def thresholds_for_capacity(graph: Graph, red_share: float, yellow_share: float = 0.0,
                            audit_share: float = 0.0, sample: int = 2000) -> Thresholds:
    """Thresholds that would have sent ``red_share`` of recent declarations red."""
    repo = RiskRepository(graph)
    recent = [declaration_from_node(r["declaration"], {k: r[k] for k in PARTY_ROLES},
                                    r["container"]) for r in repo.recent_declarations(sample)]
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
    repo = RiskRepository(graph)
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
    for node in RiskRepository(graph).all_profiles():
        out.append({**profile_from_node(node), "name": node.get("name"),
                    "active": node.get("active", True), "version": node.get("version"),
                    "updated_at": node.get("updated_at"), "updated_by": node.get("updated_by"),
                    "reports": node.get("reports") or []})
    return out


def get_profile(graph: Graph, profile_id: str) -> dict[str, Any]:
    for p in list_profiles(graph):
        if p["id"] == profile_id:
            return {**p, "history": RiskRepository(graph).profile_history(profile_id)}
    raise NotFound(f"no profile {profile_id}")


def retire_profile(graph: Graph, profile_id: str, by: str) -> dict[str, Any]:
    current = get_profile(graph, profile_id)
    raw = {k: current[k] for k in ("id", "conditions", "rationale", "weight", "lane",
                                   "valid_from", "valid_to", "name")}
    raw["reports"] = [r["id"] for r in current["reports"]]
    raw["active"] = False
    return save_profile(graph, raw, by, change="retired", action="risk.profile.retire")


# -- feedback --------------------------------------------------------------------------------------
def score_stored_declaration(graph: Graph, declaration_id: str,
                             viewer: Mapping[str, str] = NO_VIEWER) -> dict[str, Any]:
    """Score a stored declaration as the score page would (stores nothing); the reasons
    are written for ``viewer``."""
    row = RiskRepository(graph).declaration(declaration_id)
    if row is None:
        raise NotFound(f"no declaration {declaration_id}")
    decl = declaration_from_node(row["declaration"], {k: row[k] for k in PARTY_ROLES},
                                 row["container"])
    return score_declarations(graph, [decl], viewer)[0]


def find_declarations(graph: Graph, viewer: Mapping[str, str], text: str | None = None,
                      trader: str | None = None, start: str | None = None,
                      end: str | None = None) -> list[dict[str, Any]]:
    """Stored declarations matching the search, each with the lane it scores now (as the
    declaration page shows it) and the lane it was selected for, if recorded."""
    from graph.declarations import DeclarationRepository

    rows = DeclarationRepository(graph).search(text, trader, start, end)
    scorable = [r for r in rows if r["declaration"].get("status") != "referenced"]
    decls = [declaration_from_node(r["declaration"], {k: r[k] for k in PARTY_ROLES},
                                   r["container"]) for r in scorable]
    scores = {s["id"]: s for s in (score_declarations(graph, decls, viewer) if decls else [])}
    out = []
    for r in rows:
        d = r["declaration"]
        scored = scores.get(d["id"])
        out.append({"id": d["id"], "date": d.get("date"), "importer": r["importer"],
                    "importer_name": r["importer_name"], "origin": d.get("origin"),
                    "value": d.get("value"), "controls": r["controls"],
                    "lane": scored["lane"] if scored else None,
                    "score": scored["score"] if scored else None,
                    "selected_lane": r["selected_lane"]})
    return out


def record_selection(graph: Graph, declaration_id: str, by: str,
                     viewer: Mapping[str, str] = NO_VIEWER) -> dict[str, Any]:
    """Score a stored declaration and keep why it was selected (profiles, lane, random);
    the reasons returned are written for ``viewer``."""
    repo = RiskRepository(graph)
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
        control_id = RiskRepository(graph).save_control(control, by)
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
    for group in RiskRepository(graph).effectiveness_groups():
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


# -- rankings ----------------------------------------------------------------------------------
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def _contribution(model: RiskModel, name: str, value: float) -> float:
    j = model.features.index(name)
    return model.coef[j] * (value - model.mean[j]) / model.scale[j]


def ranking_model(model: Model) -> RiskModel:
    """Traders and commodities are ranked on the logistic weights (a boosted model keeps
    the logistic model fitted beside it): their indicators are sums, not declarations."""
    if isinstance(model, BoostedModel):
        return model.linear or prior_model()
    return model


def _active_model(graph: Graph) -> RiskModel:
    repo = RiskRepository(graph)
    return ranking_model(_model(repo, repo.settings().get("model_version")))


def _stats_snapshot(rows: list[dict[str, Any]]) -> tuple[StatsSnapshot, dict[str, list[str]]]:
    from risk.stats import Counts

    counts, keys = {}, {}
    for r in rows:
        counts[(r["dimension"], r["key"])] = Counts(int(r["n_controls"] or 0),
                                                    int(r["n_positive"] or 0),
                                                    float(r["revenue"] or 0.0))
        keys.setdefault(r["dimension"], []).append(r["key"])
    return StatsSnapshot(counts, {}), keys


def _model_in(tx: Any) -> RiskModel:
    """The active model read inside a transaction (listeners have no other session)."""
    from graph.connection import tx_run
    from graph.risk import GET_MODEL, SETTINGS

    rows = tx_run(tx, SETTINGS)
    version = (rows[0]["settings"] if rows else {}).get("model_version")
    if not version:
        return prior_model()
    model = _models.get(version)
    if model is None:
        found = tx_run(tx, GET_MODEL, version=version)
        if not found:
            return prior_model()
        model = load_model(found[0]["json"])
        with _lock:
            _models.clear()
            _models[version] = model
    return ranking_model(model)


def rank_traders(tx: Any, model: RiskModel, refs: Iterable[str]) -> list[dict[str, Any]]:
    """Trader-level score and reasons (history, intelligence, network, AEO) of ``refs``."""
    from risk.intel import describe

    candidates = sorted({str(r) for r in refs if r})
    if not candidates:
        return []
    keys = [list(OVERALL_KEY)] + [[role, ref] for ref in candidates for role in PARTY_ROLES]
    stats, found = _stats_snapshot(RiskRepository.trader_history(tx, keys))
    history: dict[str, list[tuple[float, str, str]]] = {}
    for role in PARTY_ROLES:
        for key in found.get(role, []):
            sm = smoothed(stats, role, key)
            c = sm.counts
            detail = (f"As {role}: {c.n_positive} of {c.n_controls} controls positive "
                      f"(smoothed {sm.rate:.0%} vs {sm.overall_rate:.0%} overall)")
            history.setdefault(key, []).append(
                (_contribution(model, f"{role}_history", sm.lift), f"{role}_history", detail))
            if role == "importer":
                history[key].append((_contribution(model, "importer_revenue",
                                                   math.log1p(sm.revenue_per_control)),
                                     "importer_revenue",
                                     f"Smoothed revenue {sm.revenue_per_control:,.0f} EUR "
                                     "per control"))
    party = RiskRepository.party_context(tx, candidates)
    today = date.today().isoformat()
    ranked = []
    for ref in candidates:
        parts = list(history.get(ref, []))
        weight, detail = describe(party.mentions.get(("trader", ref), []), today)
        parts.append((_contribution(model, "intelligence", math.log1p(weight)), "intelligence",
                      detail))
        exposure, why = exposure_from_links(
            [link for link in party.links.get(ref, []) if link.other != ref], party.flags)
        parts.append((_contribution(model, "network_exposure", exposure), "network_exposure",
                      why))
        trader = party.traders.get(ref, {})
        if trader.get("aeo"):
            parts.append((_contribution(model, "aeo", 1.0), "aeo",
                          "Authorised Economic Operator"))
        logit = model.intercept + sum(c for c, _, _ in parts)
        reasons = [{"indicator": n, "contribution": round(c, 4), "detail": d}
                   for c, n, d in sorted(parts, key=lambda p: -p[0]) if abs(c) >= 0.005]
        ranked.append({"id": ref, "entity_id": f"trader:{ref}", "name": trader.get("name"),
                       "aeo": bool(trader.get("aeo")), "score": round(_sigmoid(logit), 6),
                       "network_exposure": round(exposure, 4),
                       "reasons": reasons or [{"indicator": "history", "contribution": 0.0,
                                               "detail": "No indicator above average"}]})
    ranked.sort(key=lambda r: (-r["score"], r["id"]))
    return ranked


def store_trader_scores(tx: Any, model: RiskModel, refs: Iterable[str]) -> int:
    """Rank ``refs`` and keep score and reasons on their trader nodes."""
    ranked = rank_traders(tx, model, refs)
    rows = [{"ref": r["id"], "score": r["score"], "exposure": r["network_exposure"],
             "reasons": json.dumps(r["reasons"])} for r in ranked]
    if rows:
        RiskRepository.store_trader_scores(tx, rows, model.version)
        _aeo_drift(tx, [r["ref"] for r in rows])
    return len(rows)


def _aeo_drift(tx: Any, refs: list[str]) -> None:
    """AEO traders whose new score reached the acceptable-risk threshold (the top of the
    green lane) are marked, and the committee and auditors told, once per drift."""
    from graph.connection import tx_run
    from graph.risk import SETTINGS

    stored = tx_run(tx, SETTINGS)
    threshold = float(settings_of(stored[0]["settings"] if stored else {})["acceptable"])
    notify.aeo_scores_tx(tx, refs, threshold)


def rescore_traders(tx: Any, refs: Iterable[str] = (), declarations: Iterable[str] = ()
                    ) -> int:
    """Batch listener step: refresh the stored scores of the parties a batch touched."""
    parties = {str(r) for r in refs if r}
    ids = [str(d) for d in declarations if d]
    if ids:
        parties.update(RiskRepository.parties_of(tx, ids))
    if not parties:
        return 0
    model = _model_in(tx)
    return sum(store_trader_scores(tx, model, chunk) for chunk in _chunked(sorted(parties)))


def rescore_stale_traders(graph: Graph, chunk: int = 500) -> int:
    """After an import: rank the traders its batches marked, ``chunk`` per transaction."""
    def work(tx: Any, model: RiskModel, refs: list[str]) -> int:
        scored = store_trader_scores(tx, model, refs)
        RiskRepository.clear_stale(tx, refs)
        return scored

    model = None
    total = 0
    while refs := graph.read(RiskRepository.stale_traders, chunk):
        model = model or _active_model(graph)
        total += graph.write(work, model, refs)
    return total


def rescore_all_traders(graph: Graph) -> int:
    """Score every trader with the active model (after training), 500 per transaction."""
    refs = sorted(r["ref"] for r in graph.query(ALL_TRADERS) if r["ref"])
    model = _active_model(graph)
    return sum(graph.write(lambda tx, c=chunk: store_trader_scores(tx, model, c))
               for chunk in _chunked(refs))


def high_risk_traders(graph: Graph, limit: int = 50) -> list[dict[str, Any]]:
    """Traders ranked by their stored scores (written at training, at the end of each import
    and on each control), highest first: a page read, not a ranking of every trader."""
    return [{"id": r["ref"], "entity_id": f"trader:{r['ref']}", "name": r["name"],
             "aeo": bool(r["aeo"]), "score": r["score"],
             "network_exposure": r["exposure"] or 0.0, "reasons": r["reasons"]}
            for r in RiskRepository(graph).ranked_traders(limit)]


def high_risk_commodities(graph: Graph, limit: int = 50) -> list[dict[str, Any]]:
    """HS6 x origin lines ranked by the model's commodity history indicators."""
    model = _active_model(graph)
    stats, keys = _stats_snapshot(RiskRepository(graph).commodity_stats())
    ranked = []
    for key in keys.get("hs6_origin", []):
        code, origin = key.split(":", 1)
        decl = {"origin": origin, "items": [{"hs": code}]}
        parts = []
        for dim, dim_keys in dimension_keys(decl).items():
            if dim not in ("hs2", "hs4", "hs6", "hs6_origin") or not dim_keys:
                continue
            sm = smoothed(stats, dim, dim_keys[0])
            c = sm.counts
            parts.append((_contribution(model, f"{dim}_history", sm.lift), f"{dim}_history",
                          f"{dim.upper().replace('_', ' x ')} {dim_keys[0]}: {c.n_positive} of "
                          f"{c.n_controls} controls positive (smoothed {sm.rate:.0%})"))
            if dim == "hs6_origin":
                parts.append((_contribution(model, "hs6_origin_revenue",
                                            math.log1p(sm.revenue_per_control)),
                              "hs6_origin_revenue",
                              f"Smoothed revenue {sm.revenue_per_control:,.0f} EUR per control"))
        logit = model.intercept + sum(c for c, _, _ in parts)
        counts = stats.counts("hs6_origin", key)
        ranked.append({"id": key, "hs6": code, "origin": origin,
                       "score": round(_sigmoid(logit), 6), "controls": counts.n_controls,
                       "positive": counts.n_positive, "revenue": round(counts.revenue, 2),
                       "reasons": [{"indicator": n, "contribution": round(c, 4), "detail": d}
                                   for c, n, d in sorted(parts, key=lambda p: -p[0])]})
    ranked.sort(key=lambda r: (-r["score"], r["id"]))
    return ranked[:limit]


def aeo_monitoring(graph: Graph, viewer: Mapping[str, str] = NO_VIEWER
                   ) -> list[dict[str, Any]]:
    """AEO traders with their network exposure now and at the last acknowledgement; the
    paths are named as ``viewer`` may see them (the exposure counts every path)."""
    repo = RiskRepository(graph)
    rows = repo.aeo_traders()
    refs = [r["ref"] for r in rows if r["ref"]]

    def work(tx: Any) -> tuple[dict, dict]:
        links = RiskRepository.network_links(tx, refs, viewer)
        others = {link.other for ls in links.values() for link in ls}
        return links, (RiskRepository.flags(tx, others) if others else {})

    links, flags = graph.read(work) if refs else ({}, {})
    out = []
    for r in rows:
        exposure, detail = exposure_from_links(
            [link for link in links.get(r["ref"], []) if link.other != r["ref"]], flags)
        out.append({**r, "exposure": round(exposure, 4), "detail": detail,
                    "alert": exposure > float(r["baseline"] or 0.0) + 1e-6})
    out.sort(key=lambda r: (not r["alert"], -r["exposure"], r["ref"]))
    return out


def acknowledge_aeo(graph: Graph, ref: str, by: str) -> None:
    row = next((r for r in aeo_monitoring(graph) if r["ref"] == ref), None)
    if row is None:
        raise NotFound(f"no AEO trader {ref}")

    def acknowledge_and_record() -> None:
        RiskRepository(graph).acknowledge_aeo(ref, row["exposure"], by)
        audit_event("risk.aeo.acknowledge", ref)

    graph.atomically(acknowledge_and_record)


# -- source regrade -------------------------------------------------------------------------------
MIN_TESTED = 5


def regrade_suggestions(graph: Graph, scheme: GradingScheme) -> list[dict[str, Any]]:
    """Rule: with at least 5 reports whose named traders were controlled within 180 days,
    >= 50 % confirmed -> one grade more reliable; <= 10 % -> one grade less; else keep.
    Grades are the configured scheme's; "cannot be judged" is never moved."""
    codes = {g.code for g in scheme.source}
    out = []
    for row in RiskRepository(graph).source_outcomes():
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
        RiskRepository(graph).save_regrade(found, decision, by)
        audit_event("risk.regrade", source_id, result)

    graph.atomically(decide_and_record)
    return result


__all__ = ["LANES", "RiskError", "score_declarations", "train_from_graph"]


# -- permissions ---------------------------------------------------------------------------------
READ_ROLES = frozenset({"admin", "analyst", "investigator", "auditor", "committee"})
EDIT_ROLES = frozenset({"admin", "committee"})
EXAMINE_ROLES = READ_ROLES | {"liaison"}
REGRADE_ROLES = frozenset({"admin", "handler"})


class RiskForbidden(PermissionError):
    """The caller's role may not do this."""


def authorize(user: Any, roles: frozenset[str]) -> None:
    if str(getattr(user, "role", "")) not in roles:
        raise RiskForbidden(_("role %(value)s may not do this", value=getattr(user, 'role', '?')))


def list_models(graph: Graph, limit: int = 10) -> list[dict[str, Any]]:
    return RiskRepository(graph).models(limit)
