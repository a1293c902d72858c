"""Timestamps as stored in the graph: ISO 8601 strings in UTC."""

from datetime import UTC, datetime, timedelta


def utc_now(*, precise: bool = False) -> str:
    """Now, to the second; ``precise`` to the microsecond, for records ordered by time
    that can follow each other within a second (a tip's thread)."""
    return datetime.now(UTC).isoformat(timespec="microseconds" if precise else "seconds")


def today() -> str:
    """Today's date (UTC, ``YYYY-MM-DD``): what due and review dates are compared with."""
    return utc_now()[:10]


def utc_days_ago(days: float) -> str:
    """The time ``days`` before now, to the second, comparable with stored timestamps."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
