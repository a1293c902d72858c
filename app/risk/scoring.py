"""Scoring stored and submitted declarations with the active model and profiles.

The graph's side of :mod:`risk.scoring`: one read transaction fetches the aggregates and
the parties' context as the viewer may read it, the pure engine does the rest. The
active model and profiles are parsed once per process and reloaded only when the stored
version changes.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from graph.connection import Graph
from graph.controls import ControlRepository
from graph.declarations import DeclarationRepository
from graph.errors import NotFound
from graph.riskmodels import RiskModelRepository
from graph.riskparties import NO_VIEWER, PartyRepository
from graph.riskprofiles import ProfileRepository, profile_from_node
from graph.riskstats import declaration_from_node, load_snapshot
from risk.boost import load_model
from risk.scoring import (
    PARTY_ROLES,
    BatchContext,
    Model,
    container_of,
    prior_model,
    score_batch,
    selectivity_of,
    settings_of,
)
from risk.selectivity import Profile, ProfileError

# -- process-wide caches: reload only when the stored version changes -----------------------
_lock = threading.Lock()
_models: dict[str, Model] = {}
_UNLOADED = object()
_profiles: dict[str, Any] = {"version": _UNLOADED, "parsed": []}


def _cached(version: str, model_json: Any) -> Model | None:
    """The model of ``version``, parsed from ``model_json()`` the first time it is asked."""
    model = _models.get(version)
    if model is None:
        stored = model_json()
        if stored is None:
            return None
        model = load_model(stored)
        with _lock:
            _models.clear()  # one active model per process is enough
            _models[version] = model
    return model


def active_model(graph: Graph, version: str | None) -> Model:
    """The stored model ``version`` (the settings name the active one); the prior before
    the first training."""
    if not version:
        return prior_model()
    repo = RiskModelRepository(graph)
    return _cached(version, lambda: repo.model_json(version)) or prior_model()


def active_model_in(tx: Any) -> Model:
    """The active model read inside a transaction: a write that rescores traders in its
    own unit has no other session."""
    version = RiskModelRepository.settings_in(tx).get("model_version")
    if not version:
        return prior_model()
    return _cached(version, lambda: RiskModelRepository.model_json_in(tx, version)) \
        or prior_model()


def _active_profiles(graph: Graph, version: Any) -> list[Profile]:
    # profiles_version grows on every save; None (nothing saved yet) is a version too
    if _profiles["version"] is _UNLOADED or _profiles["version"] != version:
        parsed = []
        for node in ProfileRepository(graph).active_profiles():
            try:
                parsed.append(Profile.parse(profile_from_node(node)))
            except ProfileError:
                continue  # validated when saved; a legacy node never breaks scoring
        with _lock:
            _profiles.update(version=version, parsed=parsed)
    return list(_profiles["parsed"])


def read_context(tx: Any, declarations: Sequence[Mapping[str, Any]],
                 viewer: Mapping[str, str]) -> BatchContext:
    """Two round trips for the whole batch: the aggregates, then the parties' context as
    ``viewer`` may read it (what they may not see is marked restricted)."""
    stats, values = load_snapshot(tx, declarations)
    parties = {str(d[r]) for d in declarations for r in PARTY_ROLES if d.get(r)}
    containers = {c for d in declarations if (c := container_of(d))}
    party = PartyRepository.party_context(tx, parties, containers, viewer)
    return BatchContext(stats, values, party.traders, party.mentions,
                        party.links, party.flags, party.settings)


def score_declarations(graph: Graph, declarations: Sequence[Mapping[str, Any]],
                       viewer: Mapping[str, str] = NO_VIEWER) -> list[dict[str, Any]]:
    """Score validated declarations (stores nothing); results in the same order.

    Every role may score (the lane is the same whoever asks); the reasons are written for
    ``viewer`` (``graph.access.viewer_param``): a report, case, person or relation they
    may not see still counts, and is named only as restricted intelligence."""
    ctx: BatchContext = graph.read(read_context, list(declarations), viewer)
    settings = settings_of(ctx.settings)
    model = active_model(graph, ctx.settings.get("model_version"))
    select = selectivity_of(settings, _active_profiles(graph, ctx.settings.get("profiles_version")))
    return score_batch(model, select, settings, declarations, ctx)


def _declaration(row: Mapping[str, Any]) -> dict[str, Any]:
    return declaration_from_node(row["declaration"], {k: row[k] for k in PARTY_ROLES},
                                 row["container"])


def stored_declarations(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Declarations read with their parties and container, as scoring reads them."""
    return [_declaration(r) for r in rows]


def score_stored_declaration(graph: Graph, declaration_id: str,
                             viewer: Mapping[str, str] = NO_VIEWER) -> dict[str, Any]:
    """Score a stored declaration as the score page would (stores nothing); the reasons
    are written for ``viewer``."""
    row = ControlRepository(graph).declaration(declaration_id)
    if row is None:
        raise NotFound(f"no declaration {declaration_id}")
    return score_declarations(graph, [_declaration(row)], viewer)[0]


def find_declarations(graph: Graph, viewer: Mapping[str, str], text: str | None = None,
                      trader: str | None = None, start: str | None = None,
                      end: str | None = None) -> list[dict[str, Any]]:
    """Stored declarations matching the search, each with the lane it scores now (as the
    declaration page shows it) and the lane it was selected for, if recorded."""
    rows = DeclarationRepository(graph).search(text, trader, start, end)
    scorable = [r for r in rows if r["declaration"].get("status") != "referenced"]
    decls = stored_declarations(scorable)
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
