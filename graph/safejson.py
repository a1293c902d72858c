"""JSON from outside (API bodies, import lines), parsed with limits: one parser for both.

``loads`` answers what ``json.loads`` answers, except that it refuses, with
:class:`JSONRefused` and a reason a person can act on, what parses but cannot be stored or
scored: nesting deeper than ``MAX_DEPTH`` (which would otherwise exhaust the parser's
recursion), lone UTF-16 surrogates (``"\\ud800"``: no UTF-8 encoding, so the database
driver would fail on them later), ``NaN``/``Infinity`` and numbers with thousands of
digits. Syntax errors stay ``json.JSONDecodeError``.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONRefused(Exception):
    """Parsed JSON that Cordon will not take; ``str()`` is the reason.

    Deliberately not a ``ValueError``: ``request.get_json(silent=True)`` swallows those,
    and a refused body must answer 400 with its reason rather than be taken for "no body".
    """


def _constant(name: str) -> Any:
    raise JSONRefused(f"{name} is not a JSON number")


def loads(text: str | bytes | bytearray) -> Any:
    try:
        value = json.loads(text, parse_constant=_constant)
    except RecursionError:
        raise JSONRefused(f"nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # e.g. an integer past the 4300-digit conversion limit
        if "digits" in str(exc):
            raise JSONRefused("a number with too many digits") from None
        raise
    check(value)
    return value


def check(value: Any) -> None:
    """Raise :class:`JSONRefused` when a decoded value nests too deep or holds a lone
    surrogate (in a key or a string). Iterative: safe on any depth."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _text(item)
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise JSONRefused(f"nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str):
                        _text(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _text(text: str) -> None:
    if _SURROGATE.search(text):
        raise JSONRefused("text holds a lone UTF-16 surrogate (\\ud800-\\udfff), not a character")
