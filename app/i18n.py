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
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale
from flask_babel import gettext as translation  # a message id held in a variable
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.accounts.roles import Role
from graph.messages import Day, Figure, Joined, Message, message_of

# The interface's languages, each named in itself (as the language switch shows it).
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})
DEFAULT_LANGUAGE = "en"

babel = Babel()

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


# Every stored word a page shows, in the page's language: the records keep the English
# codes of graph/vocabulary.py (and of the roles, handling codes, case and task states);
# ``term`` names them. `make lint` (app/i18n_check.py) fails on a stored word missing here.
VOCABULARY = {
    # entity kinds (graph.vocabulary.EntityKind)
    "Trader": _l("Trader"), "Organisation": _l("Organisation"), "Agency": _l("Agency"),
    "Person": _l("Person"), "Location": _l("Location"), "Vessel": _l("Vessel"),
    "Container": _l("Container"), "Vehicle": _l("Vehicle"), "Phone": _l("Phone"),
    "Email": _l("E-mail address"), "Document": _l("Identity document"),
    "Commodity": _l("Commodity"), "Address": _l("Address"),
    # relation types (graph.vocabulary.RelationType)
    "DIRECTOR_OF": _l("director of"), "EMPLOYEE_OF": _l("employee of"),
    "OWNER_OF": _l("owner of"), "SHAREHOLDER_OF": _l("shareholder of"),
    "ASSOCIATE_OF": _l("associate of"), "RELATIVE_OF": _l("relative of"),
    "USES_PHONE": _l("uses phone"), "USES_EMAIL": _l("uses e-mail"),
    "LOCATED_AT": _l("located at"), "HOLDS_DOCUMENT": _l("holds document"),
    "OPERATES": _l("operates"), "RELATED_TO": _l("related to"), "SAME_AS": _l("same as"),
    # the trade and report links of the network (graph.network)
    "IMPORTED_BY": _l("imported by"), "EXPORTED_BY": _l("exported by"),
    "DECLARED_BY": _l("declared by"), "SHIPPED_IN": _l("shipped in"),
    "CARRIED_BY": _l("carried by"), "TRANSPORTED_BY": _l("transported by"),
    "MENTIONS": _l("mentions"), "Report": _l("Report"), "Declaration": _l("Declaration"),
    # report channels (graph.vocabulary.Channel; CHANNEL_TITLES keeps the stored English)
    "informant": _l("Informant report"), "register": _l("Register entry"),
    "liaison": _l("Liaison log"), "hotline": _l("Hotline tip"),
    "open_source": _l("Open source"), "partner_agency": _l("Partner agency"),
    # report statuses, case and task states, AEO statuses
    "draft": _l("draft"), "submitted": _l("submitted"), "evaluated": _l("evaluated"),
    "disseminated": _l("disseminated"), "archived": _l("archived"),
    "open": _l("open"), "in_progress": _l("in progress"), "done": _l("done"),
    "cancelled": _l("cancelled"), "suspended": _l("suspended"), "closed": _l("closed"),
    "granted": _l("granted"), "revoked": _l("revoked"),
    # what an entity's timeline lists, an entity's own status
    "report": _l("report"), "declaration": _l("declaration"), "control": _l("control"),
    "relation": _l("relation"), "confirmed": _l("confirmed"), "referenced": _l("referenced"),
    # an entity's most common properties
    "name": _l("name"), "created_at": _l("created at"), "updated_at": _l("updated at"),
    "country": _l("country"), "dob": _l("date of birth"), "nationality": _l("nationality"),
    "aeo": _l("AEO"), "registered": _l("registered on"), "document_type": _l("document type"),
    "imo": _l("IMO number"), "risk_score": _l("risk score"),
    "risk_exposure": _l("risk exposure"), "risk_model": _l("risk model"),
    "risk_reasons": _l("risk reasons"), "risk_scored_at": _l("risk scored on"),
    # case kinds, task priorities, an entity's review
    "rfi": _l("Request for information"), "investigation": _l("Investigation"),
    "low": _l("low"), "normal": _l("normal"), "high": _l("high"), "urgent": _l("urgent"),
    "proposed": _l("proposed"), "accepted": _l("accepted"), "rejected": _l("rejected"),
    # selectivity lanes as customs officers name them (circuit rouge, المسار الأحمر), results
    "green": _l("green lane"), "yellow": _l("yellow lane"), "red": _l("red lane"),
    "blue": _l("blue lane (post-clearance audit)"),
    "positive": _l("positive"), "negative": _l("negative"),
    # a control's court result (graph.exchange.records.COURT_RESULTS)
    "convicted": _l("convicted"), "acquitted": _l("acquitted"), "dismissed": _l("dismissed"),
    "settled": _l("settled"), "pending": _l("pending"),
    # the default handling codes (graph.grading.DEFAULT_HANDLING; "open" is above)
    "restricted": _l("restricted"), "originator": _l("originator control"),
    # what the extraction labels a mention (nlp.LABELS: shown as a tag, in capitals) and
    # what found it
    "PERSON": _l("PERSON"), "ORG": _l("ORG"), "AGENCY": _l("AGENCY"),
    "LOCATION": _l("LOCATION"), "VESSEL": _l("VESSEL"), "CONTAINER": _l("CONTAINER"),
    "HS_CODE": _l("HS_CODE"), "COMMODITY": _l("COMMODITY"), "VEHICLE": _l("VEHICLE"),
    "PHONE": _l("PHONE"), "EMAIL": _l("EMAIL"), "MONEY": _l("MONEY"),
    "QUANTITY": _l("QUANTITY"), "DATE": _l("DATE"), "ID_DOCUMENT": _l("ID_DOCUMENT"),
    "model": _l("model"), "rule": _l("rule"), "gazetteer": _l("gazetteer"),
    "person": _l("person"),
    # a case member's part
    "lead": _l("case lead"), "member": _l("case member"),
    # what a register entry records (graph.exchange.records.EventType)
    "seizure": _l("seizure"), "offence": _l("offence"), "suspicious_event": _l("suspicious event"),
}
# Roles share a word with a channel ("liaison"): ``term(value, "role")`` reads them here.
ROLES = {role.value: role.title for role in Role}
# A source's type (app.sources.service.SourceType) shares words with the channels:
# ``term(value, "source_type")`` reads them here.
SOURCE_TYPES = {
    "informant": _l("Informant"), "liaison_officer": _l("Liaison officer"),
    "partner_agency": _l("Partner agency"), "open_source": _l("Open source"),
    "hotline": _l("Hotline"),
}


def term(value: Any, of: str = "") -> str:
    """A stored word (``Person``, ``DIRECTOR_OF``, ``red``, ``in_progress``, ``Channel.LIAISON``;
    a role: ``term("analyst", "role")`` or ``Role.ANALYST``; a source's type:
    ``term("open_source", "source_type")``) in the page's language; an unknown value (a
    configured handling code, a name) as it is, nothing as ""."""
    table = (ROLES if of == "role" or isinstance(value, Role)
             else SOURCE_TYPES if of == "source_type" else VOCABULARY)
    value = getattr(value, "value", value)
    if value is None:
        return ""
    return str(table.get(str(value), value))


# Older names of ``term`` that pages and services already call.
channel_title = lane_name = term


def say(text: Any) -> str:
    """What graph/ says (a validator's reason, a grading error, a package refused, a grade's
    label: a ``graph.messages.Message``, or an exception raised with one) in the page's
    language, or for a command in CORDON_LANGUAGE's; plain text as it is, nothing as ""."""
    if isinstance(text, BaseException):
        text = message_of(text)
    if isinstance(text, Joined):
        return text.separator.join(say(part) for part in text.parts)
    if not isinstance(text, Message):
        return "" if text is None else str(text)
    params = {k: _said(v) if isinstance(v, Message | Joined) or f"%({k})s" in text.msgid else v
              for k, v in text.params.items()}
    said = translation(text.msgid, **params) if params else translation(text.msgid)
    return f"{text.field}: {said}" if text.field else said


def _said(value: Any) -> Any:
    """A message's parameter as the page shows it: a message in the page's language, a date
    as pages show dates (``03 févr. 2025``), a figure as pages show figures (``12 600``)."""
    from app.templating import local_date, number, percent

    if isinstance(value, Message | Joined):
        return say(value)
    if isinstance(value, Day):
        return local_date(value)
    if isinstance(value, Figure):
        return (percent(value.value, value.digits) if value.share
                else number(value.value, value.digits, signed=value.signed))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return value


def bdi(value: Any) -> Markup | str:
    """``{{ container|bdi }}``: an identifier (container, plate, HS code, reference, phone)
    kept left to right inside Arabic text; nothing stored → an empty string."""
    if value is None or value == "":
        return ""
    return Markup("<bdi>{}</bdi>").format(value)


def _answers_get(path: str) -> bool:
    """Whether ``path`` is a page this app serves to a GET (a redirect counts)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:  # 404, or 405 for an address only a form posts to
        return False
    return True


def language_switch_url(code: str) -> str:
    """This page in language ``code``. A page a form posted to (a refused follow-up on the
    hotline, ``/hotline/follow-up/add``) may answer no GET: the switch then leads to the
    nearest page above it that does (``/hotline/follow-up``), never to a 405."""
    path, args = request.path, request.args.to_dict(flat=False)
    while path != "/" and not _answers_get(path):
        path, args = path.rstrip("/").rsplit("/", 1)[0] or "/", {}
    args["lang"] = [code]
    return f"{request.script_root}{path}?{urlencode(args, doseq=True)}"


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
        language_switch_url=language_switch_url,
        lane_name=lane_name, term=term, channel_title=channel_title, vocabulary=VOCABULARY,
    )
    app.jinja_env.filters["term"] = term
    app.jinja_env.filters["say"] = say
