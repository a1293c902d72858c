"""Entity merge and split for analysts: proposals only, every change explicit and audited.

Candidates come from the ``entity_names`` full-text index (same label, not yet merged) and
are scored with ``nlp.candidates`` on resolution keys; only those above the threshold are
proposed. Nothing merges unless an analyst asks, with a reason; a split undoes it exactly.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.audit import audit
from graph import policy
from graph.access import viewer_param
from graph.connection import Graph, atomic
from graph.errors import NotFound
from graph.merges import MergeRefused, MergeRepository, canonical_id

THRESHOLD = 0.85
TRANSLIT_SCORE = 0.9  # the same name in another script: as strong as a close spelling
PROPOSAL_LABELS = ["ORG", "PERSON", "VESSEL", "AGENCY", "LOCATION", "COMMODITY"]
MAX_REASON = 500

__all__ = ["MergeRefused", "NotFound", "canonical_id"]


def _require_role(user: Any) -> None:
    if not policy.may(user, policy.MERGE_ENTITIES):
        raise MergeRefused("Only intelligence officers merge or split entities.", 403)


def candidates_for(
    graph: Graph, user: Any, entity_id: str, threshold: float = THRESHOLD
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The entity and its possible duplicates, best first, among the entities ``user`` may
    see (``ENTITY_VISIBLE``): names alike above ``threshold``, and the same name in another
    script or spelling (one transliteration key). A person born on another day than the
    entity is never proposed."""
    repo = MergeRepository(graph)
    viewer = viewer_param(user)
    entity = repo.entity(entity_id, viewer)
    return entity, _duplicates(repo, [entity], viewer, threshold)[entity_id]


def _duplicates(
    repo: MergeRepository, subjects: list[dict[str, Any]], viewer: dict[str, str],
    threshold: float = THRESHOLD,
) -> dict[str, list[dict[str, Any]]]:
    """Per subject, its candidates best first: one full-text read and one transliteration
    read for all subjects, then one read of mentions and what the pair shares for the
    proposed pairs only (a page of proposals costs three statements, not two per subject)."""
    from nlp import candidates

    named = [s for s in subjects if s["name"]]
    fulltext = repo.fulltext_candidates(named, viewer)
    translit = repo.translit_candidates(named, viewer)
    ranked_of: dict[str, list[tuple[str, tuple[float, str, str, bool]]]] = {}
    rows_of: dict[str, dict[str, dict[str, Any]]] = {}
    for entity in subjects:
        rows = {r["id"]: r for r in fulltext.get(entity["id"], [])
                if not _born_apart(entity, r)}
        best: dict[str, tuple[float, str, str, bool]] = {}  # id: (score, ours, theirs, key)
        names = [entity["name"], *entity["aliases"]] if entity["name"] else []
        for row in rows.values():
            known = {
                f"{row['id']}\x1f{i}": n for i, n in enumerate([row["name"], *row["aliases"]])
                if n
            }
            for name in names:
                for key, score in candidates(name, known, threshold, entity["label"] or "ORG"):
                    cid = key.split("\x1f", 1)[0]
                    if score > best.get(cid, (0.0, "", "", False))[0]:
                        best[cid] = (score, name, known[key], False)
        for row in translit.get(entity["id"], []):
            if row["id"] in best or _born_apart(entity, row):
                continue
            rows[row["id"]] = row
            best[row["id"]] = (TRANSLIT_SCORE, entity["name"], row["name"], True)
        rows_of[entity["id"]] = rows
        ranked_of[entity["id"]] = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    details = repo.details(
        [(sid, cid) for sid, ranked in ranked_of.items() for cid, _ in ranked], viewer)
    out: dict[str, list[dict[str, Any]]] = {}
    for entity in subjects:
        out[entity["id"]] = []
        for cid, (score, ours, theirs, by_key) in ranked_of[entity["id"]]:
            extra = details.get((entity["id"], cid),
                                {"mentions": 0, "shared": [], "traders": []})
            row = {**rows_of[entity["id"]][cid], "mentions": extra["mentions"],
                   "shared": extra["shared"], "traders": extra["traders"], "score": score}
            row["why"] = _why(None if by_key else score, ours, theirs, entity, row)
            out[entity["id"]].append(row)
    return out


def _born_apart(entity: dict[str, Any], row: dict[str, Any]) -> bool:
    """Two persons with different birth dates are two people, however alike their names."""
    return bool(entity.get("dob") and row.get("dob") and entity["dob"] != row["dob"])


def _arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _why(
    score: float | None, ours: str, theirs: str, entity: dict[str, Any], row: dict[str, Any]
) -> str:
    """Why a pair is proposed, in an analyst's words: how the names meet (``score`` None:
    on their transliteration key), then the evidence that agrees."""
    if score is None:
        said = (_("same name in another script") if _arabic(ours) != _arabic(theirs)
                else _("same name in another spelling"))
    elif ours.casefold() != theirs.casefold():
        said = _("names %(num)s %% alike", num=round(score * 100))
    else:
        said = _("same name")
    said += f" (“{ours}” / “{theirs}”)"
    agree = []
    if entity.get("nationality") and entity["nationality"] == row.get("nationality"):
        agree.append(_("same nationality (%(value)s)", value=row["nationality"]))
    if entity.get("dob") and entity["dob"] == row.get("dob"):
        agree.append(_("same birth date (%(value)s)", value=row["dob"]))
    if row.get("shared"):
        agree.append(_("both registered with %(value)s", value=", ".join(row["shared"][:3])))
    if row.get("traders"):
        agree.append(_("both linked to %(value)s", value=", ".join(row["traders"][:3])))
    return "; ".join([said, *agree])


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
