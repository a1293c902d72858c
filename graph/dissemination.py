"""Dissemination of evaluated reports, originator consent, sanitised copies and feedback.

- ``(:Report)-[:DISSEMINATED_TO {by, at, handling, package}]->(:Unit|:User|:Partner)``: one edge
  per sending, the dissemination log (a partner agency receives a package, app/cooperation);
- ``(:Report)-[:CONSENT_FOR {by, at, unit}]->(:Unit|:User)``: the originating unit's
  consent to share an ``originator`` report with that recipient;
- ``(:Report {sanitised: true})-[:SANITISED_FROM {by, at}]->(:Report)``: a copy with the
  source-identifying text removed and no ``FROM_SOURCE`` link;
- ``(:Feedback {id, by, unit, at, useful, actioned, result})-[:ON]->(:Report)``.

Every statement that touches a report includes ``REPORT_VISIBLE``. The rules (who may
send what to whom) live in the service, which passes them in as ``check``: the repository
calls it inside the write transaction, after locking the report, so the handling code is
checked again at the moment of dissemination and a refusal writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, LiteralString

from graph.access import REPORT_VISIBLE, refusal
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound, Refused
from graph.mentions import add_mentions_tx
from nlp import Mention

# What the dissemination rules read of a report (handling, unit, source, consents).
_REPORT_FOR_RULES = """
RETURN r {.id, .reference, .title, .text, .status, .handling, .unit, .author_id, .channel,
          .received, .source_grade, .info_grade, .grading_scheme, .sanitised} AS report,
       [(r)-[:FROM_SOURCE]->(s:Source) | s.codename][0] AS source,
       [(r)-[c:CONSENT_FOR]->(t) | {kind: CASE WHEN t:Unit THEN 'unit'
                                               WHEN t:Partner THEN 'partner' ELSE 'user' END,
                                    id: coalesce(t.id, t.name), unit: c.unit}] AS consents,
       [(r)-[:DISSEMINATED_TO]->(t) | {kind: CASE WHEN t:Unit THEN 'unit'
                                                  WHEN t:Partner THEN 'partner' ELSE 'user' END,
                                       id: coalesce(t.id, t.name)}] AS sent_to
"""

# SET first: it takes the report's write lock, so what the check reads cannot change
# before this transaction commits (a refused check rolls the SET back too).
LOCK_VISIBLE_REPORT = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
SET r.updated_at = $now"""
    + _REPORT_FOR_RULES
)

# The same without the lock: an export (STIX, FollowTheMoney) checks the rules and writes
# nothing but its audit event.
RELEASABLE_REPORT = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + _REPORT_FOR_RULES
)

VISIBLE_REPORT = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
WITH r AS report
CALL (report) {
  MATCH (r:Report)-[:SANITISED_FROM]->(report)
  WHERE """
    + REPORT_VISIBLE
    + """
  RETURN collect(r {.id, .reference, .title, .handling, .status}) AS copies
}
OPTIONAL MATCH (report)-[:SANITISED_FROM]->(original:Report)
RETURN report {.id, .reference, .title, .text, .status, .handling, .unit, .author_id,
               .channel, .received, .source_grade, .info_grade, .sanitised} AS report,
       [(report)-[:FROM_SOURCE]->(s:Source) | s.codename][0] AS source,
       original.id AS sanitised_from, original.reference AS sanitised_from_reference, copies,
       [(report)-[c:CONSENT_FOR]->(t) | {kind: CASE WHEN t:Unit THEN 'unit'
                                                    WHEN t:Partner THEN 'partner' ELSE 'user' END,
                                         name: coalesce(t.email, t.name), at: c.at}] AS consents
"""
)

RECIPIENTS = """
UNWIND $rows AS row
OPTIONAL MATCH (unit:Unit {name: row.id}) WHERE row.kind = 'unit'
OPTIONAL MATCH (user:User {id: row.id})-[:MEMBER_OF]->(home:Unit) WHERE row.kind = 'user'
OPTIONAL MATCH (partner:Partner {id: row.id}) WHERE row.kind = 'partner'
RETURN row.kind AS kind, row.id AS id,
       CASE row.kind WHEN 'unit' THEN unit.name WHEN 'partner' THEN partner.name
                     ELSE user.email END AS name,
       home.name AS unit,
       (unit IS NOT NULL OR user IS NOT NULL OR partner IS NOT NULL) AS exists
"""

# The report $id and each recipient row ({kind, id}) as t: a unit by name, a user or a
# partner by id; disseminating and consenting name their recipients alike.
_TO_RECIPIENTS = """
MATCH (r:Report {id: $id})
UNWIND $rows AS row
CALL (row) {
  MATCH (t:Unit {name: row.id}) WHERE row.kind = 'unit' RETURN t
  UNION
  MATCH (t:User {id: row.id}) WHERE row.kind = 'user' RETURN t
  UNION
  MATCH (t:Partner {id: row.id}) WHERE row.kind = 'partner' RETURN t
}
"""

DISSEMINATE = (
    _TO_RECIPIENTS
    + """CREATE (r)-[d:DISSEMINATED_TO {by: $by, at: $now, handling: r.handling,
                              package: $package}]->(t)
WITH r, count(d) AS sent
SET r.status = 'disseminated', r.disseminated_at = $now, r.disseminated_by = $by
RETURN sent
"""
)

CONSENT = (
    _TO_RECIPIENTS
    + """MERGE (r)-[c:CONSENT_FOR]->(t)
ON CREATE SET c.by = $by, c.at = $now, c.unit = $unit
RETURN count(c) AS consented
"""
)

NEXT_COPY_NUMBER = """
MATCH (r:Report {id: $id})
RETURN COUNT { (:Report)-[:SANITISED_FROM]->(r) } + 1 AS n
"""

CREATE_SANITISED = """
MATCH (r:Report {id: $original})-[:ORIGINATED_IN]->(unit:Unit)
CREATE (c:Report {id: $id, reference: coalesce(r.reference, r.id) + $suffix,
                  channel: r.channel, received: r.received, title: $title,
                  text: $text, handling: $handling, status: 'evaluated', unit: r.unit,
                  author_id: $by, source_grade: r.source_grade, info_grade: r.info_grade,
                  sanitised: true, created_at: $now, updated_at: $now,
                  evaluated_at: $now, evaluated_by: $by})
CREATE (c)-[:ORIGINATED_IN]->(unit)
CREATE (c)-[:SANITISED_FROM {by: $by, at: $now}]->(r)
RETURN c.id AS id
"""

# Which sendings (report ``r`` to recipient ``t``) a viewer sees: members of the
# originating unit every sending of their reports, others the sendings addressed to them or
# their unit; administrators all they may read. The log and the feedback figures per
# unit count only these.
SENDING_VISIBLE: LiteralString = (
    REPORT_VISIBLE
    + """
  AND ($viewer.role = 'admin' OR r.unit = $viewer.unit
       OR (t:Unit AND t.name = $viewer.unit) OR (t:User AND t.id = $viewer.id))"""
)

# The recipient ``t`` of report ``r`` has answered: an officer sent to gives feedback
# themselves, a unit through any of its members.
ANSWERED: LiteralString = """EXISTS {
  MATCH (f:Feedback)-[:ON]->(r)
  WHERE (t:User AND f.by = t.id) OR (t:Unit AND f.unit = t.name) }"""

DISSEMINATION_LOG = (
    """
MATCH (r:Report)-[d:DISSEMINATED_TO]->(t)
WHERE ($report_id IS NULL OR r.id = $report_id)
  AND """
    + SENDING_VISIBLE
    + """
OPTIONAL MATCH (sender:User {id: d.by})
OPTIONAL MATCH (x:ExchangeDelivery {id: d.package})
RETURN r.id AS report_id, r.reference AS reference, r.title AS title, d.at AS at,
       d.handling AS handling,
       coalesce(sender.email, d.by) AS by,
       CASE WHEN t:Unit THEN 'unit' WHEN t:Partner THEN 'partner' ELSE 'user' END AS kind,
       coalesce(t.email, t.name) AS recipient,
       CASE WHEN x IS NOT NULL THEN x {.status, .attempts, .last_error, .delivered_at}
            WHEN d.package IS NOT NULL THEN {status: 'file'} END AS delivery
ORDER BY d.at DESC, r.id
SKIP $skip LIMIT $limit
"""
)

MAY_GIVE_FEEDBACK = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
RETURN EXISTS { (r)-[:DISSEMINATED_TO]->(:Unit {name: $viewer.unit}) }
    OR EXISTS { (r)-[:DISSEMINATED_TO]->(:User {id: $viewer.id}) } AS recipient
"""
)

ADD_FEEDBACK = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
  AND (EXISTS { (r)-[:DISSEMINATED_TO]->(:Unit {name: $viewer.unit}) }
       OR EXISTS { (r)-[:DISSEMINATED_TO]->(:User {id: $viewer.id}) })
CREATE (f:Feedback {id: $feedback_id, by: $viewer.id, unit: $viewer.unit, at: $now,
                    useful: $useful, actioned: $actioned, result: $result})
CREATE (f)-[:ON]->(r)
RETURN f.id AS id
"""
)

FEEDBACK = (
    """
MATCH (r:Report {id: $id})
WHERE """
    + REPORT_VISIBLE
    + """
OPTIONAL MATCH (r)-[:DISSEMINATED_TO]->(t)
WITH r, collect(DISTINCT t) AS targets
OPTIONAL MATCH (f:Feedback)-[:ON]->(r)
OPTIONAL MATCH (author:User {id: f.by})
WITH r, targets, f, author ORDER BY f.at DESC
WITH r, targets,
     collect(CASE WHEN f IS NULL THEN null ELSE
       {id: f.id, by: coalesce(author.email, f.by), by_id: f.by, unit: f.unit, at: f.at,
        useful: f.useful, actioned: f.actioned, result: f.result} END) AS items
RETURN items, size(targets) AS recipients,
       size([t IN targets WHERE any(i IN items WHERE
             (t:User AND i.by_id = t.id) OR (t:Unit AND i.unit = t.name))]) AS answered
"""
)

# Feedback rate over the disseminated reports the viewer may read.
FEEDBACK_RATE = (
    """
MATCH (r:Report)
WHERE EXISTS { (r)-[:DISSEMINATED_TO]->() } AND """
    + REPORT_VISIBLE
    + """
WITH r, COUNT { (:Feedback)-[:ON]->(r) } AS n,
     COUNT { (f:Feedback WHERE f.useful)-[:ON]->(r) } AS useful,
     COUNT { (f:Feedback WHERE f.actioned)-[:ON]->(r) } AS actioned
RETURN count(r) AS disseminated, count(CASE WHEN n > 0 THEN r END) AS with_feedback,
       sum(n) AS feedback, sum(useful) AS useful, sum(actioned) AS actioned
"""
)

# Reports sent to the viewer or their unit that this recipient has not answered yet,
# oldest sending first.
AWAITING_FEEDBACK = (
    """
CALL () {
  MATCH (t:Unit {name: $viewer.unit}) RETURN t
  UNION
  MATCH (t:User {id: $viewer.id}) RETURN t
}
MATCH (r:Report)-[d:DISSEMINATED_TO]->(t)
WHERE """
    + REPORT_VISIBLE
    + """
  AND NOT """
    + ANSWERED
    + """
WITH r, min(d.at) AS sent,
     collect(DISTINCT CASE WHEN t:Unit THEN 'unit' ELSE 'user' END) AS kinds
RETURN r.id AS report_id, r.reference AS reference, r.title AS title, r.unit AS origin,
       sent, kinds
ORDER BY sent, r.id
"""
)

# Per recipient unit (an officer sent to counts for their unit): the sendings the viewer
# may see, each report and recipient once, and how many were answered.
FEEDBACK_BY_UNIT = (
    """
MATCH (r:Report)-[:DISSEMINATED_TO]->(t)
WHERE """
    + SENDING_VISIBLE
    + """
WITH DISTINCT r, t
WITH r, t, CASE WHEN t:Unit THEN t.name
                ELSE [(t)-[:MEMBER_OF]->(home:Unit) | home.name][0] END AS unit
WITH unit, r, t, """
    + ANSWERED
    + """ AS answered
RETURN unit, count(*) AS sent, count(CASE WHEN answered THEN 1 END) AS answered
ORDER BY unit
"""
)

UNITS = "MATCH (u:Unit) RETURN u.name AS name ORDER BY u.name"
USERS = """
MATCH (u:User {active: true})-[:MEMBER_OF]->(unit:Unit)
RETURN u.id AS id, u.email AS email, u.name AS name, unit.name AS unit ORDER BY u.email
"""


def _recipient_rows(recipients: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The units and users to send to or consent for, as the statements' ``$rows``."""
    return [{"kind": r["kind"], "id": r["id"]} for r in recipients]


class DisseminationRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # ------------------------------------------------------------------ reads

    def report(self, report_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        rows = self.graph.query(VISIBLE_REPORT, {"id": report_id, "viewer": viewer})
        if not rows:
            raise refusal(self.graph, report_id)
        row = rows[0]
        return {
            **row["report"],
            "source": row["source"],
            "sanitised_from": row["sanitised_from"],
            "sanitised_from_reference": row["sanitised_from_reference"],
            "copies": row["copies"],
            "consents": row["consents"],
        }

    def recipients(self, rows: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
        """Look up ``{"kind": "unit"|"user", "id"}`` rows; ``exists`` tells which are real."""
        if not rows:
            return []
        return self.graph.query(RECIPIENTS, {"rows": list(rows)})

    def log(
        self,
        viewer: dict[str, str],
        *,
        report_id: str | None = None,
        skip: int = 0,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        return self.graph.query(
            DISSEMINATION_LOG,
            {"viewer": viewer, "report_id": report_id, "skip": skip, "limit": limit},
        )

    def may_give_feedback(self, report_id: str, viewer: dict[str, str]) -> bool:
        rows = self.graph.query(MAY_GIVE_FEEDBACK, {"id": report_id, "viewer": viewer})
        if not rows:
            raise NotFound(f"no report {report_id}")
        return bool(rows[0]["recipient"])

    def feedback(self, report_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        rows = self.graph.query(FEEDBACK, {"id": report_id, "viewer": viewer})
        if not rows:
            raise NotFound(f"no report {report_id}")
        row = rows[0]
        items = [i for i in row["items"] if i]
        recipients = int(row["recipients"])
        return {
            "items": items,
            "count": len(items),
            "useful": sum(1 for i in items if i["useful"]),
            "actioned": sum(1 for i in items if i["actioned"]),
            "recipients": recipients,
            "answered": int(row["answered"]),
            "rate": (int(row["answered"]) / recipients) if recipients else None,
        }

    def feedback_rate(self, viewer: dict[str, str]) -> dict[str, Any]:
        row = self.graph.query(FEEDBACK_RATE, {"viewer": viewer})[0]
        disseminated = int(row["disseminated"])
        return {
            "disseminated": disseminated,
            "with_feedback": int(row["with_feedback"]),
            "feedback": int(row["feedback"] or 0),
            "useful": int(row["useful"] or 0),
            "actioned": int(row["actioned"] or 0),
            "rate": int(row["with_feedback"]) / disseminated if disseminated else None,
        }

    def awaiting_feedback(self, viewer: dict[str, str]) -> list[dict[str, Any]]:
        return self.graph.query(AWAITING_FEEDBACK, {"viewer": viewer})

    def feedback_by_unit(self, viewer: dict[str, str]) -> list[dict[str, Any]]:
        rows = self.graph.query(FEEDBACK_BY_UNIT, {"viewer": viewer})
        return [{**row, "rate": row["answered"] / row["sent"] if row["sent"] else None}
                for row in rows]

    def units(self) -> list[str]:
        return [r["name"] for r in self.graph.query(UNITS)]

    def users(self) -> list[dict[str, Any]]:
        return self.graph.query(USERS)

    # ------------------------------------------------------------------ writes

    def releasable(self, report_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """A report as the dissemination rules read it, for an export; :class:`Hidden` or
        NotFound when the viewer may not see it."""
        rows = self.graph.query(RELEASABLE_REPORT, {"id": report_id, "viewer": viewer})
        if not rows:
            raise refusal(self.graph, report_id)
        row = rows[0]
        return {**row["report"], "source": row["source"], "consents": row["consents"],
                "sent_to": row["sent_to"]}

    def _locked(self, tx: Any, report_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        rows = tx_run(tx, LOCK_VISIBLE_REPORT, id=report_id, viewer=viewer, now=utc_now())
        if not rows:
            raise NotFound(f"no report {report_id}")
        row = rows[0]
        return {
            **row["report"],
            "source": row["source"],
            "consents": row["consents"],
            "sent_to": row["sent_to"],
        }

    def send(self, report_id: str, viewer: dict[str, str],
             recipients: Sequence[dict[str, str]], package: str | None = None) -> None:
        """Send to ``recipients``; call it in the service's unit, after ``locked`` and the
        rules. ``package``: the exchange package that carries it to a partner (the log
        shows its delivery). Refused when a recipient has gone meanwhile."""
        rows = _recipient_rows(recipients)
        sent = self.graph.query(DISSEMINATE, {"id": report_id, "rows": rows, "by": viewer["id"],
                                              "now": utc_now(), "package": package}, write=True)
        if not sent or sent[0]["sent"] != len(rows):
            raise Refused("A recipient no longer exists; nothing was sent.")

    def locked(self, report_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """The report under a write lock, as the dissemination rules read it, for a service
        inside ``Graph.atomically`` (the lock holds until the unit commits); NotFound when
        the viewer may not see it."""
        return self.graph.write(self._locked, report_id, viewer)

    def consent(self, report_id: str, viewer: dict[str, str],
                recipients: Sequence[dict[str, str]]) -> None:
        """The viewer's unit consents to ``recipients`` receiving the report; call it in the
        service's unit, after ``locked`` and the rules."""
        self.graph.query(CONSENT, {"id": report_id, "rows": _recipient_rows(recipients),
                                   "by": viewer["id"], "unit": viewer["unit"],
                                   "now": utc_now()}, write=True)

    def sanitise(
        self,
        report_id: str,
        viewer: dict[str, str],
        *,
        title: str,
        text: str,
        handling: str,
        mentions: Sequence[Mention],
    ) -> str:
        """Create the sanitised copy (no source link), its mentions, linked to the original;
        call it in the service's unit after ``locked`` and the rules."""

        def copy(tx: Any) -> str:
            n = tx_run(tx, NEXT_COPY_NUMBER, id=report_id)[0]["n"]
            copy_id = f"{report_id}-S{n}"
            rows = tx_run(
                tx,
                CREATE_SANITISED,
                original=report_id,
                id=copy_id,
                suffix=f"-S{n}",
                title=title,
                text=text,
                handling=handling,
                by=viewer["id"],
                now=utc_now(),
            )
            if not rows:
                raise NotFound(f"report {report_id} has no originating unit")
            add_mentions_tx(tx, copy_id, mentions, viewer["id"])
            return copy_id

        return self.graph.write(copy)

    def add_feedback(
        self,
        report_id: str,
        viewer: dict[str, str],
        *,
        useful: bool,
        actioned: bool,
        result: str,
    ) -> str:
        rows = self.graph.write(
            tx_run,
            ADD_FEEDBACK,
            id=report_id,
            viewer=viewer,
            feedback_id=str(uuid.uuid4()),
            useful=useful,
            actioned=actioned,
            result=result,
            now=utc_now(),
        )
        if not rows:
            raise Refused("Only recipients of a disseminated report give feedback on it.")
        return rows[0]["id"]
