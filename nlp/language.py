"""Which language a text is written in, sentence by sentence.

Reports arrive in English, French and Arabic, and a French note may quote an Arabic
statement or an English manifest line. Each sentence is identified on its own (py3langid,
limited to the languages Cordon extracts, plus a script test for Arabic, which is certain
from the letters alone); sentences too short to tell (a container number, "Tel. 0555…")
take the language of their neighbours, and neighbours of one language form one segment.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SUPPORTED = ("en", "fr", "ar")
DEFAULT = "en"
# Fewer letters than this in a sentence: too little to tell, it follows its neighbours.
MIN_LETTERS = 12
_SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+|\n\s*\n|\n(?=\s*[-•*\d])")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    language: str


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    return identifier


def _guess(text: str) -> str | None:
    """The language of one stretch of text, or None when it has too few letters."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if arabic + latin < MIN_LETTERS:
        return None
    if arabic > latin:
        return "ar"
    with _lock:  # the identifier keeps buffers between calls
        language, _ = _identifier().classify(text)
    return str(language) if language in SUPPORTED else DEFAULT


def detect(text: str, default: str = DEFAULT) -> str:
    """The main language of ``text``: the one covering most of its characters; ``default``
    when it has too few letters to tell."""
    weight: dict[str, int] = {}
    for segment in segments(text, default):
        weight[segment.language] = weight.get(segment.language, 0) + segment.end - segment.start
    return max(weight, key=lambda k: weight[k]) if weight else default


def segments(text: str, default: str = DEFAULT) -> list[Segment]:
    """``text`` cut into runs of one language; together they cover it all, in order."""
    if not text:
        return []
    whole = _guess(text)
    if whole is None:
        return [Segment(0, len(text), default)]
    pieces: list[tuple[int, int, str | None]] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.start() > start:
            pieces.append((start, boundary.start(), _guess(text[start:boundary.start()])))
        start = boundary.start()  # the whitespace joins the next sentence
    pieces.append((start, len(text), _guess(text[start:])))
    if len({p[2] for p in pieces if p[2]}) <= 1:
        return [Segment(0, len(text), whole)]
    # a sentence too short to tell follows the one before it (or after, at the start)
    known = [p[2] for p in pieces]
    for i, language in enumerate(known):
        if language is None:
            before = next((k for k in reversed(known[:i]) if k), None)
            after = next((k for k in known[i + 1:] if k), None)
            known[i] = before or after or whole
    out: list[Segment] = []
    for (s, e, _), language in zip(pieces, known, strict=True):
        if out and out[-1].language == language:
            out[-1] = Segment(out[-1].start, e, str(language))
        else:
            out.append(Segment(s, e, str(language)))
    return out
