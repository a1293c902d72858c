"""Who may share which report with whom: the dissemination rules, in one place.

Handling codes (the defaults of graph.grading):

- ``open``: any analyst who may read the report shares it with anyone;
- ``restricted``: only the originating unit chooses the recipients;
- ``originator``: only recipients the originating unit has consented to (a recorded
  ``CONSENT_FOR`` given by one of its analysts), whoever sends it;
- any other code: not disseminated (fail closed).

Only evaluated (or already disseminated) reports are sent. The rules run inside the
write transaction (see graph.dissemination), so they are checked again at the moment of
sending. Pages and API call these functions with the signed-in user; no request objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from app.audit import audit, recorded_read
from app.watch import notify
from graph import policy
from graph.access import viewer_param
from graph.clock import utc_days_ago
from graph.connection import Graph, atomic
from graph.dissemination import DisseminationRepository, Refused
from graph.errors import NotFound
from graph.partners import PartnerRepository

SENDABLE = {"evaluated", "disseminated"}
HANDLING_CODES = ("open", "restricted", "originator")
MAX_TEXT = 50_000
MAX_RESULT = 2_000

__all__ = ["InvalidInput", "NotFound", "Refused"]


class InvalidInput(Refused):
    """The request itself is wrong (no or unknown recipient, empty or unedited text), as
    opposed to a rule refusing a valid request; the API answers 422 instead of 403."""


def _recipient_rows(units: Iterable[str], users: Iterable[str],
                    partners: Iterable[str] = ()) -> list[dict[str, str]]:
    rows = [{"kind": "unit", "id": u} for u in dict.fromkeys(units) if u]
    rows += [{"kind": "user", "id": u} for u in dict.fromkeys(users) if u]
    rows += [{"kind": "partner", "id": p} for p in dict.fromkeys(partners) if p]
    return rows


def _known_recipients(
    repo: DisseminationRepository, units: Iterable[str], users: Iterable[str],
    partners: Iterable[str] = (),
) -> list[dict[str, Any]]:
    rows = _recipient_rows(units, users, partners)
    if not rows:
        raise InvalidInput("Choose at least one unit or user to send the report to.")
    found = repo.recipients(rows)
    missing = [f"{r['kind']} {r['id']}" for r in found if not r["exists"]]
    if missing:
        raise InvalidInput(f"Unknown recipient: {', '.join(missing)}.")
    return found


def refusal(report: dict[str, Any], user: Any, recipient: dict[str, Any]) -> str | None:
    """Why ``user`` may not send ``report`` to ``recipient`` now (None: allowed)."""
    status = report.get("status")
    if status not in SENDABLE:
        return f"Only evaluated reports are disseminated; this one is {status}."
    return release_refusal(report, user, recipient)


def recipients(graph: Graph) -> dict[str, list[Any]]:
    """Whom a report may go to, for the forms to choose from: unit names, users and (for a
    consent) partner agencies."""
    repo = DisseminationRepository(graph)
    return {"units": repo.units(), "users": repo.users(),
            "partners": PartnerRepository(graph).list()}


def release_refusal(report: dict[str, Any], user: Any, recipient: dict[str, Any]) -> str | None:
    """Why ``user`` may not release ``report`` to ``recipient`` under its handling code
    (None: allowed). Dissemination adds that only evaluated reports are sent; a case
    (app/cases/service.py) applies this alone when it would give a member a report."""
    if not policy.may(user, policy.DISSEMINATE):
        return "Only intelligence officers disseminate reports."
    handling = report.get("handling")
    origin = report.get("unit")
    if handling == "open":
        return None
    if handling == "restricted":
        if user.unit != origin:
            return (
                f"Handling code 'restricted': only the originating unit ({origin}) chooses "
                "who receives this report."
            )
        return None
    if handling == "originator":
        consented = any(
            c["kind"] == recipient["kind"] and c["id"] == recipient["id"] and c["unit"] == origin
            for c in report.get("consents") or []
        )
        if not consented:
            name = recipient.get("name") or recipient["id"]
            return (
                f"Handling code 'originator': the originating unit ({origin}) has not "
                f"consented to sharing this report with {name}. Record its consent first."
            )
        return None
    return f"Handling code {handling!r} does not allow dissemination."


def disseminate(
    graph: Graph, user: Any, report_id: str, *, units: Iterable[str] = (), users: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Send the report to units and users, or raise :class:`Refused` with the reason (the
    refusal is logged; the send it refused left nothing behind)."""
    try:
        return _send(graph, user, report_id, units, users)
    except Refused as exc:
        audit("report.disseminate.refused", report_id, {"reason": str(exc)})
        raise


@atomic
def _send(graph: Graph, user: Any, report_id: str, units: Iterable[str],
          users: Iterable[str]) -> list[dict[str, Any]]:
    """One unit: the rules are decided on the locked report, and what was sent commits with
    its audit events and notifications or not at all."""
    repo = DisseminationRepository(graph)
    recipients = _known_recipients(repo, units, users)
    viewer = viewer_param(user)
    report = repo.locked(report_id, viewer)
    reasons = [r for r in (refusal(report, user, rec) for rec in recipients) if r]
    if reasons:
        raise Refused(" ".join(dict.fromkeys(reasons)))
    repo.send(report_id, viewer, recipients)
    for rec in recipients:
        audit("report.disseminate", report_id, {
            "to": rec["kind"], "recipient": rec["name"], "handling": report.get("handling")},
            graph=graph)
    notify.disseminated(graph, report_id, recipients, user.id)
    return recipients


@atomic
def record_consent(
    graph: Graph, user: Any, report_id: str, *, units: Iterable[str] = (),
    users: Iterable[str] = (), partners: Iterable[str] = (),
) -> None:
    """The originating unit consents to sharing an ``originator`` report with recipients
    (units, users, or partner agencies, which then receive it in a package). One unit:
    the rule is decided on the locked report, and the consent commits with its events."""
    repo = DisseminationRepository(graph)
    recipients = _known_recipients(repo, units, users, partners)
    viewer = viewer_param(user)
    report = repo.locked(report_id, viewer)
    if not policy.may(user, policy.DISSEMINATE) or user.unit != report.get("unit"):
        raise Refused(
            _("Only an intelligence officer of the originating unit (%(value)s) gives consent.",
              value=report.get('unit'))
        )
    repo.consent(report_id, viewer, recipients)
    for rec in recipients:
        audit("report.consent", report_id, {"to": rec["kind"], "recipient": rec["name"]})


def sanitise(
    graph: Graph, user: Any, report_id: str, *, title: str, text: str, handling: str
) -> str:
    """A sanitised copy for wider release; returns its id. The source link is not copied."""
    title = (title or "").strip()
    text = (text or "").strip()
    if handling not in HANDLING_CODES:
        raise InvalidInput(f"Choose a handling code: {', '.join(HANDLING_CODES)}.")
    if not title:
        raise InvalidInput("The sanitised copy needs a title.")
    if not text:
        raise InvalidInput("The sanitised copy needs a text.")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Keep the text under {MAX_TEXT} characters.")

    def check(report: dict[str, Any]) -> None:
        if not policy.may(user, policy.DISSEMINATE) or (
            user.unit != report.get("unit") and not policy.may(user, policy.ADMINISTER)
        ):
            raise Refused(
                _("Only an intelligence officer of the originating unit (%(value)s) makes a "
                  "sanitised copy.", value=report.get('unit'))
            )
        if report.get("status") not in SENDABLE:
            raise Refused(_("Evaluate the report before making a sanitised copy."))
        if text == (report.get("text") or "").strip():
            raise InvalidInput("Edit the text: remove what could identify the source.")
        codename = report.get("source")
        if codename and codename.lower() in text.lower():
            raise InvalidInput("The text still names the source's codename.")
        if codename and codename.lower() in title.lower():
            raise InvalidInput("The title still names the source's codename.")

    from app.intake.extraction import extract_mentions

    repo = DisseminationRepository(graph)
    viewer = viewer_param(user)
    # NotFound before the (costly) extraction when the report is not visible at all; the
    # extraction stays outside the unit, which the driver may run again.
    repo.report(report_id, viewer)
    mentions = extract_mentions(graph, text)

    def copy_and_record() -> str:
        check(repo.locked(report_id, viewer))  # the rules on the state the copy reads
        copy_id = repo.sanitise(report_id, viewer, title=title, text=text,
                                handling=handling, mentions=mentions)
        audit("report.sanitise", copy_id, {"original": report_id, "handling": handling})
        return copy_id

    return graph.atomically(copy_and_record)


@atomic
def give_feedback(
    graph: Graph, user: Any, report_id: str, *, useful: bool, actioned: bool, result: str
) -> str:
    result = (result or "").strip()
    if len(result) > MAX_RESULT:
        raise InvalidInput(f"Keep the result under {MAX_RESULT} characters.")
    repo = DisseminationRepository(graph)
    repo.report(report_id, viewer_param(user))  # NotFound when not visible at all
    feedback_id = repo.add_feedback(
        report_id, viewer_param(user), useful=bool(useful), actioned=bool(actioned), result=result
    )
    audit("report.feedback", report_id, {"useful": bool(useful), "actioned": bool(actioned)})
    return feedback_id


def report_view(
    graph: Graph, user: Any, report_id: str, via: str = "dissemination"
) -> dict[str, Any]:
    """What the dissemination page shows about a report (NotFound when not visible); the
    read, or the refused attempt, is audited as a report read."""
    repo = DisseminationRepository(graph)
    viewer = viewer_param(user)
    report = recorded_read("report.read", report_id, lambda: repo.report(report_id, viewer),
                           {"via": via})
    return {
        "report": report,
        "log": repo.log(viewer, report_id=report_id),
        "feedback": repo.feedback(report_id, viewer),
        "may_give_feedback": repo.may_give_feedback(report_id, viewer),
        "may_consent": policy.may(user, policy.DISSEMINATE) and user.unit == report["unit"],
        "may_send_to_partner": policy.may(user, policy.DISSEMINATE)
        and report["status"] in SENDABLE,
        "may_sanitise": policy.may(user, policy.DISSEMINATE)
        and (user.unit == report["unit"] or policy.may(user, policy.ADMINISTER))
        and report["status"] in SENDABLE,
    }


def report_actions(graph: Graph, user: Any, report: dict[str, Any]) -> dict[str, bool]:
    """Which dissemination pages ``user`` may act on for ``report`` (already visible to
    them): the report page links only to those."""
    officer = policy.may(user, policy.DISSEMINATE)
    own_unit = user.unit == report.get("unit")
    sendable = report.get("status") in SENDABLE
    return {
        "disseminate": officer and sendable,
        "consent": officer and own_unit and report.get("handling") == "originator",
        "sanitise": officer and (own_unit or policy.may(user, policy.ADMINISTER)) and sendable,
        "feedback": DisseminationRepository(graph).may_give_feedback(
            report["id"], viewer_param(user)),
    }


SOURCE_MARK = "[source]"
# The source's register fields that a report text may repeat (never its sealed identity).
SOURCE_FIELDS = (("codename", "codename"), ("id", "register number"),
                 ("handler", "handler's name"), ("controller", "controller's name"))


def redact_source(text: str, source: dict[str, Any] | None) -> tuple[str, list[dict[str, Any]]]:
    """``text`` with the source's codename and other register fields replaced by
    ``[source]`` (whole words, any case), and what was replaced: field and occurrences."""
    redacted: list[dict[str, Any]] = []
    for key, label in SOURCE_FIELDS:
        value = str((source or {}).get(key) or "").strip()
        if len(value) < 2:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE)
        text, count = pattern.subn(SOURCE_MARK, text)
        if count:
            redacted.append({"field": label, "count": count})
    return text, redacted


def sanitise_draft(graph: Graph, report: dict[str, Any]) -> dict[str, Any]:
    """What the sanitised-copy form starts from: the original's title and text with its
    source redacted, what was redacted (in the text), and the original's handling code."""
    from graph.sources import SourceRepository

    codename = report.get("source")
    source = (SourceRepository(graph).get(codename) if codename else None) or {}
    fields = {"codename": codename, **source}
    text, redacted = redact_source(report.get("text") or "", fields)
    title, _redactions = redact_source(f"{report.get('title') or report['id']} (sanitised)", fields)
    handling = report.get("handling")
    return {"text": text, "title": title, "redacted": redacted,
            "handling": handling if handling in HANDLING_CODES else HANDLING_CODES[-1]}


def feedback_summary(graph: Graph, user: Any, report_id: str) -> dict[str, Any]:
    """Context for ``dissemination/_feedback.html`` on any report page: ``feedback``."""
    return DisseminationRepository(graph).feedback(report_id, viewer_param(user))


def remind_feedback(graph: Graph, days: int) -> list[str]:
    """Remind every recipient who has not answered a report sent ``days`` or more days ago,
    once per report and recipient (run by each web worker's background round and by
    ``flask feedback remind``); returns the ids of the officers told now."""
    if days < 0:
        raise InvalidInput("CORDON_FEEDBACK_DAYS is a number of days, 0 or more.")
    return notify.feedback_due(graph, utc_days_ago(days))


def awaiting_feedback(graph: Graph, user: Any, days: int) -> list[dict[str, Any]]:
    """Reports sent to ``user`` or their unit that still await this recipient's feedback,
    each with the day its reminder is due and whether that day has passed."""
    rows = DisseminationRepository(graph).awaiting_feedback(viewer_param(user))
    now = datetime.now(UTC)
    awaiting = []
    for row in rows:
        due = datetime.fromisoformat(row["sent"]) + timedelta(days=days)
        awaiting.append({**row, "due": due.isoformat(timespec="seconds"), "overdue": due <= now,
                         "to": "you" if "user" in row["kinds"] else "your unit"})
    return awaiting


def feedback_by_unit(graph: Graph, user: Any) -> list[dict[str, Any]]:
    """Per recipient unit, how many of the sendings ``user`` may see (the dissemination
    log's rule) were answered: the dashboard's feedback rate per unit."""
    return DisseminationRepository(graph).feedback_by_unit(viewer_param(user))


def log(graph: Graph, user: Any) -> dict[str, Any]:
    repo = DisseminationRepository(graph)
    viewer = viewer_param(user)
    return {"entries": repo.log(viewer), "rate": repo.feedback_rate(viewer)}
