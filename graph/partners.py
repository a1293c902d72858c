"""Partner agencies and administrations, and the exchange packages sent to and received
from them.

- ``(:Partner {id, name, kind, country, contact, handling, verify_key, encryption_key,
  unit, created_at, created_by, updated_at})``: ``handling`` lists the handling codes the
  partner may receive; ``unit`` is the unit whose queue the partner's reports land in;
  keys are base64 raw public keys (Ed25519 to verify, X25519 to encrypt to). Names and
  verify keys are unique (constraints, migration V0020).
- ``(:Report)-[:DISSEMINATED_TO {by, at, handling, package}]->(:Partner)``: a report
  sent in a package, in the dissemination log (written by graph/dissemination.py).
- ``(:ExchangePackage {id, direction: 'received', partner, at, by, reports})``: a
  package taken in; a second arrival of the same package id stores nothing.
- ``inbox_url`` and ``outbound_token`` (the token we present to the partner's inbox) let
  "Send to partner" push a package; ``inbound_token_hash`` (SHA-256, like API tokens) is
  the token the partner presents to ours (migration V0024).
- ``(:ExchangeDelivery {id: package id, partner, status: pending|delivered|failed,
  attempts, next_attempt_at, last_error, data})``: a package being pushed; the
  dissemination log shows its status.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Sequence
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.outbox import CLAIM_SECONDS, MAX_ATTEMPTS, backoff_seconds, later

PARTNER_FIELDS = ("name", "kind", "country", "contact", "handling", "verify_key",
                  "encryption_key", "unit", "inbox_url", "outbound_token",
                  "inbound_token_hash")  # fmt: skip

LIST = """
MATCH (p:Partner)
RETURN p {.id, .name, .kind, .country, .contact, .handling, .verify_key, .encryption_key,
          .unit, .created_at, .updated_at, .inbox_url,
          pushes: p.outbound_token IS NOT NULL, takes_token: p.inbound_token_hash IS NOT NULL,
          sent: COUNT { (:Report)-[:DISSEMINATED_TO]->(p) },
          received: COUNT { (:ExchangePackage {partner: p.id}) }} AS partner
ORDER BY toLower(p.name)
"""

GET = """
MATCH (p:Partner {id: $id})
RETURN p {.id, .name, .kind, .country, .contact, .handling, .verify_key, .encryption_key,
          .unit, .created_at, .updated_at, .inbox_url,
          pushes: p.outbound_token IS NOT NULL,
          takes_token: p.inbound_token_hash IS NOT NULL} AS partner
"""

BY_NAME = """
MATCH (p:Partner) WHERE toLower(p.name) = toLower($name)
RETURN p {.id, .name, .kind, .country, .contact, .handling, .verify_key, .encryption_key,
          .unit, .inbox_url, pushes: p.outbound_token IS NOT NULL} AS partner
"""

BY_VERIFY_KEY = """
MATCH (p:Partner {verify_key: $key})
RETURN p {.id, .name, .kind, .country, .contact, .handling, .verify_key, .encryption_key,
          .unit} AS partner
"""

CREATE = """
CREATE (p:Partner {id: $id, created_at: $now, created_by: $by, updated_at: $now})
SET p += $fields
RETURN p.id AS id
"""

INBOX_CALLER = """
MATCH (p:Partner {inbound_token_hash: $hash})
RETURN p {.id, .name, .verify_key} AS partner
"""

UPDATE = """
MATCH (p:Partner {id: $id})
SET p += $fields, p.updated_at = $now, p.updated_by = $by
RETURN p.id AS id
"""

# What a package carries besides its reports: the entities they mention (not the
# mentions an analyst rejected) and the relations those reports state between them.
CONTENT = """
UNWIND $ids AS rid
MATCH (r:Report {id: rid})-[m:MENTIONS]->(e:Entity)
WHERE coalesce(m.review, 'proposed') <> 'rejected'
WITH collect(DISTINCT e) AS entities, collect(DISTINCT [rid, e.id]) AS mentions
CALL (entities) {
  UNWIND entities AS a
  MATCH (a)-[rel]->(b:Entity)
  WHERE b IN entities AND rel.source IN [rid IN $ids | 'report:' + rid]
  RETURN collect(DISTINCT {from: a.id, type: type(rel), to: b.id,
                           date: rel.date, report: substring(rel.source, 7)}) AS relations
}
RETURN [e IN entities | {id: e.id, ref: e.ref, name: e.name, label: e.label,
                         kind: [l IN labels(e) WHERE l <> 'Entity'][0],
                         nationality: e.nationality, country: e.country, imo: e.imo}]
         AS entities,
       relations, mentions
"""

PACKAGE_RECEIVED = """
MATCH (x:ExchangePackage {id: $id})
RETURN x {.id, .at, .partner, .reports} AS package
"""

# A package on its way to a partner's inbox: kept until delivered, retried with backoff
# (graph/outbox.py's rhythm), given up after MAX_ATTEMPTS. ``id`` is the package id.
QUEUE_DELIVERY = """
MATCH (p:Partner {id: $partner})
CREATE (x:ExchangeDelivery {id: $id, partner: p.id, status: 'pending', attempts: 0,
                            created_at: $now, next_attempt_at: $now, by: $by, data: $data})
"""

CLAIM_DELIVERIES = """
MATCH (x:ExchangeDelivery {status: 'pending'})
WHERE x.next_attempt_at <= $now AND coalesce(x.claimed_until, '') < $now
  AND ($id IS NULL OR x.id = $id)
WITH x ORDER BY x.next_attempt_at LIMIT $limit
MATCH (p:Partner {id: x.partner})
SET x.claimed_until = $until, x.claim = $claim
RETURN x {.id, .attempts, .data, partner: p.name, url: p.inbox_url,
          token: p.outbound_token} AS delivery
"""

MARK_DELIVERY = """
MATCH (x:ExchangeDelivery {id: $id, claim: $claim})
SET x.attempts = x.attempts + 1, x.claimed_until = null, x.last_error = $error,
    x.last_attempt_at = $now, x.next_attempt_at = $retry_at,
    x.status = CASE WHEN $delivered THEN 'delivered'
                    WHEN $final OR x.attempts + 1 >= $max_attempts THEN 'failed'
                    ELSE 'pending' END,
    x.delivered_at = CASE WHEN $delivered THEN $now END,
    x.data = CASE WHEN $delivered THEN null ELSE x.data END
RETURN x.status AS status
"""

RECORD_RECEIVED = """
MERGE (x:ExchangePackage {id: $id})
ON CREATE SET x.direction = 'received', x.partner = $partner, x.at = $now, x.by = $by,
              x.reports = $reports, x.created = $created
RETURN x.at = $now AS new
"""


class PartnerRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def list(self) -> list[dict[str, Any]]:
        return [row["partner"] for row in self.graph.query(LIST)]

    def get(self, partner_id: str) -> dict[str, Any]:
        rows = self.graph.query(GET, {"id": partner_id})
        if not rows:
            raise NotFound(f"no partner {partner_id}")
        return rows[0]["partner"]

    def by_name(self, name: str) -> dict[str, Any] | None:
        rows = self.graph.query(BY_NAME, {"name": name})
        return rows[0]["partner"] if rows else None

    def by_verify_key(self, key: str) -> dict[str, Any] | None:
        rows = self.graph.query(BY_VERIFY_KEY, {"key": key})
        return rows[0]["partner"] if rows else None

    def create(self, fields: dict[str, Any], *, by: str) -> str:
        """A new partner; :class:`graph.errors.Duplicate` when its name or verify key is
        another partner's."""
        rows = self.graph.query(CREATE, {"id": str(uuid.uuid4()), "fields": _only(fields),
                                         "now": utc_now(), "by": by}, write=True)
        return rows[0]["id"]

    def update(self, partner_id: str, fields: dict[str, Any], *, by: str) -> None:
        rows = self.graph.query(UPDATE, {"id": partner_id, "fields": _only(fields),
                                         "now": utc_now(), "by": by}, write=True)
        if not rows:
            raise NotFound(f"no partner {partner_id}")

    def by_inbound_token(self, token_hash: str) -> dict[str, Any] | None:
        rows = self.graph.query(INBOX_CALLER, {"hash": token_hash})
        return rows[0]["partner"] if rows else None

    def claim_deliveries(self, claim: str, package_id: str | None = None,
                         limit: int = 20) -> builtins.list[dict[str, Any]]:
        """Deliveries due now (or the one package's), claimed for a while so that two
        workers do not push one package twice."""
        rows = self.graph.write(tx_run, CLAIM_DELIVERIES, now=utc_now(), id=package_id,
                                until=later(CLAIM_SECONDS), claim=claim, limit=limit)
        return [row["delivery"] for row in rows]

    def mark_delivery(self, package_id: str, claim: str, *, attempts: int, error: str | None,
                      final: bool, base_seconds: float) -> str:
        """Record one push: delivered (``error`` None), to retry, or failed (``final``, or
        too many attempts); returns the status."""
        rows = self.graph.write(
            tx_run, MARK_DELIVERY, id=package_id, claim=claim, now=utc_now(),
            error=error[:500] if error else None, delivered=error is None, final=final,
            retry_at=later(backoff_seconds(attempts + 1, base_seconds)),
            max_attempts=MAX_ATTEMPTS)
        return rows[0]["status"] if rows else "pending"

    def received(self, package_id: str) -> dict[str, Any] | None:
        rows = self.graph.query(PACKAGE_RECEIVED, {"id": package_id})
        return rows[0]["package"] if rows else None

    def record_received(self, package_id: str, *, partner_id: str, by: str, created: str,
                        reports: Sequence[str]) -> bool:
        """Remember a package taken in; False when it was recorded before."""
        rows = self.graph.query(RECORD_RECEIVED, {
            "id": package_id, "partner": partner_id, "by": by, "created": created,
            "reports": list(reports), "now": utc_now()}, write=True)
        return bool(rows[0]["new"])


def package_content_tx(tx: Any, report_ids: Sequence[str]) -> dict[str, Any]:
    """Entities and relations of the reports (already checked visible and sendable), and
    ``mentions``: each report's entity ids."""
    rows = tx_run(tx, CONTENT, ids=list(report_ids))
    if not rows:
        return {"entities": [], "relations": [], "mentions": {}}
    entities = sorted(rows[0]["entities"], key=lambda e: e["id"])
    relations = sorted(rows[0]["relations"], key=lambda r: (r["from"], r["type"], r["to"]))
    mentions: dict[str, list[str]] = {}
    for report_id, entity_id in sorted(rows[0]["mentions"]):
        mentions.setdefault(report_id, []).append(entity_id)
    return {"entities": entities, "relations": relations, "mentions": mentions}


def queue_delivery_tx(tx: Any, package_id: str, partner_id: str, data: bytes,
                      by: str) -> None:
    """Keep a sealed package for its push to the partner's inbox (same transaction as its
    dissemination)."""
    tx_run(tx, QUEUE_DELIVERY, id=package_id, partner=partner_id, data=data.decode(),
           by=by, now=utc_now())


def _only(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: fields[k] for k in PARTNER_FIELDS if k in fields}
