"""Follow character spans across an edit of the text they point into.

When an analyst corrects a report's text, the entities already reviewed in it (accepted,
rejected, added by hand) must survive: their offsets are carried from the old text to the
new one. A diff of the two texts maps an old offset to where the same character now
stands; the span is kept only if its surface text is still there (or elsewhere, nearest
to where the diff puts it), never pointed at different words.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any


class SpanMap:
    """Old offsets to new offsets for one edit (the diff is computed once, for all spans)."""

    def __init__(self, old: str, new: str) -> None:
        self.old = old
        self.new = new
        blocks = SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
        self._blocks = [(a, b, size) for a, b, size in blocks if size]
        self._starts = [a for a, _, _ in self._blocks]

    def position(self, offset: int) -> int:
        """Where the character at ``offset`` of the old text stands in the new text (for a
        character the edit removed, where the text around it now is)."""
        i = bisect_right(self._starts, offset) - 1
        if i < 0:  # before anything the two texts share
            return 0
        a, b, size = self._blocks[i]
        if offset < a + size:
            return b + (offset - a)
        return min(len(self.new), b + size)

    def relocate(self, start: int, end: int) -> tuple[int, int] | None:
        """The span of the new text holding what ``old[start:end]`` held, or None when that
        text is gone. An occurrence nearest the diff's position wins over any other."""
        surface = self.old[start:end]
        if not surface:
            return None
        guess = self.position(start)
        if self.new[guess : guess + len(surface)] == surface:
            return guess, guess + len(surface)
        found = _occurrences(self.new, surface)
        if not found:
            return None
        best = min(found, key=lambda at: (abs(at - guess), at))
        return best, best + len(surface)


def _occurrences(text: str, surface: str) -> list[int]:
    found, at = [], text.find(surface)
    while at >= 0:
        found.append(at)
        at = text.find(surface, at + 1)
    return found


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def carry_reviews(
    old_text: str, new_text: str, before: Sequence[dict[str, Any]], fresh: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Which of a report's mentions outlive an edit of its text.

    ``before`` are the stored mentions (id, start, end, text, review, provenance, field,
    and ``held``: what their field holds now), ``fresh`` the new extraction's. Machine
    proposals give way to the fresh extraction. A decision (accepted, rejected, or added
    by hand) on words of the text is kept at their new place, and a fresh mention
    overlapping it is not added, so a rejected proposal does not come back; a decision
    whose words are gone is counted. A mention of a structured field (no offsets) is
    kept, in place of a fresh one, while the field still holds its words. Returns (kept:
    id with new offsets, fresh mentions to add, decisions whose words are gone)."""
    spans = SpanMap(old_text, new_text)
    kept: list[dict[str, Any]] = []
    fields: set[tuple[Any, str]] = set()
    gone = 0
    for m in before:
        if m["start"] is None:
            held = m.get("held")
            if m["text"] == held or (isinstance(held, list) and m["text"] in held):
                kept.append({"id": m["id"], "start": None, "end": None})
                fields.add((m.get("field"), m["text"]))
            continue
        if m["review"] == "proposed" and m.get("provenance") != "person":
            continue
        moved = spans.relocate(m["start"], m["end"])
        if moved is None:
            gone += 1
        else:
            kept.append({"id": m["id"], "start": moved[0], "end": moved[1]})
    taken = [(k["start"], k["end"]) for k in kept if k["start"] is not None]
    added = [
        f for f in fresh
        if (f["start"] is None and (f.get("field"), f["text"]) not in fields)
        or (f["start"] is not None
            and not any(overlaps((f["start"], f["end"]), span) for span in taken))
    ]  # fmt: skip
    return kept, added, gone
