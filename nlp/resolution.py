"""Normalised keys and fuzzy candidates for entity resolution.

Keys are deterministic: two mentions with the same ``resolution_key`` are the same entity
for merging purposes ("Baltic Star Trading Ltd" == "BALTIC STAR TRADING LIMITED").
Fuzzy ``candidates`` only *propose* matches for an analyst; they never merge anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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


def resolution_key(label: str, text: str) -> str:
    """Deterministic merge key for a mention of type ``label``."""
    label = label.upper()
    if label in ("ORG", "AGENCY"):
        return strip_legal_forms(text)
    if label == "PERSON":
        words = _plain(re.sub(r"\b(?:mr|mrs|ms|dr|capt)\b\.?", " ", text, flags=re.I)).split()
        return " ".join(words)
    if label == "PHONE":
        try:
            num = phonenumbers.parse(text, None if text.strip().startswith("+") else "ZZ")
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            return (
                "+" + re.sub(r"\D", "", text)
                if text.strip().startswith("+")
                else re.sub(r"\D", "", text)
            )
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
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        score_cutoff=threshold * 100,
        limit=limit,
    )
    ranked = [(key, round(score / 100.0, 4)) for _choice, score, key in hits]
    ranked.sort(key=lambda t: (-t[1], str(t[0])))
    return ranked
