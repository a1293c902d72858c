"""Entity extraction and resolution for customs intelligence texts (pure Python + spaCy)."""

from .gazetteer import Gazetteer
from .pipeline import LABELS, Mention, extract, extract_many, get_nlp, set_home_region
from .resolution import candidates, resolution_key, similarity

__all__ = [
    "LABELS",
    "Gazetteer",
    "Mention",
    "candidates",
    "extract",
    "extract_many",
    "get_nlp",
    "resolution_key",
    "set_home_region",
    "similarity",
]
