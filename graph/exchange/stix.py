"""STIX 2.1 bundles of sanitised reports, for partners whose tools read STIX (MISP,
OpenCTI, ...), and bundles read back as reports (docs/interfaces.md, "STIX 2.1").

Built and parsed with the ``stix2`` library, so what goes out and what comes in is
checked against the specification. A report is a ``report`` object; persons and traders or
organisations are ``identity`` objects; places are ``location`` objects; e-mail addresses
are ``email-addr`` observables; phones, containers, vessels, vehicles, documents and
commodities, which STIX has no type for, are ``x-cordon-*`` custom observables. A
relation a report states is a ``relationship``. Cordon's own words ride along as
``x_cordon_*`` properties (reference, handling code, grades, conditions, entity kind and
key), and the handling code is also a TLP marking. Ids are derived from what they
name, so one report exported twice gives the same bundle objects, and a re-import finds
its report again. Pure functions; no Flask, no Neo4j.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import stix2
from stix2.exceptions import STIXError
from stix2.properties import StringProperty
from stix2.utils import format_datetime

from graph import safejson

NAMESPACE = uuid.UUID("6c1d7f0a-3e62-4f4e-9d2b-5b8a4f0c2e91")
TLP = {"open": stix2.TLP_GREEN, "restricted": stix2.TLP_AMBER, "originator": stix2.TLP_RED}
IDENTITY_KINDS = {"Person": "individual", "Trader": "organization",
                  "Organisation": "organization", "Agency": "organization"}  # fmt: skip
OBSERVABLE_KINDS = ("Phone", "Container", "Vessel", "Vehicle", "Document", "Commodity",
                    "Address")  # fmt: skip
MAX_BUNDLE_BYTES = 20 * 1024 * 1024


class BundleRefused(ValueError):
    """A bundle that cannot be taken; the message says why."""


def _observable(kind: str) -> type:
    @stix2.CustomObservable(f"x-cordon-{kind.lower()}", [
        ("value", StringProperty(required=True)),
        ("x_cordon_key", StringProperty()),
        ("x_cordon_imo", StringProperty()),
    ], id_contrib_props=["value"])
    class Observable:
        pass

    return Observable


OBSERVABLES = {kind: _observable(kind) for kind in OBSERVABLE_KINDS}
_KIND_OF_TYPE = {f"x-cordon-{kind.lower()}": kind for kind in OBSERVABLE_KINDS}


def _stable(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join(parts))}"


def _country(entity: Mapping[str, Any]) -> str | None:
    """A place's country from its reference (UN/LOCODE ``BGVAR``, ``XB:BG:...``, ``BG:...``)."""
    ref = str(entity.get("ref") or "")
    if match := re.match(r"^(?:XB:)?([A-Z]{2})(?:[:A-Z0-9]|$)", ref):
        return match.group(1)
    return entity.get("country")


def _entity_object(entity: Mapping[str, Any]) -> Any | None:
    kind, name = str(entity.get("kind") or ""), str(entity.get("name") or entity.get("ref"))
    ref = str(entity.get("ref") or name)
    own = {"x_cordon_kind": kind, "x_cordon_key": ref}
    if kind in IDENTITY_KINDS:
        extra = {"x_cordon_nationality": entity["nationality"]} if entity.get(
            "nationality") else {}
        return stix2.Identity(id=_stable("identity", kind, ref), name=name,
                              identity_class=IDENTITY_KINDS[kind], allow_custom=True,
                              **own, **extra)
    if kind == "Location":
        country = _country(entity)
        where = {"country": country} if country else {"region": "unknown"}
        return stix2.Location(id=_stable("location", kind, ref), name=name,
                              allow_custom=True, **where, **own)
    if kind == "Email":
        return stix2.EmailAddress(value=name)
    if kind in OBSERVABLES:
        extra = {"x_cordon_imo": str(entity["imo"])} if entity.get("imo") else {}
        return OBSERVABLES[kind](value=name, x_cordon_key=ref, **extra)
    return None


def bundle(reports: Sequence[Mapping[str, Any]], entities: Sequence[Mapping[str, Any]],
           relations: Sequence[Mapping[str, Any]], *, origin: str,
           producer: str | None = None) -> dict[str, Any]:
    """The bundle (a JSON-ready dict) of ``reports`` (as a package carries them: reference,
    title, text, received, handling, grading, conditions), the ``entities`` they mention
    and the ``relations`` they state (``report`` naming a reference). ``origin`` (the
    instance's verify key) makes the report ids this instance's own."""
    objects: dict[str, Any] = {}
    by_entity: dict[str, str] = {}
    for entity in entities:
        made = _entity_object(entity)
        if made is not None:
            objects[made.id] = made
            by_entity[str(entity["id"])] = made.id
    refs_of: dict[str, list[str]] = {str(r["reference"]): [] for r in reports}
    for relation in relations:
        start, end = by_entity.get(str(relation["from"])), by_entity.get(str(relation["to"]))
        stated = str(relation.get("report") or "")
        if start is None or end is None or stated not in refs_of:
            continue
        kind = str(relation["type"])
        made = stix2.Relationship(
            id=_stable("relationship", origin, stated, start, kind, end),
            relationship_type=kind.lower().replace("_", "-"), source_ref=start,
            target_ref=end, allow_custom=True, x_cordon_type=kind,
            **({"start_time": f"{relation['date'][:10]}T00:00:00Z"}
               if relation.get("date") else {}))
        objects[made.id] = made
        refs_of[stated] += [start, end, made.id]
    mentions = {str(r["reference"]): list(r.get("entities") or []) for r in reports}
    for report in reports:
        reference = str(report["reference"])
        grading = report.get("grading") or {}
        listed = [by_entity[e] for e in mentions[reference] if e in by_entity]
        refs = list(dict.fromkeys([*listed, *refs_of[reference]]))
        own = {"x_cordon_reference": reference, "x_cordon_handling": report.get("handling"),
               "x_cordon_grading": {k: v for k, v in grading.items() if v},
               "x_cordon_conditions": report.get("conditions") or None,
               "x_cordon_producer": producer}
        made = stix2.Report(
            id=_stable("report", origin, reference), name=report.get("title") or reference,
            description=report.get("text") or "", report_types=["threat-report"],
            published=report.get("received") or "1970-01-01T00:00:00Z",
            object_refs=refs or [_stable("identity", "Cordon", origin)],
            object_marking_refs=[TLP[report["handling"]]] if report.get("handling") in TLP
            else [], allow_custom=True, **{k: v for k, v in own.items() if v})
        if not refs:  # a report must name an object: the producing instance
            producing = stix2.Identity(id=made.object_refs[0], name=producer or "Cordon",
                                       identity_class="organization")
            objects[producing.id] = producing
        objects[made.id] = made
    built = stix2.Bundle(objects=list(objects.values()), allow_custom=True)
    return json.loads(built.serialize())


def read(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The reports and relations of a bundle, checked by the ``stix2`` parser:
    ``{"reports": [{id, reference, title, text, received, handling, grading, conditions,
    entities}], "relations": [{from: {kind, id}, type, to: {kind, id}, report, date}]}``.
    Raises :class:`BundleRefused` saying why."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleRefused("the file is too large to be a bundle")
    try:
        raw = safejson.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, safejson.JSONRefused):
        raise BundleRefused("the file is not a valid STIX 2.1 bundle: it does not read as "
                            "JSON") from None
    if not isinstance(raw, dict) or raw.get("type") != "bundle" or not isinstance(
            raw.get("objects"), list) or not all(isinstance(o, dict) for o in raw["objects"]):
        raise BundleRefused("the file is not a valid STIX 2.1 bundle: a bundle is an object "
                            "of type 'bundle' with a list of objects")
    try:
        parsed = stix2.parse(raw, allow_custom=True)
    except (ValueError, STIXError, KeyError, TypeError, AttributeError) as exc:
        # stix2 names the first object or property that breaks the specification
        raise BundleRefused(f"the file is not a valid STIX 2.1 bundle: {exc}") from None
    objects = {o["id"]: o for o in parsed.get("objects") or []}
    entities: dict[str, dict[str, str]] = {}
    for object_id, obj in objects.items():
        kind = obj.get("x_cordon_kind") or _KIND_OF_TYPE.get(obj["type"])
        if obj["type"] == "identity" and not kind:
            kind = "Person" if obj.get("identity_class") == "individual" else "Organisation"
        elif obj["type"] == "location" and not kind:
            kind = "Location"
        elif obj["type"] == "email-addr":
            kind = "Email"
        if kind:
            name = obj.get("name") or obj.get("value")
            entities[object_id] = {"kind": kind, "id": obj.get("x_cordon_key") or name,
                                   "name": name}
    reports, relations = [], []
    for obj in objects.values():
        if obj["type"] != "report":
            continue
        reference = obj.get("x_cordon_reference") or obj["id"]
        grading = obj.get("x_cordon_grading")
        reports.append({
            "id": obj["id"], "reference": reference, "title": obj.get("name"),
            "text": obj.get("description") or obj.get("name") or "",
            "received": format_datetime(obj["published"]),
            "handling": obj.get("x_cordon_handling") or _handling(obj),
            "grading": dict(grading) if isinstance(grading, Mapping) else {},
            "conditions": obj.get("x_cordon_conditions"),
            "entities": [entities[r] for r in obj.get("object_refs") or [] if r in entities]})
        for ref in obj.get("object_refs") or []:
            rel = objects.get(ref)
            if rel is None or rel["type"] != "relationship":
                continue
            start, end = entities.get(rel["source_ref"]), entities.get(rel["target_ref"])
            if start and end:
                relations.append({
                    "from": {"kind": start["kind"], "id": start["id"]},
                    "to": {"kind": end["kind"], "id": end["id"]},
                    "type": rel.get("x_cordon_type")
                    or rel["relationship_type"].upper().replace("-", "_"),
                    "report": reference,
                    "date": str(rel["start_time"])[:10] if rel.get("start_time") else None})
    if not reports:
        raise BundleRefused("the bundle holds no report object")
    return {"reports": reports, "relations": relations}


def _handling(obj: Mapping[str, Any]) -> str:
    """The handling code a TLP marking stands for (the strictest given; none: restricted)."""
    markings = set(obj.get("object_marking_refs") or [])
    for code in ("originator", "restricted", "open"):
        if TLP[code].id in markings:
            return code
    return "restricted"
