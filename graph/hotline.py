"""Hotline tips: anonymous reports with a public reference and a hashed follow-up code.

A tip is an ordinary ``(:Report {channel: 'hotline'})`` in the analysts' queue (unit HQ,
status submitted, handling restricted), plus:

- ``(:TipKey {reference, code_hash, contact?})-[:FOR]->(:Report)``: the tipster's way back
  in. Only a SHA-256 hash of the high-entropy follow-up code is stored. The tipster's
  random reference stays on the key; officers know the tip by the report's own
  ``reference`` (``T-2026-000045``, graph/references.py);
- ``(:TipMessage {id, at, direction, text, author_id?})-[:ON]->(:Report)``: the thread
  between the tipster (``direction: 'tipster'``) and the analysts (``'analyst'``).

Nothing about the sender (address, user agent, cookies) is ever a parameter here. A report
and its extracted mentions are written in one transaction, so a failure leaves no half tip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.access import REPORT_VISIBLE, refusal
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound
from graph.mentions import add_mentions_tx
from graph.references import Series, next_reference
from nlp import Mention

HOTLINE_UNIT = "HQ"  # the analysts' queue
HOTLINE_AUTHOR = "hotline"
EXTRACTION = "extraction"  # who a tip's mentions are created by: no officer

CREATE_TIP = """
MATCH (unit:Unit {name: $unit})
CREATE (r:Report {id: $report_id, channel: 'hotline', reference: $tip_reference,
                  received: $now, created_at: $now, updated_at: $now, title: $title,
                  text: $text, language: $language, handling: 'restricted',
                  status: 'submitted', unit: $unit, author_id: $author})
CREATE (r)-[:ORIGINATED_IN]->(unit)
CREATE (k:TipKey {reference: $reference, code_hash: $code_hash, created_at: $now})
SET k.contact = $contact
CREATE (k)-[:FOR]->(r)
CREATE (m:TipMessage {id: $message_id, at: $message_at, direction: 'tipster', text: $text})
CREATE (m)-[:ON]->(r)
RETURN r.id AS id
"""

TIP_KEY = """
MATCH (k:TipKey {reference: $reference})-[:FOR]->(r:Report)
RETURN r.id AS report_id, k.code_hash AS code_hash
"""

# Appending locks the report (SET) before reading its text, so two follow-ups arriving at
# once get consecutive, correct mention offsets.
APPEND_TO_REPORT = """
MATCH (r:Report {id: $report_id})
SET r.updated_at = $now
WITH r, coalesce(r.text, '') AS before
SET r.text = before + $separator + $text,
    r.followups = coalesce(r.followups, 0) + 1
CREATE (m:TipMessage {id: $message_id, at: $now, direction: 'tipster', text: $text})
CREATE (m)-[:ON]->(r)
RETURN size(before) + size($separator) AS offset
"""

THREAD = """
MATCH (m:TipMessage)-[:ON]->(r:Report {id: $report_id})
RETURN m.id AS id, m.at AS at, m.direction AS direction, m.text AS text
ORDER BY m.at, m.id
"""

VISIBLE_TIP = (
    """
MATCH (r:Report {id: $report_id, channel: 'hotline'})
WHERE """
    + REPORT_VISIBLE
    + """
OPTIONAL MATCH (k:TipKey)-[:FOR]->(r)
RETURN r {.id, .reference, .title, .text, .status, .handling, .unit, .received,
          .updated_at} AS report, k.contact AS contact,
       [(r)-[m:MENTIONS]->(e:Entity) | {id: e.id, label: m.label, text: m.text,
                                         kind: [l IN labels(e) WHERE l <> 'Entity'][0]}]
         AS entities
"""
)

REPLY = (
    """
MATCH (r:Report {id: $report_id, channel: 'hotline'})
WHERE """
    + REPORT_VISIBLE
    + """
SET r.updated_at = $now
CREATE (m:TipMessage {id: $message_id, at: $now, direction: 'analyst', text: $text,
                      author_id: $viewer.id})
CREATE (m)-[:ON]->(r)
RETURN m.id AS id
"""
)

LIST_TIPS = (
    """
MATCH (r:Report {channel: 'hotline'})
WHERE """
    + REPORT_VISIBLE
    + """
WITH r, COUNT { (:TipMessage {direction: 'tipster'})-[:ON]->(r) } AS from_tipster,
     [(m:TipMessage)-[:ON]->(r) | m] AS messages
WITH r, from_tipster,
     reduce(last = null, m IN messages |
            CASE WHEN last IS NULL OR m.at >= last.at THEN m ELSE last END) AS last
RETURN r.id AS id, r.reference AS reference, r.title AS title, r.status AS status,
       r.received AS received, from_tipster, last.direction AS last_from, last.at AS last_at
ORDER BY coalesce(last.at, r.received) DESC
LIMIT $limit
"""
)


class TipRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(
        self,
        *,
        report_id: str,
        reference: str,
        code_hash: str,
        title: str,
        text: str,
        language: str,
        contact: str | None,
        message_id: str,
        mentions: Sequence[Mention],
    ) -> str:
        """Store the tip, its key, the first thread message and its mentions atomically."""

        def work(tx: Any) -> str:
            now = utc_now()
            rows = tx_run(
                tx,
                CREATE_TIP,
                unit=HOTLINE_UNIT,
                report_id=report_id,
                reference=reference,
                tip_reference=next_reference(tx, Series.TIP, now[:4]),
                code_hash=code_hash,
                title=title,
                text=text,
                language=language,
                contact=contact,
                message_id=message_id,
                author=HOTLINE_AUTHOR,
                now=now,
                message_at=utc_now(precise=True),  # orders the thread within a second
            )
            if not rows:
                raise NotFound(f"unit {HOTLINE_UNIT} does not exist")
            add_mentions_tx(tx, report_id, mentions, EXTRACTION)
            return rows[0]["id"]

        return self.graph.write(work)

    def key(self, reference: str) -> dict[str, Any] | None:
        """The report id and code hash for a reference (the caller compares the hash)."""
        rows = self.graph.query(TIP_KEY, {"reference": reference})
        return rows[0] if rows else None

    def thread(self, report_id: str) -> list[dict[str, Any]]:
        return self.graph.query(THREAD, {"report_id": report_id})

    def append_information(
        self,
        report_id: str,
        *,
        text: str,
        separator: str,
        message_id: str,
        mentions: Sequence[Mention],
    ) -> None:
        """Append the tipster's new text to the report and link its mentions, shifted to
        their place in the report text, in one transaction."""

        def work(tx: Any) -> None:
            rows = tx_run(
                tx,
                APPEND_TO_REPORT,
                report_id=report_id,
                text=text,
                separator=separator,
                message_id=message_id,
                now=utc_now(precise=True),
            )
            if not rows:
                raise NotFound(f"no tip {report_id}")
            offset = int(rows[0]["offset"])
            add_mentions_tx(tx, report_id, [m.shifted(offset) for m in mentions], EXTRACTION)

        self.graph.write(work)

    def get_visible(self, report_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        rows = self.graph.query(VISIBLE_TIP, {"report_id": report_id, "viewer": viewer})
        if not rows:
            raise refusal(self.graph, report_id, channel="hotline", what="tip")
        row = rows[0]
        return {**row["report"], "contact": row["contact"], "entities": row["entities"]}

    def reply(self, report_id: str, viewer: dict[str, str], text: str, message_id: str) -> str:
        rows = self.graph.write(
            tx_run,
            REPLY,
            report_id=report_id,
            viewer=viewer,
            text=text,
            message_id=message_id,
            now=utc_now(precise=True),
        )
        if not rows:
            raise NotFound(f"no tip {report_id}")
        return rows[0]["id"]

    def list_visible(self, viewer: dict[str, str], limit: int = 200) -> list[dict[str, Any]]:
        return self.graph.query(LIST_TIPS, {"viewer": viewer, "limit": limit})
