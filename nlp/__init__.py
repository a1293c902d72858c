"""Entity extraction and resolution for customs intelligence texts (pure Python + spaCy).

spaCy loads only when extraction is asked for (``extract``, ``extract_many``, ``get_nlp``,
``Gazetteer``, ``LABELS``): resolving and storing mentions, which every import and every
review does, must not pay for a model it does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .language import detect as detect_language
from .mention import Mention
from .resolution import candidates, phone_e164, resolution_key, set_home_region, similarity
from .translit import translit_key

if TYPE_CHECKING:
    from .gazetteer import Gazetteer
    from .pipeline import LABELS, extract, extract_many, get_nlp

_WITH_SPACY = {"Gazetteer": ".gazetteer", "LABELS": ".pipeline", "extract": ".pipeline",
               "extract_many": ".pipeline", "get_nlp": ".pipeline"}


def __getattr__(name: str) -> Any:
    if name in _WITH_SPACY:
        return getattr(import_module(_WITH_SPACY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LABELS",
    "Gazetteer",
    "Mention",
    "candidates",
    "detect_language",
    "extract",
    "extract_many",
    "get_nlp",
    "phone_e164",
    "resolution_key",
    "set_home_region",
    "similarity",
    "translit_key",
]
