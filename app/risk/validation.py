"""Validation of declarations and control results in the exchange format (version 1).

The scoring API must answer bad input with reasons, never a 500, and apply the same
rules as the import: ISO dates, ISO 3166-1 alpha-2 countries (ZZ, XX, QU: unknown, scored
as no country), HS codes of 6 to 10 digits
(dots and spaces stripped), non-negative numbers. Returns cleaned copies plus errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from graph.exchange.records import (
    LineError,
    control_outcome,
    is_country_code,
    is_unknown_country,
)

HS_STRIP = re.compile(r"[.\s]")
HS_DIGITS = re.compile(r"[0-9]{6,10}")  # ASCII digits only, as the import; fullmatch
ID = re.compile(r"[\w./:-]{1,64}")  # fullmatch: "$" would let a trailing newline through
ITEM_NUMBERS = ("quantity", "weight_kg", "value", "value_cif", "tax_rate", "taxes")
LANES = ("green", "yellow", "red", "blue")
RESULTS = ("positive", "negative")
MAX_ITEMS = 999
# Past this no quantity, weight or amount is real; sums and ratios of larger ones overflow
# to inf/NaN in the scoring features.
MAX_NUMBER = 1e15


def parse_date(value: Any) -> str | None:
    """ISO date (``2025-03-12``) or datetime (``2025-03-12T08:30:00Z``) → ``YYYY-MM-DD``."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer past 1e308
        return None
    if not math.isfinite(number) or not 0 <= number <= MAX_NUMBER:
        return None
    return number


def validate_declaration(raw: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """A cleaned declaration dict, or None with the reasons it cannot be scored."""
    if not isinstance(raw, Mapping):
        return None, ["a declaration must be a JSON object"]
    errors: list[str] = []
    decl = dict(raw)
    kind = decl.get("kind")
    if kind is not None and kind != "declaration":
        errors.append(f"kind: must be 'declaration', got {kind!r}")
    did = decl.get("id")
    if not isinstance(did, str) or not ID.fullmatch(did):
        errors.append("id: a declaration number of 1-64 letters, digits or ./:-_ is required")
    when = parse_date(decl.get("date"))
    if when is None:
        errors.append("date: an ISO 8601 date is required (2025-03-12)")
    else:
        decl["date"] = when
    for key in ("origin", "departure", "destination"):
        value = decl.get(key)
        if value is None:
            if key == "origin":
                errors.append("origin: the ISO 3166-1 alpha-2 country of origin is required")
            continue
        code = value.strip().upper() if isinstance(value, str) else None
        if code is not None and is_unknown_country(code):
            decl[key] = None  # declared unknown: scored as no country, as the import stores it
        elif code is None or not is_country_code(code):
            errors.append(
                f"{key}: {value!r} is not an ISO 3166-1 alpha-2 country code (ZZ for unknown)"
            )
        else:
            decl[key] = code
    for key in ("importer", "exporter", "declarant", "office"):
        value = decl.get(key)
        if value is not None and (not isinstance(value, str) or not ID.fullmatch(value)):
            errors.append(f"{key}: {value!r} is not a register identifier")
    if not decl.get("importer"):
        errors.append("importer: the importer's register id is required")
    transport = decl.get("transport")
    if transport is not None and not isinstance(transport, Mapping):
        errors.append("transport: must be an object")
    items = decl.get("items")
    if not isinstance(items, list) or not items:
        errors.append("items: at least one item is required")
        items = []
    elif len(items) > MAX_ITEMS:
        errors.append(f"items: at most {MAX_ITEMS} items")
        items = []
    cleaned = []
    for pos, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            errors.append(f"items[{pos}]: must be an object")
            continue
        item = dict(item)
        hs = HS_STRIP.sub("", str(item.get("hs") or ""))
        if not HS_DIGITS.fullmatch(hs):
            errors.append(f"items[{pos}].hs: {item.get('hs')!r} is not an HS code of 6-10 digits")
        item["hs"] = hs
        for key in ITEM_NUMBERS:
            if item.get(key) is not None and _number(item[key]) is None:
                errors.append(
                    f"items[{pos}].{key}: {item[key]!r} must be a number >= 0 and at most "
                    f"{MAX_NUMBER:.0e}"
                )
        if item.get("value") is None and item.get("value_cif") is None:
            errors.append(f"items[{pos}]: a value or value_cif is required")
        cleaned.append(item)
    decl["items"] = cleaned
    return (None, errors) if errors else (decl, [])


_FIELD = re.compile(r"([\w.\[\]]+): (.+)", re.S)


def error_field(error: str) -> dict[str, str | None]:
    """``"items[1].hs: ..."`` -> ``{"field": "items[1].hs", "message": "..."}``; a problem
    of the whole object has no field (None)."""
    found = _FIELD.fullmatch(error)
    if found is None:
        return {"field": None, "message": error}
    return {"field": found.group(1), "message": found.group(2)}


def validate_control(raw: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """A cleaned control result (exchange format), or None with the reasons."""
    if not isinstance(raw, Mapping):
        return None, ["a control must be a JSON object"]
    errors: list[str] = []
    ctrl = dict(raw)
    if not isinstance(ctrl.get("declaration"), str) or not ID.fullmatch(ctrl["declaration"]):
        errors.append("declaration: the declaration number is required")
    when = parse_date(ctrl.get("date"))
    if when is None:
        errors.append("date: an ISO 8601 date is required")
    ctrl["date"] = when
    if ctrl.get("lane") not in LANES:
        errors.append(f"lane: one of {', '.join(LANES)} (blue = post-clearance audit)")
    if ctrl.get("result") not in RESULTS:
        errors.append("result: 'positive' or 'negative'")
    revenue = ctrl.get("revenue", 0.0)
    if revenue is None:
        revenue = 0.0
    if _number(revenue) is None:
        errors.append("revenue: a number >= 0")
    else:
        ctrl["revenue"] = float(revenue)
    finding = ctrl.get("finding")
    if finding is not None and (not isinstance(finding, str) or len(finding) > 200):
        errors.append("finding: a short text")
    seized = ctrl.get("seized") or []
    if not isinstance(seized, list) or not all(isinstance(s, Mapping) for s in seized):
        errors.append("seized: a list of objects")
    profiles = ctrl.get("profiles") or []
    if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
        errors.append("profiles: a list of profile ids")
    if ctrl.get("random") is not None and not isinstance(ctrl["random"], bool):
        errors.append("random: true or false")
    try:  # the import's own rule for the outcome (penalty, seizure, referral, case, court)
        ctrl["outcome"] = control_outcome(ctrl)
    except LineError as exc:
        errors.append(str(exc))
    return (None, errors) if errors else (ctrl, [])
