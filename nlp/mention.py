"""The one shape of a mention, from extraction to the row the graph stores.

Extraction makes them (offsets into the text); a report's structured fields, its evidence
files and the analysts make them too (a field or a file has no offsets, an analyst's is
``accepted``). Plain data, no spaCy: resolving and storing mentions never loads a model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity named in a text, a field or a file; ``to_dict`` gives the
    ``/api/v1/extract`` contract shape."""

    start: int | None  # None: named by a structured field or a file, not at a place
    end: int | None
    label: str
    text: str
    normalized: str
    confidence: float
    source: str = "model"  # provenance: model | rule | gazetteer | abbreviation | person
    entity_id: str | None = None  # a known entity the gazetteer or an analyst named
    field: str | None = None  # the report's field (place, persons...) or "file"
    review: str = "proposed"  # proposed | accepted | rejected
    file: str | None = None  # the evidence file whose text names it

    def shifted(self, offset: int) -> Mention:
        """The same mention in a text that holds this one's text from ``offset`` on."""
        if self.start is None or self.end is None:
            return self
        return replace(self, start=self.start + offset, end=self.end + offset)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label,
                             "text": self.text, "normalized": self.normalized,
                             "confidence": round(self.confidence, 3)}
        if self.entity_id is not None:
            d["entity_id"] = self.entity_id
        return d
