"""Cooperation with partner agencies: the partner register, and exchange packages out and in.

Sending: a package holds sanitised reports only. Each report must pass the dissemination
rules (app/dissemination/service.py: evaluated, handling code, the originating unit's
choice or consent), and the partner's own terms: a handling code the partner may receive,
and no informant report other than a sanitised copy. A package never carries a source's
codename or link. The reports are disseminated to the partner in one transaction (the
dissemination log, the audit log), and the package is sealed there (graph/exchange/package.py).

Receiving: the package must verify (signature of a registered partner, not altered,
encrypted to this instance, content matching its manifest); its reports go through the
bulk import (graph/exchange, the one report writer) as ``partner_agency`` reports of the
partner's receiving unit, with their provenance kept on the report. A package received
before stores nothing again. Every package sent, received or refused is audited.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import audit
from app.dissemination.service import refusal as dissemination_refusal
from graph.access import viewer_param
from graph.clock import utc_now
from graph.connection import Graph
from graph.dissemination import DisseminationRepository, Refused
from graph.errors import Duplicate
from graph.errors import Refused as RefusedRequest
from graph.exchange.package import (
    InstanceKeys,
    PackageRefused,
    instance_keys,
    open_package,
    public_key_problem,
    seal,
)
from graph.exchange.records import Context, LineError, text_problem, validate
from graph.grading import Grading
from graph.messages import N_, Joined, message_of
from graph.partners import PartnerRepository, package_content_tx, queue_delivery_tx
from graph.vocabulary import Channel, is_country_code

PARTNER_KINDS = {"agency": _l("Agency (police, border guard, ...)"),
                 "administration": _l("Customs administration")}  # fmt: skip
MAX_CONDITIONS = 2_000
MAX_REPORTS = 200
MIN_TOKEN = 24
# Receiving instances name partners' reports by a stable id, so a package read twice (or a
# report sent in two packages) lands on the same report.
PARTNER_REPORTS = uuid.UUID("3f6b1c52-8d0e-4c1e-9a57-1b2f7c0e5d44")

__all__ = ["PackageRefused", "Refused"]


class PartnerError(RefusedRequest, ValueError):
    """Bad partner input; ``field`` names the form field."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


def keys(config: Mapping[str, Any]) -> InstanceKeys:
    """This instance's exchange keys (generated into the data folder at first use)."""
    return instance_keys(config["CORDON_DATA"])


# --------------------------------------------------------------------------- partners


def _partner_fields(data: Mapping[str, Any], grading: Grading, units: Iterable[str]) -> dict:
    fields: dict[str, Any] = {}
    for name, limit in (("name", 120), ("contact", 500)):
        value = str(data.get(name) or "").strip()
        if name == "name" and not value:
            raise PartnerError(_("Give the partner's name."), "name")
        if len(value) > limit or text_problem(value, multiline=False):
            raise PartnerError(_("Keep it under %(limit)s characters on one line.", limit=limit),
                               name)
        fields[name] = value or None
    kind = data.get("kind")
    if kind not in PARTNER_KINDS:
        raise PartnerError(_("Choose the kind: %(kinds)s.", kinds=", ".join(PARTNER_KINDS)), "kind")
    fields["kind"] = kind
    country = str(data.get("country") or "").strip().upper()
    if not is_country_code(country):
        raise PartnerError(_("%(country)s is not an ISO 3166-1 alpha-2 country code (BG, RO, "
                             "TR, ...).", country=country or _("Nothing")), "country")
    fields["country"] = country
    known = {g.code for g in grading.handling}
    handling = list(dict.fromkeys(data.get("handling") or []))
    unknown = [h for h in handling if h not in known]
    if unknown:
        raise PartnerError(_("Unknown handling code %(unknown)s; one of %(known)s.",
                             unknown=", ".join(map(repr, unknown)),
                             known=", ".join(sorted(known))), "handling")
    fields["handling"] = handling
    for name, kind_ in (("verify_key", "ed25519"), ("encryption_key", "x25519")):
        key = str(data.get(name) or "").strip()
        if public_key_problem(key, kind_):  # its words are English: the page says its own
            message = (_("The verify key (Ed25519) is not a public key: 44 base64 characters, "
                         "as the partner's Cordon shows it.")
                       if kind_ == "ed25519"
                       else _("The encryption key (X25519) is not a public key: 44 base64 "
                              "characters, as the partner's Cordon shows it."))
            raise PartnerError(message, name)
        fields[name] = key
    unit = data.get("unit") or "HQ"
    if unit not in set(units):
        raise PartnerError(_("No unit %(unit)s.", unit=unit), "unit")
    fields["unit"] = unit
    url = str(data.get("inbox_url") or "").strip()
    if problem := inbox_url_problem(url):
        raise PartnerError(problem, "inbox_url")
    fields["inbox_url"] = url or None
    for name in ("outbound_token", "inbound_token"):
        token = str(data.get(name) or "").strip()
        if not token:
            continue  # left blank: the token kept is unchanged
        if len(token) < MIN_TOKEN or len(token) > 200 or text_problem(token, multiline=False):
            raise PartnerError(_("A token is %(min)s to 200 characters on one line.",
                                 min=MIN_TOKEN), name)
        if name == "outbound_token":
            fields[name] = token
        else:
            fields["inbound_token_hash"] = token_hash(token)
    return fields


def inbox_url_problem(url: str) -> str | None:
    """Why ``url`` is not a partner inbox address (None: fine, or none given). HTTPS only;
    plain HTTP only to this machine (a test or a tunnel)."""
    if not url:
        return None
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        return _("The inbox address starts with https:// (plain http only to localhost).")
    if not parts.hostname or len(url) > 500 or text_problem(url, multiline=False):
        return _("The inbox address is not a web address.")
    return None


def token_hash(token: str) -> str:
    """How a partner's inbox token is kept: hashed as API tokens are (256 random bits need
    no slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def partner_for_token(graph: Graph, token: str) -> dict[str, Any] | None:
    """The partner presenting ``token`` at our inbox, or None."""
    return PartnerRepository(graph).by_inbound_token(token_hash(token)) if token else None


def save_partner(graph: Graph, user: Any, data: Mapping[str, Any], grading: Grading,
                 units: Iterable[str], partner_id: str | None = None) -> str:
    """Register a partner, or change one; returns its id. Raises :class:`PartnerError`."""
    fields = _partner_fields(data, grading, units)
    repo = PartnerRepository(graph)
    try:
        if partner_id is None:
            partner_id = repo.create(fields, by=user.id)
        else:
            repo.update(partner_id, fields, by=user.id)
    except Duplicate as exc:
        if "inbound_token" in str(exc):
            raise PartnerError(_("Another partner presents this token; give each its own."),
                               "inbound_token") from None
        if "verify_key" in str(exc):
            raise PartnerError(_("Another partner is registered with this verify key."),
                               "verify_key") from None
        raise PartnerError(_("A partner named %(name)s is registered already.",
                             name=fields["name"]),
                           "name") from None
    audit("partner.save", fields["name"], {
        "id": partner_id, "country": fields["country"], "handling": fields["handling"]})
    return partner_id


# --------------------------------------------------------------------------- sending


def partner_refusal(report: Mapping[str, Any], partner: Mapping[str, Any]) -> str | None:
    """Why ``report`` may not go to ``partner`` on the partner's terms (None: allowed)."""
    ref = report.get("reference") or report["id"]
    if report.get("channel") == Channel.INFORMANT.value and not report.get("sanitised"):
        return (f"{ref} is an informant report: only a sanitised copy goes to a partner "
                "(make one on its dissemination page).")
    codename = str(report.get("source") or "").strip().lower()
    if codename and (codename in (report.get("text") or "").lower()
                     or codename in (report.get("title") or "").lower()):
        return f"{ref} names its source's codename; send a sanitised copy."
    handling = report.get("handling")
    if handling not in (partner.get("handling") or []):
        allowed = ", ".join(partner.get("handling") or []) or "nothing yet"
        return (f"{ref}: {partner['name']} may not receive handling code {handling!r} "
                f"(it receives: {allowed}).")
    return None


def payload_report(report: Mapping[str, Any], conditions: str | None) -> dict[str, Any]:
    """What a partner receives of a report: never its source, unit, author or internal id."""
    return {
        "reference": report.get("reference") or report["id"],
        "title": report.get("title"),
        "text": report.get("text") or "",
        "channel": report.get("channel"),
        "received": report.get("received"),
        "handling": report.get("handling"),
        "grading": {"scheme": report.get("grading_scheme"),
                    "source_grade": report.get("source_grade"),
                    "info_grade": report.get("info_grade")},
        "conditions": conditions,
        "sanitised": bool(report.get("sanitised")),
    }


def build_package(graph: Graph, user: Any, config: Mapping[str, Any], partner_name: str,
                  report_ids: Sequence[str], conditions: str | None = None) -> dict[str, Any]:
    """Disseminate the reports to the partner and seal them into a package: returns
    ``{"package_id", "data" (the file's bytes), "filename", "partner", "references"}``.
    Raises :class:`Refused` (nothing sent, nothing logged but the refusal)."""
    conditions = (conditions or "").strip() or None
    if conditions and (len(conditions) > MAX_CONDITIONS or text_problem(conditions)):
        raise Refused(_("Keep the conditions under %(max_conditions)s characters of text.",
                        max_conditions=MAX_CONDITIONS))
    partner = PartnerRepository(graph).by_name(partner_name or "")
    if partner is None:
        raise Refused(_("No partner named %(partner_name)s is registered (see /admin/partners).",
                        partner_name=repr(partner_name)))
    ids = list(dict.fromkeys(r for r in report_ids if r))
    if not ids:
        raise Refused(_("Choose at least one report for the package."))
    if len(ids) > MAX_REPORTS:
        raise Refused(_("A package holds at most %(max_reports)s reports.",
                        max_reports=MAX_REPORTS))
    own = keys(config)
    package_id = str(uuid.uuid4())
    recipient = {"kind": "partner", "id": partner["id"], "name": partner["name"]}
    viewer = viewer_param(user)
    repo = DisseminationRepository(graph)

    def work() -> dict[str, Any]:
        sent: list[dict[str, Any]] = []
        for report_id in ids:  # each decided on the locked report, in the package's unit
            report = repo.locked(report_id, viewer)
            reason = dissemination_refusal(report, user, recipient) or partner_refusal(
                report, partner)
            if reason:
                raise Refused(reason)
            repo.send(report_id, viewer, [recipient], package=package_id)
            audit("report.disseminate", report["id"], {
                "to": "partner", "recipient": partner["name"], "handling": report["handling"],
                "package": package_id}, graph=graph)
            sent.append(report)
        content = graph.read(package_content_tx, [r["id"] for r in sent])
        content.pop("mentions")
        reference_of = {r["id"]: r.get("reference") or r["id"] for r in sent}
        for relation in content["relations"]:  # the partner knows our references only
            relation["report"] = reference_of[relation["report"]]
        payload = {
            "sender": {"administration": config.get("CORDON_ADMINISTRATION") or None,
                       "country": config.get("CORDON_COUNTRY") or None},
            "recipient": partner["name"],
            "reports": sorted((payload_report(r, conditions) for r in sent),
                              key=lambda r: r["reference"]),
            **content,
        }
        data = seal(payload, own, partner["encryption_key"], package_id=package_id,
                    created=utc_now())
        references = [r["reference"] for r in payload["reports"]]
        pushed = bool(partner.get("inbox_url") and partner.get("pushes"))
        if pushed:
            graph.write(queue_delivery_tx, package_id, partner["id"], data, user.id)
        audit("exchange.package.send", package_id, {
            "partner": partner["name"], "reports": references, "push": pushed,
            "entities": len(content["entities"]), "relations": len(content["relations"])})
        return {"package_id": package_id, "data": data, "partner": partner["name"],
                "references": references, "pushed": pushed,
                "filename": f"cordon-package-{_slug(partner['name'])}-{package_id[:8]}.json"}

    try:
        sent = graph.atomically(work)
    except Refused as exc:
        audit("exchange.package.refused", partner["name"], {
            "direction": "send", "reports": ids, "reason": str(exc)})
        raise
    if sent["pushed"]:  # at once; the background round retries when the partner is away
        sent["delivery"] = push_due(graph, config, package_id).get(package_id, "pending")
    return sent


def push_due(graph: Graph, config: Mapping[str, Any],
             package_id: str | None = None) -> dict[str, str]:
    """Push the packages due to their partners' inboxes (or the one package): each
    delivered, kept for a retry with backoff, or failed (refused by the partner, or too
    many attempts). Every attempt is audited. Returns {package id: status}."""
    repo = PartnerRepository(graph)
    claim = secrets.token_hex(8)
    done: dict[str, str] = {}
    for delivery in repo.claim_deliveries(claim, package_id):
        error, final = _post(delivery, config.get("PUSH_TIMEOUT_SECONDS", 20))
        status = repo.mark_delivery(delivery["id"], claim, attempts=delivery["attempts"],
                                    error=error, final=final,
                                    base_seconds=config.get("PUSH_RETRY_SECONDS", 60))
        audit("exchange.package.push", delivery["id"], {
            "partner": delivery["partner"], "status": status, "attempt":
            delivery["attempts"] + 1, **({"error": error} if error else {})}, graph=graph)
        done[delivery["id"]] = status
    return done


def _post(delivery: Mapping[str, Any], timeout: float) -> tuple[str | None, bool]:
    """POST one package to the partner's inbox: (None, _) when taken; (why, final) else,
    final when the partner refused it (retrying would not help)."""
    url = str(delivery["url"])
    if inbox_url_problem(url):  # only https (or http to localhost) is ever opened
        return f"{delivery['partner']}'s inbox address is not https", True
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=str(delivery["data"]).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {delivery['token']}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            answer.read()
        return None, False
    except urllib.error.HTTPError as exc:
        detail = _detail(exc)
        final = 400 <= exc.code < 500 and exc.code not in (408, 429)
        return f"{delivery['partner']} answered {exc.code}: {detail}", final
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"{delivery['partner']} is unreachable: {reason}", False


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        return exc.reason or ""
    return str(body.get("detail") or exc.reason) if isinstance(body, dict) else ""


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:40] or "partner"


def sendable_partners(graph: Graph) -> list[dict[str, Any]]:
    return [p for p in PartnerRepository(graph).list() if p.get("handling")]


# --------------------------------------------------------------------------- receiving


def receive_package(graph: Graph, config: Mapping[str, Any], data: bytes, *,
                    by: str, sender: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Verify and import a package file; returns ``{"package_id", "partner", "reports"
    (our ids), "created", "updated", "duplicate"}``. Raises :class:`PackageRefused` with
    the reason (audited); nothing is written then."""
    repo = PartnerRepository(graph)
    try:
        opened = open_package(data, keys(config),
                              lambda key: repo.by_verify_key(key) is not None)
        partner = repo.by_verify_key(opened.sender_key)
        if partner is None:  # removed between the two reads
            raise PackageRefused(N_("the package is signed by no known partner"))
        if sender is not None and sender["id"] != partner["id"]:
            raise PackageRefused(N_("the package is signed by %(signer)s, not by %(sender)s "
                                    "whose token was presented", signer=partner["name"],
                                    sender=sender["name"]))
        grading = Grading.from_config(config)
        earlier = repo.received(opened.package_id)
        if earlier is not None:
            audit("exchange.package.receive", opened.package_id, {
                "partner": partner["name"], "duplicate": True, "first_at": earlier["at"]})
            return {"package_id": opened.package_id, "partner": partner["name"],
                    "reports": earlier["reports"], "created": 0, "updated": 0,
                    "duplicate": True}
        records = partner_records(opened.payload, opened.package_id, partner, grading,
                                  graph.read(unit_names_tx))
        from app.assistance import exchange as assistance

        requests = assistance.read_section(graph, opened.payload, partner)
    except PackageRefused as exc:
        audit("exchange.package.refused", "", {"direction": "receive", "reason": str(exc),
                                                "by": by})
        raise
    summary = store_records(graph, grading, records, partner, opened.package_id)
    ours = [r.key for r in records if r.kind == "report"]
    repo.record_received(opened.package_id, partner_id=partner["id"], by=by,
                         created=opened.created, reports=ours)
    taken = assistance.take(graph, config, partner, requests, opened.package_id)
    report_summary = summary.by_kind["report"]
    audit("exchange.package.receive", opened.package_id, {
        "partner": partner["name"], "reports": ours, "created": report_summary["created"],
        "relations": summary.by_kind["relation"]["created"]
        + summary.by_kind["relation"]["updated"]})
    return {"package_id": opened.package_id, "partner": partner["name"], "reports": ours,
            "created": report_summary["created"], "updated": report_summary["updated"],
            "duplicate": False, "assistance": taken}


def store_records(graph: Graph, grading: Grading, records: list[Any],
                  partner: Mapping[str, Any], package_id: str) -> Any:
    """Write a partner's checked records through the bulk import; :class:`PackageRefused`
    (audited) when the database refused one: the package is not taken."""
    from app.exchange.load import import_records

    summary = import_records(graph, records, grading)
    if summary.rejected:
        reasons = Joined(reason for _line, reason in summary.first_errors)
        audit("exchange.package.refused", package_id, {
            "direction": "receive", "partner": partner["name"], "reason": str(reasons)})
        raise PackageRefused(N_("the package could not be stored: %(reasons)s", reasons=reasons))
    return summary


def provenance(report: Mapping[str, Any]) -> dict[str, Any] | None:
    """A received report's provenance (partner, their reference, grading, handling,
    conditions) from its kept fields; None for any other report."""
    if report.get("channel") != Channel.PARTNER_AGENCY.value or not report.get("extra_json"):
        return None
    try:
        kept = json.loads(report["extra_json"])
    except (TypeError, ValueError):
        return None
    if not isinstance(kept, dict) or not kept.get("partner"):
        return None
    grading = kept.get("partner_grading") if isinstance(kept.get("partner_grading"), dict) else {}
    return {"partner": kept["partner"], "country": kept.get("partner_country"),
            "reference": kept.get("partner_reference"), "handling": kept.get("partner_handling"),
            "grade": "".join(str(grading.get(k) or "") for k in ("source_grade", "info_grade")),
            "scheme": grading.get("scheme"), "conditions": kept.get("conditions")}


def unit_names_tx(tx: Any) -> frozenset[str]:
    from graph.exchange.reports import unit_names

    return unit_names(tx)


def partner_report_id(partner: Mapping[str, Any], reference: str) -> str:
    return "P-" + uuid.uuid5(PARTNER_REPORTS, f"{partner['verify_key']}|{reference}").hex[:20]


def partner_records(payload: Mapping[str, Any], package_id: str, partner: Mapping[str, Any],
             grading: Grading, units: frozenset[str]) -> list[Any]:
    """The package's reports and relations as exchange records of this instance, all
    validated before anything is written (a bad one refuses the package, with its reason)."""
    ctx = Context(units=units, grading=grading)
    records, ids = [], {}
    problems: list[str] = []
    for item in payload["reports"]:
        if not isinstance(item, dict):
            raise PackageRefused(N_("the package's reports are not records"))
        reference = str(item.get("reference") or "")
        ids[reference] = partner_report_id(partner, reference)
        theirs = item.get("grading") if isinstance(item.get("grading"), dict) else {}
        same_scheme = theirs.get("scheme") == grading.scheme.name
        line = {
            "kind": "report", "id": ids[reference], "channel": Channel.PARTNER_AGENCY.value,
            "received": item.get("received"), "unit": partner.get("unit") or "HQ",
            "title": item.get("title"), "text": item.get("text"),
            "handling": item.get("handling"),
            "source_grade": theirs.get("source_grade") if same_scheme else None,
            "info_grade": theirs.get("info_grade") if same_scheme else None,
            # provenance, kept on the report (extra fields of the exchange format)
            "partner": partner["name"], "partner_country": partner.get("country"),
            "partner_reference": reference, "partner_grading": theirs,
            "partner_handling": item.get("handling"), "conditions": item.get("conditions"),
            "package": package_id,
        }
        try:
            records.append(validate(line, "report", ctx))
        except LineError as exc:
            problems.append(N_("report %(reference)s: %(why)s", reference=reference,
                               why=message_of(exc)))
    entities = {str(e.get("id")): e for e in payload["entities"] if isinstance(e, dict)}
    for rel in payload["relations"]:
        if not isinstance(rel, dict):
            raise PackageRefused(N_("the package's relations are not records"))
        start, end = entities.get(str(rel.get("from"))), entities.get(str(rel.get("to")))
        report_id = ids.get(str(rel.get("report")))
        if start is None or end is None or report_id is None:
            problems.append(N_("relation %(type)s: names an entity or report the package "
                               "does not hold", type=rel.get("type")))
            continue
        line = {"kind": "relation", "type": rel.get("type"), "date": rel.get("date"),
                "from": {"kind": str(start.get("kind") or "").lower(), "id": start.get("ref")},
                "to": {"kind": str(end.get("kind") or "").lower(), "id": end.get("ref")},
                # the relation is seen exactly by those who may see the report stating it
                "source": f"report:{report_id}"}
        try:
            records.append(validate(line, "relation", ctx))
        except LineError as exc:
            problems.append(N_("relation %(type)s: %(why)s", type=rel.get("type"),
                               why=message_of(exc)))
    if problems:
        raise PackageRefused(N_("the package cannot be taken as it is: %(problems)s",
                                problems=Joined(problems)))
    return records
