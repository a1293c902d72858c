"""The one validator per exchange kind: one JSON object in, one normalised record out.

Trader, person, declaration, control, report, relation: ``flask import`` (``parse_line``),
the API and the pages' forms (``validate``) check a record here, so the same bad record
gets the same reasons wherever it comes from. Each reason is ``field: why`` and a record
is checked whole, so one answer names everything wrong with it; the words (kinds, lanes,
roles, channels, countries) come from ``graph.vocabulary``, grades and handling codes
from the configured ``graph.grading.Grading``.

Pure functions (no Neo4j): ``--strict`` validates a whole file before anything is
written, and the unit tests need no database. A record that fails raises
:class:`LineError`; the importer adds the line number, the API answers 422 with the
reasons, a form shows them.

A new field of a kind: add its name to the kind's set of known fields (``_TRADER``,
``_CONTROL``, ...), its check beside the others in the kind's function (``_trader``,
``_control``, ...) and its value to the ``data`` that function returns; ``graph/trade.py``
stores it and ``graph/exchange/exporter.py`` writes it back.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, cast

import pycountry

from graph import safejson
from graph.clock import utc_now
from graph.entities import EntityRow, entity_id
from graph.grading import Grading, GradingError
from graph.messages import N_, Joined, Message, about, message_of
from graph.vocabulary import (
    ENDPOINT_KINDS,
    EXCHANGED_STATUSES,
    KINDS,
    LANES,
    RESULTS,
    Channel,
    EntityKind,
    RelationType,
    is_country_code,
    is_unknown_country,
    relation_type,
    role_type,
)

CHANNELS = tuple(c.value for c in Channel)
# Register identifiers (declaration numbers, trader ids named by a declaration, offices):
# what customs systems write; fullmatch, so a trailing newline never gets through.
REGISTER_ID = re.compile(r"[\w./:-]{1,64}")
MAX_ITEMS = 999  # goods items of one declaration (EU customs: at most 999)
# Past this no quantity, weight or amount is real; sums and ratios of larger ones overflow
# to inf/NaN in the scoring features.
MAX_NUMBER = 1e15
AEO_STATUSES = ("granted", "suspended", "revoked")
AEO_LEVELS = ("AEOC", "AEOS", "AEOF")  # Union Customs Code art. 38: simplifications, security, both


class LineError(ValueError):
    """Why one line (or one record from the API or a form) cannot be taken: every reason
    found, each ``field: why`` (a problem of the whole object names no field), each a
    :class:`graph.messages.Message` the interface shows in the reader's language."""

    def __init__(self, *reasons: str) -> None:
        super().__init__(Joined(reasons))
        self.reasons = list(reasons)


class _Reasons:
    """Runs each field's check and keeps every reason, so one answer names all of them."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except LineError as exc:
            self.found.extend(exc.reasons)
            return None

    def done(self) -> None:
        if self.found:
            raise LineError(*self.found)


_FIELD = re.compile(r"([\w.\[\]]+): (.+)", re.S)


def reason_field(reason: str) -> dict[str, Any]:
    """``"items[1].hs: ..."`` -> ``{"field": "items[1].hs", "message": "..."}``; a problem
    of the whole object has no field (None)."""
    if isinstance(reason, Message):
        return {"field": reason.field, "message": reason.unplaced()}
    found = _FIELD.fullmatch(reason)
    if found is None:
        return {"field": None, "message": reason}
    return {"field": found.group(1), "message": found.group(2)}


@dataclass(slots=True)
class Record:
    """One valid record: ``key`` is its upsert key within the kind, ``data`` the normalised
    object the graph stores (exchange field names, parsed values), ``refs`` the entities it
    needs, ``clean`` the object as sent with its checked fields normalised (what the risk
    engine scores: unknown fields stay, they are scored categories)."""

    kind: str
    line: int
    key: str
    data: dict[str, Any]
    refs: list[EntityRow] = field(default_factory=list)
    clean: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- values


def country(obj: dict, name: str, *, required: bool = False) -> str | None:
    """The upper-case country code, or None when absent or declared unknown (ZZ, XX, QU)."""
    value = _text(obj, name, required=required)
    if value is None:
        return None
    code = value.upper()
    if is_unknown_country(code):
        return None
    if not is_country_code(code):
        raise LineError(N_("%(value)r is not an ISO 3166-1 alpha-2 country code (ZZ for "
                           "unknown)", value=value).at(name))
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
        raise LineError(N_("%(value)r is not an ISO 8601 date", value=value).at(name)) from None
    return moment.isoformat()


def hs_code(value: Any, name: str) -> str:
    text = re.sub(r"[.\s]", "", str(value)) if isinstance(value, str | int) else ""
    if not (text.isascii() and text.isdigit() and 6 <= len(text) <= 10):
        raise LineError(N_("%(value)r is not an HS code (6 to 10 digits)", value=value).at(name))
    return text


def number(obj: dict, name: str, *, required: bool = False, label: str = "") -> float | None:
    value = obj.get(name)
    label = label or name
    if value is None or value == "":
        if required:
            raise LineError(N_("required").at(label))
        return None
    if isinstance(value, bool):
        raise LineError(N_("%(value)r is not a number", value=value).at(label))
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer past 1e308
        raise LineError(N_("%(value)r is not a number", value=value).at(label)) from None
    if not math.isfinite(result) or not 0 <= result <= MAX_NUMBER:
        raise LineError(N_("%(value)r must be a number >= 0 and at most %(max)s", value=value,
                           max=format(MAX_NUMBER, ".0e")).at(label))
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


def text_problem(text: str, *, multiline: bool = True) -> Message | None:
    """Why ``text`` cannot be stored (a sentence without the field's name), or None.

    The one rule for control characters: the import (``_text``), the API and the forms (the
    services' own text checks call it) and the hotline."""
    found = FORBIDDEN_CHARACTERS.search(text) or (
        None if multiline else _LINE_BREAKS.search(text)
    )
    if found is None:
        return None
    return N_("holds the control character U+%(code)04X; remove it", code=ord(found.group()))


def _text(obj: dict, name: str, *, required: bool = False, label: str = "") -> str | None:
    value = obj.get(name)
    label = label or name
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LineError(N_("required").at(label))
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise LineError(N_("expected text, got %(type)s", type=type(value).__name__).at(label))
    text = str(value).strip()
    if problem := text_problem(text):
        raise LineError(problem.at(label))
    return text


def _flag(obj: dict, name: str) -> bool | None:
    value = obj.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise LineError(N_("expected true or false").at(name))


def _list(obj: dict, name: str) -> list:
    value = obj.get(name)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str | dict):
        return [value]
    raise LineError(N_("expected a list").at(name))


def _choice(obj: dict, name: str, allowed: Collection[str], *, required: bool = False):
    value = _text(obj, name, required=required)
    if value is None:
        return None
    if value not in allowed:
        raise LineError(N_("%(value)r is not one of %(allowed)s", value=value,
                           allowed=", ".join(sorted(allowed))).at(name))
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


def _phone(raw: Any, label: str, region: str | None) -> EntityRow:
    text = _id({"v": raw}, "v", label)
    ref = phone_ref(text, region)
    if not ref.strip("+"):
        raise LineError(N_("%(value)r is not a phone number", value=raw).at(label))
    return EntityRow(EntityKind.PHONE, ref, text, ref, "confirmed")


def _email(raw: Any, label: str) -> EntityRow:
    text = _id({"v": raw}, "v", label)
    if "@" not in text or " " in text:
        raise LineError(N_("%(value)r is not an e-mail address", value=raw).at(label))
    return EntityRow(EntityKind.EMAIL, text.lower(), text, text.lower(), "confirmed")


def _address(raw: Any, label: str) -> EntityRow:
    text = _id({"v": raw}, "v", label)
    ref = _key("LOCATION", text) or text
    return EntityRow(EntityKind.ADDRESS, ref, text, ref, "confirmed")


def _identifiers(obj: dict, region: str | None) -> list[tuple[RelationType, EntityRow]]:
    """Phones, e-mails and addresses of a trader or person (``address`` or ``addresses``)."""
    r = _Reasons()
    found = [
        (RelationType.USES_PHONE, r.check(_phone, raw, f"phones[{i}]", region))
        for i, raw in enumerate(r.check(_list, obj, "phones") or [])
    ] + [
        (RelationType.USES_EMAIL, r.check(_email, raw, f"emails[{i}]"))
        for i, raw in enumerate(r.check(_list, obj, "emails") or [])
    ]
    addresses = (r.check(_list, obj, "addresses") or []) + (r.check(_list, obj, "address") or [])
    found += [
        (RelationType.LOCATED_AT, r.check(_address, raw, f"addresses[{i}]"))
        for i, raw in enumerate(addresses)
    ]
    r.done()
    return found


def trader_ref(ref: str) -> EntityRow:
    """A trader named by id only: created referenced-only if no line describes it."""
    return EntityRow(EntityKind.TRADER, ref, ref, None, "referenced")


def _id(obj: dict, name: str = "id", label: str = "") -> str:
    value = _text(obj, name, required=True, label=label)
    if value is None:
        raise LineError(N_("required").at(label or name))
    return value


def _register_id(obj: dict, name: str, *, required: bool = False) -> str | None:
    """A declaration number, office or trader id a declaration names: 1-64 letters, digits
    or ``./:-_``, given as text."""
    value = obj.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LineError(N_("required").at(name))
        return None
    if not isinstance(value, str) or not REGISTER_ID.fullmatch(value.strip()):
        raise LineError(N_("%(value)r is not a register identifier (1-64 letters, digits or "
                           "./:-_)", value=value).at(name))
    return value.strip()


# --------------------------------------------------------------------------- kinds

_TRADER = frozenset({"kind", "id", "name", "country", "address", "addresses", "phones",
                     "emails", "aeo", "registered", "aeo_history"})  # fmt: skip


def _aeo_history(obj: dict) -> list[dict[str, Any]]:
    """``aeo_history``: status changes ``{status, date, level, note}``, oldest first."""
    out = []
    for i, raw in enumerate(_list(obj, "aeo_history")):
        label = f"aeo_history[{i}]"
        if not isinstance(raw, dict):
            raise LineError(N_("expected an object {status, date, level}").at(label))
        status = (_text(raw, "status", required=True, label=f"{label}.status") or "").lower()
        if status not in AEO_STATUSES:
            raise LineError(N_("one of %(allowed)s", allowed=", ".join(AEO_STATUSES))
                            .at(f"{label}.status"))
        if _text(raw, "date", required=True, label=f"{label}.date") is None:
            raise LineError(N_("required").at(f"{label}.date"))
        try:
            day = (iso_date(raw, "date") or "")[:10]
        except LineError as exc:
            raise LineError(*(r.at(f"{label}.{r.field}") if isinstance(r, Message) and r.field
                                else r for r in exc.reasons)) from None
        level = (_text(raw, "level", label=f"{label}.level") or "").upper() or None
        if level is not None and level not in AEO_LEVELS:
            raise LineError(N_("one of %(allowed)s", allowed=", ".join(AEO_LEVELS))
                            .at(f"{label}.level"))
        out.append({"status": status, "date": day, "level": level,
                    "note": _text(raw, "note", label=f"{label}.note")})
    return sorted(out, key=lambda h: (h["date"], h["status"]))


def _party(r: _Reasons, obj: dict, country_field: str) -> tuple[dict[str, Any], list]:
    """What trader and person lines both carry: an id, a name and a country (``data``),
    and phones, e-mails and addresses (national phone numbers read in that country)."""
    data = {"id": r.check(_id, obj), "name": r.check(_id, obj, "name")}
    data[country_field] = r.check(country, obj, country_field)
    return data, r.check(_identifiers, obj, data[country_field]) or []


def _trader(obj: dict, line: int, ctx: Context) -> Record:
    r = _Reasons()
    data, links = _party(r, obj, "country")
    data |= {"aeo": r.check(_flag, obj, "aeo"),
             "aeo_history": r.check(_aeo_history, obj) or [],
             "registered": r.check(iso_date, obj, "registered")}  # fmt: skip
    r.done()
    if data["aeo"] is None and data["aeo_history"]:  # the flag follows the latest status
        data["aeo"] = data["aeo_history"][-1]["status"] == "granted"
    data |= {"links": [(t.value, e.id, None) for t, e in links], "extra": _extra(obj, _TRADER)}
    key = entity_id(EntityKind.TRADER, data["id"])
    return Record("trader", line, key, data, [e for _, e in links])


_PERSON = frozenset({"kind", "id", "name", "nationality", "dob", "documents", "phones",
                     "emails", "address", "addresses", "roles"})  # fmt: skip


def _document(doc: Any, label: str) -> EntityRow:
    if not isinstance(doc, dict):
        raise LineError(N_("expected an object").at(label))
    r = _Reasons()
    number_text = r.check(_id, doc, "number", f"{label}.number")
    props = {"document_type": r.check(_text, doc, "type", label=f"{label}.type"),
             "country": r.check(country, doc, "country")}  # fmt: skip
    r.done()
    doc_ref = _key("ID_DOCUMENT", number_text) or number_text
    return EntityRow(EntityKind.DOCUMENT, doc_ref, number_text, doc_ref, "confirmed", props)


def _role(role: Any, label: str) -> tuple[RelationType, EntityRow, str]:
    """A person's role in a trader: the relation type, the trader, the register's word."""
    if not isinstance(role, dict):
        raise LineError(N_("expected an object").at(label))
    r = _Reasons()
    trader = r.check(_id, role, "trader", f"{label}.trader")
    word = r.check(_text, role, "role", label=f"{label}.role")
    r.done()
    word = (word or "related").lower().replace(" ", "_")
    return role_type(word), trader_ref(trader), word


def _person(obj: dict, line: int, ctx: Context) -> Record:
    r = _Reasons()
    data, links = _party(r, obj, "nationality")
    links += [(RelationType.HOLDS_DOCUMENT, r.check(_document, doc, f"documents[{i}]"))
              for i, doc in enumerate(r.check(_list, obj, "documents") or [])]  # fmt: skip
    roles = [r.check(_role, role, f"roles[{i}]")
             for i, role in enumerate(r.check(_list, obj, "roles") or [])]  # fmt: skip
    data["dob"] = r.check(iso_date, obj, "dob")
    r.done()
    data |= {"links": [(t.value, e.id, None) for t, e in links]
             + [(t.value, e.id, word) for t, e, word in roles],
             "extra": _extra(obj, _PERSON)}  # fmt: skip
    refs = [e for _, e in links] + [e for _, e, _ in roles]
    return Record("person", line, entity_id(EntityKind.PERSON, data["id"]), data, refs)


_DECLARATION = frozenset({"kind", "id", "date", "flow", "office", "importer", "exporter",
                          "declarant", "origin", "departure", "destination", "transport",
                          "items"})  # fmt: skip
_TRANSPORT = frozenset({"mode", "container", "vessel", "imo", "vehicle"})
_ITEM_NUMBERS = ("quantity", "weight_kg", "value", "value_cif", "tax_rate", "taxes")
_PARTIES = (("importer", "IMPORTED_BY"), ("exporter", "EXPORTED_BY"),
            ("declarant", "DECLARED_BY"))  # fmt: skip
_COUNTRIES = ("origin", "departure", "destination")


def _goods(obj: dict, name: str, *, valued: bool = False) -> list[dict[str, Any]]:
    """Declaration items or seized goods: HS codes checked, numbers parsed, rest kept;
    ``valued``: each item needs a value or value_cif (the risk engine scores on it)."""
    listed = _list(obj, name)
    if len(listed) > MAX_ITEMS:
        raise LineError(N_("at most %(max)s items", max=MAX_ITEMS).at(name))
    r = _Reasons()
    out = []
    for i, item in enumerate(listed):
        if not isinstance(item, dict):
            r.found.append(f"{name}[{i}]: expected an object")
            continue
        clean = dict(item)
        if item.get("hs") not in (None, ""):
            clean["hs"] = r.check(hs_code, item["hs"], f"{name}[{i}].hs")
        elif name == "items":
            r.found.append(f"items[{i}].hs: required")
        for field_name in _ITEM_NUMBERS:
            if field_name in item:
                clean[field_name] = r.check(number, item, field_name,
                                            label=f"{name}[{i}].{field_name}")
        if valued and all(item.get(k) in (None, "") for k in ("value", "value_cif")):
            r.found.append(f"{name}[{i}]: a value or value_cif is required")
        out.append(clean)
    r.done()
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


def _imo(transport: dict) -> str | None:
    imo = _text(transport, "imo", label="transport.imo")
    if imo and not re.fullmatch(r"(?:IMO ?)?\d{7}", imo, re.I):
        raise LineError(N_("%(value)r is not an IMO number (7 digits)", value=imo)
                        .at("transport.imo"))
    return re.sub(r"\D", "", imo) if imo else None


def _transport_refs(transport: dict[str, Any]) -> list[tuple[str, EntityRow]]:
    """The container, vessel and vehicle a declaration's (checked) transport names."""
    out: list[tuple[str, EntityRow]] = []
    if container := transport["container"]:
        key = _key("CONTAINER", container) or container
        out.append(("SHIPPED_IN", EntityRow(EntityKind.CONTAINER, key, container, key,
                                            "confirmed")))
    vessel, imo = transport["vessel"], transport["imo"]
    if vessel or imo:
        key = f"IMO{imo}" if imo else _key("VESSEL", vessel or "")
        props = {"imo": imo} if imo else {}
        out.append(("CARRIED_BY", EntityRow(EntityKind.VESSEL, key, vessel or key, key,
                                            "confirmed", props)))
    if vehicle := transport["vehicle"]:
        key = _key("VEHICLE", vehicle) or vehicle
        out.append(("TRANSPORTED_BY", EntityRow(EntityKind.VEHICLE, key, vehicle, key,
                                                "confirmed")))
    return out


def _declaration(obj: dict, line: int, ctx: Context) -> Record:
    r = _Reasons()
    ref = r.check(_register_id, obj, "id", required=True)
    when = r.check(iso_date, obj, "date", required=True)
    parties = {name: r.check(_register_id, obj, name, required=ctx.scoring and name == "importer")
               for name in ("importer", "exporter", "declarant", "office")}  # fmt: skip
    countries = {name: r.check(country, obj, name) for name in _COUNTRIES}
    transport = obj.get("transport") or {}
    if not isinstance(transport, dict):
        r.found.append("transport: expected an object")
        transport = {}
    moved = {name: r.check(_text, transport, name, label=f"transport.{name}")
             for name in ("mode", "container", "vessel", "vehicle")}  # fmt: skip
    moved["imo"] = r.check(_imo, transport)
    if ctx.scoring and not obj.get("items"):
        r.found.append("items: at least one item is required")
    items = r.check(_goods, obj, "items", valued=ctx.scoring)
    flow = r.check(_text, obj, "flow")
    r.done()
    refs: list[EntityRow] = []
    links: list[tuple[str, str]] = []
    for field_name, rel in _PARTIES:
        if parties[field_name]:
            refs.append(trader_ref(parties[field_name]))
            links.append((rel, refs[-1].id))
    for rel, entity in _transport_refs(moved):
        refs.append(entity)
        links.append((rel, entity.id))
    hs = list(dict.fromkeys(item["hs"] for item in items if item.get("hs")))
    extra = _extra(obj, _DECLARATION)
    transport_extra = _extra(transport, _TRANSPORT)
    if transport_extra:  # kept beside the other source-system fields
        extra["transport"] = transport_extra
    data = {
        "id": ref,
        "date": when,
        "flow": flow,
        **parties,
        **countries,
        **moved,
        "items": items,
        "hs": hs,
        "value": _total(items, "value"),
        "value_cif": _total(items, "value_cif"),
        "weight_kg": _total(items, "weight_kg", 3),
        "taxes": _total(items, "taxes"),
        "links": links,
        "extra": extra,
    }
    clean = {**obj, "id": ref, "date": when[:10], "items": items,
             **{k: v for k, v in {**parties, **countries}.items() if k in obj}}  # fmt: skip
    return Record("declaration", line, ref, data, refs, clean)


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
            raise LineError(N_("%(value)r must be 0 or more", value=amount).at("penalty_amount"))
        if currency is None:
            raise LineError(N_("required with penalty_amount (ISO 4217, e.g. EUR)")
                            .at("penalty_currency"))
        if currency.upper() not in _currencies():
            raise LineError(N_("%(value)r is not an ISO 4217 currency code", value=currency)
                            .at("penalty_currency"))
        out["penalty_amount"] = _round(amount)
        out["penalty_currency"] = currency.upper()
    elif currency is not None or obj.get("penalty_date") not in (None, ""):
        raise LineError(N_("required with a penalty currency or date").at("penalty_amount"))
    for name in OUTCOME_DATES:
        when = iso_date(obj, name)
        if when is not None:
            out[name] = when[:10]
    court = _text(obj, "court_result")
    if court is not None:
        if court.lower() not in COURT_RESULTS:
            raise LineError(N_("%(value)r is not one of %(allowed)s", value=court,
                               allowed=", ".join(COURT_RESULTS)).at("court_result"))
        out["court_result"] = court.lower()
    return out



def control_id(declaration: str, when: str) -> str:
    """Controls carry no id in the contract: one control per declaration and date."""
    return f"{declaration}/{when}"


def _lane(obj: dict, *, required: bool = False) -> str | None:
    lane = _text(obj, "lane", required=required)
    if lane is not None and lane.lower() not in LANES:
        raise LineError(N_("%(value)r is not one of %(allowed)s (blue: post-clearance audit)",
                           value=obj["lane"], allowed=", ".join(LANES)).at("lane"))
    return lane.lower() if lane else None


def _profile_ids(obj: dict) -> list[str]:
    """The profiles that selected a control's declaration (an entry's, kept in extra)."""
    value = obj.get("profiles") or []
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise LineError(N_("a list of profile ids").at("profiles"))
    return value


def _control(obj: dict, line: int, ctx: Context) -> Record:
    r = _Reasons()
    declaration = r.check(_register_id, obj, "declaration", required=True)
    when = r.check(iso_date, obj, "date", required=True)
    lane = r.check(_lane, obj, required=ctx.scoring)
    result = r.check(_choice, obj, "result", RESULTS, required=True)
    finding = r.check(_text, obj, "finding")
    revenue = r.check(number, obj, "revenue")
    seized = r.check(_goods, obj, "seized")
    outcome = r.check(control_outcome, obj) or {}
    r.check(_profile_ids, obj)
    r.check(_flag, obj, "random")
    r.done()
    data = {
        "id": control_id(declaration, when),
        "declaration": declaration,
        "date": when,
        "lane": lane,
        "result": result,
        "finding": finding,
        "revenue": revenue,
        "seized": seized,
        "outcome": outcome,
        "extra": _extra(obj, _CONTROL),
    }
    clean = {**obj, "declaration": declaration, "date": when[:10], "lane": lane,
             "result": result, "finding": finding, "revenue": revenue or 0.0,
             "seized": seized, "outcome": outcome}  # fmt: skip
    return Record("control", line, data["id"], data, clean=clean)


_REPORT = frozenset({"kind", "id", "channel", "received", "source", "source_grade",
                     "info_grade", "handling", "unit", "title", "text", "status",
                     "files"})  # fmt: skip
MAX_REPORT_TEXT = 50_000
MAX_TITLE = 200
MAX_FIELD = 200  # a place, a commodity, one entry of a list
MAX_ENTRIES = 50  # persons, vehicles, containers, phones of one report
REPORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{0,63}")  # it is part of the report's URL


class EventType(StrEnum):
    """What a register entry records."""

    SEIZURE = "seizure"
    OFFENCE = "offence"
    SUSPICIOUS_EVENT = "suspicious_event"

    @property
    def title(self) -> str:  # type: ignore[override]  # the display name, as on every enum here
        return self.value.replace("_", " ").capitalize()


# The fields of a channel's own form (the register entry, the liaison quick log): checked
# for that channel, in this order; the field, the entity label its values name.
CHANNEL_FIELDS: dict[str, tuple[str, ...]] = {
    Channel.REGISTER: ("event_type", "event_date", "place", "commodity", "quantity", "value",
                       "currency", "persons", "vehicles", "containers"),
    Channel.LIAISON: ("vehicles", "containers", "crossing", "phones"),
}  # fmt: skip
FIELD_LABELS = {"place": "LOCATION", "commodity": "COMMODITY", "persons": "PERSON",
                "vehicles": "VEHICLE", "containers": "CONTAINER", "phones": "PHONE"}  # fmt: skip
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _files(obj: dict, ctx: Context) -> list[dict[str, Any]]:
    """Evidence files of a report, by reference: ``[{name, sha256, type?, size?}]``. The
    bytes must be at hand (the files folder beside the file, or the file store)."""
    value = obj.get("files")
    if value in (None, []):
        return []
    if not isinstance(value, list) or not all(isinstance(f, dict) for f in value):
        raise LineError(N_("expected a list of objects with name and sha256").at("files"))
    out = []
    for i, item in enumerate(value):
        name = _id(item, "name", f"files[{i}].name")[:200]
        sha256 = str(item.get("sha256") or "").lower()
        if not _SHA256.fullmatch(sha256):
            raise LineError(N_("expected 64 hexadecimal digits").at(f"files[{i}].sha256"))
        if ctx.file_at_hand is None:
            raise LineError(N_("evidence files come with `flask import` and their folder")
                            .at("files"))
        if not ctx.file_at_hand(sha256):
            raise LineError(N_("%(sha256)s is neither in the files folder beside this file nor "
                               "in the file store", sha256=sha256).at(f"files[{i}]"))
        out.append({"name": name, "sha256": sha256, "mime": _text(item, "type"),
                    "size": number(item, "size")})
    return out


def _grade(check: Callable[[Any], str | None], value: Any) -> str | None:
    try:  # the configured scheme and handling codes, as the forms and the API check them
        return check(value)
    except GradingError as exc:
        raise LineError(about(message_of(exc), exc.field)) from None


def _unit(obj: dict, units: frozenset[str] | None) -> str:
    unit = _id(obj, "unit")
    if units is not None and unit not in units:
        raise LineError(N_("%(value)r does not exist (create it with `flask units create`)",
                           value=unit).at("unit"))
    return unit


def bounded_text(
    obj: dict, name: str, limit: int, *, required: bool = False, multiline: bool = True
) -> str | None:
    """``_text`` at most ``limit`` characters; a single-line field takes no line break."""
    value = _text(obj, name, required=required)
    if value is None:
        return None
    if len(value) > limit:
        raise LineError(N_("longer than %(limit)s characters", limit=limit).at(name))
    if not multiline and (problem := text_problem(value, multiline=False)):
        raise LineError(problem.at(name))
    return value


def _report_id(obj: dict, *, required: bool) -> str | None:
    value = _text(obj, "id", required=required)
    if value is not None and not REPORT_ID.fullmatch(value):
        raise LineError(N_("%(value)r may hold letters, digits and - _ / . only (1 to 64, "
                           "starting with a letter or digit)", value=value).at("id"))
    return value


def _channel(obj: dict) -> str:
    value = _text(obj, "channel", required=True) or ""
    if value.lower() not in CHANNELS:
        raise LineError(N_("%(value)r is not one of %(allowed)s", value=value,
                           allowed=", ".join(sorted(CHANNELS))).at("channel"))
    return value.lower()


def _received(obj: dict, *, entered: bool) -> str:
    """When the report came in: a date stays a date; a date-time becomes UTC ``…Z`` (one
    without an offset is read as UTC); never in the future (a day's grace for time zones).
    A report entered without it was received now."""
    value = _text(obj, "received", required=not entered)
    if value is None:
        return utc_now().replace("+00:00", "Z")
    try:
        if len(value) == 10:
            day: date | None = date.fromisoformat(value)
        else:
            day = None
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 moved to UTC falls off
        raise LineError(N_("%(value)r is not an ISO 8601 date or date-time "
                           "(2025-03-12T08:30:00Z)", value=value).at("received")) from None
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    if (day > tomorrow.date()) if day is not None else (moment > tomorrow):
        raise LineError(N_("%(value)r lies in the future", value=value).at("received"))
    if day is not None:
        return day.isoformat()
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _entries(obj: dict, name: str) -> list[str]:
    """A list of names, plates, numbers: a JSON list (of text, or of ``{name}``,
    ``{number}``, ``{plate}`` objects) or one text split at line breaks, ``;`` and ``,``;
    blanks and repeats dropped."""
    value = obj.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        items: list[Any] = re.split(r"[\n;,]+", value)
    elif isinstance(value, list):
        items = [item.get("name") or item.get("number") or item.get("plate") or ""
                 if isinstance(item, dict) else item for item in value]
    else:
        items = [value]
    if not all(isinstance(i, str) or (isinstance(i, int) and not isinstance(i, bool))
               for i in items):
        raise LineError(N_("expected a list of text").at(name))
    cleaned = []
    for i, item in enumerate(items):
        text = str(item).strip()
        if problem := text_problem(text, multiline=False):
            raise LineError(problem.at(f"{name}[{i}]"))
        if text:
            cleaned.append(text[:MAX_FIELD])
    if len(cleaned) > MAX_ENTRIES:
        raise LineError(N_("at most %(max)s entries", max=MAX_ENTRIES).at(name))
    return list(dict.fromkeys(cleaned))


def _event_date(obj: dict) -> str | None:
    name = "event_date" if obj.get("event_date") not in (None, "") else "date"
    value = _text(obj, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise LineError(N_("%(value)r is not a date like 2025-03-12", value=value)
                        .at("event_date")) from None


def _amount(obj: dict, name: str) -> float | None:
    """A number as officers write it: thousands separated by commas (``30,000``)."""
    value = obj.get(name)
    if isinstance(value, str):
        value = value.replace(",", "").strip()
    return number({name: value}, name)


def _currency(obj: dict, name: str) -> str | None:
    value = _text(obj, name)
    if value is not None and value.upper() not in _currencies():
        raise LineError(N_("%(value)r is not an ISO 4217 currency code such as EUR", value=value)
                        .at(name))
    return value.upper() if value else None


def _phones(obj: dict) -> list[str]:
    phones = _entries(obj, "phones")
    for i, phone in enumerate(phones):
        if len(re.sub(r"\D", "", phone)) < 6:
            raise LineError(N_("%(value)r is not a phone number", value=phone).at(f"phones[{i}]"))
    return phones


def _source(obj: dict, *, required: bool) -> str | None:
    value = bounded_text(obj, "source", 64, multiline=False)
    if value is None and required:
        raise LineError(N_("an informant report names its source (codename)").at("source"))
    return value


def _event_type(obj: dict, *, required: bool) -> str | None:
    value = _text(obj, "event_type", required=required)
    if value is not None and value.lower() not in set(EventType):
        raise LineError(N_("%(value)r is not one of %(allowed)s", value=value,
                           allowed=", ".join(e.value for e in EventType)).at("event_type"))
    return value.lower() if value else None


def _channel_fields(r: _Reasons, obj: dict, channel: str | None, entered: bool) -> dict:
    """The fields of ``channel``'s own form, checked (all of them, None or [] when absent)."""
    checks: dict[str, Callable[[], Any]] = {
        "event_type": lambda: _event_type(obj, required=entered),
        "event_date": lambda: _event_date(obj),
        "place": lambda: bounded_text(obj, "place", MAX_FIELD, multiline=False),
        "commodity": lambda: bounded_text(obj, "commodity", MAX_FIELD, multiline=False),
        "quantity": lambda: bounded_text(obj, "quantity", 100, multiline=False),
        "value": lambda: _amount(obj, "value"),
        "currency": lambda: _currency(obj, "currency"),
        "persons": lambda: _entries(obj, "persons"),
        "vehicles": lambda: _entries(obj, "vehicles"),
        "containers": lambda: [c.replace(" ", "").upper() for c in _entries(obj, "containers")],
        "crossing": lambda: bounded_text(obj, "crossing", 64, multiline=False),
        "phones": lambda: _phones(obj),
    }
    lists = ("persons", "vehicles", "containers", "phones")
    return {name: r.check(checks[name]) or ([] if name in lists else None)
            for name in CHANNEL_FIELDS.get(channel or "", ())}


def default_title(channel: str, fields: dict[str, Any], text: str) -> str:
    """A report's title when none is given: its channel and what it names first."""
    bits = [fields.get("crossing") or "", *fields.get("vehicles", []),
            *fields.get("containers", [])]
    summary = " ".join(b for b in bits if b) or " ".join(text.split())[:80]
    return f"{Channel(channel).title}: {summary}"[:MAX_TITLE]


def _report(obj: dict, line: int, ctx: Context) -> Record:
    """A report from a file, or entered by an officer (``ctx.entered``: a form or the API).
    One rule for both; what differs is who supplies what. An entered report gets its id,
    unit, status (a draft or submitted) and evidence files from the service, and its
    receipt time now when not given; its officer chooses the handling code (a file's line
    defaults to restricted); an informant report names its source, a register entry its
    event type; a liaison log needs only a vehicle, container, phone or a few words; a
    title is made when none is given."""
    grading, r, entered = ctx.grading, _Reasons(), ctx.entered
    channel = r.check(_channel, obj)
    handling = r.check(_text, obj, "handling")
    data = {
        "id": r.check(_report_id, obj, required=not entered),
        "channel": channel,
        "received": r.check(_received, obj, entered=entered),
        "source": r.check(_source, obj, required=entered and channel == Channel.INFORMANT),
        "source_grade": r.check(_grade, grading.source_grade, r.check(_text, obj, "source_grade")),
        "info_grade": r.check(_grade, grading.info_grade, r.check(_text, obj, "info_grade")),
        "handling": r.check(_grade, grading.handling_code,
                            handling if entered else handling or "restricted"),
        "scheme_handling": r.check(_grade, grading.scheme_handling,
                                   r.check(_text, obj, "scheme_handling")),
        "grading_scheme": grading.scheme.name,  # what its grades mean (risk.intel weighs them)
        "unit": r.check(_text, obj, "unit") if entered else r.check(_unit, obj, ctx.units),
        "title": r.check(bounded_text, obj, "title", MAX_TITLE, multiline=False),
        "text": r.check(bounded_text, obj, "text", MAX_REPORT_TEXT,
                        required=not entered or channel not in (None, Channel.LIAISON)),
        "status": None if entered else r.check(_choice, obj, "status", EXCHANGED_STATUSES),
        "files": [] if entered else r.check(_files, obj, ctx) or [],
    }
    fields = _channel_fields(r, obj, channel, entered)
    if entered and channel == Channel.LIAISON and not (
        data["text"] or fields.get("vehicles") or fields.get("containers")
        or fields.get("phones")
    ) and not r.found:
        r.found.append("text: log a vehicle, a container, a phone or a few words")
    r.done()
    data["fields"] = fields
    if entered and not data["title"]:
        data["title"] = default_title(channel, fields, data["text"] or "")
    # a file's channel fields are stored with its other fields beyond the format's own
    data["extra"] = {**_extra(obj, _REPORT), **{k: v for k, v in fields.items() if k in obj}}
    return Record("report", line, data["id"] or "", data)


_RELATION = frozenset({"kind", "from", "to", "type", "source", "date"})


def _endpoint(obj: dict, name: str) -> EntityRow:
    end = obj.get(name)
    if not isinstance(end, dict):
        raise LineError(N_("expected an object with kind and id").at(name))
    r = _Reasons()
    kind_word = (r.check(_text, end, "kind", required=True, label=f"{name}.kind") or "").lower()
    kind = ENDPOINT_KINDS.get(kind_word)
    if kind_word and kind is None:
        r.found.append(f"{name}.kind: {kind_word!r} is not an entity kind")
    ref = r.check(_id, end, "id", f"{name}.id")
    r.done()
    if kind is EntityKind.TRADER:
        return trader_ref(ref)
    return EntityRow(cast(EntityKind, kind), ref, ref, None, "referenced")  # done() refused None


def _relation(obj: dict, line: int, ctx: Context) -> Record:
    r = _Reasons()
    start, end = r.check(_endpoint, obj, "from"), r.check(_endpoint, obj, "to")
    word = (r.check(_id, obj, "type") or "").lower().replace(" ", "_").replace("-", "_")
    source, when = r.check(_text, obj, "source"), r.check(iso_date, obj, "date")
    r.done()
    rel_type = relation_type(word)
    data = {
        "from": start.id,
        "to": end.id,
        "type": rel_type.value,
        # the register's own word when it is not the type itself (family_of, trades_with)
        "detail": None if word == rel_type.value.lower() else word,
        "source": source,
        "date": when,
        "extra": _extra(obj, _RELATION),
    }
    return Record("relation", line, f"{start.id}|{rel_type.value}|{end.id}", data, [start, end])


@dataclass(frozen=True)
class Context:
    """What validation needs beyond the record: existing units, the grading scheme, and
    whether the record feeds the risk engine now (``scoring``: the scoring API and page,
    a control an officer enters), which then needs what the engine reads: a
    declaration's importer and valued items, a control's lane. (A declaration without
    an origin is scored as one of unknown origin, like ``ZZ``.)"""

    units: frozenset[str] | None = None
    grading: Grading = field(default_factory=lambda: Grading.from_config({}))  # Admiralty
    scoring: bool = False
    # whether an evidence file's bytes (by SHA-256) can be imported; None: not here
    file_at_hand: Callable[[str], bool] | None = None
    # a report an officer enters through a form or the API (see ``_report``)
    entered: bool = False


SCORING = Context(scoring=True)

_VALIDATORS: dict[str, Callable[[dict, int, Context], Record]] = {
    "trader": _trader,
    "person": _person,
    "declaration": _declaration,
    "control": _control,
    "report": _report,
    "relation": _relation,
}


def validate(obj: Any, kind: str, ctx: Context | None = None) -> Record:
    """One record of ``kind`` sent to the API or a form: the checks an import line gets."""
    if not isinstance(obj, Mapping):
        raise LineError(N_("a %(kind)s must be a JSON object", kind=kind))
    given = obj.get("kind")
    if given is not None and given != kind:
        raise LineError(N_("must be %(kind)r, got %(given)r", kind=kind, given=given).at("kind"))
    return _VALIDATORS[kind](dict(obj), 0, ctx or Context())


def parse_line(raw: bytes | str, line: int, ctx: Context | None = None) -> Record | None:
    """Validate one line; ``None`` for a blank line, :class:`LineError` for a bad one."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LineError(N_("not UTF-8 (byte %(byte)s)", byte=exc.start)) from None
    if not raw.strip():
        return None
    try:
        obj = safejson.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(N_("not JSON: %(why)s at column %(column)s", why=exc.msg,
                           column=exc.colno)) from None
    except safejson.JSONRefused as exc:
        raise LineError(N_("refused: %(why)s", why=message_of(exc))) from None
    if not isinstance(obj, dict):
        raise LineError(N_("not a JSON object"))
    kind = obj.get("kind")
    if not isinstance(kind, str) or not kind:
        raise LineError(N_('missing "kind"'))
    validator = _VALIDATORS.get(kind)
    if validator is None:
        raise LineError(N_("unknown kind %(kind)r; one of %(allowed)s", kind=kind,
                           allowed=", ".join(KINDS)))
    return validator(obj, line, ctx or Context())
