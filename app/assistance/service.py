"""Mutual administrative assistance requests: the rules of the cooperation desk's register.

A request goes to (outgoing) or comes from (incoming) a registered partner, on a legal
basis, about persons and traders of our graph and declarations, with questions and a
deadline. Outgoing requests start as drafts and are sent (in an exchange package,
app/assistance/exchange.py, or by other means and marked sent); the partner acknowledges
and answers; the desk closes them. A request still awaiting its answer after its deadline
is overdue (computed on reading, never stored). Every write is audited in its transaction;
reading a request is audited like reading a report (a refused read too).

Free of request objects: the pages, the API and the CLI share it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import audit, recorded_read
from app.evidence import service as evidence
from app.evidence.service import Prepared
from app.i18n import say
from app.mail import mail_enabled
from graph import clock, notify, policy
from graph.access import viewer_param
from graph.assistance import DIRECTIONS, OPEN_STATUSES, STATUSES, AssistanceRepository
from graph.clock import utc_now
from graph.connection import Graph
from graph.errors import NotFound, Refused
from graph.evidence import EvidenceRepository, Parent
from graph.exchange.records import text_problem
from graph.paging import decode_cursor, next_page
from graph.partners import PartnerRepository

# The legal bases a customs cooperation desk cites; "other" names its own in words.
LEGAL_BASES = {
    "bilateral": _l("Bilateral customs mutual assistance agreement"),
    "nairobi": _l("Nairobi Convention (1977)"),
    "johannesburg": _l("Johannesburg Convention (2003)"),
    "naples_ii": _l("Naples II Convention (1997)"),
    "reg_515_97": _l("Regulation (EC) No 515/97"),
    "other": _l("Other (describe it)"),
}
STATUS_TITLES = {
    "draft": _l("draft"), "sent": _l("sent"), "acknowledged": _l("acknowledged"),
    "answered": _l("answered"), "closed": _l("closed"), "overdue": _l("overdue"),
}
DIRECTION_TITLES = {"outgoing": _l("outgoing"), "incoming": _l("incoming")}
# The status an officer may set by hand, from which statuses (answered: by a reply).
MOVES = {"sent": {"draft"}, "acknowledged": {"sent"},
         "closed": {"draft", "sent", "acknowledged", "answered"}}  # fmt: skip
MAX_QUESTIONS = 10_000
MAX_REPLY = 20_000
MAX_LEGAL_TEXT = 500
MAX_SUBJECTS = 50
MAX_DECLARATIONS = 200
PAGE = 50
PRINT_LIMIT = 2_000


class AssistanceError(Refused, ValueError):
    """Bad input or a refused change; ``field`` names the form field, ``status`` the HTTP
    answer (400, 403, 404, 409)."""

    def __init__(self, message: str, field: str = "questions", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def is_desk_officer(user: Any) -> bool:
    return policy.may(user, policy.ASSISTANCE_DESK)


def authorize(user: Any) -> None:
    if not is_desk_officer(user):
        raise AssistanceError(_("Mutual assistance requests are kept by intelligence "
                                "officers, investigators and administrators."), "role", 403)


def _text(value: Any, field: str, limit: int, *, required: bool = False,
          multiline: bool = True) -> str | None:
    if value is not None and not isinstance(value, str):
        raise AssistanceError(_("Send text."), field)
    text = (value or "").strip()
    if not text:
        if required:
            raise AssistanceError(_("This is required."), field)
        return None
    if len(text) > limit:
        raise AssistanceError(_("Keep it under %(num)s characters.", num=limit), field)
    if problem := text_problem(text, multiline=multiline):
        raise AssistanceError(_("The text %(problem)s.", problem=say(problem)), field)
    return text


def _ids(value: Any, field: str, limit: int) -> list[str]:
    """A list of ids, or text with one id per line (or separated by commas)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = [p.strip() for line in value.splitlines() for p in line.split(",")]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        raise AssistanceError(_("Send a list of ids."), field)
    items = list(dict.fromkeys(i for i in items if i))
    if len(items) > limit:
        raise AssistanceError(_("Name at most %(num)s.", num=limit), field)
    if any(len(i) > 200 or text_problem(i, multiline=False) for i in items):
        raise AssistanceError(_("An id is too long or holds control characters."), field)
    return items


def parse_deadline(value: Any, field: str = "deadline") -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise AssistanceError(_("Enter the deadline as YYYY-MM-DD."), field)
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise AssistanceError(_("Enter the deadline as YYYY-MM-DD."), field) from None


def create(graph: Graph, user: Any, data: Mapping[str, Any]) -> str:
    """Record a request (outgoing: a draft; incoming: one a partner sent by other means);
    returns its id. Raises :class:`AssistanceError` naming the field."""
    authorize(user)
    viewer = viewer_param(user)
    repo = AssistanceRepository(graph)
    partner_key = data.get("partner")
    if not isinstance(partner_key, str) or not partner_key.strip():
        raise AssistanceError(_("Choose the partner."), "partner")
    partners = PartnerRepository(graph)
    partner = partners.by_name(partner_key.strip())
    if partner is None:
        try:
            partner = partners.get(partner_key.strip())
        except NotFound:
            raise AssistanceError(_("No partner %(name)s is registered (see /admin/partners).",
                                    name=partner_key.strip()), "partner") from None
    direction = data.get("direction") or "outgoing"
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        raise AssistanceError(_("Choose the direction: %(choices)s.",
                                choices=", ".join(DIRECTIONS)), "direction")
    basis = data.get("legal_basis")
    if not isinstance(basis, str) or basis not in LEGAL_BASES:
        raise AssistanceError(_("Choose the legal basis: %(choices)s.",
                                choices=", ".join(LEGAL_BASES)), "legal_basis")
    legal_text = _text(data.get("legal_text"), "legal_text", MAX_LEGAL_TEXT,
                       required=basis == "other", multiline=False)
    questions = _text(data.get("questions"), "questions", MAX_QUESTIONS, required=True)
    deadline = parse_deadline(data.get("deadline"))
    if deadline is None:
        raise AssistanceError(_("Enter the deadline as YYYY-MM-DD."), "deadline")
    if direction == "outgoing" and deadline < clock.today():
        raise AssistanceError(_("Choose a deadline from today on."), "deadline")
    subjects = _ids(data.get("subjects"), "subjects", MAX_SUBJECTS)
    if subjects and (unknown := repo.unknown_subjects(viewer, subjects)):
        raise AssistanceError(_("No person or trader %(ids)s that you may see (use the id "
                                "shown on the entity's page, e.g. trader:BG123).",
                                ids=", ".join(unknown)), "subjects")
    declarations = _ids(data.get("declarations"), "declarations", MAX_DECLARATIONS)
    if declarations and (missing := repo.unknown_declarations(declarations)):
        raise AssistanceError(_("No declaration %(ids)s.", ids=", ".join(missing)),
                              "declarations")
    case_id = data.get("case") or None
    if case_id is not None and (not isinstance(case_id, str)
                                or not repo.case_visible(viewer, case_id.strip())):
        raise AssistanceError(_("No case %(case)s that you may see.", case=case_id), "case")
    request_id = str(uuid.uuid4())
    fields = {"direction": direction, "status": "draft" if direction == "outgoing" else "sent",
              "legal_basis": basis, "legal_text": legal_text, "questions": questions,
              "deadline": deadline, "unit": str(user.unit), "created_by": str(user.id),
              "created_by_email": user.email, "declarations": declarations}

    def work() -> str:
        reference = repo.create(request_id, partner["id"], fields, subjects)
        if case_id:
            repo.link_case(viewer, request_id, case_id.strip())
        audit("assistance.create", reference, {
            "id": request_id, "partner": partner["name"], "direction": direction,
            "legal_basis": basis, "subjects": subjects, "declarations": len(declarations),
            "deadline": deadline, "case": case_id})
        return request_id

    return graph.atomically(work)


def resolve(graph: Graph, ident: str) -> str:
    """A request's id from its id or its reference (MAR-2026-000012)."""
    text = (ident or "").strip()
    if text.upper().startswith("MAR-"):
        return AssistanceRepository(graph).by_reference(text.upper()) or text
    return text


def read(graph: Graph, user: Any, request_id: str, via: str = "page") -> dict[str, Any]:
    """The request as the reader may see it, with its files; NotFound (404) otherwise.
    The reading, or the refused attempt, is audited."""
    viewer = viewer_param(user)
    found = recorded_read(
        "assistance.read", request_id,
        lambda: AssistanceRepository(graph).get(viewer, request_id, today=clock.today()),
        {"via": via}, summary=lambda r: {"reference": r["reference"]})
    found["files"] = EvidenceRepository(graph).of(Parent.ASSISTANCE, request_id, viewer)
    return described(found)


def described(row: dict[str, Any]) -> dict[str, Any]:
    """What the pages show beside the stored fields: the partner's own subjects and
    declarations (incoming), the legal basis in words, whether the reader may act."""
    row["partner_subjects"] = json.loads(row.get("subjects_json") or "[]")
    row["partner_declarations"] = json.loads(row.get("declarations_json") or "[]")
    row["legal_title"] = (row.get("legal_text") if row.get("legal_basis") == "other" else
                          LEGAL_BASES.get(row.get("legal_basis") or "")) or "—"
    row["shown_status"] = "overdue" if row.get("overdue") else row.get("status")
    return row


def listing(graph: Graph, user: Any, *, direction: str | None = None,
            status: str | None = None, partner: str | None = None, after: str | None = None,
            limit: int = PAGE) -> dict[str, Any]:
    """A page of the register, newest first: ``{"requests", "next"}`` (``next``: the token
    of the page after, or None)."""
    authorize(user)
    if direction not in (None, "", *DIRECTIONS):
        raise AssistanceError(_("Choose the direction: %(choices)s.",
                                choices=", ".join(DIRECTIONS)), "direction")
    if status not in (None, "", *STATUSES, "overdue"):
        raise AssistanceError(_("Choose the status: %(choices)s.",
                                choices=", ".join((*STATUSES, "overdue"))), "status")
    if partner is not None and not isinstance(partner, str):
        raise AssistanceError(_("Choose the partner."), "partner")
    try:
        key = decode_cursor(after, 2) if after else None
    except ValueError as exc:
        raise AssistanceError(str(exc), "after") from None
    rows = AssistanceRepository(graph).page(
        viewer_param(user), today=clock.today(), direction=direction or None,
        status=status or None, partner=partner or None, after=key, limit=limit + 1)
    page, following = next_page(rows, limit, ("created_at", "id"))
    return {"requests": [described(r) for r in page], "next": following}


def partners(graph: Graph) -> list[dict[str, Any]]:
    return PartnerRepository(graph).list()


def change_status(graph: Graph, user: Any, request_id: str, status: Any) -> None:
    """Mark a request sent (by other means), acknowledged or closed."""
    authorize(user)
    if not isinstance(status, str) or status not in MOVES:
        raise AssistanceError(_("Choose the status: %(choices)s.", choices=", ".join(MOVES)),
                              "status")
    row = read(graph, user, request_id, via="status")
    if row["status"] not in MOVES[status] or (status == "sent"
                                             and row["direction"] != "outgoing"):
        raise AssistanceError(_("A request %(now)s cannot become %(then)s.",
                                now=STATUS_TITLES[row["status"]],
                                then=STATUS_TITLES[status]), "status", 409)
    changes = {"status": status, f"{status}_at": utc_now()}

    def work() -> None:
        AssistanceRepository(graph).update(viewer_param(user), request_id, changes)
        audit("assistance.status", row["reference"], {"id": request_id, "from": row["status"],
                                                      "to": status})

    graph.atomically(work)


def reply(graph: Graph, user: Any, request_id: str, text: Any,
          files: list[Prepared] | None = None) -> None:
    """Record the answer: ours to an incoming request (sent back to the partner in a
    package), or the partner's to an outgoing one received by other means. Files attach
    to the request in the same transaction."""
    authorize(user)
    body = _text(text, "reply", MAX_REPLY, required=True)
    row = read(graph, user, request_id, via="reply")
    if row["status"] not in OPEN_STATUSES and not (row["status"] == "answered"
                                                   and row["direction"] == "incoming"):
        raise AssistanceError(_("A request %(now)s takes no reply.",
                                now=STATUS_TITLES[row["status"]]), "reply", 409)
    changes = {"status": "answered", "answered_at": utc_now(), "reply_text": body,
               "reply_by": user.email}
    prepared = files or []

    def work() -> None:
        AssistanceRepository(graph).update(viewer_param(user), request_id, changes)
        if prepared:
            EvidenceRepository(graph).attach(Parent.ASSISTANCE, request_id,
                                             evidence.rows(prepared))
        audit("assistance.reply", row["reference"], {
            "id": request_id, "direction": row["direction"],
            "files": evidence.summary(prepared)})

    graph.atomically(work)


def link_case(graph: Graph, user: Any, request_id: str, case_id: Any) -> None:
    authorize(user)
    if not isinstance(case_id, str) or not case_id.strip():
        raise AssistanceError(_("Enter the case's id."), "case")
    row = read(graph, user, request_id, via="case")
    viewer = viewer_param(user)

    def work() -> None:
        try:
            AssistanceRepository(graph).link_case(viewer, request_id, case_id.strip())
        except NotFound:
            raise AssistanceError(_("No case %(case)s that you may see.",
                                    case=case_id.strip()), "case", 404) from None
        audit("assistance.case", row["reference"], {"id": request_id,
                                                    "case": case_id.strip()})

    graph.atomically(work)


def remind(graph: Graph, days: int) -> list[str]:
    """Remind the officers of requests due within ``days`` days, and of overdue ones, once
    per request and stage (the background round and ``flask assistance remind``); returns
    the ids of the officers told now."""
    if days < 0:
        raise AssistanceError("CORDON_ASSISTANCE_REMIND_DAYS is a number of days, 0 or "
                              "more.", "days")
    today = clock.today()
    soon = (date.fromisoformat(today) + timedelta(days=days)).isoformat()
    return graph.write(notify.assistance_due, today, soon, mail=mail_enabled())
