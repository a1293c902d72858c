"""Normalised keys and fuzzy candidates for entity resolution.

Keys are deterministic: two mentions with the same ``resolution_key`` are the same entity
for merging purposes ("Baltic Star Trading Ltd" == "BALTIC STAR TRADING LIMITED").
Fuzzy ``candidates`` only *propose* matches for an analyst; they never merge anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import phonenumbers
from rapidfuzz import fuzz, process, utils

from .lexicons import fold
from .rules import LEGAL_FORMS

_LEGAL_WORDS = frozenset(re.sub(r"[^\w ]", "", f.lower()).strip() for f in LEGAL_FORMS) | {
    "ltd sti",
    "sti",
    "sp z oo",
    "sro",
    "as",
    "doo",
    "sa de cv",
    "cv",
    "llc",
    "the",
}
# Multi-word legal forms (after punctuation removal), longest first.
_LEGAL_MULTI = sorted((w for w in _LEGAL_WORDS if " " in w), key=len, reverse=True)


def _plain(text: str) -> str:
    """Case-fold, fold accents, turn punctuation into spaces, squeeze whitespace."""
    text = fold(text).lower().replace("&", " and ")
    text = re.sub(r"(?<=\b\w)\.(?=\w\.)", "", text)  # "s.a." -> "sa." (dotted acronyms)
    text = re.sub(r"\.(?=\s|$)", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def strip_legal_forms(name: str) -> str:
    """Company name without trailing legal-form words (Ltd, GmbH, S.A., OOD, ...)."""
    words = _plain(name).split()
    changed = True
    while changed and len(words) > 1:
        changed = False
        tail2 = " ".join(words[-2:])
        tail3 = " ".join(words[-3:])
        for n, tail in ((3, tail3), (2, tail2)):
            if tail in _LEGAL_MULTI and len(words) > n:
                words = words[:-n]
                changed = True
                break
        else:
            if words[-1] in _LEGAL_WORDS:
                words.pop()
                changed = True
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", fold(text).upper())


_home_region: str | None = None


def set_home_region(code: str | None) -> None:
    """The administration's own country (``CORDON_COUNTRY``): its local phone numbers
    ("0888 123 456") are read as such when the text points to no other country."""
    global _home_region
    _home_region = code.strip().upper() if code and code.strip() else None


def home_region() -> str | None:
    return _home_region


def phone_e164(text: str, region: str | None = None) -> str | None:
    """A phone number in E.164, or None when it is not one: international numbers as
    written, national ones ("0888 123 456") in ``region`` (the holder's country) or else
    the administration's own. Every place that stores or looks up a phone asks here, so a
    number is one entity however it was typed."""
    raw = text.strip()
    try:
        if raw.startswith("+") or raw.startswith("00"):
            number = phonenumbers.parse("+" + raw.lstrip("+0") if raw.startswith("00") else raw)
        else:
            number = phonenumbers.parse(raw, region or _home_region or "ZZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def resolution_key(label: str, text: str) -> str:
    """Deterministic merge key for a mention of type ``label``."""
    label = label.upper()
    if label in ("ORG", "AGENCY"):
        return strip_legal_forms(text)
    if label == "PERSON":
        words = _plain(re.sub(r"\b(?:mr|mrs|ms|dr|capt)\b\.?", " ", text, flags=re.I)).split()
        return " ".join(words)
    if label == "PHONE":
        e164 = phone_e164(text)
        if e164:
            return e164
        digits = re.sub(r"\D", "", text)
        return "+" + digits if text.strip().startswith("+") else digits
    if label == "VESSEL":
        m = re.search(r"\bIMO\D{0,12}(\d{7})\b", text, re.I)
        if m:
            return f"IMO{m.group(1)}"
        name = re.sub(r"^(?:M/[VTSY]|MV|MT|MS|MY|FV|F/V|SS)\.?\s+", "", text.strip(), flags=re.I)
        return _plain(name).upper()
    if label in ("CONTAINER", "VEHICLE", "ID_DOCUMENT", "HS_CODE"):
        key = _alnum(text)
        return re.sub(r"\D", "", key) if label == "HS_CODE" else key
    if label == "EMAIL":
        return text.strip().lower()
    return _plain(text)


def similarity(a: str, b: str) -> float:
    """Token-set similarity in [0, 1], insensitive to case, accents and word order."""
    pa, pb = _plain(a), _plain(b)
    if not pa or not pb:
        return 0.0
    return fuzz.token_set_ratio(pa, pb) / 100.0


def plausible_ratio(a: str, b: str, **kwargs: Any) -> float:
    """Like token-set similarity, but one name must carry most of the other's words: "Ivan
    Petrov" and "Ivan Georgiev Petrov" stay alike, while "Varna" is not every street in
    Varna (token-set similarity alone calls a name inside a longer one identical)."""
    wa, wb = set(a.split()), set(b.split())
    if not wa or not wb:
        return 0.0
    if min(len(wa), len(wb)) / max(len(wa), len(wb)) >= 0.6:
        return fuzz.token_set_ratio(a, b, **kwargs)
    return fuzz.token_sort_ratio(a, b, **kwargs)


def candidates(
    name: str,
    known: Iterable[str] | dict[str, str],
    threshold: float = 0.85,
    label: str = "ORG",
    limit: int = 10,
) -> list[tuple[str, float]]:
    """Ranked ``(known_name_or_id, score)`` proposals for ``name``; proposals only, never merges.

    ``known`` is either names or a mapping ``id -> name``. Comparison is on resolution keys so
    legal forms and punctuation do not count as differences.
    """
    items = dict(known) if isinstance(known, dict) else {k: k for k in known}
    query = resolution_key(label, name)
    choices = {k: resolution_key(label, v) for k, v in items.items()}
    hits = process.extract(
        query,
        choices,
        scorer=plausible_ratio,
        processor=utils.default_process,
        score_cutoff=threshold * 100,
        limit=limit,
    )
    ranked = [(key, round(score / 100.0, 4)) for _choice, score, key in hits]
    ranked.sort(key=lambda t: (-t[1], str(t[0])))
    return ranked
