"""The mail outbox: ``(:MailOutbox)`` nodes written with their notification (graph/notify.py)
and sent later by the mail worker (app/mail.py), so a mail server that is down never
fails the write that caused the mail.

A sender claims due messages for a while (``claimed_until``), so two workers (gunicorn
processes, a cron ``flask mail send-pending``) do not send one message twice; a failed
send is retried with exponential backoff and given up after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 300

CLAIM_DUE = """
MATCH (m:MailOutbox {status: 'pending'})
WHERE m.next_attempt_at <= $now AND coalesce(m.claimed_until, '') < $now
WITH m ORDER BY m.next_attempt_at LIMIT $limit
SET m.claimed_until = $until, m.claim = $claim
RETURN m {.id, .to, .kind, .link, .attempts} AS message
"""

MARK_SENT = """
MATCH (m:MailOutbox {id: $id, claim: $claim})
SET m.status = 'sent', m.sent_at = $now, m.attempts = m.attempts + 1,
    m.claimed_until = null, m.last_error = null
"""

MARK_FAILED = """
MATCH (m:MailOutbox {id: $id, claim: $claim})
SET m.attempts = m.attempts + 1, m.last_error = $error, m.claimed_until = null,
    m.next_attempt_at = $retry_at,
    m.status = CASE WHEN m.attempts + 1 >= $max_attempts THEN 'failed' ELSE 'pending' END
"""

COUNTS = """
MATCH (m:MailOutbox)
RETURN m.status AS status, count(m) AS n
"""


def later(seconds: float) -> str:
    """The time ``seconds`` from now (ISO 8601, UTC)."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def backoff_seconds(attempts: int, base: float) -> float:
    """The wait after the ``attempts``-th failure: base, 2×base, 4×base … up to 6 hours."""
    return min(base * 2 ** max(attempts - 1, 0), 6 * 3600)


class OutboxRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def claim_due(self, claim: str, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.graph.write(
            tx_run, CLAIM_DUE, now=utc_now(), until=later(CLAIM_SECONDS), claim=claim,
            limit=limit,
        )
        return [row["message"] for row in rows]

    def sent(self, message_id: str, claim: str) -> None:
        self.graph.write(tx_run, MARK_SENT, id=message_id, claim=claim, now=utc_now())

    def failed(
        self, message_id: str, claim: str, attempts: int, error: str, base_seconds: float
    ) -> None:
        self.graph.write(
            tx_run, MARK_FAILED, id=message_id, claim=claim, error=error[:500],
            retry_at=later(backoff_seconds(attempts + 1, base_seconds)),
            max_attempts=MAX_ATTEMPTS,
        )

    def counts(self) -> dict[str, int]:
        return {row["status"]: row["n"] for row in self.graph.query(COUNTS)}
