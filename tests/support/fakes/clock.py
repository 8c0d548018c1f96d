"""A clock that stands still until a test moves it."""

from __future__ import annotations

from datetime import UTC, datetime


class FrozenClock:
    """Unix seconds when called (``time.time``'s stand-in); ``iso`` is the same instant as the table stores it."""

    def __init__(self, now: float = 1_900_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def iso(self) -> str:
        return datetime.fromtimestamp(self.now, UTC).isoformat(timespec="microseconds")

    def advance(self, seconds: float = 1.0) -> None:
        self.now += seconds
