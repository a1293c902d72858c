"""High-risk traders and commodities, the stored trader scores, and the AEO watch.

Trader scores are ranked by :mod:`risk.ranking` and kept on the trader nodes: at
training, at the end of each import (the traders its batches marked) and on each control;
the pages read the stored ranking. An AEO trader whose score reaches the acceptable-risk
threshold is flagged, and the committee told, once per drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from app.audit import audit as audit_event
from app.risk.scoring import active_model, active_model_in
from app.watch import notify
from graph.connection import Graph
from graph.errors import NotFound
from graph.messages import as_data, from_data
from graph.riskmodels import RiskModelRepository
from graph.riskparties import NO_VIEWER, PartyRepository, Register
from graph.riskstats import StatsSnapshot
from graph.traderscores import TraderScoreRepository
from risk.model import RiskModel
from risk.network import exposure_from_links
from risk.ranking import history_keys, rank_commodities, ranking_model
from risk.ranking import rank_traders as rank
from risk.scoring import settings_of
from risk.stats import Counts

CHUNK = 500  # traders per read of the register (each reads up to three hops)
STORE_CHUNK = 5000  # traders ranked and stored per transaction


def _chunked(items: list[str], size: int = CHUNK) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _active_model(graph: Graph) -> RiskModel:
    version = RiskModelRepository(graph).settings().get("model_version")
    return ranking_model(active_model(graph, version))


def _stats_snapshot(rows: list[dict[str, Any]]) -> tuple[StatsSnapshot, dict[str, list[str]]]:
    counts, keys = {}, {}
    for r in rows:
        counts[(r["dimension"], r["key"])] = Counts(int(r["n_controls"] or 0),
                                                    int(r["n_positive"] or 0),
                                                    float(r["revenue"] or 0.0))
        keys.setdefault(r["dimension"], []).append(r["key"])
    return StatsSnapshot(counts, {}), keys


def read_register(graph: Graph, refs: Sequence[str]) -> Register:
    """The register of ``refs`` (entries, reports naming them, network paths), ``CHUNK``
    traders a read transaction: what training replays and the ranking scores."""
    register = Register({}, {}, {})
    for chunk in _chunked(sorted({str(r) for r in refs if r})):
        part = graph.read(PartyRepository.register, chunk)
        for mine, theirs in zip(register, part, strict=True):
            mine.update(theirs)
    return register


def rank_traders(tx: Any, model: RiskModel, refs: Iterable[str],
                 register: Register | None = None) -> list[dict[str, Any]]:
    """Trader-level score and reasons (history, intelligence, network, AEO) of ``refs``,
    from ``register`` when the caller read it already (training), else read here; the
    aggregates and the flags of the linked traders are read now, for all at once."""
    candidates = sorted({str(r) for r in refs if r})
    if not candidates:
        return []
    if register is None:
        register = PartyRepository.register(tx, candidates)
    stats, found = _stats_snapshot(
        TraderScoreRepository.trader_history(tx, history_keys(candidates)))
    others = {link.other for ref in candidates for link in register.links.get(ref, ())}
    flags = PartyRepository.flags(tx, others) if others else {}
    return rank(model, candidates, stats, found, register.traders, register.mentions,
                register.links, flags, date.today().isoformat())


def store_trader_scores(tx: Any, model: RiskModel, refs: Iterable[str],
                        register: Register | None = None) -> int:
    """Rank ``refs`` and keep score and reasons on their trader nodes."""
    ranked = rank_traders(tx, model, refs, register)
    rows = [{"ref": r["id"], "score": r["score"], "exposure": r["network_exposure"],
             "reasons": json.dumps([_storable(reason) for reason in r["reasons"]])}
            for r in ranked]
    if rows:
        TraderScoreRepository.store_trader_scores(tx, rows, model.version)
        _aeo_drift(tx, [r["ref"] for r in rows])
    return len(rows)


def _aeo_drift(tx: Any, refs: list[str]) -> None:
    """AEO traders whose new score reached the acceptable-risk threshold (the top of the
    green lane) are marked, and the committee and auditors told, once per drift."""
    threshold = float(settings_of(RiskModelRepository.settings_in(tx))["acceptable"])
    notify.aeo_scores_tx(tx, refs, threshold)


def rescore_traders(tx: Any, refs: Iterable[str] = (), declarations: Iterable[str] = ()
                    ) -> int:
    """Refresh the stored scores of these traders and of the parties of these declarations
    (a control just recorded, an AEO status changed), in the caller's transaction."""
    parties = {str(r) for r in refs if r}
    ids = [str(d) for d in declarations if d]
    if ids:
        parties.update(TraderScoreRepository.parties_of(tx, ids))
    if not parties:
        return 0
    model = ranking_model(active_model_in(tx))
    return sum(store_trader_scores(tx, model, chunk) for chunk in _chunked(sorted(parties)))


def rescore_stale_traders(graph: Graph, chunk: int = CHUNK) -> int:
    """After an import: rank the traders its batches marked, ``chunk`` per transaction."""
    def work(tx: Any, model: RiskModel, refs: list[str]) -> int:
        scored = store_trader_scores(tx, model, refs)
        TraderScoreRepository.clear_stale(tx, refs)
        return scored

    model = None
    total = 0
    while refs := graph.read(TraderScoreRepository.stale_traders, chunk):
        model = model or _active_model(graph)
        total += graph.write(work, model, refs)
    return total


def rescore_all_traders(graph: Graph, register: Register) -> int:
    """Score every trader of ``register`` (read by training) with the active model,
    ``STORE_CHUNK`` per transaction: the network is not read a second time."""
    model = _active_model(graph)
    return sum(graph.write(store_trader_scores, model, chunk, register)
               for chunk in _chunked(sorted(register.traders), STORE_CHUNK))


def high_risk_traders(graph: Graph, limit: int = 50) -> list[dict[str, Any]]:
    """Traders ranked by their stored scores (written at training, at the end of each import
    and on each control), highest first: a page read, not a ranking of every trader."""
    return [{"id": r["ref"], "entity_id": f"trader:{r['ref']}", "name": r["name"],
             "aeo": bool(r["aeo"]), "score": r["score"],
             "network_exposure": r["exposure"] or 0.0,
             "reasons": [_readable(reason) for reason in r["reasons"]]}
            for r in TraderScoreRepository(graph).ranked_traders(limit)]


def _storable(reason: Mapping[str, Any]) -> dict[str, Any]:
    """A ranking reason as kept on the trader: its English ``detail``, and the sentence's
    message id and parameters (``said``) so the pages read it in their own language."""
    return {**reason, "said": as_data(reason["detail"])}


def _readable(reason: Mapping[str, Any]) -> dict[str, Any]:
    """A stored reason as the pages and the API take it: the ``detail`` a message again
    (reasons stored before ``said`` was kept stay English until the trader is rescored)."""
    out = {k: v for k, v in reason.items() if k != "said"}
    if "said" in reason:
        out["detail"] = from_data(reason["said"])
    return out


def high_risk_commodities(graph: Graph, limit: int = 50) -> list[dict[str, Any]]:
    """HS6 x origin lines ranked by the model's commodity history indicators."""
    model = _active_model(graph)
    stats, keys = _stats_snapshot(TraderScoreRepository(graph).commodity_stats())
    return rank_commodities(model, stats, keys.get("hs6_origin", []), limit)


def aeo_monitoring(graph: Graph, viewer: Mapping[str, str] = NO_VIEWER
                   ) -> list[dict[str, Any]]:
    """AEO traders with their network exposure now and at the last acknowledgement; the
    paths are named as ``viewer`` may see them (the exposure counts every path)."""
    rows = TraderScoreRepository(graph).aeo_traders()
    refs = [r["ref"] for r in rows if r["ref"]]

    def work(tx: Any) -> tuple[dict, dict]:
        links = PartyRepository.network_links(tx, refs, viewer)
        others = {link.other for ls in links.values() for link in ls}
        return links, (PartyRepository.flags(tx, others) if others else {})

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
    """Today's exposure becomes the trader's baseline: alerts only when it grows again."""
    row = next((r for r in aeo_monitoring(graph) if r["ref"] == ref), None)
    if row is None:
        raise NotFound(f"no AEO trader {ref}")

    def acknowledge_and_record() -> None:
        TraderScoreRepository(graph).acknowledge_aeo(ref, row["exposure"], by)
        audit_event("risk.aeo.acknowledge", ref)

    graph.atomically(acknowledge_and_record)
