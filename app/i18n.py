"""The interface's language: English, French or Arabic (right to left), chosen per request.

The language of a page is, in order: a language the visitor just picked (``?lang=fr``: the
hotline's and the sign-in page's switch, remembered in the session cookie), the officer's
own setting (``/account``), the language remembered for an anonymous visitor, the
browser's ``Accept-Language``, then the administration's default ``CORDON_LANGUAGE``.
Catalogues live in ``app/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled
to ``.mo`` by ``make translations`` (part of ``make run`` and ``make test``).
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

# The interface's languages, each named in itself (as the language switch shows it).
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})
DEFAULT_LANGUAGE = "en"

babel = Babel()

# The selectivity lanes as customs officers name them (circuit rouge, المسار الأحمر).
LANES = {"green": _l("green lane"), "yellow": _l("yellow lane"), "red": _l("red lane"),
         "blue": _l("blue lane (post-clearance audit)")}


def valid_language(code: Any) -> str | None:
    """``code`` if it is one of the interface's languages, else None."""
    return code if isinstance(code, str) and code in LANGUAGES else None


def select_locale() -> str:
    """The language of this request (see the module docstring for the order)."""
    if request:
        picked = valid_language(request.args.get("lang"))
        if picked:
            return picked
        if current_user and current_user.is_authenticated:
            own = valid_language(getattr(current_user, "language", None))
            if own:
                return own
        remembered = valid_language(session.get("lang"))
        if remembered:
            return remembered
        browser = request.accept_languages.best_match(list(LANGUAGES))
        if browser:
            return browser
    return valid_language(current_app.config.get("CORDON_LANGUAGE")) or DEFAULT_LANGUAGE


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def text_direction() -> str:
    return "rtl" if current_language() in RIGHT_TO_LEFT else "ltr"


def locale() -> Locale:
    return get_locale() or Locale.parse(DEFAULT_LANGUAGE)


# Stored states and kinds shown on pages (graph/ keeps them as plain values, no Flask).
TERMS = {
    "draft": _l("draft"), "submitted": _l("submitted"), "evaluated": _l("evaluated"),
    "disseminated": _l("disseminated"), "archived": _l("archived"),
    "open": _l("open"), "in_progress": _l("in progress"), "done": _l("done"),
    "cancelled": _l("cancelled"), "suspended": _l("suspended"), "closed": _l("closed"),
    "granted": _l("granted"), "revoked": _l("revoked"),
}


# Report channels on pages (graph.vocabulary.CHANNEL_TITLES keeps the English a stored title uses).
CHANNEL_LABELS = {
    "informant": _l("Informant report"), "register": _l("Register entry"),
    "liaison": _l("Liaison log"), "hotline": _l("Hotline tip"),
    "open_source": _l("Open source"), "partner_agency": _l("Partner agency"),
}


def channel_title(channel: Any) -> str:
    """A report channel (``Channel.LIAISON`` or ``liaison``) named in the page's language."""
    value = getattr(channel, "value", channel)
    return str(CHANNEL_LABELS.get(str(value), value or ""))


def term(value: Any) -> str:
    """A stored state or kind (``submitted``, ``in_progress``, ``rfi``…) in the page's
    language; an unknown value as it is."""
    return str(TERMS.get(str(value), value if value is not None else ""))


def lane_name(lane: Any) -> str:
    """``red`` → "red lane" / "circuit rouge" / "المسار الأحمر"; an unknown value as it is."""
    return str(LANES.get(str(lane), lane or ""))


def bdi(value: Any) -> Markup | str:
    """``{{ container|bdi }}``: an identifier (container, plate, HS code, reference, phone)
    kept left to right inside Arabic text; nothing stored → an empty string."""
    if value is None or value == "":
        return ""
    return Markup("<bdi>{}</bdi>").format(value)


def _remember_choice() -> None:
    """A language picked with the switch (``?lang=``) stays for the rest of the visit."""
    picked = valid_language(request.args.get("lang"))
    if picked and session.get("lang") != picked:
        session["lang"] = picked


def init_app(app: Flask) -> None:
    configured = app.config.get("CORDON_LANGUAGE") or DEFAULT_LANGUAGE
    if not valid_language(configured):
        raise ValueError(
            f"CORDON_LANGUAGE={configured!r} is not one of {', '.join(LANGUAGES)}"
        )
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: app.config.get("CORDON_TIMEZONE") or "UTC")
    app.before_request(_remember_choice)
    app.jinja_env.filters["bdi"] = bdi
    app.jinja_env.globals.update(
        languages=LANGUAGES, current_language=current_language, text_direction=text_direction,
        lane_name=lane_name, term=term, channel_title=channel_title,
    )
