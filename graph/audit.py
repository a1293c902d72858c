"""The append-only, hash-chained audit log.

Each event stores the SHA-256 of its own content and of its predecessor. Appends go
through one ``:AuditHead`` node, which serialises writers, so the chain has no forks.
``verify`` recomputes every hash: a changed, deleted or inserted entry breaks the chain.

Reads of records carry an ``outcome`` (``read``, ``refused``: the record exists but the
reader may not see it, ``missing``: no such record). Writes have none; an entry without an
outcome hashes exactly as before the field existed, so older chains still verify.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run

GENESIS = "0" * 64

APPEND = """
MERGE (h:AuditHead {id: 'chain'})
ON CREATE SET h.seq = 0, h.hash = $genesis
WITH h
SET h.seq = h.seq + 1
WITH h, h.seq AS seq, h.hash AS prev
RETURN seq, prev
"""
STORE = """
MATCH (h:AuditHead {id: 'chain'})
CREATE (a:AuditEvent {seq: $seq, at: $at, actor: $actor, action: $action, target: $target,
                      detail: $detail, reason: $reason, origin: $origin, outcome: $outcome,
                      prev: $prev, hash: $hash})
SET h.hash = $hash
"""
CHAIN = """
MATCH (a:AuditEvent) WHERE a.seq > $after
RETURN a {.*} AS event ORDER BY a.seq LIMIT $limit
"""
# Every filter is optional (NULL: no filter). ``$before`` is an exclusive upper bound, so a
# whole day is ``since <= at < next day``; ``$actions`` narrows to a list (sensitive reads).
# Newest first straight from the seq index (no sort of the whole log): the filters are
# applied while walking it backwards, and the walk stops once a page is full.
SEARCH = """
MATCH (a:AuditEvent) USING INDEX a:AuditEvent(seq)
WHERE a.seq IS NOT NULL
  AND ($actor IS NULL OR a.actor = $actor)
  AND ($action IS NULL OR a.action = $action)
  AND ($action_prefix IS NULL OR a.action STARTS WITH $action_prefix)
  AND ($actions IS NULL OR a.action IN $actions)
  AND ($outcome IS NULL OR a.outcome = $outcome)
  AND ($target IS NULL OR a.target CONTAINS $target)
  AND ($since IS NULL OR a.at >= $since)
  AND ($until IS NULL OR a.at <= $until)
  AND ($before IS NULL OR a.at < $before)
RETURN a {.*} AS event ORDER BY a.seq DESC SKIP $skip LIMIT $limit
"""
HEAD = "MATCH (h:AuditHead {id: 'chain'}) RETURN h.seq AS seq, h.hash AS hash"
ACTIONS = """
MATCH (a:AuditEvent) WHERE a.action IS NOT NULL
RETURN DISTINCT a.action AS action ORDER BY action
"""

_FIELDS = ("seq", "at", "actor", "action", "target", "detail", "reason", "origin", "prev")
OUTCOMES = ("read", "refused", "missing")


def event_hash(event: dict[str, Any]) -> str:
    fields = {k: event.get(k) for k in _FIELDS}
    if event.get("outcome") is not None:  # reads only: writes hash as they always did
        fields["outcome"] = event["outcome"]
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""


def append_tx(
    tx: Any,
    *,
    actor: str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    reason: str | None = None,
    origin: str | None = None,
    outcome: str | None = None,
) -> int:
    """Append one event inside the caller's transaction: a write and its audit event then
    commit together or not at all. ``outcome`` is for reads (one of ``OUTCOMES``)."""
    if outcome is not None and outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    head = tx_run(tx, APPEND, genesis=GENESIS)[0]
    event = {
        "seq": head["seq"],
        "at": utc_now(),
        "actor": actor,
        "action": action,
        "target": target,
        "detail": json.dumps(detail or {}, sort_keys=True),
        "reason": reason,
        "origin": origin,
        "outcome": outcome,
        "prev": head["prev"],
    }
    tx_run(tx, STORE, **event, hash=event_hash(event))
    return int(head["seq"])


class AuditRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def append(
        self,
        *,
        actor: str,
        action: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
        reason: str | None = None,
        origin: str | None = None,
        outcome: str | None = None,
    ) -> int:
        return self.graph.write(
            append_tx, actor=actor, action=action, target=target, detail=detail,
            reason=reason, origin=origin, outcome=outcome,
        )

    def search(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
        before: str | None = None,
        action_prefix: str | None = None,
        actions: list[str] | None = None,
        outcome: str | None = None,
        skip: int = 0,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Newest first. Timestamps are ISO 8601 UTC strings, so bounds compare as text."""
        rows = self.graph.query(
            SEARCH,
            {
                "actor": actor,
                "action": action,
                "action_prefix": action_prefix,
                "actions": actions,
                "outcome": outcome,
                "target": target,
                "since": since,
                "until": until,
                "before": before,
                "skip": skip,
                "limit": limit,
            },
        )
        return [r["event"] for r in rows]

    def actions(self) -> list[str]:
        """The distinct actions recorded so far (the action index answers it)."""
        return [r["action"] for r in self.graph.query(ACTIONS) if r["action"]]

    def head(self) -> dict[str, Any] | None:
        """Length and newest hash of the chain: one node read, no verification."""
        rows = self.graph.query(HEAD)
        return rows[0] if rows else None

    def verify(self, batch: int = 5000) -> ChainCheck:
        """Walk the chain from the start; report the first entry that does not hold."""
        prev, expected_seq, checked = GENESIS, 1, 0
        while True:
            rows = self.graph.query(CHAIN, {"after": expected_seq - 1, "limit": batch})
            if not rows:
                break
            for row in rows:
                event = row["event"]
                if event["seq"] != expected_seq:
                    return ChainCheck(False, checked, expected_seq, "an entry is missing")
                if event["prev"] != prev:
                    return ChainCheck(
                        False, checked, event["seq"], "the link to the previous entry is broken"
                    )
                if event_hash(event) != event["hash"]:
                    return ChainCheck(False, checked, event["seq"], "the entry was changed")
                prev, expected_seq, checked = event["hash"], expected_seq + 1, checked + 1
        head = self.graph.query(HEAD)
        if head and (head[0]["seq"] != checked or head[0]["hash"] != prev):
            return ChainCheck(
                False, checked, checked + 1, "entries after the last one were removed"
            )
        return ChainCheck(True, checked)
