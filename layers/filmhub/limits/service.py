"""Abuse limits: at most ``limit`` requests per client (an IP address or a user) in each fixed window.

API Gateway's throttling protects the service as a whole; these limits stop one client from hammering
the endpoints that cost the most per call: password logins (argon2), Telegram login keys (an item
each) and search (TMDB / Kinopoisk / LLM calls).  A client's window is one counter item, counted with
one atomic write that returns the new count, and expiring with its window.

A fixed window lets a client send up to twice the limit across a window boundary; for an abuse limit
(not a quota) that is fine, and it costs one write instead of the two reads a sliding window needs.
Where twice the limit is too much (registrations from one address, failed logins of one email), a
``SlidingWindowLimit`` estimates from two windows.  A limit on writes (film creation and edits) counts
inside the write itself, as a ``Quota``: the condition of the counter's update in the same transaction.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from filmhub.core.errors import TooManyRequests
from filmhub.limits.ports import CounterKey, Quota, RequestCounter

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

    def quota(self, subject: str, now: float) -> Quota | None:
        """This window's counter as the condition of a write (None when disabled): at most ``limit`` writes."""
        return Quota(self.key(subject, now), self.limit) if self.enabled else None

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


@dataclass(frozen=True)
class SlidingWindowLimit:
    """At most ``limit`` events in any ``window_seconds``, estimated from two fixed-window counters.

    The estimate is the current window's count plus the previous window's count weighted by how
    much of it the sliding window still covers: two small items per subject, no per-event log, and
    no burst of twice the limit across a window boundary as a single fixed window would allow.
    """

    limit: int
    window_seconds: int

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def keys(self, scope: str, subject: str, now: float) -> tuple[CounterKey, CounterKey]:
        """The previous and the current window's counters of ``subject``."""
        previous, current = self.windows(now)
        return (
            CounterKey(scope, subject, previous, self.expires_at(previous)),
            CounterKey(scope, subject, current, self.expires_at(current)),
        )

    def room(self, counts: Mapping[int, int], now: float) -> float:
        """One more event is admitted while the current window holds fewer than this (what the previous window
        still weighs is taken off the limit): the condition of a write that counts itself."""
        previous_window, current_window = self.windows(now)
        elapsed = Fraction(now) - current_window * self.window_seconds
        weight = 1 - elapsed / self.window_seconds
        return float(self.limit - counts.get(previous_window, 0) * weight)

    def windows(self, now: float) -> tuple[int, int]:
        """The previous and the current window numbers."""
        current = int(now // self.window_seconds)
        return current - 1, current

    def expires_at(self, window: int) -> int:
        """A window's counter is read until the end of the next window."""
        return (window + 2) * self.window_seconds

    def retry_after(self, counts: Mapping[int, int], now: float) -> int | None:
        """Whole seconds until the estimate drops below the limit (no new events), or None when below it now."""
        previous_window, current_window = self.windows(now)
        previous, current = counts.get(previous_window, 0), counts.get(current_window, 0)
        elapsed = Fraction(now) - current_window * self.window_seconds
        # previous * (1 - elapsed / width) + current < limit once ``elapsed`` passes ``threshold``
        # (a point in the next window when this one alone has reached the limit).  Exact arithmetic:
        # the answer is right to the second at window boundaries.
        if current >= self.limit:
            threshold = self.window_seconds * (1 + Fraction(current - self.limit, current))
        elif previous:
            threshold = self.window_seconds * Fraction(previous + current - self.limit, previous)
        else:
            return None
        if elapsed > threshold:
            return None
        return math.floor(threshold - elapsed) + 1


def client_subject(user_id: str | None, address: str | None) -> str:
    """Whom a limit counts: the signed-in user (many users may share one address), else the address."""
    return f"user:{user_id}" if user_id else f"ip:{address or 'unknown'}"
