"""Validation of exchange-format lines: one JSON object in, one normalised record out.

Pure functions (no Neo4j): every check the contract names happens here, so ``--strict``
can validate a whole file before anything is written, and the unit tests need no
database. A line that fails raises :class:`LineError` with a reason an operator can act
on; the importer adds the line number.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import pycountry

from graph import safejson
from graph.entities import EntityKind, RelationType, entity_id
from graph.grading import Grading, GradingError

KINDS = ("trader", "person", "declaration", "control", "report", "relation")
CHANNELS = ("informant", "hotline", "register", "liaison", "open_source", "partner_agency")
RESULTS = ("positive", "negative")
LANES = ("green", "yellow", "red", "blue")
REPORT_STATUSES = ("submitted", "evaluated", "disseminated", "archived")

# Person roles in a trader, and relation words seen in registers, that are not literally
# a RelationType: the original word is kept on the relationship (``role`` / ``detail``)
# so an export writes it back unchanged.
ROLE_TYPES = {
    "director": RelationType.DIRECTOR_OF,
    "manager": RelationType.EMPLOYEE_OF,
    "employee": RelationType.EMPLOYEE_OF,
    "owner": RelationType.OWNER_OF,
    "shareholder": RelationType.SHAREHOLDER_OF,
}
RELATION_SYNONYMS = {
    "family_of": RelationType.RELATIVE_OF,
    "relative": RelationType.RELATIVE_OF,
    "associate": RelationType.ASSOCIATE_OF,
}
# Kinds a relation endpoint (or a lookup in general) may name, by their exchange word.
ENDPOINT_KINDS = {kind.value.lower(): kind for kind in EntityKind} | {
    "organization": EntityKind.ORGANISATION
}


class LineError(ValueError):
    """Why one line cannot be imported."""


@dataclass(slots=True)
class EntityRef:
    """An entity a line creates or points at (trader, phone, container, ...)."""

    kind: EntityKind
    ref: str
    name: str
    key: str | None
    status: str  # confirmed | referenced
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return entity_id(self.kind, self.ref)

    def to_param(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "label": self.kind.label,
            "ref": self.ref,
            "name": self.name,
            "key": self.key,
            "status": self.status,
            "props": self.props,
        }


@dataclass(slots=True)
class Record:
    """One valid line: ``key`` is its upsert key within the kind, ``data`` the normalised
    object (exchange field names, parsed values), ``refs`` the entities it needs."""

    kind: str
    line: int
    key: str
    data: dict[str, Any]
    refs: list[EntityRef] = field(default_factory=list)


# --------------------------------------------------------------------------- values


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    # XK (Kosovo) is a user-assigned code that EU customs systems use.
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


# Codes customs registers write for a country nobody knows (ZZ is the ISO 3166 and UN/EDIFACT
# "unknown", XX and QU are common user-assigned ones). They are accepted and stored as no
# country (None), so "unknown" never becomes a pseudo-country with a risk history of its own.
UNKNOWN_COUNTRIES = frozenset({"ZZ", "XX", "QU"})


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code (upper case) or XK; shared with the scoring API."""
    return code in _countries()


def is_unknown_country(code: str) -> bool:
    """``ZZ``, ``XX`` or ``QU`` (upper case): a country declared as unknown."""
    return code in UNKNOWN_COUNTRIES


def country(obj: dict, name: str, *, required: bool = False) -> str | None:
    """The upper-case country code, or None when absent or declared unknown (ZZ, XX, QU)."""
    value = _text(obj, name, required=required)
    if value is None:
        return None
    code = value.upper()
    if is_unknown_country(code):
        return None
    if code not in _countries():
        raise LineError(
            f"{name}: {value!r} is not an ISO 3166-1 alpha-2 country code (ZZ for unknown)"
        )
    return code


def iso_date(obj: dict, name: str, *, required: bool = False) -> str | None:
    """``2025-03-12`` stays a date; a date-time becomes UTC ``2025-03-12T08:30:00Z``."""
    value = _text(obj, name, required=required)
    if value is None:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            # isoformat, not strftime: "%Y" drops the leading zeros of years before 1000.
            utc = moment.astimezone(UTC).replace(tzinfo=None)
            return utc.isoformat(timespec="seconds") + "Z"
    except (ValueError, OverflowError):  # OverflowError: year 1 moved to UTC falls off
        raise LineError(f"{name}: {value!r} is not an ISO 8601 date") from None
    return moment.isoformat()


def hs_code(value: Any, name: str) -> str:
    text = re.sub(r"[.\s]", "", str(value)) if isinstance(value, str | int) else ""
    if not (text.isascii() and text.isdigit() and 6 <= len(text) <= 10):
        raise LineError(f"{name}: {value!r} is not an HS code (6 to 10 digits)")
    return text


def number(obj: dict, name: str, *, required: bool = False, label: str = "") -> float | None:
    value = obj.get(name)
    label = label or name
    if value is None or value == "":
        if required:
            raise LineError(f"{label}: required")
        return None
    if isinstance(value, bool):
        raise LineError(f"{label}: {value!r} is not a number")
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer past 1e308
        raise LineError(f"{label}: {value!r} is not a number") from None
    if not math.isfinite(result):
        raise LineError(f"{label}: {value!r} is not a finite number")
    return result


# What no text field takes, from the import, the API or a form: C0 controls but tab, line
# feed and carriage return (NUL and friends are not XML, so GraphML exports would break),
# DEL and the C1 controls, the bidirectional embeddings, overrides and isolates (U+202A-E,
# U+2066-9: they reorder what a reader sees, "Trojan Source" names), the noncharacters
# U+FFFE/U+FFFF and lone surrogates. Single-line fields (names, titles) refuse line breaks too.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
    "\ufffe\uffff\ud800-\udfff]"
)
_LINE_BREAKS = re.compile("[\n\r\u2028\u2029]")


def text_problem(text: str, *, multiline: bool = True) -> str | None:
    """Why ``text`` cannot be stored (a sentence without the field's name), or None.

    The one rule for control characters: the import (``_text``), the API and the forms (the
    services' own text checks call it) and the hotline."""
    found = FORBIDDEN_CHARACTERS.search(text) or (
        None if multiline else _LINE_BREAKS.search(text)
    )
    if found is None:
        return None
    return f"holds the control character U+{ord(found.group()):04X}; remove it"


def _text(obj: dict, name: str, *, required: bool = False, label: str = "") -> str | None:
    value = obj.get(name)
    label = label or name
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LineError(f"{label}: required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise LineError(f"{label}: expected text, got {type(value).__name__}")
    text = str(value).strip()
    if problem := text_problem(text):
        raise LineError(f"{label}: {problem}")
    return text


def _flag(obj: dict, name: str) -> bool | None:
    value = obj.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise LineError(f"{name}: expected true or false")


def _list(obj: dict, name: str) -> list:
    value = obj.get(name)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str | dict):
        return [value]
    raise LineError(f"{name}: expected a list")


def _choice(obj: dict, name: str, allowed: Collection[str], *, required: bool = False):
    value = _text(obj, name, required=required)
    if value is None:
        return None
    if value not in allowed:
        raise LineError(f"{name}: {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _extra(obj: dict, known: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in known}


def extra_json(extra: dict[str, Any]) -> str | None:
    """Unknown fields as one JSON property (sorted, so re-imports store the same text)."""
    if not extra:
        return None
    return json.dumps(extra, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


# --------------------------------------------------------------------------- identifiers


def _key(label: str, text: str) -> str:
    from nlp import resolution_key

    return resolution_key(label, text)


def phone_ref(text: str, region: str | None) -> str:
    """E.164 when the number parses (national numbers in the holder's country, else the
    administration's), else the same key extraction uses, so register phones and phones
    in reports meet on one node."""
    from nlp.resolution import phone_e164

    return phone_e164(text, region) or _key("PHONE", text)


def _identifiers(obj: dict, region: str | None) -> list[tuple[RelationType, EntityRef]]:
    """Phones, e-mails and addresses of a trader or person (``address`` or ``addresses``)."""
    out: list[tuple[RelationType, EntityRef]] = []
    for i, raw in enumerate(_list(obj, "phones")):
        text = _id({"v": raw}, "v", f"phones[{i}]")
        ref = phone_ref(text, region)
        if not ref.strip("+"):
            raise LineError(f"phones[{i}]: {raw!r} is not a phone number")
        phone = EntityRef(EntityKind.PHONE, ref, text, ref, "confirmed")
        out.append((RelationType.USES_PHONE, phone))
    for i, raw in enumerate(_list(obj, "emails")):
        text = _id({"v": raw}, "v", f"emails[{i}]")
        if "@" not in text or " " in text:
            raise LineError(f"emails[{i}]: {raw!r} is not an e-mail address")
        email = EntityRef(EntityKind.EMAIL, text.lower(), text, text.lower(), "confirmed")
        out.append((RelationType.USES_EMAIL, email))
    for i, raw in enumerate(_list(obj, "addresses") + _list(obj, "address")):
        text = _id({"v": raw}, "v", f"addresses[{i}]")
        ref = _key("LOCATION", text) or text
        address = EntityRef(EntityKind.ADDRESS, ref, text, ref, "confirmed")
        out.append((RelationType.LOCATED_AT, address))
    return out


def trader_ref(ref: str) -> EntityRef:
    """A trader named by id only: created referenced-only if no line describes it."""
    return EntityRef(EntityKind.TRADER, ref, ref, None, "referenced")


def _id(obj: dict, name: str = "id", label: str = "") -> str:
    value = _text(obj, name, required=True, label=label)
    if value is None:
        raise LineError(f"{label or name}: required")
    return value


# --------------------------------------------------------------------------- kinds

_TRADER = frozenset({"kind", "id", "name", "country", "address", "addresses", "phones",
                     "emails", "aeo", "registered"})  # fmt: skip


def _trader(obj: dict, line: int, ctx: Context) -> Record:
    ref = _id(obj)
    name = _id(obj, "name")
    country_code = country(obj, "country")
    links = _identifiers(obj, country_code)
    data = {
        "id": ref,
        "name": name,
        "country": country_code,
        "aeo": _flag(obj, "aeo"),
        "registered": iso_date(obj, "registered"),
        "links": [(t.value, e.id, None) for t, e in links],
        "extra": _extra(obj, _TRADER),
    }
    return Record("trader", line, entity_id(EntityKind.TRADER, ref), data, [e for _, e in links])


_PERSON = frozenset({"kind", "id", "name", "nationality", "dob", "documents", "phones",
                     "emails", "address", "addresses", "roles"})  # fmt: skip


def _person(obj: dict, line: int, ctx: Context) -> Record:
    ref = _id(obj)
    name = _id(obj, "name")
    nationality = country(obj, "nationality")
    links = _identifiers(obj, nationality)
    for i, doc in enumerate(_list(obj, "documents")):
        if not isinstance(doc, dict):
            raise LineError(f"documents[{i}]: expected an object")
        number_text = _id(doc, "number", f"documents[{i}].number")
        doc_ref = _key("ID_DOCUMENT", number_text) or number_text
        props = {
            "document_type": _text(doc, "type"),
            "country": country(doc, "country"),
        }
        entity = EntityRef(EntityKind.DOCUMENT, doc_ref, number_text, doc_ref, "confirmed", props)
        links.append((RelationType.HOLDS_DOCUMENT, entity))
    roles = []
    for i, role in enumerate(_list(obj, "roles")):
        if not isinstance(role, dict):
            raise LineError(f"roles[{i}]: expected an object")
        trader = trader_ref(_id(role, "trader", f"roles[{i}].trader"))
        word = (_text(role, "role") or "related").lower().replace(" ", "_")
        rel_type = ROLE_TYPES.get(word) or _relation_type(word)
        roles.append((rel_type, trader, word))
    data = {
        "id": ref,
        "name": name,
        "nationality": nationality,
        "dob": iso_date(obj, "dob"),
        "links": [(t.value, e.id, None) for t, e in links]
        + [(t.value, e.id, word) for t, e, word in roles],
        "extra": _extra(obj, _PERSON),
    }
    refs = [e for _, e in links] + [e for _, e, _ in roles]
    return Record("person", line, entity_id(EntityKind.PERSON, ref), data, refs)


_DECLARATION = frozenset({"kind", "id", "date", "flow", "office", "importer", "exporter",
                          "declarant", "origin", "departure", "destination", "transport",
                          "items"})  # fmt: skip
_TRANSPORT = frozenset({"mode", "container", "vessel", "imo", "vehicle"})
_ITEM_NUMBERS = ("quantity", "weight_kg", "value", "value_cif", "tax_rate", "taxes")


def _goods(obj: dict, name: str) -> list[dict[str, Any]]:
    """Declaration items or seized goods: HS codes checked, numbers parsed, rest kept."""
    out = []
    for i, item in enumerate(_list(obj, name)):
        if not isinstance(item, dict):
            raise LineError(f"{name}[{i}]: expected an object")
        clean = dict(item)
        if item.get("hs") not in (None, ""):
            clean["hs"] = hs_code(item["hs"], f"{name}[{i}].hs")
        elif name == "items":
            raise LineError(f"items[{i}].hs: required")
        for field_name in _ITEM_NUMBERS:
            if field_name in item:
                clean[field_name] = number(item, field_name, label=f"{name}[{i}].{field_name}")
        out.append(clean)
    return out


# What a committee profile may test (``risk.selectivity`` conditions), derived from the
# fields a declaration line defines above: the path the engine reads (``items.hs`` fans out
# over items) and the kind of value it holds. ``transport`` keeps only what the scored form
# of a stored declaration carries (``graph.riskstats.declaration_from_node``); ``id`` names
# one declaration, not a risk.
_FIELD_KINDS = {"date": "date", "origin": "country", "departure": "country",
                "destination": "country", "hs": "hs", **dict.fromkeys(_ITEM_NUMBERS, "number")}
_SCORED_TRANSPORT = ("mode", "container")


def declaration_fields() -> dict[str, str]:
    """``{path: kind}`` of the declaration fields profiles may test; kind is one of text,
    country, date, hs, number."""
    top = sorted(_DECLARATION - {"kind", "id", "transport", "items"})
    paths = [*top, *(f"transport.{t}" for t in sorted(_TRANSPORT) if t in _SCORED_TRANSPORT),
             "items.hs", *(f"items.{n}" for n in _ITEM_NUMBERS)]
    return {p: _FIELD_KINDS.get(p.rsplit(".", 1)[-1], "text") for p in paths}


def _total(items: list[dict], name: str, digits: int = 2) -> float | None:
    values = [it[name] for it in items if it.get(name) is not None]
    return _round(math.fsum(values), digits) if values else None


def _declaration(obj: dict, line: int, ctx: Context) -> Record:
    ref = _id(obj)
    transport = obj.get("transport") or {}
    if not isinstance(transport, dict):
        raise LineError("transport: expected an object")
    items = _goods(obj, "items")
    refs: list[EntityRef] = []
    links: list[tuple[str, str]] = []
    for field_name, rel in (("importer", "IMPORTED_BY"), ("exporter", "EXPORTED_BY"),
                            ("declarant", "DECLARED_BY")):  # fmt: skip
        trader = _text(obj, field_name)
        if trader:
            entity = trader_ref(trader)
            refs.append(entity)
            links.append((rel, entity.id))
    container = _text(transport, "container", label="transport.container")
    if container:
        key = _key("CONTAINER", container) or container
        refs.append(EntityRef(EntityKind.CONTAINER, key, container, key, "confirmed"))
        links.append(("SHIPPED_IN", refs[-1].id))
    vessel = _text(transport, "vessel", label="transport.vessel")
    imo = _text(transport, "imo", label="transport.imo")
    if imo and not re.fullmatch(r"(?:IMO ?)?\d{7}", imo, re.I):
        raise LineError(f"transport.imo: {imo!r} is not an IMO number (7 digits)")
    if vessel or imo:
        digits = re.sub(r"\D", "", imo) if imo else None
        key = f"IMO{digits}" if digits else _key("VESSEL", vessel or "")
        props = {"imo": digits} if digits else {}
        refs.append(EntityRef(EntityKind.VESSEL, key, vessel or key, key, "confirmed", props))
        links.append(("CARRIED_BY", refs[-1].id))
    vehicle = _text(transport, "vehicle", label="transport.vehicle")
    if vehicle:
        key = _key("VEHICLE", vehicle) or vehicle
        refs.append(EntityRef(EntityKind.VEHICLE, key, vehicle, key, "confirmed"))
        links.append(("TRANSPORTED_BY", refs[-1].id))
    hs: list[str] = []
    for item in items:
        if item.get("hs") and item["hs"] not in hs:
            hs.append(item["hs"])
    extra = _extra(obj, _DECLARATION)
    transport_extra = _extra(transport, _TRANSPORT)
    if transport_extra:  # kept beside the other source-system fields
        extra["transport"] = transport_extra
    data = {
        "id": ref,
        "date": iso_date(obj, "date", required=True),
        "flow": _text(obj, "flow"),
        "office": _text(obj, "office"),
        "importer": _text(obj, "importer"),
        "exporter": _text(obj, "exporter"),
        "declarant": _text(obj, "declarant"),
        "origin": country(obj, "origin"),
        "departure": country(obj, "departure"),
        "destination": country(obj, "destination"),
        "mode": _text(transport, "mode", label="transport.mode"),
        "container": container,
        "vessel": vessel,
        "imo": re.sub(r"\D", "", imo) if imo else None,
        "vehicle": vehicle,
        "items": items,
        "hs": hs,
        "value": _total(items, "value"),
        "value_cif": _total(items, "value_cif"),
        "weight_kg": _total(items, "weight_kg", 3),
        "taxes": _total(items, "taxes"),
        "links": links,
        "extra": extra,
    }
    return Record("declaration", line, ref, data, refs)


# The outcome of a control (optional, added after version 1 without breaking it): a penalty
# or fine, a seizure, a referral to prosecution, a case opened, a court result, each with its
# date. A date records that the step happened.
COURT_RESULTS = ("convicted", "acquitted", "dismissed", "settled", "pending")
OUTCOME_DATES = ("penalty_date", "seizure_date", "referral_date", "case_opened_date",
                 "court_date")
OUTCOME_FIELDS = ("penalty_amount", "penalty_currency", *OUTCOME_DATES, "court_result")
_CONTROL = frozenset({"kind", "declaration", "date", "lane", "result", "finding", "revenue",
                      "seized", *OUTCOME_FIELDS})  # fmt: skip


# Currencies withdrawn by recent euro changeovers (Croatia 2023, Bulgaria 2026): fines
# imposed before are still written in them; pycountry lists only the current codes.
WITHDRAWN_CURRENCIES = frozenset({"HRK", "BGN"})


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies) | WITHDRAWN_CURRENCIES


def control_outcome(obj: dict) -> dict[str, Any]:
    """The outcome fields ``obj`` gives, checked (only those: a line without them leaves a
    recorded outcome alone). Shared by the import, the API and the control form."""
    out: dict[str, Any] = {}
    amount = number(obj, "penalty_amount")
    currency = _text(obj, "penalty_currency")
    if amount is not None:
        if amount < 0:
            raise LineError(f"penalty_amount: {amount!r} must be 0 or more")
        if currency is None:
            raise LineError("penalty_currency: required with penalty_amount (ISO 4217, e.g. EUR)")
        if currency.upper() not in _currencies():
            raise LineError(f"penalty_currency: {currency!r} is not an ISO 4217 currency code")
        out["penalty_amount"] = _round(amount)
        out["penalty_currency"] = currency.upper()
    elif currency is not None or obj.get("penalty_date") not in (None, ""):
        raise LineError("penalty_amount: required with a penalty currency or date")
    for name in OUTCOME_DATES:
        when = iso_date(obj, name)
        if when is not None:
            out[name] = when[:10]
    court = _text(obj, "court_result")
    if court is not None:
        if court.lower() not in COURT_RESULTS:
            raise LineError(f"court_result: {court!r} is not one of {', '.join(COURT_RESULTS)}")
        out["court_result"] = court.lower()
    return out



def control_id(declaration: str, when: str) -> str:
    """Controls carry no id in the contract: one control per declaration and date."""
    return f"{declaration}/{when}"


def _control(obj: dict, line: int, ctx: Context) -> Record:
    declaration = _id(obj, "declaration")
    when = iso_date(obj, "date", required=True) or ""
    lane = _text(obj, "lane")
    if lane is not None:
        lane = lane.lower()
        if lane not in LANES:
            raise LineError(f"lane: {obj['lane']!r} is not one of {', '.join(LANES)}")
    data = {
        "id": control_id(declaration, when),
        "declaration": declaration,
        "date": when,
        "lane": lane,
        "result": _choice(obj, "result", RESULTS, required=True),
        "finding": _text(obj, "finding"),
        "revenue": number(obj, "revenue"),
        "seized": _goods(obj, "seized"),
        "outcome": control_outcome(obj),
        "extra": _extra(obj, _CONTROL),
    }
    return Record("control", line, data["id"], data)


_REPORT = frozenset({"kind", "id", "channel", "received", "source", "source_grade",
                     "info_grade", "handling", "unit", "title", "text", "status"})  # fmt: skip


def _report(obj: dict, line: int, ctx: Context) -> Record:
    grading = ctx.grading
    unit = _id(obj, "unit")
    if ctx.units is not None and unit not in ctx.units:
        raise LineError(f"unit: {unit!r} does not exist (create it with `flask units create`)")
    try:  # the configured scheme and handling codes, as the forms and the API check them
        source_grade = grading.source_grade(_text(obj, "source_grade"))
        info_grade = grading.info_grade(_text(obj, "info_grade"))
        handling = grading.handling_code(_text(obj, "handling") or "restricted")
    except GradingError as exc:
        raise LineError(f"{exc.field}: {exc}") from None
    data = {
        "id": _id(obj),
        "channel": _choice(obj, "channel", CHANNELS, required=True),
        "received": iso_date(obj, "received", required=True),
        "source": _text(obj, "source"),
        "source_grade": source_grade,
        "info_grade": info_grade,
        "handling": handling,
        "unit": unit,
        "title": _text(obj, "title"),
        "text": _id(obj, "text"),
        "status": _choice(obj, "status", REPORT_STATUSES),
        "extra": _extra(obj, _REPORT),
    }
    return Record("report", line, data["id"], data)


_RELATION = frozenset({"kind", "from", "to", "type", "source", "date"})


def _relation_type(word: str) -> RelationType:
    try:
        return RelationType.parse(word)
    except ValueError:
        return RELATION_SYNONYMS.get(word, RelationType.RELATED_TO)


def _endpoint(obj: dict, name: str) -> EntityRef:
    end = obj.get(name)
    if not isinstance(end, dict):
        raise LineError(f"{name}: expected an object with kind and id")
    kind_word = (_text(end, "kind", required=True, label=f"{name}.kind") or "").lower()
    kind = ENDPOINT_KINDS.get(kind_word)
    if kind is None:
        raise LineError(f"{name}.kind: {kind_word!r} is not an entity kind")
    ref = _id(end, "id", f"{name}.id")
    if kind is EntityKind.TRADER:
        return trader_ref(ref)
    return EntityRef(kind, ref, ref, None, "referenced")


def _relation(obj: dict, line: int, ctx: Context) -> Record:
    start, end = _endpoint(obj, "from"), _endpoint(obj, "to")
    word = _id(obj, "type").lower().replace(" ", "_").replace("-", "_")
    rel_type = _relation_type(word)
    data = {
        "from": start.id,
        "to": end.id,
        "type": rel_type.value,
        # the register's own word when it is not the type itself (family_of, trades_with)
        "detail": None if word == rel_type.value.lower() else word,
        "source": _text(obj, "source"),
        "date": iso_date(obj, "date"),
        "extra": _extra(obj, _RELATION),
    }
    return Record("relation", line, f"{start.id}|{rel_type.value}|{end.id}", data, [start, end])


@dataclass(frozen=True)
class Context:
    """What validation needs beyond the line: existing units, the grading scheme."""

    units: frozenset[str] | None = None
    grading: Grading = field(default_factory=lambda: Grading.from_config({}))  # Admiralty


_VALIDATORS: dict[str, Callable[[dict, int, Context], Record]] = {
    "trader": _trader,
    "person": _person,
    "declaration": _declaration,
    "control": _control,
    "report": _report,
    "relation": _relation,
}


def parse_line(raw: bytes | str, line: int, ctx: Context | None = None) -> Record | None:
    """Validate one line; ``None`` for a blank line, :class:`LineError` for a bad one."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LineError(f"not UTF-8 (byte {exc.start})") from None
    if not raw.strip():
        return None
    try:
        obj = safejson.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    except safejson.JSONRefused as exc:
        raise LineError(f"refused: {exc}") from None
    if not isinstance(obj, dict):
        raise LineError("not a JSON object")
    kind = obj.get("kind")
    if not isinstance(kind, str) or not kind:
        raise LineError('missing "kind"')
    validator = _VALIDATORS.get(kind)
    if validator is None:
        raise LineError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    return validator(obj, line, ctx or Context())
