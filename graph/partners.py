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
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound

PARTNER_FIELDS = ("name", "kind", "country", "contact", "handling", "verify_key",
                  "encryption_key", "unit")  # fmt: skip

LIST = """
MATCH (p:Partner)
RETURN p {.id, .name, .kind, .country, .contact, .handling, .verify_key, .encryption_key,
          .unit, .created_at, .updated_at,
          sent: COUNT { (:Report)-[:DISSEMINATED_TO]->(p) },
          received: COUNT { (:ExchangePackage {partner: p.id}) }} AS partner
ORDER BY toLower(p.name)
"""

GET = """
MATCH (p:Partner {id: $id})
RETURN p {.id, .name, .kind, .country, .contact, .handling, .verify_key, .encryption_key,
          .unit, .created_at, .updated_at} AS partner
"""

BY_NAME = """
MATCH (p:Partner) WHERE toLower(p.name) = toLower($name)
RETURN p {.id, .name, .kind, .country, .contact, .handling, .verify_key, .encryption_key,
          .unit} AS partner
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
WITH collect(DISTINCT e) AS entities
CALL (entities) {
  UNWIND entities AS a
  MATCH (a)-[rel]->(b:Entity)
  WHERE b IN entities AND rel.source IN [rid IN $ids | 'report:' + rid]
  RETURN collect(DISTINCT {from: a.id, type: type(rel), to: b.id,
                           date: rel.date, report: substring(rel.source, 7)}) AS relations
}
RETURN [e IN entities | {id: e.id, ref: e.ref, name: e.name, label: e.label,
                         kind: [l IN labels(e) WHERE l <> 'Entity'][0]}] AS entities,
       relations
"""

PACKAGE_RECEIVED = """
MATCH (x:ExchangePackage {id: $id})
RETURN x {.id, .at, .partner, .reports} AS package
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
    """Entities and relations of the reports (already checked visible and sendable)."""
    rows = tx_run(tx, CONTENT, ids=list(report_ids))
    if not rows:
        return {"entities": [], "relations": []}
    entities = sorted(rows[0]["entities"], key=lambda e: e["id"])
    relations = sorted(rows[0]["relations"], key=lambda r: (r["from"], r["type"], r["to"]))
    return {"entities": entities, "relations": relations}


def _only(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: fields[k] for k in PARTNER_FIELDS if k in fields}
