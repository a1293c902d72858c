"""What every page shares to show records to people: local readable times, links.

Times are stored in UTC (ISO 8601); pages show them in the administration's time zone
(``CORDON_TIMEZONE``, default UTC) through one filter, ``localtime``, which keeps the
machine-readable value in ``<time datetime=...>``. Every id a person reads is a link to
its page, built here (``report_url``, ``declaration_url``, ``entity_url``, ``node_url``),
so templates and the explorer JSON agree on where a record lives.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from jinja2 import Undefined
from markupsafe import Markup

from app.i18n import locale
from app.risk.indicators import indicator_label

# Day, abbreviated month in the page's language, year (and 24-hour time): CLDR patterns,
# so "07 Dec 2026, 06:12", "07 déc. 2026, 06:12", "07 ديسمبر 2026، 06:12".
TIME_FORMAT = "dd MMM y, HH:mm"
DATE_FORMAT = "dd MMM y"


@lru_cache(maxsize=8)
def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"CORDON_TIMEZONE={name!r} is not an IANA time zone name") from None


def _parse(value: Any) -> datetime | date | None:
    if value is None or value == "":
        return None
    if hasattr(value, "to_native"):  # neo4j.time types
        value = value.to_native()
    if isinstance(value, datetime | date):
        return value
    text = str(value).strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _pattern(pattern: str, where: Locale) -> str:
    # Arabic separates the date from the time with its own comma.
    return pattern.replace(",", "،") if where.language == "ar" else pattern


def local_time(value: Any, tz: ZoneInfo, where: Locale | None = None) -> tuple[str, str] | None:
    """(machine value, readable local text in the ``where`` locale, English by default)
    for a stored time or date; None if unreadable."""
    parsed = _parse(value)
    if parsed is None:
        return None
    where = where or Locale.parse("en")
    if isinstance(parsed, datetime):
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo("UTC"))
        local = parsed.astimezone(tz)
        text = format_datetime(local.replace(tzinfo=None), _pattern(TIME_FORMAT, where),
                               locale=where)
        return parsed.isoformat(), f"{text} {local.tzname()}"
    return parsed.isoformat(), format_date(parsed, DATE_FORMAT, locale=where)


def localtime_filter(value: Any) -> Markup | str:
    """``{{ report.received|localtime }}`` → ``<time datetime="…">07 Dec 2026, 06:12 EET</time>``;
    nothing stored → an empty string (never "None")."""
    shown = local_time(value, zone(current_app.config.get("CORDON_TIMEZONE")), locale())
    if shown is None:
        return "" if value in (None, "") else str(value)
    machine, text = shown
    return Markup('<time datetime="{}">{}</time>').format(machine, text)


def local_date(value: Any) -> str:
    """A stored date or time as text the way ``localtime`` shows it (``07 Dec 2026``, in the
    page's language), for a sentence that is text, not markup; unreadable → as it is."""
    shown = local_time(value, zone(current_app.config.get("CORDON_TIMEZONE")), locale())
    return str(value or "") if shown is None else shown[1]


def _amount(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool | Undefined):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def number(value: Any, digits: int | None = None, signed: bool = False) -> str:
    """Every figure a page shows, in the page's language: ``12300.0`` → ``12,300``
    (``12 300`` in French), ``2520.5`` → ``2,520.50``; ``|number(3)`` always three decimals
    (a score: ``0.412``, ``0,412``), ``|number(2, signed=True)`` a sign too (``+0.25``);
    nothing stored → empty."""
    x = _amount(value)
    if x is None:
        return "" if value is None or isinstance(value, bool | Undefined) else str(value)
    if digits is None:
        digits = 0 if x == int(x) else 2
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(x, pattern, locale=locale())


def percent(value: Any, digits: int = 0) -> str:
    """A share (``0.283``) as people read it in the page's language: ``28%``, ``28 %`` in
    French; ``|percent(1)`` one decimal (``28.3%``, ``28,3 %``); nothing known → a dash."""
    x = _amount(value)
    if x is None:
        return "—"
    where = locale()
    pattern = where.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(x, pattern, locale=where)


def money(value: Any, currency: Any = None) -> str:
    """``{{ 2520.5|money('XOF') }}`` → ``XOF 2,520.50`` / ``2 520,50 F CFA``: an amount in the
    page's language; without a (valid) currency, the amount alone, whole units."""
    if value is None or value == "" or isinstance(value, bool | Undefined):
        return ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    code = str(currency or "").strip().upper()
    if len(code) == 3 and code.isalpha():
        return format_currency(x, code, locale=locale())
    return format_decimal(round(x), "#,##0", locale=locale())


def report_url(report_id: str) -> str:
    return url_for("intake.detail", report_id=report_id)


def declaration_url(declaration_id: str) -> str:
    return url_for("declarations.detail", declaration_id=declaration_id)


def entity_url(entity_id: str) -> str:
    return url_for("entities.entity", entity_id=entity_id)


def node_url(public_id: str) -> str:
    """The page of a network node (``report:ID``, ``declaration:ID`` or an entity id)."""
    if public_id.startswith("report:"):
        return report_url(public_id[7:])
    if public_id.startswith("declaration:"):
        return declaration_url(public_id[12:])
    return entity_url(public_id)


def with_urls(network: dict[str, Any]) -> dict[str, Any]:
    """Network JSON with the ``url`` of each node's page, so the explorer (and API clients)
    open whatever a node stands for."""
    for node in network.get("nodes", []):
        node["url"] = node_url(str(node["id"]))
    return network


def grade_text(source_grade: Any, info_grade: Any) -> str:
    """``B2``; one half missing shows a dash; neither: ``ungraded``."""
    if not source_grade and not info_grade:
        return _("ungraded")
    return f"{source_grade or '–'}{info_grade or '–'}"


def report_link(record: Any, id_key: str = "id") -> Markup:
    """``<bdi><a href=…>R-2026-000123</a></bdi>`` for a report row (its reference, else its id)."""
    rid = record.get(id_key) if isinstance(record, dict) else getattr(record, id_key, None)
    ref = (record.get("reference") if isinstance(record, dict)
           else getattr(record, "reference", None)) or rid
    # <bdi> keeps the reference left to right inside Arabic text.
    return Markup('<bdi><a class="ref" href="{}">{}</a></bdi>').format(report_url(str(rid)), ref)


def filesize(value: Any) -> str:
    """``2.4 MB``, ``310 KB``, ``12 bytes`` (numbers in the page's language)."""
    size = int(value or 0)
    if size >= 1024 * 1024:
        return _("%(num)s MB", num=format_decimal(round(size / (1024 * 1024), 1),
                                                   format="0.0", locale=locale()))
    if size >= 1024:
        return _("%(num)s KB", num=format_decimal(round(size / 1024), locale=locale()))
    return ngettext("%(num)s byte", "%(num)s bytes", size)


# What a person calls each kind of file app/evidence/content.py accepts, in the page's language.
FILE_KINDS = {
    "JPEG image": _l("JPEG image"), "PNG image": _l("PNG image"), "WebP image": _l("WebP image"),
    "HEIC photo": _l("HEIC photo"),
    "PDF document": _l("PDF document"), "text file": _l("text file"),
    "Word document": _l("Word document"), "Excel workbook": _l("Excel workbook"),
    "PowerPoint presentation": _l("PowerPoint presentation"),
    "OpenDocument text": _l("OpenDocument text"),
    "OpenDocument spreadsheet": _l("OpenDocument spreadsheet"),
    "OpenDocument presentation": _l("OpenDocument presentation"),
}


def file_kind(mime: str) -> str:
    """What a person calls a file of this type (``PDF document``)."""
    from app.evidence.content import KINDS

    kind = KINDS.get(mime)
    return str(FILE_KINDS.get(kind.label, kind.label)) if kind else _("file")


def init_app(app: Flask) -> None:
    zone(app.config.get("CORDON_TIMEZONE"))  # a wrong name stops the start, not a page
    app.jinja_env.filters["localtime"] = localtime_filter
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals.update(
        report_url=report_url,
        report_link=report_link,
        declaration_url=declaration_url,
        entity_url=entity_url,
        node_url=node_url,
        grade_text=grade_text,
        file_kind=file_kind,
        indicator_label=indicator_label,
    )
