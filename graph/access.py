"""Need-to-know in one place: the Cypher predicates that decide which reports, and which
records derived from reports, a user sees.

Every query that returns reports (lists, search, entity pages, exports, the network
explorer, analytics) includes ``REPORT_VISIBLE`` with a ``$viewer`` parameter, so no
path can show a report, or reveal that it exists, beyond what this predicate allows:

- the author always sees their own report, drafts included;
- other reports only once submitted, and then when their handling code is ``open``, or
  they originate in the viewer's unit, or were disseminated to the viewer or the unit;
- or when they are attached to a case the viewer is a member of (graph/cases.py), unless
  their handling code is ``originator`` (no further release without the originator).
  Attaching a report and adding a member are refused when the dissemination rules would
  not let that officer send the report to the members concerned (app/cases/service.py),
  so a case never widens who may read a report.

``REPORT_RELEASED`` is the same without the case clause, for any officer held in a map
variable ``member`` (``{id, unit}``): whom a case would give a report they do not
already have.

Anything derived from a report follows it: ``RELATION_VISIBLE`` lets a relation between
entities through when it comes from no report (registers, declarations) or from a report
the viewer may see (``source: 'report:<id>'``).
"""

from __future__ import annotations

from typing import Any

from graph.connection import Graph
from graph.errors import Hidden, NotFound

# "Released" to the officer ``WHO`` without any case: authorship, open, unit, dissemination.
_RELEASED = """(
  r.author_id = WHO.id
  OR (coalesce(r.status, 'submitted') <> 'draft' AND (
      r.handling = 'open'
      OR r.unit = WHO.unit
      OR EXISTS { (r)-[:DISSEMINATED_TO]->(:Unit {name: WHO.unit}) }
      OR EXISTS { (r)-[:DISSEMINATED_TO]->(:User {id: WHO.id}) }))
)"""

# Variable ``r``; needs a map variable ``member`` with ``id`` and ``unit``.
REPORT_RELEASED = _RELEASED.replace("WHO", "member")

# What a case adds: its members read attached reports, except ``originator`` ones.
_CASE_GRANT = """(coalesce(r.status, 'submitted') <> 'draft'
      AND coalesce(r.handling, '') <> 'originator'
      AND EXISTS { (r)<-[:HAS_REPORT]-(:Case)<-[:MEMBER_OF_CASE]-(:User {id: $viewer.id}) })"""

# Variable ``r``; needs ``$viewer``.
REPORT_VISIBLE = "(" + _RELEASED.replace("WHO", "$viewer") + "\n  OR " + _CASE_GRANT + "\n)"

# Variable ``rel`` (a relationship between entities); needs ``$viewer``. The report's own
# variable is ``r`` inside the subquery: ``r`` must not be bound where this is used.
RELATION_VISIBLE = (
    """(
  NOT coalesce(rel.source, '') STARTS WITH 'report:'
  OR EXISTS { MATCH (r:Report {id: substring(rel.source, 7)}) WHERE """
    + REPORT_VISIBLE
    + """ }
)"""
)


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
