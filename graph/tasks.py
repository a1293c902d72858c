"""Tasks of a case, and tasking down the unit tree (HQ → regional units → crossings).

``(:Task {id, title, description, due, priority, status, created_by, created_by_unit,
created_at, updated_at})-[:PART_OF_CASE]->(:Case)``, assigned either to one officer
(``-[:ASSIGNED_TO]->(:User)``) or to a unit (``-[:ASSIGNED_TO_UNIT]->(:Unit)``, then it
shows in the "my tasks" of every officer of that unit).

Tasking rule (``TASKABLE``): an officer tasks their own unit and the units below it, so
headquarters tasks everybody, a regional unit tasks itself and its border crossing
points, and a crossing point tasks only itself. A task assigned to an officer follows the
officer's unit.

A task needs no case: a standing task (no ``PART_OF_CASE``) is the everyday tasking of a
unit or an officer, e.g. "watch lane 3 for refrigerated trucks this week".

Who sees a task (``TASK_VISIBLE``): its assignee and the officers of the assigned unit;
for a standing task also its author; for a case task whoever sees the case (its author
included only while they do). Someone who is tasked but does not see the case gets
neither the case's id nor its title (``on_case`` only says there is one).

Status moves freely between open, in progress, done and cancelled (reopening is setting
it back to open); overdue is an open or in-progress task whose due date has passed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from graph.cases import CASE_VISIBLE
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def title(self) -> str:  # type: ignore[override]  # the display name, as on every enum here
        return self.value.replace("_", " ").capitalize()


class TaskPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


ACTIVE_STATUSES = [TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value]

TASK_VISIBLE = (
    """(
  EXISTS { (t)-[:ASSIGNED_TO]->(:User {id: $viewer.id}) }
  OR EXISTS { (t)-[:ASSIGNED_TO_UNIT]->(:Unit {name: $viewer.unit}) }
  OR (t.created_by = $viewer.id AND NOT EXISTS { (t)-[:PART_OF_CASE]->(:Case) })
  OR EXISTS { MATCH (t)-[:PART_OF_CASE]->(c:Case) WHERE """
    + CASE_VISIBLE
    + """ }
)"""
)

# ``target`` is the unit being tasked: the viewer's own unit or one below it.
TASKABLE = "EXISTS { (target)-[:PART_OF*0..]->(:Unit {name: $viewer.unit}) }"

# ``c`` is the task's case or null (a standing task); the case's id and title are given
# only to those who see the case.
_TASK_FIELDS = (
    """
t {.id, .title, .description, .due, .priority, .status, .created_by, .created_by_unit,
   .created_at, .updated_at, .done_at} AS task,
[(t)-[:ASSIGNED_TO]->(a:User) | {id: a.id, email: a.email, name: a.name}][0] AS assignee,
[(t)-[:ASSIGNED_TO_UNIT]->(au:Unit) | au.name][0] AS unit,
COLLECT { MATCH (author:User {id: t.created_by})
          RETURN coalesce(author.name, author.email) }[0] AS author,
c IS NOT NULL AS on_case,
[(a:Audit)-[:TASKED_AS]->(t) | a.id][0] AS audit_id,
CASE WHEN c IS NOT NULL AND """
    + CASE_VISIBLE
    + """ THEN c.id END AS case_id,
CASE WHEN c IS NOT NULL AND """
    + CASE_VISIBLE
    + """ THEN c.title END AS case_title
"""
)

_ORDER = """
ORDER BY CASE t.status WHEN 'in_progress' THEN 0 WHEN 'open' THEN 1 ELSE 2 END,
         CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
         coalesce(t.due, '9999'), t.created_at
"""

# ``$case_id`` null makes a standing task (everyday tasking of a unit or an officer).
CREATE_TASK = (
    """
OPTIONAL MATCH (c:Case {id: $case_id})
WITH c
WHERE $case_id IS NULL OR (c IS NOT NULL AND c.status <> 'closed' AND """
    + CASE_VISIBLE
    + """)
OPTIONAL MATCH (assignee:User {id: $assignee_id})-[:MEMBER_OF]->(assignee_unit:Unit)
OPTIONAL MATCH (unit:Unit {name: $unit})
WITH c, assignee, unit, coalesce(unit, assignee_unit) AS target
WHERE target IS NOT NULL AND """
    + TASKABLE
    + """
CREATE (t:Task {id: $id, title: $title, description: $description, due: $due,
                priority: $priority, status: 'open', created_by: $viewer.id,
                created_by_unit: $viewer.unit, created_at: $now, updated_at: $now})
FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END |
  CREATE (t)-[:PART_OF_CASE]->(x)
  SET x.updated_at = $now)
FOREACH (a IN CASE WHEN $unit IS NULL THEN [assignee] ELSE [] END |
  CREATE (t)-[:ASSIGNED_TO]->(a))
FOREACH (u IN CASE WHEN $unit IS NULL THEN [] ELSE [unit] END |
  CREATE (t)-[:ASSIGNED_TO_UNIT]->(u))
RETURN t.id AS id
"""
)

REASSIGN_TASK = (
    """
MATCH (t:Task {id: $id})
WHERE t.status IN ['open', 'in_progress'] AND """
    + TASK_VISIBLE
    + """
OPTIONAL MATCH (assignee:User {id: $assignee_id})-[:MEMBER_OF]->(assignee_unit:Unit)
OPTIONAL MATCH (unit:Unit {name: $unit})
WITH t, assignee, unit, coalesce(unit, assignee_unit) AS target
WHERE target IS NOT NULL AND """
    + TASKABLE
    + """
CALL (t) {
  OPTIONAL MATCH (t)-[old:ASSIGNED_TO|ASSIGNED_TO_UNIT]->()
  DELETE old
}
FOREACH (a IN CASE WHEN $unit IS NULL THEN [assignee] ELSE [] END |
  CREATE (t)-[:ASSIGNED_TO]->(a))
FOREACH (u IN CASE WHEN $unit IS NULL THEN [] ELSE [unit] END |
  CREATE (t)-[:ASSIGNED_TO_UNIT]->(u))
SET t.updated_at = $now, t.assigned_by = $viewer.id
RETURN t.id AS id
"""
)

SET_TASK_STATUS = (
    """
MATCH (t:Task {id: $id})
WHERE """
    + TASK_VISIBLE
    + """
SET t.status = $status, t.updated_at = $now,
    t.done_at = CASE WHEN $status = 'done' THEN $now ELSE null END
RETURN t.id AS id
"""
)

SET_TASK_DUE = (
    """
MATCH (t:Task {id: $id})
WHERE """
    + TASK_VISIBLE
    + """
SET t.due = $due, t.updated_at = $now
RETURN t.id AS id
"""
)

GET_TASK = (
    """
MATCH (t:Task {id: $id})
WHERE """
    + TASK_VISIBLE
    + """
OPTIONAL MATCH (t)-[:PART_OF_CASE]->(c:Case)
RETURN """
    + _TASK_FIELDS
)

MY_TASKS = (
    """
MATCH (me:User {id: $viewer.id})-[:MEMBER_OF]->(my_unit:Unit)
CALL (me, my_unit) {
  MATCH (t:Task)-[:ASSIGNED_TO]->(me) RETURN t
  UNION
  MATCH (t:Task)-[:ASSIGNED_TO_UNIT]->(my_unit) RETURN t
}
WITH t
WHERE $all OR t.status IN ['open', 'in_progress']
OPTIONAL MATCH (t)-[:PART_OF_CASE]->(c:Case)
RETURN """
    + _TASK_FIELDS
    + _ORDER
    + " LIMIT $limit"
)

ISSUED_TASKS = (
    """
MATCH (t:Task {created_by: $viewer.id})
WHERE ($all OR t.status IN ['open', 'in_progress']) AND """
    + TASK_VISIBLE
    + """
OPTIONAL MATCH (t)-[:PART_OF_CASE]->(c:Case)
RETURN """
    + _TASK_FIELDS
    + _ORDER
    + " LIMIT $limit"
)

CASE_TASKS = (
    """
MATCH (t:Task)-[:PART_OF_CASE]->(c:Case {id: $case_id})
WHERE """
    + CASE_VISIBLE
    + """
RETURN """
    + _TASK_FIELDS
    + _ORDER
)

TASKABLE_UNITS = (
    """
MATCH (target:Unit)
WHERE """
    + TASKABLE
    + """
RETURN target.name AS name, target.kind AS kind
ORDER BY CASE target.kind WHEN 'hq' THEN 0 WHEN 'regional' THEN 1 ELSE 2 END, target.name
"""
)

ASSIGNABLE_USERS = (
    """
MATCH (u:User)-[:MEMBER_OF]->(target:Unit)
WHERE coalesce(u.active, true) AND """
    + TASKABLE
    + """
RETURN u.id AS id, u.email AS email, u.name AS name, u.role AS role, target.name AS unit
ORDER BY target.name, u.email
"""
)

CAN_TASK_UNIT = "MATCH (target:Unit {name: $unit}) RETURN " + TASKABLE + " AS ok"


class TaskRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(
        self,
        viewer: dict[str, str],
        *,
        task_id: str,
        case_id: str | None,
        title: str,
        description: str,
        due: str | None,
        priority: str,
        assignee_id: str | None,
        unit: str | None,
    ) -> bool:
        rows = self.graph.write(
            tx_run,
            CREATE_TASK,
            viewer=viewer,
            id=task_id,
            case_id=case_id,
            title=title,
            description=description,
            due=due,
            priority=TaskPriority(priority).value,
            assignee_id=assignee_id,
            unit=unit,
            now=utc_now(),
        )
        return bool(rows)

    def reassign(
        self, viewer: dict[str, str], task_id: str, *, assignee_id: str | None, unit: str | None
    ) -> bool:
        rows = self.graph.write(
            tx_run,
            REASSIGN_TASK,
            viewer=viewer,
            id=task_id,
            assignee_id=assignee_id,
            unit=unit,
            now=utc_now(),
        )
        return bool(rows)

    def set_status(self, viewer: dict[str, str], task_id: str, status: str) -> bool:
        rows = self.graph.write(
            tx_run,
            SET_TASK_STATUS,
            viewer=viewer,
            id=task_id,
            status=TaskStatus(status).value,
            now=utc_now(),
        )
        return bool(rows)

    def set_due(self, viewer: dict[str, str], task_id: str, due: str | None) -> bool:
        rows = self.graph.write(
            tx_run, SET_TASK_DUE, viewer=viewer, id=task_id, due=due, now=utc_now()
        )
        return bool(rows)

    def get(self, viewer: dict[str, str], task_id: str) -> dict[str, Any]:
        rows = self.graph.query(GET_TASK, {"viewer": viewer, "id": task_id})
        if not rows:
            raise NotFound(f"task {task_id} does not exist")
        return _task(rows[0])

    def mine(
        self, viewer: dict[str, str], *, include_closed: bool = False, limit: int = 200
    ) -> list[dict[str, Any]]:
        params = {"viewer": viewer, "all": include_closed, "limit": limit}
        return [_task(row) for row in self.graph.query(MY_TASKS, params)]

    def issued(
        self, viewer: dict[str, str], *, include_closed: bool = False, limit: int = 200
    ) -> list[dict[str, Any]]:
        params = {"viewer": viewer, "all": include_closed, "limit": limit}
        return [_task(row) for row in self.graph.query(ISSUED_TASKS, params)]

    def for_case(self, viewer: dict[str, str], case_id: str) -> list[dict[str, Any]]:
        rows = self.graph.query(CASE_TASKS, {"viewer": viewer, "case_id": case_id})
        return [_task(row) for row in rows]

    def taskable_units(self, viewer: dict[str, str]) -> list[dict[str, Any]]:
        return self.graph.query(TASKABLE_UNITS, {"viewer": viewer})

    def assignable_users(self, viewer: dict[str, str]) -> list[dict[str, Any]]:
        return self.graph.query(ASSIGNABLE_USERS, {"viewer": viewer})

    def can_task_unit(self, viewer: dict[str, str], unit: str) -> bool | None:
        """True/False by the tasking rule; None when the unit does not exist."""
        rows = self.graph.query(CAN_TASK_UNIT, {"viewer": viewer, "unit": unit})
        return bool(rows[0]["ok"]) if rows else None


def _task(row: dict[str, Any]) -> dict[str, Any]:
    task = row["task"]
    today = utc_now()[:10]
    return {
        **task,
        "overdue": bool(task["due"])
        and task["status"] in ACTIVE_STATUSES
        and task["due"] < today,
        "assignee": row["assignee"],
        "unit": row["unit"],
        "author": row["author"],
        "on_case": row["on_case"],
        "audit_id": row["audit_id"],
        "case_id": row["case_id"],
        "case_title": row["case_title"],
    }
