"""Notifications, written in the transaction of the write that causes them.

Every function here takes the caller's transaction (``tx``): a service calls it inside
``Graph.atomically`` (through ``graph.write``), so the notification commits with the
report, dissemination, task, tip or control it tells about, or not at all.

``(:Notification {id, key, kind, text, link, created_at, read})-[:FOR]->(:User)``; ``key``
(unique) makes each producer idempotent: a retried transaction, a re-import or an edit
that changes nothing new tells nobody twice. With mail switched on (``mail=True``) each
new notification also leaves ``(:MailOutbox {id, to, kind, link, status: 'pending',
attempts, next_attempt_at})`` for the mail worker (graph/outbox.py).

Need-to-know: every recipient is checked in the Cypher against the same predicates the
pages use (``REPORT_VISIBLE``, ``ENTITY_VISIBLE``, ``TASK_VISIBLE``), evaluated per
recipient with ``viewer`` built from the recipient's own node. Texts name only the record
the recipient may open and the watch that matched; never report text.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, LiteralString

from graph.access import REPORT_VISIBLE
from graph.assistance import ASSISTANCE_VISIBLE
from graph.clock import utc_now
from graph.connection import tx_run
from graph.dissemination import ANSWERED
from graph.network import ENTITY_VISIBLE
from graph.tasks import TASK_VISIBLE

# The page predicates with ``$viewer`` replaced by a per-recipient map named ``viewer``:
# constants derived from constants, no request value goes into the text.
_REPORT_OK: LiteralString = REPORT_VISIBLE.replace("$viewer", "viewer")
_ENTITY_OK: LiteralString = ENTITY_VISIBLE.replace("$viewer", "viewer")
_TASK_OK: LiteralString = TASK_VISIBLE.replace("$viewer", "viewer")

# Rows (u, key, kind, text, link) in, one notification per new key out, plus its mail.
_DELIVER: LiteralString = """
WITH u, key, kind, text, link
WHERE coalesce(u.active, true) AND ($actor_id IS NULL OR u.id <> $actor_id)
MERGE (n:Notification {key: key})
ON CREATE SET n.id = randomUUID(), n.created_at = $now, n.read = false, n.kind = kind,
              n.text = text, n.link = link, n.batch = $batch
MERGE (n)-[:FOR]->(u)
WITH u, n WHERE n.batch = $batch
FOREACH (_ IN CASE WHEN $mail AND u.email IS NOT NULL THEN [1] ELSE [] END |
  CREATE (:MailOutbox {id: randomUUID(), to: u.email, kind: n.kind,
                       link: '/notifications/' + n.id, status: 'pending', attempts: 0,
                       next_attempt_at: $now, created_at: $now}))
RETURN u.id AS user_id
"""

# A recipient's need-to-know map, from their own node.
_VIEWER: LiteralString = """
MATCH (u)-[:MEMBER_OF]->(home:Unit)
WITH *, {id: u.id, unit: home.name, role: u.role} AS viewer
"""

# A notification stays readable exactly while its record is: a report recoded restricted,
# a task moved to a case the reader is not on, after the notification was written, takes
# it out of the list and the badge. The record's id is the key's third part (see each
# key below); a record that no longer exists leaves its notification as it was.
_REPORT_KINDS: LiteralString = "['report', 'dissemination', 'feedback', 'tip']"
NOTIFICATION_VISIBLE: LiteralString = (
    """(
  (NOT n.kind IN """
    + _REPORT_KINDS
    + """ OR NOT EXISTS { (:Report {id: split(n.key, '|')[2]}) }
   OR EXISTS { MATCH (r:Report {id: split(n.key, '|')[2]}) WHERE """
    + _REPORT_OK
    + """ })
  AND (n.kind <> 'task' OR NOT EXISTS { (:Task {id: split(n.key, '|')[2]}) }
   OR EXISTS { MATCH (t:Task {id: split(n.key, '|')[2]}) WHERE """
    + _TASK_OK
    + """ })
  AND (n.kind <> 'aeo' OR NOT EXISTS { (:Entity {id: split(n.key, '|')[2]}) }
   OR EXISTS { MATCH (e:Entity {id: split(n.key, '|')[2]}) WHERE """
    + _ENTITY_OK
    + """ })
)"""
)

# A user's notifications as they may read them now: ``u`` bound, ``viewer`` from _VIEWER.
MY_NOTIFICATIONS: LiteralString = (
    """
MATCH (u:User {id: $user_id})
"""
    + _VIEWER
    + """
MATCH (n:Notification)-[:FOR]->(u)
WHERE """
    + NOTIFICATION_VISIBLE
)

# Watchers of the entities a report names (mentions not rejected, and entities merged
# with them), and saved searches matching the report's title, text or entity names; only
# watchers who may read the report. One notification per report and watch.
REPORT_WATCHERS: LiteralString = (
    """
UNWIND $report_ids AS report_id
WITH report_id WHERE EXISTS { (:Watch) }  // nobody watches anything: a bulk import costs nothing
MATCH (r:Report {id: report_id})
WHERE coalesce(r.status, 'submitted') <> 'draft'
OPTIONAL MATCH (r)-[m:MENTIONS]->(e:Entity) WHERE coalesce(m.review, '') <> 'rejected'
OPTIONAL MATCH (e)-[:SAME_AS]-(same:Entity)
WITH r, collect(DISTINCT e) + collect(DISTINCT same) AS entities
WITH r, entities, [x IN entities | x.id] AS ids,
     [x IN entities | toLower(coalesce(x.name, '') + ' ' + x.id + ' '
                              + coalesce(x.aliases_text, ''))]
       + [toLower(coalesce(r.title, '')), toLower(coalesce(r.text, ''))] AS haystack
CALL (r, entities, ids, haystack) {
  MATCH (u:User)-[:HAS_WATCH]->(w:Watch {kind: 'entity'})
  WHERE w.entity_id IN ids
  RETURN u, w, 'Report ' + coalesce(r.reference, r.id) + ' names '
         + coalesce([x IN entities WHERE x.id = w.entity_id | x.name][0], w.label) AS text
  UNION
  MATCH (u:User)-[:HAS_WATCH]->(w:Watch {kind: 'search'})
  WHERE any(h IN haystack WHERE h CONTAINS w.needle)
  RETURN u, w, 'Report ' + coalesce(r.reference, r.id) + ' matches your saved search "'
               + w.query + '"' AS text
}
"""
    + _VIEWER
    + "WHERE "
    + _REPORT_OK
    + """
WITH u, u.id + '|report|' + r.id + '|' + w.id AS key, 'report' AS kind, text,
     CASE r.channel WHEN 'hotline' THEN '/hotline/tips/' ELSE '/reports/' END + r.id AS link
"""
    + _DELIVER
)

# The members of the units and the officers a report was just sent to.
DISSEMINATED: LiteralString = (
    """
MATCH (r:Report {id: $report_id})
UNWIND $recipients AS rec
CALL (rec) {
  MATCH (u:User)-[:MEMBER_OF]->(:Unit {name: rec.id}) WHERE rec.kind = 'unit'
  RETURN u, 'your unit' AS whom
  UNION
  MATCH (u:User {id: rec.id}) WHERE rec.kind = 'user'
  RETURN u, 'you' AS whom
}
WITH r, u, collect(whom)[0] AS whom
"""
    + _VIEWER
    + "WHERE "
    + _REPORT_OK
    + """
WITH u, u.id + '|disseminated|' + r.id AS key, 'dissemination' AS kind,
     'Report ' + coalesce(r.reference, r.id) + ' was disseminated to ' + whom AS text,
     '/reports/' + r.id AS link
"""
    + _DELIVER
)

# Feedback asked for: each recipient (an officer, or the members of a unit) of a report
# sent before ``$due_before`` that has not answered hears once per report (the key), however
# often the reminder round runs and whichever web worker runs it.
FEEDBACK_DUE: LiteralString = (
    """
MATCH (r:Report)-[d:DISSEMINATED_TO]->(t)
WITH r, t, min(d.at) AS sent
WHERE sent <= $due_before AND NOT """
    + ANSWERED
    + """
CALL (t) {
  MATCH (u:User)-[:MEMBER_OF]->(t) WHERE t:Unit RETURN u
  UNION
  UNWIND CASE WHEN t:User THEN [t] ELSE [] END AS u RETURN u
}
WITH DISTINCT r, u
"""
    + _VIEWER
    + "WHERE "
    + _REPORT_OK
    + """
WITH u, u.id + '|feedback-due|' + r.id AS key, 'feedback' AS kind,
     'Report ' + coalesce(r.reference, r.id) + ' awaits your feedback' AS text,
     '/dissemination/reports/' + r.id + '/feedback' AS link
"""
    + _DELIVER
)

# The task's assignee, or the officers of the unit it is assigned to; ``$change`` says
# what happened. Each assignment (its time) is its own notification.
TASK_ASSIGNED: LiteralString = (
    """
MATCH (t:Task {id: $task_id})
CALL (t) {
  MATCH (t)-[:ASSIGNED_TO]->(u:User) RETURN u, 'you' AS whom
  UNION
  MATCH (t)-[:ASSIGNED_TO_UNIT]->(:Unit)<-[:MEMBER_OF]-(u:User) RETURN u, 'your unit' AS whom
}
WITH t, u, whom
"""
    + _VIEWER
    + "WHERE "
    + _TASK_OK
    + """
WITH u, u.id + '|task|' + t.id + '|' + $now AS key, 'task' AS kind,
     'Task "' + t.title + '" assigned to ' + whom AS text, '/tasks/' AS link
"""
    + _DELIVER
)

# A task's status changed: its assignee(s) and its author hear of it.
TASK_CHANGED: LiteralString = (
    """
MATCH (t:Task {id: $task_id})
CALL (t) {
  MATCH (t)-[:ASSIGNED_TO]->(u:User) RETURN u
  UNION
  MATCH (t)-[:ASSIGNED_TO_UNIT]->(:Unit)<-[:MEMBER_OF]-(u:User) RETURN u
  UNION
  MATCH (u:User {id: t.created_by}) RETURN u
}
WITH t, u
"""
    + _VIEWER
    + "WHERE "
    + _TASK_OK
    + """
WITH u, u.id + '|task|' + t.id + '|' + t.status + '|' + $now AS key, 'task' AS kind,
     'Task "' + t.title + '" is now ' + replace(t.status, '_', ' ') AS text,
     '/tasks/' AS link
"""
    + _DELIVER
)

# A tipster's follow-up: the analysts who answered this tip, or, before anyone has, the
# analysts who may read it (the hotline queue).
TIP_FOLLOWUP: LiteralString = (
    """
MATCH (r:Report {id: $report_id, channel: 'hotline'})
WITH r, [(m:TipMessage {direction: 'analyst'})-[:ON]->(r) | m.author_id] AS handlers
MATCH (u:User)
WHERE CASE WHEN size(handlers) = 0 THEN u.role = 'analyst' ELSE u.id IN handlers END
"""
    + _VIEWER
    + "WHERE "
    + _REPORT_OK
    + """
WITH u, u.id + '|tip|' + r.id + '|' + $message_id AS key, 'tip' AS kind,
     'The tipster added information to hotline tip ' + coalesce(r.reference, r.id) AS text,
     '/hotline/tips/' + r.id AS link
"""
    + _DELIVER
)

_TRADE_WATCHERS: LiteralString = """
CALL (traders) {
  UNWIND traders AS e
  OPTIONAL MATCH (e)-[:SAME_AS]-(same:Entity)
  WITH collect(DISTINCT e) + collect(DISTINCT same) AS all
  UNWIND all AS e
  MATCH (u:User)-[:HAS_WATCH]->(w:Watch {kind: 'entity', entity_id: e.id})
  RETURN u, w, e
  UNION
  UNWIND traders AS e
  MATCH (u:User)-[:HAS_WATCH]->(w:Watch {kind: 'search'})
  WHERE toLower(coalesce(e.name, '') + ' ' + e.id) CONTAINS w.needle
  RETURN u, w, e
}
"""

# Controls of declarations whose traders (or entities merged with them) are watched.
CONTROL_WATCHERS: LiteralString = (
    """
UNWIND $control_ids AS control_id
WITH control_id WHERE EXISTS { (:Watch) }
MATCH (c:Control {id: control_id})-[:CONTROL_OF]->(d:Declaration)
OPTIONAL MATCH (d)-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t:Entity)
WITH c, d, collect(DISTINCT t) AS traders
"""
    + _TRADE_WATCHERS
    + _VIEWER
    + "WHERE "
    + _ENTITY_OK
    + """
WITH u, u.id + '|control|' + c.id + '|' + w.id AS key, 'control' AS kind,
     'Control result recorded for declaration ' + d.id + ' of ' + coalesce(e.name, e.id)
       AS text, '/entities/' + e.id AS link
"""
    + _DELIVER
)

# New declarations naming watched traders.
DECLARATION_WATCHERS: LiteralString = (
    """
UNWIND $declaration_ids AS declaration_id
WITH declaration_id WHERE EXISTS { (:Watch) }
MATCH (d:Declaration {id: declaration_id})
OPTIONAL MATCH (d)-[:IMPORTED_BY|EXPORTED_BY|DECLARED_BY]->(t:Entity)
WITH d, collect(DISTINCT t) AS traders
"""
    + _TRADE_WATCHERS
    + _VIEWER
    + "WHERE "
    + _ENTITY_OK
    + """
WITH u, u.id + '|declaration|' + d.id + '|' + w.id AS key, 'declaration' AS kind,
     'Declaration ' + d.id + ' names ' + coalesce(e.name, e.id) AS text,
     '/entities/' + e.id AS link
"""
    + _DELIVER
)


# An AEO trader's risk score drifted above the threshold: the risk committee and the
# post-clearance auditors hear of it once per drift (the key carries when it started).
AEO_DRIFT: LiteralString = (
    """
UNWIND $refs AS ref
MATCH (e:Trader {id: 'trader:' + ref}) WHERE e.aeo_drift_at IS NOT NULL
MATCH (u:User) WHERE u.role IN ['committee', 'auditor']
WITH e, u
"""
    + _VIEWER
    + "WHERE "
    + _ENTITY_OK
    + """
WITH u, u.id + '|aeo-drift|' + e.id + '|' + e.aeo_drift_at AS key, 'aeo' AS kind,
     'AEO trader ' + coalesce(e.name, e.ref) + ' (' + e.ref + '): risk score '
       + toString(round(e.risk_score * 1000) / 1000.0) + ' reached ' + toString($threshold)
       AS text, '/aeo/' + e.ref AS link
"""
    + _DELIVER
)


def _deliver(
    tx: Any, cypher: LiteralString, *, mail: bool, actor_id: str | None, **params: Any
) -> list[str]:
    rows = tx_run(
        tx, cypher, mail=mail, actor_id=actor_id, now=utc_now(), batch=uuid.uuid4().hex,
        **params,
    )
    return sorted({row["user_id"] for row in rows})


ANY_WATCH: LiteralString = "MATCH (w:Watch) RETURN w.id AS id LIMIT 1"


def anything_watched(tx: Any) -> bool:
    """Whether anybody watches anything. The watchers' statements find nobody to tell
    otherwise, but an import of a file runs each once, and planning them costs the
    server more than the import's own statements of the same rows (a second and more on
    a plan made anew, as after the data grew)."""
    return bool(tx_run(tx, ANY_WATCH))


def report_watchers(
    tx: Any, report_ids: Sequence[str], *, mail: bool, actor_id: str | None = None
) -> list[str]:
    """Tell watchers that reports they may read now name what they watch."""
    return _deliver(tx, REPORT_WATCHERS, report_ids=list(report_ids), mail=mail,
                    actor_id=actor_id)


def disseminated(
    tx: Any, report_id: str, recipients: Sequence[dict[str, str]], *, mail: bool,
    actor_id: str | None = None,
) -> list[str]:
    """``recipients``: ``{"kind": "unit" | "user", "id": unit name | user id}``."""
    rows = [{"kind": r["kind"], "id": r["id"]} for r in recipients]
    return _deliver(tx, DISSEMINATED, report_id=report_id, recipients=rows, mail=mail,
                    actor_id=actor_id)


def feedback_due(tx: Any, due_before: str, *, mail: bool) -> list[str]:
    """Remind the recipients of reports sent before ``due_before`` (ISO time) who have not
    given feedback; idempotent."""
    return _deliver(tx, FEEDBACK_DUE, due_before=due_before, mail=mail, actor_id=None)


def task_assigned(tx: Any, task_id: str, *, mail: bool, actor_id: str | None = None) -> list[str]:
    return _deliver(tx, TASK_ASSIGNED, task_id=task_id, mail=mail, actor_id=actor_id)


def task_changed(tx: Any, task_id: str, *, mail: bool, actor_id: str | None = None) -> list[str]:
    return _deliver(tx, TASK_CHANGED, task_id=task_id, mail=mail, actor_id=actor_id)


def tip_followup(tx: Any, report_id: str, message_id: str, *, mail: bool) -> list[str]:
    return _deliver(tx, TIP_FOLLOWUP, report_id=report_id, message_id=message_id, mail=mail,
                    actor_id=None)


def control_watchers(
    tx: Any, control_ids: Sequence[str], *, mail: bool, actor_id: str | None = None
) -> list[str]:
    return _deliver(tx, CONTROL_WATCHERS, control_ids=list(control_ids), mail=mail,
                    actor_id=actor_id)


def declaration_watchers(
    tx: Any, declaration_ids: Sequence[str], *, mail: bool, actor_id: str | None = None
) -> list[str]:
    return _deliver(tx, DECLARATION_WATCHERS, declaration_ids=list(declaration_ids),
                    mail=mail, actor_id=actor_id)


def aeo_drift(tx: Any, refs: Sequence[str], threshold: float, *, mail: bool) -> list[str]:
    return _deliver(tx, AEO_DRIFT, refs=list(refs), threshold=threshold, mail=mail,
                    actor_id=None)


# Mutual assistance requests (graph/assistance.py): the cooperation officers of the
# request's unit and its author, each only while they may see the request.
_ASSISTANCE_OK: LiteralString = ASSISTANCE_VISIBLE.replace("$viewer", "viewer")
_ASSISTANCE_OFFICERS: LiteralString = """
CALL (a) {
  MATCH (u:User)-[:MEMBER_OF]->(:Unit {name: a.unit})
  WHERE u.role IN ['analyst', 'investigator', 'admin']
  RETURN u
  UNION
  MATCH (u:User {id: a.created_by}) RETURN u
}
WITH DISTINCT a, stage, u
"""

# A deadline near (``$soon``: today plus the reminder days) or passed (before ``$today``)
# on a request still awaiting its answer: once per request, stage and officer.
ASSISTANCE_DUE: LiteralString = (
    """
MATCH (a:AssistanceRequest)
WHERE a.status IN ['sent', 'acknowledged'] AND a.deadline IS NOT NULL
  AND a.deadline <= $soon
WITH a, CASE WHEN a.deadline < $today THEN 'overdue' ELSE 'due' END AS stage
"""
    + _ASSISTANCE_OFFICERS
    + _VIEWER
    + "WHERE "
    + _ASSISTANCE_OK
    + """
WITH u, u.id + '|assistance-' + stage + '|' + a.id AS key, 'assistance' AS kind,
     CASE stage
       WHEN 'overdue' THEN 'Mutual assistance request ' + a.reference
                           + ' is overdue: its deadline was ' + a.deadline
       ELSE 'Mutual assistance request ' + a.reference + ' is due on ' + a.deadline
     END AS text,
     '/assistance/' + a.id AS link
"""
    + _DELIVER
)

# A request arrived from a partner, or a partner's reply to ours (``$stage``).
ASSISTANCE_ARRIVED: LiteralString = (
    """
MATCH (a:AssistanceRequest {id: $request_id})-[:WITH_PARTNER]->(p:Partner)
WITH a, p, $stage AS stage
"""
    + _ASSISTANCE_OFFICERS.replace("WITH DISTINCT a, stage, u", "WITH DISTINCT a, p, stage, u")
    + _VIEWER
    + "WHERE "
    + _ASSISTANCE_OK
    + """
WITH u, u.id + '|assistance-' + stage + '|' + a.id + '|' + $now AS key, 'assistance' AS kind,
     CASE stage
       WHEN 'received' THEN 'Mutual assistance request ' + a.reference + ' received from '
                            + p.name
       ELSE p.name + ' answered mutual assistance request ' + a.reference
     END AS text,
     '/assistance/' + a.id AS link
"""
    + _DELIVER
)


def assistance_due(tx: Any, today: str, soon: str, *, mail: bool) -> list[str]:
    """Remind the officers of requests due by ``soon`` or overdue on ``today``; idempotent."""
    return _deliver(tx, ASSISTANCE_DUE, today=today, soon=soon, mail=mail, actor_id=None)


def assistance_arrived(tx: Any, request_id: str, stage: str, *, mail: bool) -> list[str]:
    """``stage``: 'received' (a partner's request) or 'answered' (a partner's reply)."""
    return _deliver(tx, ASSISTANCE_ARRIVED, request_id=request_id, stage=stage, mail=mail,
                    actor_id=None)
