"""Abuse limits: at most ``limit`` requests per client (an IP address or a user) in each fixed window.

API Gateway's throttling protects the service as a whole; these limits stop one client from hammering
the endpoints that cost the most per call: password logins (argon2), Telegram login keys (an item
each) and search (TMDB / Kinopoisk / LLM calls).  A client's window is one counter item, counted with
one atomic write that returns the new count, and expiring with its window.

A fixed window lets a client send up to twice the limit across a window boundary; for an abuse limit
(not a quota) that is fine, and it costs one write instead of the two reads a sliding window needs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from filmhub.core.errors import TooManyRequests
from filmhub.limits.ports import CounterKey, RequestCounter

TOO_MANY_REQUESTS = "Too many requests, try again later"


@dataclass(frozen=True)
class FixedWindowLimit:
    """At most ``limit`` requests per subject in each ``window_seconds`` window; ``limit=0`` is no limit."""

    scope: str
    limit: int
    window_seconds: int

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def key(self, subject: str, now: float) -> CounterKey:
        window = int(now // self.window_seconds)
        return CounterKey(self.scope, subject, window, (window + 1) * self.window_seconds)

    def admits(self, count: int) -> bool:
        """Whether the request that brought its window's count to ``count`` is within the limit."""
        return not self.enabled or count <= self.limit

    def rejection(self, now: float) -> TooManyRequests:
        """The 429 for a request over the limit: retry once the window has ended."""
        window_end = (int(now // self.window_seconds) + 1) * self.window_seconds
        return TooManyRequests(math.ceil(window_end - now), TOO_MANY_REQUESTS)


class RequestLimiter:
    def __init__(self, counter: RequestCounter, clock: Callable[[], float] = time.time) -> None:
        self._counter = counter
        self._clock = clock

    def admit(self, limit: FixedWindowLimit, subject: str) -> None:
        """Count the request; raise :class:`TooManyRequests` when it is over ``limit`` (no call when disabled)."""
        if not limit.enabled:
            return
        now = self._clock()
        if not limit.admits(self._counter.add(limit.key(subject, now))):
            raise limit.rejection(now)


def client_subject(user_id: str | None, address: str | None) -> str:
    """Whom a limit counts: the signed-in user (many users may share one address), else the address."""
    return f"user:{user_id}" if user_id else f"ip:{address or 'unknown'}"
