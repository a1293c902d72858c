"""Gazetteer of entities already in the graph, so known traders and persons are found by name.

The statistical model misses many trader names (they look like ordinary words) and it never
knows graph ids. A PhraseMatcher over lower-cased text finds every known name and alias in
one pass and fills ``entity_id`` on the mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import cast

from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from .lexicons import fold
from .rules import _LEGAL_ALT, PRIO_GAZETTEER, Candidate

_SUFFIX_AFTER = re.compile(r",?[ ]?(?:" + _LEGAL_ALT + r")(?![\w])")
GazetteerEntry = tuple[str, str, str, Sequence[str]]  # (entity_id, label, name, aliases)


def _variants(label: str, name: str) -> set[str]:
    from .resolution import strip_legal_forms

    out = {name, fold(name)}
    if label == "ORG":
        bare = strip_legal_forms(name)
        if bare and len(bare) >= 4:
            out.add(bare)
    if label == "PERSON":
        parts = name.split()
        if len(parts) == 2:  # "Petar Ivanov" is often written "IVANOV Petar"
            out.add(f"{parts[1]} {parts[0]}")
    return {v.strip() for v in out if v.strip()}


class Gazetteer:
    """Known entities (from the graph) matched case-insensitively; cheap to rebuild."""

    def __init__(self, entries: Iterable[GazetteerEntry], nlp=None):
        from .pipeline import get_nlp

        self._nlp = nlp or get_nlp()
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._info: dict[int, tuple[str, str, str]] = {}
        self.size = 0
        pending: dict[str, list[str]] = {}
        for entity_id, label, name, aliases in entries:
            key = f"{label}|{entity_id}"
            variants: set[str] = set()
            for n in [name, *(aliases or ())]:
                if n:
                    variants |= _variants(label, n)
            pending[key] = sorted(variants)
            self._info[self._nlp.vocab.strings.add(key)] = (entity_id, label, name)
            self.size += 1
        tokenizer = cast(Tokenizer, self._nlp.tokenizer)
        for key, names in pending.items():
            self._matcher.add(key, list(tokenizer.pipe(names)))

    def __len__(self) -> int:
        return self.size

    def match(self, doc: Doc) -> list[Candidate]:
        text = doc.text
        out = []
        for match_id, start, end in self._matcher(doc):
            entity_id, label, _name = self._info[match_id]
            s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
            if label == "ORG":
                m = _SUFFIX_AFTER.match(text, e)
                if m:
                    e = m.end()
            out.append(Candidate(s, e, label, _name, 0.95, "gazetteer", PRIO_GAZETTEER, entity_id))
        return out
