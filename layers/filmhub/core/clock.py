"""The wall clock as the table stores it: ISO 8601 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat()
