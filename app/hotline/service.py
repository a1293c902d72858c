"""Hotline rules shared by the pages (and any future API): tips, follow-ups, replies.

Privacy by construction: these functions never receive a request, so no address, user
agent or cookie can reach the graph. A tipster proves they own a tip with the reference
and the follow-up code; the code is shown once and stored only as a SHA-256 hash (it has
100 random bits, so a fast hash is enough: there is nothing to brute-force).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app.audit import audit, recorded_read
from app.evidence import service as ev
from app.evidence.service import Evidence, EvidenceError, Prepared, Upload
from app.i18n import current_language, say
from app.watch import notify
from graph import policy
from graph.access import viewer_param
from graph.clock import utc_now
from graph.connection import Graph, atomic
from graph.errors import Duplicate, NotFound, Refused
from graph.evidence import EvidenceRepository, Parent
from graph.exchange.records import text_problem
from graph.hotline import HOTLINE_AUTHOR, TipRepository
from graph.reports import ReportRepository
from nlp import Mention, detect_language

# Crockford base32: no I, L, O, U, so codes survive being read aloud or written by hand.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
REFERENCE_CHARS = 8  # T-XXXX-XXXX: 40 bits, unique by constraint
CODE_CHARS = 20  # XXXXX-XXXXX-XXXXX-XXXXX: 100 bits
MAX_TEXT = 10_000
_DUMMY_HASH = "sha256:" + "0" * 64


class TipAccessDenied(Exception):
    """Reference and code do not match; deliberately says no more than that."""


class TipError(Refused, ValueError):
    """Bad input for a tip, a follow-up or a reply; ``field`` names the form field."""

    def __init__(self, message: str, field: str = "details") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TipReceipt:
    reference: str
    code: str  # shown to the tipster once, never stored


def _random(chars: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(chars))


def _grouped(text: str, size: int) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


def new_reference() -> str:
    return "T-" + _grouped(_random(REFERENCE_CHARS), 4)


def new_code() -> str:
    return _grouped(_random(CODE_CHARS), 5)


def _canonical(text: str) -> str:
    """Upper case, confusable letters folded, separators dropped."""
    return "".join(c for c in (text or "").upper().translate(_CONFUSABLE) if c in ALPHABET)


def normalise_reference(text: str) -> str:
    raw = (text or "").strip().upper()
    raw = raw[2:] if raw.startswith("T-") else raw
    body = _canonical(raw)
    return "T-" + _grouped(body, 4) if len(body) == REFERENCE_CHARS else ""


def code_hash(code: str) -> str:
    return "sha256:" + hashlib.sha256(_canonical(code).encode()).hexdigest()


def tip_language(*answers: str) -> str:
    """The language the tipster wrote in (the page's when the answers are too short to
    tell): the tip's labels and title are written in it, so an Arabic tip reads in Arabic."""
    return detect_language("\n".join(a for a in answers if a), default=current_language())


def compose_tip(what: str, where: str, when: str, who: str, details: str
                ) -> tuple[str, str, str]:
    """The report title, text and language from the form's questions (empty answers left
    out), each answer under its question's label in the language the tipster wrote in."""
    answers = {"what": what, "where": where, "when": when, "who": who, "details": details}
    if not any((value or "").strip() for value in answers.values()):
        raise TipError(_("Please tell us what happened."), "what")
    for name, value in answers.items():
        if value and (problem := text_problem(value)):
            raise TipError(_("This answer %(problem)s.", problem=say(problem)), name)
    language = tip_language(*answers.values())
    with force_locale(language):
        labels = {"what": _("What"), "where": _("Where"), "when": _("When"), "who": _("Who")}
        lines = [_("%(question)s: %(answer)s", question=label, answer=answers[name].strip())
                 for name, label in labels.items() if (answers[name] or "").strip()]
        body = "\n".join(lines)
        if details and details.strip():
            body = f"{body}\n\n{details.strip()}" if body else details.strip()
        first = ((what or "").strip() or body).splitlines()[0]
        title = _("Hotline tip: %(summary)s",
                  summary=first[:80] + ("…" if len(first) > 80 else ""))
    if len(body) > MAX_TEXT:
        raise TipError(_("Please keep the tip under %(max)s characters.", max=MAX_TEXT), "details")
    return title, body, language


def _mentions(graph: Graph, text: str) -> list[Mention]:
    """Extract entities, recognising names already known in the graph (cached gazetteer)."""
    from app.intake.extraction import extract_mentions

    return extract_mentions(graph, text)


def _files(evidence: Evidence | None, uploads: Sequence[Upload]) -> list[Prepared]:
    """A tipster's files, checked and stored, photos always without their metadata (GPS,
    camera serials): nothing in them should point back to the tipster."""
    if evidence is None or not uploads:
        return []
    try:
        return evidence.prepare(uploads, by=HOTLINE_AUTHOR, strip=True, extract=True)
    except EvidenceError as exc:
        raise TipError(str(exc), "files") from None


def _attach(graph: Graph, report_id: str, files: list[Prepared]) -> None:
    """Within the tip's transaction: the files' records and the entities in their text."""
    if files:
        EvidenceRepository(graph).attach(Parent.REPORT, report_id, ev.rows(files))
        ReportRepository(graph).add_file_mentions(report_id, ev.mentions(files),
                                                  HOTLINE_AUTHOR)


def submit_tip(
    graph: Graph,
    *,
    what: str = "",
    where: str = "",
    when: str = "",
    who: str = "",
    details: str = "",
    contact: str = "",
    uploads: Sequence[Upload] = (),
    evidence: Evidence | None = None,
) -> TipReceipt:
    """Store a tip with its entities and files in the analysts' queue; return reference
    and code."""
    title, text, language = compose_tip(what, where, when, who, details)
    files = _files(evidence, uploads)
    try:
        mentions = _mentions(graph, text)
        receipt = _store_tip(graph, title, text, language, contact, mentions, files)
    except BaseException:
        if evidence is not None:
            evidence.discard(files)
        raise
    return receipt


def _store_tip(graph: Graph, title: str, text: str, language: str, contact: str,
               mentions: list[Any], files: list[Prepared]) -> TipReceipt:
    code = new_code()

    def store_and_record(report_id: str, reference: str) -> None:
        TipRepository(graph).create(
            report_id=report_id,
            reference=reference,
            code_hash=code_hash(code),
            title=title,
            text=text,
            language=language,
            contact=contact.strip() or None,
            message_id=str(uuid.uuid4()),
            mentions=mentions,
        )
        _attach(graph, report_id, files)
        detail: dict[str, Any] = {"reference": reference}
        if files:
            detail["files"] = ev.summary(files)
        audit("hotline.tip", report_id, detail, anonymous=True)
        notify.report_changed(graph, report_id)

    for _attempt in range(5):  # a reference collision (2^-40 per pair) just draws again
        reference = new_reference()
        try:
            graph.atomically(store_and_record, str(uuid.uuid4()), reference)
        except Duplicate:
            continue
        return TipReceipt(reference, code)
    raise RuntimeError("could not allocate a tip reference")


def open_tip(graph: Graph, reference: str, code: str) -> str:
    """The report id of the tip if reference and code match, else :class:`TipAccessDenied`.

    An unknown reference costs the same comparison as a wrong code, and both give the
    same answer, so the form tells nobody which references exist.
    """
    canonical_ref = normalise_reference(reference)
    key = TipRepository(graph).key(canonical_ref) if canonical_ref else None
    stored = key["code_hash"] if key else _DUMMY_HASH
    matches = hmac.compare_digest(stored, code_hash(code))
    if key is None or not matches or not _canonical(code):
        raise TipAccessDenied
    return key["report_id"]


def thread(graph: Graph, reference: str, code: str) -> list[dict[str, Any]]:
    report_id = open_tip(graph, reference, code)
    return TipRepository(graph).thread(report_id)


def followup_separator(language: str) -> str:
    """What sets a follow-up apart in the report's text, in the language the tipster wrote
    it in (as compose_tip writes the tip's own labels)."""
    with force_locale(language):
        heading = _("Further information from the tipster, %(at)s", at=utc_now())
    return f"\n\n--- {heading} ---\n"


def add_information(graph: Graph, reference: str, code: str, text: str,
                    uploads: Sequence[Upload] = (), evidence: Evidence | None = None) -> None:
    """Append the tipster's new information (text, files or both) to the tip, extracted
    and linked."""
    report_id = open_tip(graph, reference, code)
    text = (text or "").strip()
    if not text and not uploads:
        raise TipError(_("Please write the new information or attach a file."), "text")
    if len(text) > MAX_TEXT:
        raise TipError(_("Please keep it under %(max)s characters.", max=MAX_TEXT), "text")
    if problem := text_problem(text):
        raise TipError(_("This text %(problem)s.", problem=say(problem)), "text")
    files = _files(evidence, uploads)
    if not text:
        # what the tipster reads back in their thread: in the language of their page
        text = _("Sent %(files)s.", files=", ".join(f.row["name"] for f in files))
    try:
        _append(graph, report_id, text, files)
    except BaseException:
        if evidence is not None:
            evidence.discard(files)
        raise


def _append(graph: Graph, report_id: str, text: str, files: list[Prepared]) -> None:
    mentions = _mentions(graph, text)  # extraction (CPU) before the transaction

    def append_and_record() -> None:
        message_id = str(uuid.uuid4())
        TipRepository(graph).append_information(
            report_id,
            text=text,
            separator=followup_separator(tip_language(text)),
            message_id=message_id,
            mentions=mentions,
        )
        _attach(graph, report_id, files)
        detail: dict[str, Any] = {"chars": len(text)}
        if files:
            detail["files"] = ev.summary(files)
        audit("hotline.followup", report_id, detail, anonymous=True)
        notify.tip_followup(graph, report_id, message_id)

    graph.atomically(append_and_record)


def tip_for(graph: Graph, user: Any, report_id: str, via: str = "page") -> dict[str, Any]:
    """A tip with its thread as a signed-in officer may see it (NotFound otherwise); the
    read, or the refused attempt, is audited."""
    def fetch() -> dict[str, Any]:
        tip = TipRepository(graph).get_visible(report_id, viewer_param(user))
        tip["thread"] = TipRepository(graph).thread(report_id)
        tip["files"] = EvidenceRepository(graph).of(Parent.REPORT, report_id,
                                                    viewer_param(user))
        return tip

    return recorded_read("hotline.read", report_id, fetch, {"via": via})


@atomic
def reply(graph: Graph, user: Any, report_id: str, text: str) -> None:
    """An analyst's answer to the tipster (who reads it with reference and code)."""
    policy.require(user, policy.REPLY_TO_TIPS, _("Only intelligence officers answer tipsters."))
    text = (text or "").strip()
    if not text:
        raise TipError(_("Please write a reply."), "text")
    if len(text) > MAX_TEXT:
        raise TipError(_("Please keep the reply under %(max)s characters.", max=MAX_TEXT), "text")
    if problem := text_problem(text):
        raise TipError(_("The reply %(problem)s.", problem=say(problem)), "text")
    TipRepository(graph).reply(report_id, viewer_param(user), text, str(uuid.uuid4()))
    audit("hotline.reply", report_id, {"chars": len(text)})


def tips_for(graph: Graph, user: Any) -> list[dict[str, Any]]:
    return TipRepository(graph).list_visible(viewer_param(user))


__all__ = [
    "NotFound",
    "TipAccessDenied",
    "TipError",
    "TipReceipt",
    "add_information",
    "open_tip",
    "reply",
    "submit_tip",
    "thread",
    "tip_for",
    "tips_for",
]
