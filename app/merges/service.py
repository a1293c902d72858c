"""Entity merge and split for analysts: proposals only, every change explicit and audited.

Candidates come from the ``entity_names`` full-text index (same label, not yet merged) and
are scored with ``nlp.candidates`` on resolution keys; only those above the threshold are
proposed. Nothing merges unless an analyst asks, with a reason; a split undoes it exactly.
"""

from __future__ import annotations

from typing import Any

from app.audit import audit
from graph.access import viewer_param
from graph.connection import Graph, atomic
from graph.errors import NotFound
from graph.merges import MergeRefused, MergeRepository, canonical_id

MERGE_ROLES = {"analyst", "admin"}
THRESHOLD = 0.85
PROPOSAL_LABELS = ["ORG", "PERSON", "VESSEL", "AGENCY", "LOCATION", "COMMODITY"]
MAX_REASON = 500

__all__ = ["MergeRefused", "NotFound", "canonical_id"]


def _require_role(user: Any) -> None:
    if str(user.role) not in MERGE_ROLES:
        raise MergeRefused("Only intelligence officers merge or split entities.", 403)


def candidates_for(
    graph: Graph, user: Any, entity_id: str, threshold: float = THRESHOLD
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The entity and its fuzzy duplicates above ``threshold``, best first, among the
    entities ``user`` may see (``ENTITY_VISIBLE``)."""
    repo = MergeRepository(graph)
    viewer = viewer_param(user)
    entity = repo.entity(entity_id, viewer)
    return entity, _duplicates(repo, [entity], viewer, threshold)[entity_id]


def _duplicates(
    repo: MergeRepository, subjects: list[dict[str, Any]], viewer: dict[str, str],
    threshold: float = THRESHOLD,
) -> dict[str, list[dict[str, Any]]]:
    """Per subject, its candidates above ``threshold``, best first: one full-text read for
    all subjects, then one read of mentions and shared identifiers for the proposed pairs
    only (a page of proposals costs two statements, not two per subject)."""
    from nlp import candidates

    rows_of = repo.fulltext_candidates(subjects, viewer)
    ranked_of: dict[str, list[tuple[str, tuple[float, str, str]]]] = {}
    for entity in subjects:
        rows = rows_of.get(entity["id"], [])
        if not rows or not entity["name"]:
            ranked_of[entity["id"]] = []
            continue
        best: dict[str, tuple[float, str, str]] = {}  # candidate id: (score, name, its name)
        names = [entity["name"], *entity["aliases"]]
        for row in rows:
            known = {
                f"{row['id']}\x1f{i}": n for i, n in enumerate([row["name"], *row["aliases"]])
                if n
            }
            for name in names:
                for key, score in candidates(name, known, threshold, entity["label"] or "ORG"):
                    cid = key.split("\x1f", 1)[0]
                    if score > best.get(cid, (0.0, "", ""))[0]:
                        best[cid] = (score, name, known[key])
        ranked_of[entity["id"]] = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    details = repo.details(
        [(sid, cid) for sid, ranked in ranked_of.items() for cid, _ in ranked], viewer)
    out: dict[str, list[dict[str, Any]]] = {}
    for entity in subjects:
        by_id = {row["id"]: row for row in rows_of.get(entity["id"], [])}
        out[entity["id"]] = []
        for cid, (score, ours, theirs) in ranked_of[entity["id"]]:
            extra = details.get((entity["id"], cid), {"mentions": 0, "shared": []})
            out[entity["id"]].append({
                **by_id[cid], "mentions": extra["mentions"], "shared": extra["shared"],
                "score": score, "why": _why(score, ours, theirs, extra["shared"])})
    return out


def _why(score: float, ours: str, theirs: str, shared: list[str]) -> str:
    """Why a pair is proposed, in an analyst's words."""
    said = (f"names {round(score * 100)} % alike" if ours.casefold() != theirs.casefold()
            else "same name")
    said += f" (“{ours}” / “{theirs}”)"
    if shared:
        said += "; both registered with " + ", ".join(shared[:3])
    return said


def proposals(graph: Graph, user: Any, limit: int = 30) -> list[dict[str, Any]]:
    """Candidate pairs among the most recent entities ``user`` may see, each pair once."""
    repo = MergeRepository(graph)
    viewer = viewer_param(user)
    recent = repo.recent(PROPOSAL_LABELS, limit, viewer)
    found_of = _duplicates(repo, recent, viewer)
    seen: set[frozenset[str]] = set()
    out = []
    for entity in recent:
        for cand in found_of[entity["id"]]:
            pair = frozenset((entity["id"], cand["id"]))
            if pair in seen:
                continue
            seen.add(pair)
            out.append({"entity": entity, "candidate": cand})
    return out


def merged(graph: Graph, user: Any) -> list[dict[str, Any]]:
    return MergeRepository(graph).merged(viewer_param(user))


@atomic
def merge(graph: Graph, user: Any, from_id: str, into_id: str, reason: str) -> dict[str, Any]:
    _require_role(user)
    reason = (reason or "").strip()
    if not from_id or not into_id:
        raise MergeRefused("Name the entity to merge and the entity to merge it into.")
    if not reason:
        raise MergeRefused("Give a reason for the merge.")
    if len(reason) > MAX_REASON:
        raise MergeRefused(f"Keep the reason under {MAX_REASON} characters.")
    result = MergeRepository(graph).merge(
        from_id, into_id, by=str(user.id), reason=reason, viewer=viewer_param(user)
    )
    audit("entity.merge", from_id, {"into": result["into"]}, reason=reason)
    return result


@atomic
def split(graph: Graph, user: Any, entity_id: str, reason: str = "") -> dict[str, Any]:
    _require_role(user)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise MergeRefused(f"Keep the reason under {MAX_REASON} characters.")
    result = MergeRepository(graph).split(entity_id, viewer_param(user))
    audit(
        "entity.split",
        entity_id,
        {
            "from": result["into"],
            "merged_by": result["was"].get("by"),
            "merged_at": result["was"].get("at"),
        },
        reason=reason or None,
    )
    return {"from": entity_id, "into": result["into"]}
