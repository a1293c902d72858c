"""Formats partners read: STIX 2.1 bundles of reports (out and in), FollowTheMoney
entities (persons, companies, ownership, directorship) and the WCO seizure CSV.

An export is a release: each report must pass the dissemination rules for a partner
(evaluated, the handling code, the originating unit's consent for ``originator`` — to the
named partner, so an ``originator`` report leaves only to a partner it consented to) and
the partner's terms (``partner_refusal``: no informant original, no codename; the handling
codes the named partner may receive). Reports the user may not see are not found. The
entities and relations are those of the reports themselves, as in an exchange package,
so a source's codename or link never leaves. Every export, refusal and import is audited.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.audit import audit
from app.cooperation.service import (
    PackageRefused,
    Refused,
    keys,
    partner_records,
    partner_refusal,
    payload_report,
    store_records,
    unit_names_tx,
)
from app.dissemination.service import refusal as dissemination_refusal
from graph import policy
from graph.access import viewer_param
from graph.connection import Graph
from graph.declarations import DeclarationRepository
from graph.dissemination import DisseminationRepository
from graph.exchange import ftm, stix
from graph.grading import Grading
from graph.messages import N_
from graph.partners import PartnerRepository, package_content_tx

MAX_EXPORT_REPORTS = 200
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# The WCO seizure columns (as the Customs Enforcement Network's seizure form reads them).
SEIZURE_HEADER = ("seizure_date", "place", "declaration", "commodity", "hs_code", "quantity",
                  "quantity_unit", "weight_kg", "value", "concealment_method", "conveyance",
                  "transport_mode", "country_of_origin", "country_of_departure",
                  "country_of_destination", "offenders_nationality")  # fmt: skip


def _releasable(graph: Graph, user: Any, report_ids: Sequence[str],
                partner_name: str | None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    ids = list(dict.fromkeys(r for r in report_ids if r))
    if not ids:
        raise Refused("Choose at least one report.")
    if len(ids) > MAX_EXPORT_REPORTS:
        raise Refused(f"An export holds at most {MAX_EXPORT_REPORTS} reports.")
    partner = None
    if partner_name:
        partner = PartnerRepository(graph).by_name(partner_name)
        if partner is None:
            raise Refused(f"No partner named {partner_name!r} is registered.")
    recipient = ({"kind": "partner", "id": partner["id"], "name": partner["name"]}
                 if partner else {"kind": "partner", "id": "", "name": "a partner"})
    repo, viewer = DisseminationRepository(graph), viewer_param(user)
    reports = []
    for report_id in ids:
        report = repo.releasable(report_id, viewer)  # Hidden/NotFound: answered as missing
        terms = partner or {"name": "a partner", "handling": [report.get("handling")]}
        reason = dissemination_refusal(report, user, recipient) or partner_refusal(report, terms)
        if reason:
            raise Refused(reason)
        reports.append(report)
    return reports, partner


def _content(graph: Graph, user: Any, report_ids: Sequence[str], partner_name: str | None,
             what: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    try:
        reports, partner = _releasable(graph, user, report_ids, partner_name)
    except Refused as exc:
        audit("exchange.export.refused", what, {"reports": list(report_ids),
                                                "partner": partner_name, "reason": str(exc)})
        raise
    content = graph.read(package_content_tx, [r["id"] for r in reports])
    reference_of = {r["id"]: r.get("reference") or r["id"] for r in reports}
    for relation in content["relations"]:
        relation["report"] = reference_of[relation["report"]]
    audit("exchange.export", what, {
        "reports": sorted(reference_of.values()), "partner": partner and partner["name"],
        "entities": len(content["entities"])})
    return reports, content


def stix_bundle(graph: Graph, user: Any, config: Mapping[str, Any],
                report_ids: Sequence[str], partner_name: str | None = None) -> dict[str, Any]:
    """The STIX 2.1 bundle of the reports (with their entities and relations); raises
    :class:`Refused` (audited) when one may not leave."""
    reports, content = _content(graph, user, report_ids, partner_name, "stix")
    payload = []
    for report in reports:
        item = payload_report(report, None)
        item["entities"] = content["mentions"].get(report["id"], [])
        payload.append(item)
    return stix.bundle(payload, content["entities"], content["relations"],
                       origin=keys(config).verify_key,
                       producer=config.get("CORDON_ADMINISTRATION") or None)


def ftm_lines(graph: Graph, user: Any, config: Mapping[str, Any], report_ids: Sequence[str],
              partner_name: str | None = None) -> bytes:
    """The FollowTheMoney entities of the reports' persons and companies, with the
    ownership and directorship they state (line-based JSON)."""
    _reports, content = _content(graph, user, report_ids, partner_name, "ftm")
    return ftm.lines(ftm.entities(content["entities"], content["relations"],
                                  publisher=config.get("CORDON_ADMINISTRATION") or None))


def import_stix(graph: Graph, config: Mapping[str, Any], data: bytes, partner_name: str,
                user: Any) -> dict[str, Any]:
    """A partner's STIX bundle as ``partner_agency`` intake reports of the partner's
    receiving unit (entities found again by extraction and resolution, relations kept).
    A report read before is found again (same id): nothing new is stored. Raises
    :class:`PackageRefused` saying why. ``user`` None: the CLI (the operator)."""
    partner = PartnerRepository(graph).by_name(partner_name or "")
    by = getattr(user, "id", None) or "cli"
    try:
        if user is not None and not policy.may(user, policy.DISSEMINATE):
            raise PackageRefused(N_("only an intelligence officer takes a partner's bundle in"))
        if partner is None:
            raise PackageRefused(N_("no partner named %(name)r is registered", name=partner_name))
        try:
            read = stix.read(data)
        except stix.BundleRefused as exc:
            raise PackageRefused(str(exc)) from None
        bundle_id = "stix:" + hashlib.sha256(data).hexdigest()[:32]
        payload = {"reports": read["reports"], "entities": [], "relations": []}
        for relation in read["relations"]:
            ends = []
            for end in (relation["from"], relation["to"]):
                key = f"{end['kind']}|{end['id']}"
                payload["entities"].append({"id": key, "kind": end["kind"], "ref": end["id"]})
                ends.append(key)
            payload["relations"].append({"from": ends[0], "to": ends[1],
                                         "type": relation["type"], "date": relation["date"],
                                         "report": relation["report"]})
        grading = Grading.from_config(config)
        records = partner_records(payload, bundle_id, partner, grading, graph.read(unit_names_tx))
    except PackageRefused as exc:
        audit("exchange.stix.refused", partner_name or "", {"reason": str(exc), "by": by})
        raise
    summary = store_records(graph, grading, records, partner, bundle_id)
    ours = [r.key for r in records if r.kind == "report"]
    audit("exchange.stix.import", bundle_id, {
        "partner": partner["name"], "reports": ours, "by": by,
        "created": summary.by_kind["report"]["created"]})
    return {"partner": partner["name"], "reports": ours,
            "created": summary.by_kind["report"]["created"]}


def seizure_rows(graph: Graph, user: Any, start: str | None,
                 end: str | None) -> list[list[Any]]:
    """The WCO seizure lines (one per seized item) of the controls in the date range;
    parties' nationalities only as far as the user may see the parties."""
    if not policy.may(user, policy.DISSEMINATE):
        raise Refused("Only intelligence officers export seizures for partners.")
    for day in (start, end):
        if day and not _DAY.fullmatch(day):
            raise Refused(f"{day!r} is not a date (YYYY-MM-DD).")
    rows = []
    for row in DeclarationRepository(graph).seizures(start or None, end or None,
                                                     viewer_param(user)):
        item, extra = row["item"], row["extra"]
        conveyance = "; ".join(x for x in (row["container"], row["vessel"], row["vehicle"]) if x)
        rows.append([
            row["date"], row["office"], row["declaration"],
            item.get("description") or item.get("commodity"), item.get("hs"),
            item.get("quantity"), item.get("unit"), item.get("weight_kg"), item.get("value"),
            item.get("concealment") or extra.get("concealment") or row["finding"],
            conveyance, row["mode"], row["origin"], row["departure"], row["destination"],
            " ".join(sorted({str(n) for n in row["nationalities"] if n}))])
    audit("exchange.export", "seizures", {"from": start, "to": end, "lines": len(rows)})
    return rows
