"""Case and task rules shared by the pages and the API (no request objects here).

Visibility is enforced by the repositories' Cypher (graph/cases.py, graph/tasks.py); this
layer validates input, turns "not allowed" into clear errors, and audits every write and
every case read.

A case never widens who may read a report. Attaching a report gives it to the members who
cannot otherwise read it, and adding a member gives them the attached reports they cannot
otherwise read: either is refused (403, with the reason) unless the dissemination rules
(``release_refusal`` in app/dissemination/service.py) let the officer doing it release
each such report to each such member. What it releases is recorded in the audit event.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import audit, recorded_read
from app.dissemination.service import release_refusal
from app.evidence import service as evidence
from app.evidence.service import Prepared
from app.i18n import say
from app.watch import notify
from graph import policy
from graph.access import viewer_param
from graph.cases import CaseKind, CaseRepository, CaseStatus, MemberRole
from graph.connection import Graph, atomic
from graph.errors import NotFound, Refused
from graph.evidence import EvidenceRepository, Parent
from graph.exchange.records import text_problem
from graph.tasks import TaskPriority, TaskRepository, TaskStatus
from graph.users import UserRepository

MAX_TITLE = 200
MAX_TEXT = 10_000


class CaseError(Refused, ValueError):
    """Input or a request that breaks a rule; ``field`` names the form field, ``status`` the
    HTTP status the API answers with (400 bad input, 403 visible but not allowed)."""

    def __init__(self, message: str, field: str = "title", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def _text(value: Any, field: str, *, required: bool, limit: int) -> str:
    text = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if required and not text:
        raise CaseError(_("This field is required."), field)
    if len(text) > limit:
        raise CaseError(_("At most %(limit)s characters.", limit=limit), field)
    if problem := text_problem(text):
        raise CaseError(_("This field %(problem)s.", problem=say(problem)), field)
    return text


def _choice(enum: Any, value: Any, field: str) -> str:
    try:
        return enum(str(value or "").strip().lower()).value
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise CaseError(_("Choose one of: %(allowed)s.", allowed=allowed), field) from None


# Cases -----------------------------------------------------------------------------------


@atomic
def open_case(graph: Graph, user: Any, *, title: Any, kind: Any, description: Any = "") -> str:
    if not policy.may(user, policy.OPEN_CASES):
        raise CaseError(_("Your role does not open cases."), "title", 403)
    case_id = "C-" + uuid.uuid4().hex[:12].upper()
    values = {
        "title": _text(title, "title", required=True, limit=MAX_TITLE),
        "kind": _choice(CaseKind, kind or "rfi", "kind"),
        "description": _text(description, "description", required=False, limit=MAX_TEXT),
    }
    CaseRepository(graph).create(viewer_param(user), case_id=case_id, **values)
    # the id, not the title: the audit log is read by admins, who are not on need-to-know
    audit("case.create", case_id, {"kind": values["kind"]})
    return case_id


def list_cases(graph: Graph, user: Any, *, status: Any = None) -> list[dict[str, Any]]:
    chosen = _choice(CaseStatus, status, "status") if status else None
    return CaseRepository(graph).list(viewer_param(user), status=chosen)


def read_case(graph: Graph, user: Any, case_id: str) -> dict[str, Any]:
    """The case with its tasks; NotFound when the user may not see it. Audited."""
    viewer = viewer_param(user)

    def fetch() -> dict[str, Any]:
        case = CaseRepository(graph).get(viewer, case_id)
        case["tasks"] = TaskRepository(graph).for_case(viewer, case_id)
        case["files"] = EvidenceRepository(graph).of(Parent.CASE, case_id, viewer)
        return case

    return recorded_read("case.read", case_id, fetch,
                         summary=lambda case: {"reports": [r["id"] for r in case["reports"]]})


def _managed(graph: Graph, user: Any, case_id: str) -> dict[str, Any]:
    access = CaseRepository(graph).access(viewer_param(user), case_id)
    if not access["can_manage"]:
        raise CaseError(
            _("Only the case leads and the owning unit's case workers may do this."), "status", 403
        )
    return access


def _open_for_work(graph: Graph, user: Any, case_id: str) -> None:
    access = CaseRepository(graph).access(viewer_param(user), case_id)
    if access["status"] == CaseStatus.CLOSED:
        raise CaseError(_("The case is closed; reopen it first."), "status", 409)


@atomic
def set_case_status(graph: Graph, user: Any, case_id: str, status: Any) -> None:
    chosen = _choice(CaseStatus, status, "status")
    _managed(graph, user, case_id)
    if not CaseRepository(graph).set_status(viewer_param(user), case_id, chosen):
        raise NotFound(f"case {case_id} does not exist")
    audit("case.status", case_id, {"status": chosen})


@atomic
def convert_to_investigation(graph: Graph, user: Any, case_id: str) -> None:
    """An RFI becomes an investigation on the same node: it keeps everything it holds."""
    access = _managed(graph, user, case_id)
    if access["kind"] != CaseKind.RFI:
        raise CaseError(_("Only a request for information can become an "
                          "investigation."), "kind", 409)
    if not CaseRepository(graph).convert_to_investigation(viewer_param(user), case_id):
        raise NotFound(f"case {case_id} does not exist")
    audit("case.convert", case_id, {"kind": CaseKind.INVESTIGATION.value})


@atomic
def update_case(graph: Graph, user: Any, case_id: str, *, kind: Any = None,
                status: Any = None) -> None:
    """The API's PATCH: every value is checked before anything is written, and the
    conversion and the status change commit together or not at all."""
    if kind is not None and kind != CaseKind.INVESTIGATION.value:
        raise CaseError(_("A case can only become an investigation."), "kind")
    if status is not None:
        _choice(CaseStatus, status, "status")
    if kind is not None:
        convert_to_investigation(graph, user, case_id)
    if status is not None:
        set_case_status(graph, user, case_id, status)


def _user_by_email(graph: Graph, email: Any, field: str) -> dict[str, Any]:
    text = _text(email, field, required=True, limit=254).lower()
    row = UserRepository(graph).by_email(text)
    if row is None or not row.get("active", True):
        raise CaseError(_("No active officer with e-mail %(text)s.", text=text), field)
    return row


@atomic
def add_member(graph: Graph, user: Any, case_id: str, *, email: Any, role: Any = "member") -> None:
    chosen = _choice(MemberRole, role or "member", "role")
    _managed(graph, user, case_id)
    member = _user_by_email(graph, email, "email")
    repo = CaseRepository(graph)
    audience = repo.audience_of_join(viewer_param(user), case_id, member["id"])
    if audience is None:
        raise NotFound(f"case {case_id} does not exist")
    released = [] if audience["already"] else _release_on_join(user, member, audience["reports"])
    if not repo.add_member(viewer_param(user), case_id, member["id"], chosen):
        raise NotFound(f"case {case_id} does not exist")
    detail: dict[str, Any] = {"member": member["email"], "role": chosen}
    if released:
        detail["released"] = released
    audit("case.member.add", case_id, detail)


def _recipient(member: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "user", "id": member["id"], "name": member["email"]}


def _release_on_join(user: Any, member: dict[str, Any], reports: list[dict[str, Any]]) -> list:
    """The ids of the reports joining gives ``member``, or CaseError (403) naming why not.
    Reports the user may not read are never named, only said to exist beyond them."""
    reasons: list[str] = []
    hidden = False
    for report in reports:
        why = release_refusal(report, user, _recipient(member))
        if why and not report["visible"]:
            hidden = True
        elif why:
            reasons.append(f"{report['id']}: {why}")
    if hidden:
        reasons.append("the case holds reports of other units that are not yours to release; "
                       "their originating unit may add this officer")
    if reasons:
        raise CaseError(
            f"Adding {member['email']} would give them reports they may not otherwise read. "
            + " ".join(reasons),
            "email",
            403,
        )
    return [r["id"] for r in reports]


def _release_on_attach(user: Any, audience: dict[str, Any]) -> list[str]:
    """The e-mails of the members attaching gives the report, or CaseError (403) naming
    why the dissemination rules do not let ``user`` release it to them."""
    report, members = audience["report"], audience["members"]
    refused = {}
    for member in members:
        why = release_refusal(report, user, _recipient(member))
        if why:
            refused.setdefault(why, []).append(member["email"])
    if refused:
        raise CaseError(
            " ".join(
                f"Attaching {report['id']} would give it to {', '.join(emails)}, who may not "
                f"otherwise read it. {why}"
                for why, emails in refused.items()
            ),
            "report_id",
            403,
        )
    return [m["email"] for m in members]


@atomic
def remove_member(graph: Graph, user: Any, case_id: str, *, email: Any) -> None:
    _managed(graph, user, case_id)
    member = _user_by_email(graph, email, "email")
    if not CaseRepository(graph).remove_member(viewer_param(user), case_id, member["id"]):
        raise CaseError(_("%(email)s is not on this case.", email=member['email']), "email")
    audit("case.member.remove", case_id, {"member": member["email"]})


# The same refusal for "missing" and "not yours to see", naming what was asked for.
NOT_ATTACHABLE = {"report": _l("No report %(target_id)s that you may attach."),
                  "entity": _l("No entity %(target_id)s that you may attach."),
                  "chart": _l("No chart %(target_id)s that you may attach.")}


@atomic
def attach(graph: Graph, user: Any, case_id: str, what: str, target: Any) -> None:
    """Attach a report, entity or chart the user can see to a case they can see."""
    field = {"report": "report_id", "entity": "entity_id", "chart": "chart_id"}[what]
    target_id = _text(target, field, required=True, limit=300)
    _open_for_work(graph, user, case_id)
    repo = CaseRepository(graph)
    detail: dict[str, Any] = {what: target_id}
    if what == "report":
        audience = repo.audience_of_attach(viewer_param(user), case_id, target_id)
        if audience is None:
            raise CaseError(_("No report %(target_id)s that you may attach.",
                              target_id=target_id), field, 404)
        released = _release_on_attach(user, audience)
        if released:
            detail["released_to"] = released
    method = {
        "report": repo.attach_report,
        "entity": repo.attach_entity,
        "chart": repo.attach_chart,
    }[what]
    if not method(viewer_param(user), case_id, target_id):
        # the same answer for "missing" and "not yours to see": nothing leaks
        raise CaseError(NOT_ATTACHABLE[what] % {"target_id": target_id}, field, 404)
    audit(f"case.{what}.attach", case_id, detail)


@atomic
def add_note(graph: Graph, user: Any, case_id: str, text: Any) -> str:
    body = _text(text, "text", required=True, limit=MAX_TEXT)
    _open_for_work(graph, user, case_id)
    note_id = "N-" + uuid.uuid4().hex[:12].upper()
    if not CaseRepository(graph).add_note(viewer_param(user), case_id, note_id, body):
        raise NotFound(f"case {case_id} does not exist")
    audit("case.note.add", case_id, {"note": note_id})
    return note_id


@atomic
def attach_files(graph: Graph, user: Any, case_id: str, files: list[Prepared]) -> None:
    """Attach checked, stored files (app.evidence) to an open case the user works on."""
    if not files:
        raise CaseError(_("Choose a file to attach."), "files")
    _open_for_work(graph, user, case_id)
    EvidenceRepository(graph).attach(Parent.CASE, case_id, evidence.rows(files))
    audit("case.files.add", case_id, {"files": evidence.summary(files)})


# Tasks -----------------------------------------------------------------------------------


def _due(value: Any) -> str | None:
    text = _text(value, "due", required=False, limit=10)
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise CaseError(_("Enter the due date as YYYY-MM-DD."), "due") from None


def _assignment(graph: Graph, user: Any, assignee: Any, unit: Any) -> tuple[str | None, str | None]:
    """Exactly one of an officer (e-mail) or a unit, within the tasking rule."""
    email = _text(assignee, "assignee", required=False, limit=254)
    unit_name = _text(unit, "unit", required=False, limit=64)
    if bool(email) == bool(unit_name):
        raise CaseError(_("Assign the task to one officer or to one unit."), "assignee")
    repo = TaskRepository(graph)
    viewer = viewer_param(user)
    if email:
        row = _user_by_email(graph, email, "assignee")
        if repo.can_task_unit(viewer, row["unit"]) is not True:
            raise CaseError(
                _("%(email)s is in %(unit)s: you task only %(unit2)s and the units below it.",
                  email=row['email'], unit=row['unit'], unit2=user.unit),
                "assignee",
                403,
            )
        return row["id"], None
    allowed = repo.can_task_unit(viewer, unit_name)
    if allowed is None:
        raise CaseError(_("Unit %(unit_name)s does not exist.", unit_name=repr(unit_name)), "unit")
    if not allowed:
        raise CaseError(_("You task only %(unit)s and the units below it.",
                          unit=user.unit), "unit", 403)
    return None, unit_name


@atomic
def create_task(
    graph: Graph,
    user: Any,
    case_id: str | None,
    *,
    title: Any,
    description: Any = "",
    due: Any = None,
    priority: Any = "normal",
    assignee: Any = None,
    unit: Any = None,
) -> str:
    """Task an officer or a unit, on a case or (``case_id`` None) as a standing task."""
    values = {
        "title": _text(title, "title", required=True, limit=MAX_TITLE),
        "description": _text(description, "description", required=False, limit=MAX_TEXT),
        "due": _due(due),
        "priority": _choice(TaskPriority, priority or "normal", "priority"),
    }
    if case_id is not None:
        _open_for_work(graph, user, case_id)
    assignee_id, unit_name = _assignment(graph, user, assignee, unit)
    task_id = "T-" + uuid.uuid4().hex[:12].upper()
    created = TaskRepository(graph).create(
        viewer_param(user),
        task_id=task_id,
        case_id=case_id,
        assignee_id=assignee_id,
        unit=unit_name,
        **values,
    )
    if not created:
        raise NotFound(f"case {case_id} does not exist")
    audit(
        "task.create",
        task_id,
        {
            "case": case_id,
            "assignee": assignee or None,
            "unit": unit_name,
            "priority": values["priority"],
            "due": values["due"],
        },
    )
    notify.task_assigned(graph, task_id, user.id)
    return task_id


def read_task(graph: Graph, user: Any, task_id: str) -> dict[str, Any]:
    return TaskRepository(graph).get(viewer_param(user), task_id)


@atomic
def set_task_status(graph: Graph, user: Any, task_id: str, status: Any) -> None:
    chosen = _choice(TaskStatus, status, "status")
    if not TaskRepository(graph).set_status(viewer_param(user), task_id, chosen):
        raise NotFound(f"task {task_id} does not exist")
    audit("task.status", task_id, {"status": chosen})
    notify.task_changed(graph, task_id, user.id)


@atomic
def set_task_due(graph: Graph, user: Any, task_id: str, due: Any) -> None:
    """A new due date, or none (empty)."""
    chosen = _due(due)
    if not TaskRepository(graph).set_due(viewer_param(user), task_id, chosen):
        raise NotFound(f"task {task_id} does not exist")
    audit("task.due", task_id, {"due": chosen})


@atomic
def reassign_task(
    graph: Graph, user: Any, task_id: str, *, assignee: Any = None, unit: Any = None
) -> None:
    task = TaskRepository(graph).get(viewer_param(user), task_id)  # NotFound when invisible
    if task["status"] not in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS):
        raise CaseError(_("Only open tasks can be reassigned; reopen it first."), "status", 409)
    assignee_id, unit_name = _assignment(graph, user, assignee, unit)
    if not TaskRepository(graph).reassign(
        viewer_param(user), task_id, assignee_id=assignee_id, unit=unit_name
    ):
        raise NotFound(f"task {task_id} does not exist")
    audit("task.assign", task_id, {"assignee": assignee or None, "unit": unit_name})
    notify.task_assigned(graph, task_id, user.id)


UNSET = object()


@atomic
def update_task(
    graph: Graph,
    user: Any,
    task_id: str,
    *,
    status: Any = UNSET,
    due: Any = UNSET,
    assignee: Any = None,
    unit: Any = None,
) -> None:
    """Any of a new status, due date and assignee in one transaction: a bad value anywhere
    writes nothing. Status is set last, so "reassign and close" works on an open task."""
    if status is not UNSET:
        _choice(TaskStatus, status, "status")
    if due is not UNSET:
        _due(due)
    read_task(graph, user, task_id)  # NotFound when invisible
    if assignee or unit:
        reassign_task(graph, user, task_id, assignee=assignee, unit=unit)
    if due is not UNSET:
        set_task_due(graph, user, task_id, due)
    if status is not UNSET:
        set_task_status(graph, user, task_id, status)


def assigned_tasks(graph: Graph, user: Any, limit: int = 200) -> list[dict[str, Any]]:
    """The open tasks given to ``user`` or their unit, at most ``limit`` (the dashboard
    shows a few and does not read the ones the officer issued)."""
    return TaskRepository(graph).mine(viewer_param(user), limit=limit)


def my_tasks(graph: Graph, user: Any, *, include_closed: bool = False) -> dict[str, Any]:
    repo = TaskRepository(graph)
    viewer = viewer_param(user)
    return {
        "assigned": repo.mine(viewer, include_closed=include_closed),
        "issued": repo.issued(viewer, include_closed=include_closed),
    }


def tasking_choices(graph: Graph, user: Any) -> dict[str, list[dict[str, Any]]]:
    repo = TaskRepository(graph)
    viewer = viewer_param(user)
    return {"units": repo.taskable_units(viewer), "users": repo.assignable_users(viewer)}
