"""What a committee profile may test, and the check of its conditions.

The declaration fields come from the one definition of a declaration line
(``graph.exchange.records.declaration_fields``), the indicators from the engine
(``risk.features.FEATURE_NAMES``), the operators from ``risk.selectivity``. A condition on
a field the engine never sees, or with an operator or value that cannot hold for that
field, is refused with a reason: the form, the API and the back-test share this check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.risk.indicators import indicator_label
from graph.exchange.records import declaration_fields, is_country_code
from risk.features import FEATURE_NAMES
from risk.selectivity import OPERATORS

# The operators that can hold for each kind of value (dates compare as text: a month is a
# prefix, "2025-03").
KIND_OPERATORS: dict[str, tuple[str, ...]] = {
    "text": ("==", "!=", "in", "not_in", "startswith"),
    "country": ("==", "!=", "in", "not_in"),
    "hs": ("startswith", "==", "!=", "in", "not_in"),
    "date": ("startswith", "==", "!=", "in", "not_in"),
    "number": (">", ">=", "<", "<=", "==", "!="),
    "indicator": (">", ">=", "<", "<="),
}
OPERATOR_LABELS = {"==": _l("is"), "!=": _l("is not"), ">": _l("more than"),
                   ">=": _l("at least"), "<": _l("less than"), "<=": _l("at most"),
                   "in": _l("is one of"), "not_in": _l("is none of"),
                   "startswith": _l("starts with")}
assert set(OPERATOR_LABELS) == set(OPERATORS)  # noqa: S101  (a new engine operator needs a label)
_HS = re.compile(r"[0-9]{2,10}")
_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
MAX_CONDITIONS = 20


class ConditionError(ValueError):
    """A condition the engine could not apply as the committee meant it."""


# What an officer calls each declaration field a profile may test (a path of
# graph.exchange.records.declaration_fields); a new path reads as its words until named here.
FIELD_LABELS = {
    "date": _l("Date of the declaration"), "declarant": _l("Declarant"),
    "departure": _l("Country of dispatch"), "destination": _l("Country of destination"),
    "exporter": _l("Exporter"), "flow": _l("Flow (import, export, transit)"),
    "importer": _l("Importer"), "office": _l("Customs office"),
    "origin": _l("Country of origin"), "transport.container": _l("Container"),
    "transport.mode": _l("Mode of transport"), "items.hs": _l("Item: HS code"),
    "items.quantity": _l("Item: quantity"), "items.weight_kg": _l("Item: gross mass (kg)"),
    "items.value": _l("Item: value"), "items.value_cif": _l("Item: CIF value"),
    "items.tax_rate": _l("Item: tax rate"), "items.taxes": _l("Item: taxes"),
}


def field_label(path: str) -> str:
    """``items.hs`` → "Item: HS code", in the page's language."""
    if path in FIELD_LABELS:
        return str(FIELD_LABELS[path])
    return path.replace("items.", "item ").replace("transport.", "transport ").replace("_", " ")


def subjects() -> list[tuple[str, str, str]]:
    """``(subject, label, kind)`` for the form: ``field:<path>`` or ``indicator:<name>``,
    each labelled in words of the page's language."""
    out = [(f"field:{path}", field_label(path), kind)
           for path, kind in declaration_fields().items()]
    out += [(f"indicator:{name}", _("Indicator: %(label)s", label=indicator_label(name)),
             "indicator") for name in FEATURE_NAMES]
    return out


def _kind(condition: Mapping[str, Any]) -> tuple[str, str]:
    """``(name, kind)`` of the field or indicator a condition tests."""
    fields = declaration_fields()
    if condition.get("field") is not None:
        name = condition["field"]
        if name not in fields:
            raise ConditionError(_("field %(name)s is not a declaration field; one of %(values)s",
                                   name=repr(name), values=', '.join(fields)))
        return name, fields[name]
    name = condition.get("indicator")
    if name not in FEATURE_NAMES:
        raise ConditionError(_("indicator %(name)s is not an indicator of the engine; one of "
                               "%(values)s", name=repr(name), values=', '.join(FEATURE_NAMES)))
    return str(name), "indicator"


def _value(kind: str, op: str, value: Any) -> Any:
    """One value checked (and normalised) for ``kind``."""
    if kind in ("number", "indicator"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConditionError(_("%(value)s is not a number", value=repr(value)))
        return value
    if not isinstance(value, str) or not value.strip():
        raise ConditionError(_("%(value)s is not a text value", value=repr(value)))
    text = value.strip()
    if kind == "country":
        code = text.upper()
        if not is_country_code(code):
            raise ConditionError(_("%(value)s is not an ISO 3166-1 alpha-2 country code",
                                   value=repr(value)))
        return code
    if kind == "hs":
        digits = re.sub(r"[.\s]", "", text)
        if not _HS.fullmatch(digits) or (op != "startswith" and len(digits) < 6):
            raise ConditionError(_("%(value)s is not an HS code (6 to 10 digits; a prefix of 2 or "
                                   "more with 'starts with')", value=repr(value)))
        return digits
    if kind == "date":
        if not _DATE.fullmatch(text) or (op != "startswith" and len(text) != 10):
            raise ConditionError(_("%(value)s is not a date (2025-03-12; a year or month, 2025-03, "
                                   "with 'starts with')", value=repr(value)))
        return text
    return text


def check_condition(raw: Any) -> dict[str, Any]:
    """One condition, checked against the fields, operators and values; normalised."""
    if not isinstance(raw, Mapping):
        raise ConditionError(_("a condition is an object with field (or indicator), op, value"))
    name, kind = _kind(raw)
    op = raw.get("op")
    allowed = KIND_OPERATORS[kind]
    if op not in allowed:
        raise ConditionError(_("operator %(op)s does not apply to %(name)s; one of %(values)s",
                               op=repr(op), name=name, values=', '.join(allowed)))
    if "value" not in raw:
        raise ConditionError(_("a value is required"))
    value = raw["value"]
    if op in ("in", "not_in"):
        if not isinstance(value, list | tuple) or not value:
            raise ConditionError(_("operator %(op)s needs a non-empty list of values", op=repr(op)))
        value = [_value(kind, op, v) for v in value]
    else:
        value = _value(kind, op, value)
    key = "indicator" if kind == "indicator" else "field"
    return {key: name, "op": op, "value": value}


def check_conditions(conditions: Any) -> list[dict[str, Any]]:
    """Every condition checked; one ConditionError naming each condition that fails."""
    if not isinstance(conditions, list) or not conditions:
        raise ConditionError(_("conditions: at least one condition is required"))
    if len(conditions) > MAX_CONDITIONS:
        raise ConditionError(_("conditions: at most %(max_conditions)s",
                               max_conditions=MAX_CONDITIONS))
    out, errors = [], []
    for i, raw in enumerate(conditions, start=1):
        try:
            out.append(check_condition(raw))
        except ConditionError as exc:
            errors.append(f"condition {i}: {exc}")
    if errors:
        raise ConditionError("; ".join(errors))
    return out


def condition_from_form(subject: str, op: str, text: str) -> dict[str, Any]:
    """A condition from the form's row (subject, operator, typed value): lists are
    comma-separated, numbers parsed; checked as the API checks it."""
    kinds = {s: kind for s, _, kind in subjects()}
    if subject not in kinds:
        raise ConditionError(_("%(subject)s is not a declaration field or indicator",
                               subject=repr(subject)))
    key, name = subject.split(":", 1)
    kind = kinds[subject]
    parts = [p.strip() for p in text.split(",")] if op in ("in", "not_in") else [text.strip()]
    if not all(parts):
        raise ConditionError("a value is required" if len(parts) == 1 else
                             "an empty value in the list")
    values: list[Any] = []
    for part in parts:
        if kind in ("number", "indicator"):
            try:
                values.append(float(part))
            except ValueError:
                raise ConditionError(_("%(part)s is not a number", part=repr(part))) from None
        else:
            values.append(part)
    value: Any = values if op in ("in", "not_in") else values[0]
    return check_condition({key: name, "op": op, "value": value})


def describe(conditions: Sequence[Mapping[str, Any]]) -> list[str]:
    """Conditions as a committee member reads them: ``origin is CN``."""
    out = []
    for c in conditions:
        name = str(c.get("field") or f"indicator {c.get('indicator')}").replace("_", " ")
        value = c.get("value")
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        out.append(f"{name} {OPERATOR_LABELS.get(str(c.get('op')), c.get('op'))} {shown}")
    return out
