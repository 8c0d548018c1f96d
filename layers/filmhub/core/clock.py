"""The wall clock as the table stores it: ISO 8601 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat()


def utc_iso(seconds: float) -> str:
    """An epoch time as the table stores it."""
    return datetime.fromtimestamp(seconds, UTC).isoformat()
