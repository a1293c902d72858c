"""Keyset pagination: a page starts after the sort key of the last row of the page before.

A list that can grow large (search results, a hub's declarations) is read with
``ORDER BY key ... LIMIT n + 1`` and a ``WHERE key < $after`` (or ``>``), never with
``SKIP``: Neo4j would read and throw away every row before a far page, and rows written
between two requests would shift a numbered page so that one is shown twice or never.
The key travels in the next page's link as an opaque token.
"""

from __future__ import annotations

import base64
import json
from typing import Any

COUNT_CAP = 10_000  # a total counts at most this many rows; shown as "10,000+" beyond


def encode_cursor(key: list[Any]) -> str:
    """The key of a page's last row as a token for the next page's link.

    >>> decode_cursor(encode_cursor([1, 0.25, "trader:X"]), 3)
    [1, 0.25, 'trader:X']
    """
    text = json.dumps(key, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str, size: int, name: str = "after") -> list[Any]:
    """A token from :func:`encode_cursor` back to its key of ``size`` values: numbers or
    strings, the last one a string (the row's id). ValueError when it is not one."""
    message = f"{name} is not a position from a previous page"
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key = json.loads(raw)
    except (ValueError, TypeError):
        raise ValueError(message) from None
    if (
        not isinstance(key, list)
        or len(key) != size
        or not all(isinstance(k, int | float | str) and not isinstance(k, bool) for k in key)
        or not isinstance(key[-1], str)
    ):
        raise ValueError(message)
    return key


def next_page(
    rows: list[dict[str, Any]], limit: int, key: tuple[str, ...]
) -> tuple[list[dict[str, Any]], str | None]:
    """The first ``limit`` of ``limit + 1`` rows read and, when there were more, the token
    that continues after the last one shown (``key``: the row's sort-key fields)."""
    page = rows[:limit]
    following = encode_cursor([page[-1][k] for k in key]) if len(rows) > limit else None
    return page, following
