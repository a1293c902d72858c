"""Timestamps as stored in the graph: ISO 8601 strings in UTC."""

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
