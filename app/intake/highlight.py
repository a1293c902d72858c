"""Report text cut into plain and highlighted segments, for server-rendered review pages."""

from __future__ import annotations

from typing import Any


def segments(text: str, mentions: list[dict[str, Any]]) -> list[tuple[str, dict | None]]:
    """``[(text, mention or None), ...]`` covering ``text``; overlapping spans keep the first.

    Rejected mentions and mentions without offsets (structured fields) are not highlighted.
    """
    spans = sorted(
        (
            m
            for m in mentions
            if m.get("start") is not None
            and m.get("review") != "rejected"
            and 0 <= m["start"] < m["end"] <= len(text)
        ),
        key=lambda m: (m["start"], -m["end"]),
    )
    out: list[tuple[str, dict | None]] = []
    pos = 0
    for mention in spans:
        if mention["start"] < pos:
            continue
        if mention["start"] > pos:
            out.append((text[pos : mention["start"]], None))
        out.append((text[mention["start"] : mention["end"]], mention))
        pos = mention["end"]
    if pos < len(text):
        out.append((text[pos:], None))
    return out
