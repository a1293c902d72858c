"""What graph/ says to people, kept translatable without graph/ knowing about Flask.

A refusal raised here (a validator's reason, a grading error, a package refused) is a
:class:`Message`: a ``str`` holding its English text (what logs, audit details and the
tests read), which also keeps its message id, its parameters and the field it is about.
``N_("%(value)r is not an HS code", value=v)`` marks the id so ``pybabel extract`` (babel.cfg,
keyword ``N_``) puts it in the catalogues; the app layer (``app.i18n.say``) shows it in
the reader's language. A parameter may itself be a message (a fragment such as
``text_problem``'s), translated with it, or a :class:`Day` (``seized %(date)s``), shown as
the reader's pages show dates, or a :class:`Figure` (``%(amount)s EUR``), written as the
reader's language writes figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Message(str):
    """English text that remembers its message id, parameters and field (see module)."""

    msgid: str
    params: dict[str, Any]
    field: str | None

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None,
                field: str | None = None) -> Message:
        params = dict(params or {})
        english = msgid % params if params else msgid
        self = super().__new__(cls, f"{field}: {english}" if field else english)
        self.msgid, self.params, self.field = msgid, params, field
        return self

    def at(self, field: str) -> Message:
        """The same message about ``field`` (``items[1].hs``): reads ``field: why``."""
        return Message(self.msgid, self.params, field)

    def unplaced(self) -> Message:
        """The message without its field (``why`` of ``field: why``)."""
        return Message(self.msgid, self.params)

    def __reduce__(self) -> tuple:  # pickled (background jobs): its parts, not the text
        return Message, (self.msgid, self.params, self.field)


class Day(str):
    """A date a message names, as its ISO text (``2025-02-03``, what the English text and the
    logs read); the app layer shows it as every page shows dates (``03 Feb 2025``,
    ``03 févr. 2025``)."""

    def __reduce__(self) -> tuple:
        return Day, (str(self),)


class Figure(str):
    """A figure a message names (an amount, a share, a z-score): its English text
    (``12,600``, ``31%``, ``+1.2``, what the logs read) keeps the value and its decimals, so
    the app layer writes it as the reader's language does (``12 600``, ``31 %``)."""

    value: float
    digits: int
    share: bool
    signed: bool

    def __new__(cls, value: float, digits: int = 0, *, share: bool = False,
                signed: bool = False) -> Figure:
        spec = f"{'+' if signed else ''},.{digits}{'%' if share else 'f'}"
        self = super().__new__(cls, format(float(value), spec))
        self.value, self.digits, self.share, self.signed = float(value), digits, share, signed
        return self

    def __reduce__(self) -> tuple:
        return _figure, (self.value, self.digits, self.share, self.signed)


def _figure(value: float, digits: int, share: bool, signed: bool) -> Figure:
    return Figure(value, digits, share=share, signed=signed)


class Joined(str):
    """Several messages read as one (``a; b``), each translated on its own."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str = "; ") -> Joined:
        parts = tuple(parts)
        self = super().__new__(cls, separator.join(parts))
        self.parts, self.separator = parts, separator
        return self

    def __reduce__(self) -> tuple:
        return Joined, (self.parts, self.separator)


def as_data(text: Any) -> Any:
    """A message as JSON-ready data that keeps its id and parameters (a sentence stored for
    later reading, such as a trader's ranking reasons); anything else as it is."""
    if isinstance(text, Message):
        return {"msgid": text.msgid, "params": {k: as_data(v) for k, v in text.params.items()},
                "field": text.field}
    if isinstance(text, Joined):
        return {"parts": [as_data(p) for p in text.parts], "separator": text.separator}
    if isinstance(text, Day):
        return {"day": str(text)}
    if isinstance(text, Figure):
        return {"figure": text.value, "digits": text.digits, "share": text.share,
                "signed": text.signed}
    return text


def from_data(data: Any) -> Any:
    """The message :func:`as_data` stored, again a :class:`Message` (or :class:`Joined`)."""
    if isinstance(data, dict) and "msgid" in data:
        return Message(str(data["msgid"]),
                       {k: from_data(v) for k, v in (data.get("params") or {}).items()},
                       data.get("field"))
    if isinstance(data, dict) and "parts" in data:
        return Joined((from_data(p) for p in data["parts"]), str(data.get("separator", "; ")))
    if isinstance(data, dict) and "day" in data:
        return Day(str(data["day"]))
    if isinstance(data, dict) and "figure" in data:
        return Figure(float(data["figure"]), int(data.get("digits") or 0),
                      share=bool(data.get("share")), signed=bool(data.get("signed")))
    return data


def N_(msgid: str, **params: Any) -> Message:
    """Mark ``msgid`` for the catalogues; its parameters are kept apart for the translation."""
    return Message(msgid, params)


def about(text: str, field: str) -> str:
    """``text`` about ``field``: a message keeps its parts, plain text reads ``field: text``."""
    return text.at(field) if isinstance(text, Message) else f"{field}: {text}"


def message_of(exc: BaseException) -> str:
    """The message an exception was raised with, a :class:`Message` kept as one."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, str) else str(exc)
