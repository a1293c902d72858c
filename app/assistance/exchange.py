"""Mutual assistance requests and replies travelling in exchange packages.

A package's ``assistance_requests`` section (covered by its manifest, signed and encrypted
like the rest: graph/exchange/package.py) holds

- ``{"kind": "request", "id", "reference", "legal_basis", "legal_text", "questions",
  "deadline", "subjects": [{"kind", "ref", "name"}], "declarations": [{"id", "date"}]}``:
  the partner's Cordon records it as an incoming request of the partner's receiving unit;
- ``{"kind": "reply", "in_reply_to" (the request's id at its sender), "reference",
  "their_reference", "text", "answered_at", "files": [{"name", "data" (base64)}]}``: it
  lands on the request we sent to that partner, its files attached.

Everything is checked before anything is written (app/cooperation/service.py refuses the
whole package with the reason); a request received twice is stored once. Every sending
and receiving is audited.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app.assistance.service import (
    LEGAL_BASES,
    MAX_DECLARATIONS,
    MAX_LEGAL_TEXT,
    MAX_QUESTIONS,
    MAX_REPLY,
    MAX_SUBJECTS,
    AssistanceError,
    authorize,
    read,
)
from app.audit import audit
from app.cooperation.service import _slug, keys
from app.evidence import content
from app.evidence import service as evidence
from app.evidence.service import MAX_FILES, Evidence, EvidenceError, Upload, clean_name
from app.mail import mail_enabled
from graph import notify
from graph.access import viewer_param
from graph.assistance import AssistanceRepository
from graph.clock import utc_now
from graph.connection import Graph
from graph.evidence import EvidenceRepository, Parent
from graph.exchange.package import PackageRefused, seal
from graph.exchange.records import text_problem
from graph.filestore import file_store
from graph.messages import N_, message_of
from graph.partners import PartnerRepository

# Requests received are named by a stable id, so the same request read twice is one.
RECEIVED_REQUESTS = uuid.UUID("9d0c6a3e-1f7b-4b5e-8a42-6c1d2e3f4a5b")
MAX_ITEMS = 50


def _envelope(config: Mapping[str, Any], partner: Mapping[str, Any],
              items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"sender": {"administration": config.get("CORDON_ADMINISTRATION") or None,
                       "country": config.get("CORDON_COUNTRY") or None},
            "recipient": partner["name"], "reports": [], "entities": [], "relations": [],
            "assistance_requests": items}


def _sealed(config: Mapping[str, Any], partner: Mapping[str, Any], item: dict[str, Any],
            reference: str) -> dict[str, Any]:
    package_id = str(uuid.uuid4())
    data = seal(_envelope(config, partner, [item]), keys(config), partner["encryption_key"],
                package_id=package_id, created=utc_now())
    return {"package_id": package_id, "data": data, "partner": partner["name"],
            "filename": f"cordon-assistance-{_slug(partner['name'])}-{reference}.json"}


def build_request_package(graph: Graph, user: Any, config: Mapping[str, Any],
                          request_id: str) -> dict[str, Any]:
    """Seal an outgoing request for its partner and mark it sent: ``{"package_id",
    "data", "filename", "partner"}``. Raises :class:`AssistanceError`."""
    authorize(user)
    row = read(graph, user, request_id, via="package")
    if row["direction"] != "outgoing" or row["status"] not in ("draft", "sent"):
        raise AssistanceError(_("Only an outgoing request not yet acknowledged goes in a "
                                "package."), "status", 409)
    partner = PartnerRepository(graph).get(row["partner"]["id"])
    repo = AssistanceRepository(graph)
    item = {"kind": "request", "id": row["id"], "reference": row["reference"],
            "legal_basis": row["legal_basis"], "legal_text": row.get("legal_text"),
            "questions": row["questions"], "deadline": row["deadline"],
            "subjects": repo.package_subjects(request_id),
            "declarations": repo.declaration_dates(row.get("declarations") or [])}

    def work() -> dict[str, Any]:
        sent = _sealed(config, partner, item, row["reference"])
        repo.update(viewer_param(user), request_id, {
            "status": "sent", "sent_at": row.get("sent_at") or utc_now(),
            "package": sent["package_id"]})
        audit("assistance.send", row["reference"], {
            "id": request_id, "partner": partner["name"], "package": sent["package_id"],
            "subjects": len(item["subjects"]), "declarations": len(item["declarations"])})
        return sent

    return graph.atomically(work)


def build_reply_package(graph: Graph, user: Any, config: Mapping[str, Any],
                        request_id: str) -> dict[str, Any]:
    """Seal our answer to an incoming request, with its files, for the partner that sent
    it. Raises :class:`AssistanceError`."""
    authorize(user)
    row = read(graph, user, request_id, via="package")
    if row["direction"] != "incoming" or row["status"] != "answered":
        raise AssistanceError(_("Write the reply first; then it goes back to the partner."),
                              "reply", 409)
    if not row.get("partner_request_id"):
        raise AssistanceError(_("This request did not come in a package: answer it the way "
                                "it came."), "reply", 409)
    partner = PartnerRepository(graph).get(row["partner"]["id"])
    store = file_store(config["CORDON_DATA"])
    files = []
    for f in row["files"]:
        with store.open(f["sha256"]) as handle:
            files.append({"name": f["name"], "data": base64.b64encode(handle.read()).decode()})
    item = {"kind": "reply", "in_reply_to": row["partner_request_id"],
            "their_reference": row.get("partner_reference"), "reference": row["reference"],
            "text": row["reply_text"], "answered_at": row["answered_at"], "files": files}

    def work() -> dict[str, Any]:
        sent = _sealed(config, partner, item, row["reference"])
        repo = AssistanceRepository(graph)
        repo.update(viewer_param(user), request_id, {"reply_sent_at": utc_now(),
                                                     "package": sent["package_id"]})
        audit("assistance.reply.send", row["reference"], {
            "id": request_id, "partner": partner["name"], "package": sent["package_id"],
            "files": len(files)})
        return sent

    return graph.atomically(work)


# --------------------------------------------------------------------------- receiving


def _string(item: Mapping[str, Any], name: str, limit: int, *, required: bool = False,
            multiline: bool = True) -> str | None:
    value = item.get(name)
    if value is None or value == "":
        if required:
            raise PackageRefused(N_("an assistance %(kind)s has no %(name)s",
                                    kind=item.get("kind"), name=name))
        return None
    if not isinstance(value, str) or len(value) > limit or text_problem(
            value, multiline=multiline):
        raise PackageRefused(N_("the %(name)s of an assistance %(kind)s is not text of at "
                                "most %(limit)s characters", kind=item.get("kind"), name=name,
                                limit=limit))
    return value


def _described(values: Any, fields: tuple[str, ...], limit: int, what: str) -> list[dict]:
    if values is None:
        return []
    if not isinstance(values, list) or len(values) > limit:
        raise PackageRefused(N_("an assistance request's %(what)s are not a list of at most "
                                "%(limit)s", what=what, limit=limit))
    out = []
    for value in values:
        if not isinstance(value, dict):
            raise PackageRefused(N_("an assistance request's %(what)s are not records",
                                    what=what))
        out.append({f: _string(value, f, 300, multiline=False) for f in fields})
    return out


def _request(item: Mapping[str, Any]) -> dict[str, Any]:
    deadline = _string(item, "deadline", 10, multiline=False)
    if deadline is not None:
        try:
            deadline = date.fromisoformat(deadline).isoformat()
        except ValueError:
            raise PackageRefused(N_("an assistance request's deadline is not a date")) from None
    basis = item.get("legal_basis")
    basis = basis if isinstance(basis, str) else None
    return {
        "kind": "request", "id": _string(item, "id", 100, required=True, multiline=False),
        "reference": _string(item, "reference", 60, required=True, multiline=False),
        "legal_basis": basis if basis in LEGAL_BASES else "other",
        "legal_text": _string(item, "legal_text", MAX_LEGAL_TEXT, multiline=False)
        or (None if basis in LEGAL_BASES else str(basis or "")[:MAX_LEGAL_TEXT] or None),
        "questions": _string(item, "questions", MAX_QUESTIONS, required=True),
        "deadline": deadline,
        "subjects": _described(item.get("subjects"), ("kind", "ref", "name"), MAX_SUBJECTS,
                               "subjects"),
        "declarations": _described(item.get("declarations"), ("id", "date"),
                                   MAX_DECLARATIONS, "declarations"),
    }


def _reply(graph: Graph, item: Mapping[str, Any], partner: Mapping[str, Any]) -> dict[str, Any]:
    ours = _string(item, "in_reply_to", 100, required=True, multiline=False) or ""
    if not AssistanceRepository(graph).sent_to(ours, partner["id"]):
        raise PackageRefused(N_("the reply answers no assistance request we sent to "
                                "%(partner)s", partner=partner["name"]))
    files = item.get("files") or []
    if not isinstance(files, list) or len(files) > MAX_FILES:
        raise PackageRefused(N_("an assistance reply carries at most %(max)s files",
                                max=MAX_FILES))
    decoded = []
    for f in files:
        if not isinstance(f, dict) or not isinstance(f.get("data"), str):
            raise PackageRefused(N_("an assistance reply's files are not records"))
        try:
            data = base64.b64decode(f["data"], validate=True)
            content.sniff(data)
        except (binascii.Error, ValueError) as exc:
            raise PackageRefused(N_("an assistance reply's file %(name)s is refused: %(why)s",
                                    name=clean_name(f.get("name")), why=str(exc))) from None
        decoded.append((clean_name(str(f.get("name") or "")), data))
    answered = _string(item, "answered_at", 40, multiline=False)
    return {"kind": "reply", "in_reply_to": ours,
            "reference": _string(item, "reference", 60, required=True, multiline=False),
            "text": _string(item, "text", MAX_REPLY, required=True),
            "answered_at": answered, "files": decoded}


def read_section(graph: Graph, payload: Mapping[str, Any],
                 partner: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The package's requests and replies, checked; :class:`PackageRefused` with the
    reason when one cannot be taken (nothing is written then)."""
    items = payload.get("assistance_requests")
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise PackageRefused(N_("the package's assistance requests are not a list of at most "
                                "%(max)s", max=MAX_ITEMS))
    checked = []
    for item in items:
        if not isinstance(item, dict) or item.get("kind") not in ("request", "reply"):
            raise PackageRefused(N_("the package's assistance requests are not requests or "
                                    "replies"))
        checked.append(_request(item) if item["kind"] == "request"
                       else _reply(graph, item, partner))
    return checked


def take(graph: Graph, config: Mapping[str, Any], partner: Mapping[str, Any],
         items: list[dict[str, Any]], package_id: str) -> list[str]:
    """Store checked requests and replies; returns a line for each, as the CLI prints."""
    lines = []
    for item in items:
        if item["kind"] == "request":
            lines.append(_take_request(graph, partner, item, package_id))
        else:
            lines.append(_take_reply(graph, config, partner, item, package_id))
    return lines


def _take_request(graph: Graph, partner: Mapping[str, Any], item: dict[str, Any],
                  package_id: str) -> str:
    repo = AssistanceRepository(graph)
    request_id = "MAR-" + uuid.uuid5(RECEIVED_REQUESTS,
                                     f"{partner['verify_key']}|{item['id']}").hex[:24]
    if repo.exists(request_id):
        return f"assistance request {item['reference']} was received before"
    fields = {"direction": "incoming", "status": "sent", "legal_basis": item["legal_basis"],
              "legal_text": item["legal_text"], "questions": item["questions"],
              "deadline": item["deadline"], "unit": partner.get("unit") or "HQ",
              "created_by": None, "created_by_email": None, "sent_at": utc_now(),
              "partner_reference": item["reference"], "partner_request_id": item["id"],
              "subjects_json": json.dumps(item["subjects"], ensure_ascii=False),
              "declarations_json": json.dumps(item["declarations"], ensure_ascii=False),
              "package": package_id}

    def work() -> str:
        reference = repo.receive(request_id, partner["id"], fields)
        graph.write(notify.assistance_arrived, request_id, "received", mail=mail_enabled())
        audit("assistance.receive", reference, {
            "id": request_id, "partner": partner["name"], "their_reference": item["reference"],
            "package": package_id, "subjects": len(item["subjects"])})
        return reference

    reference = graph.atomically(work)
    return f"assistance request {item['reference']} received as {reference}"


def _take_reply(graph: Graph, config: Mapping[str, Any], partner: Mapping[str, Any],
                item: dict[str, Any], package_id: str) -> str:
    store = Evidence.from_config(graph, config)
    try:
        prepared = store.prepare([Upload(name, io.BytesIO(data))
                                  for name, data in item["files"]], by=partner["name"])
    except EvidenceError as exc:
        raise PackageRefused(N_("an assistance reply's file is refused: %(why)s",
                                why=message_of(exc))) from None
    changes = {"status": "answered", "answered_at": item["answered_at"] or utc_now(),
               "reply_text": item["text"], "reply_by": partner["name"],
               "reply_received_at": utc_now(), "partner_reference": item["reference"]}

    def work() -> str:
        reference = AssistanceRepository(graph).answered_by_partner(
            item["in_reply_to"], partner["id"], changes)
        if reference is None:
            raise PackageRefused(N_("the reply answers no assistance request we sent to "
                                    "%(partner)s", partner=partner["name"]))
        if prepared:
            EvidenceRepository(graph).attach(Parent.ASSISTANCE, item["in_reply_to"],
                                             evidence.rows(prepared))
        graph.write(notify.assistance_arrived, item["in_reply_to"], "answered",
                    mail=mail_enabled())
        audit("assistance.reply.receive", reference, {
            "id": item["in_reply_to"], "partner": partner["name"], "package": package_id,
            "files": evidence.summary(prepared)})
        return reference

    try:
        reference = store.saved(prepared, lambda: graph.atomically(work))
    except PackageRefused as exc:
        audit("exchange.package.refused", package_id, {
            "direction": "receive", "partner": partner["name"], "reason": str(exc)})
        raise
    return f"reply {item['reference']} to assistance request {reference} received"
