"""A tiny per-container cache for reference data that changes rarely."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class TimedValue(Generic[T]):
    """Holds the result of ``load`` for ``ttl_seconds``; ``ttl_seconds=0`` disables caching."""

    def __init__(self, load: Callable[[], T], ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded_at: float | None = None

    def get(self) -> T:
        with self._lock:
            now = self._clock()
            if self._loaded_at is None or now - self._loaded_at >= self._ttl or self._value is None:
                self._value = self._load()
                self._loaded_at = now
            return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._loaded_at = None
