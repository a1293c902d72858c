"""Need-to-know in one place: the Cypher predicate that decides which reports a user sees.

Every query that returns reports (lists, search, entity pages, exports, the network
explorer, analytics) includes ``REPORT_VISIBLE`` with a ``$viewer`` parameter, so no
path can show a report, or reveal that it exists, beyond what this predicate allows:

- the author always sees their own report, drafts included;
- other reports only once submitted, and then when their handling code is ``open``, or
  they originate in the viewer's unit, or were disseminated to the viewer or the unit;
- or when they are attached to a case the viewer is a member of (graph/cases.py), unless
  their handling code is ``originator`` (no further release without the originator).
"""

from __future__ import annotations

from typing import Any

from graph.connection import Graph
from graph.errors import Hidden, NotFound

REPORT_VISIBLE = """(
  r.author_id = $viewer.id
  OR (coalesce(r.status, 'submitted') <> 'draft' AND (
      r.handling = 'open'
      OR r.unit = $viewer.unit
      OR EXISTS { (r)-[:DISSEMINATED_TO]->(:Unit {name: $viewer.unit}) }
      OR EXISTS { (r)-[:DISSEMINATED_TO]->(:User {id: $viewer.id}) }
      OR (coalesce(r.handling, '') <> 'originator'
          AND EXISTS { (r)<-[:HAS_REPORT]-(:Case)<-[:MEMBER_OF_CASE]-(:User {id: $viewer.id}) })))
)"""


def viewer_param(user: Any) -> dict[str, str]:
    """The ``$viewer`` parameter for a signed-in user (anything with id, unit and role)."""
    return {"id": str(user.id), "unit": str(user.unit), "role": str(user.role)}


REPORT_EXISTS = """
MATCH (r:Report {id: $id})
WHERE $channel IS NULL OR r.channel = $channel
RETURN count(r) > 0 AS found
"""


def refusal(
    graph: Graph, report_id: str, channel: str | None = None, what: str = "report"
) -> NotFound:
    """What a read raises when ``REPORT_VISIBLE`` let no row through: :class:`Hidden` when
    the report exists (a refused read, for the audit log), else :class:`NotFound`. Both
    carry the same message, answer 404 and cost the same lookup, so neither the answer
    nor its time tells them apart."""
    rows = graph.query(REPORT_EXISTS, {"id": report_id, "channel": channel})
    message = f"no {what} {report_id}"
    return Hidden(message) if rows and rows[0]["found"] else NotFound(message)
