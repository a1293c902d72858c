"""Entity extraction and resolution for customs intelligence texts (pure Python + spaCy)."""

from .gazetteer import Gazetteer
from .language import detect as detect_language
from .pipeline import LABELS, Mention, extract, extract_many, get_nlp
from .resolution import candidates, phone_e164, resolution_key, set_home_region, similarity
from .translit import translit_key

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
