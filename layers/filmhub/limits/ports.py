"""What the request limiter talks to: a counter of requests per subject and window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CounterKey:
    """One subject's counter in one window of one scope; it expires (TTL) at ``expires_at``."""

    scope: str
    subject: str
    window: int
    expires_at: int


@dataclass(frozen=True)
class Quota:
    """A write that also counts itself in ``key``'s window, and happens only while that window holds fewer
    than ``below`` (the condition travels with the write: no extra round trip, no race)."""

    key: CounterKey
    below: float


class QuotaExhausted(Exception):
    """A write's quota had no room: nothing was written."""


class RequestCounter(Protocol):
    def add(self, key: CounterKey) -> int:
        """Count one request in ``key``'s window; the window's count including it (one atomic write)."""
        ...
