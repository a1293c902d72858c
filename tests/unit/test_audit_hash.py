"""The outcome of reads joined the hashed fields without changing the hash of any entry
that has none: chains written before it existed still verify."""

import hashlib
import json

from graph.audit import event_hash

EVENT = {"seq": 7, "at": "2026-01-02T03:04:05+00:00", "actor": "ana@customs.example",
         "action": "report.update", "target": "R-2026-000001", "detail": "{}",
         "reason": None, "origin": "10.0.0.1", "prev": "0" * 64}


def test_an_entry_without_outcome_hashes_as_before_outcomes_existed():
    canonical = json.dumps(EVENT, sort_keys=True, ensure_ascii=True)  # the former recipe
    assert event_hash(EVENT) == hashlib.sha256(canonical.encode()).hexdigest()
    assert event_hash({**EVENT, "outcome": None}) == event_hash(EVENT)


def test_the_outcome_is_hashed_when_present():
    read = {**EVENT, "action": "report.read", "outcome": "read"}
    refused = {**read, "outcome": "refused"}
    assert len({event_hash(read), event_hash(refused), event_hash({**read, "outcome": None})}) == 3
