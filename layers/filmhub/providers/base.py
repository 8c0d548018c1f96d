"""What every external provider shares: timeouts, one retry, a circuit breaker, validated JSON.

A provider call has 5 s in all (2 s to connect), retried once on a network error or a 5xx while
time remains.  After three failures in a row a provider is skipped for 30 s (per container), then
one trial call decides whether it is back.  Every failure surfaces as ``ProviderError``, which the
search treats as "this provider has no answer", never as an error of the request.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from filmhub.core.concurrency import concurrently
from filmhub.films.ports import ExternalFilm, SourceHit
from filmhub.films.search import external_hit

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 2.0
TOTAL_TIMEOUT_SECONDS = 5.0
RETRIES = 1
FAILURE_THRESHOLD = 3
COOLDOWN_SECONDS = 30.0

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class ProviderError(Exception):
    """A provider gave no usable answer: down, slow, refusing, or talking nonsense."""


class CircuitBreaker:
    """Closed → open after ``threshold`` consecutive failures → one trial call after ``cooldown``."""

    def __init__(
        self,
        threshold: int = FAILURE_THRESHOLD,
        cooldown_seconds: float = COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = threshold
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None

    def call(self, action: Callable[[], T]) -> T:
        if not self._admit():
            raise ProviderError("circuit open")
        try:
            result = action()
        except Exception:
            self._record(success=False)
            raise
        self._record(success=True)
        return result

    def _admit(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if not self._trial_running and self._clock() - self._opened_at >= self._cooldown:
                self._trial_running = True
                return True
            return False

    def _record(self, success: bool) -> None:
        with self._lock:
            if success:
                self._failures, self._opened_at = 0, None
            else:
                self._failures += 1
                if self._trial_running or self._failures >= self._threshold:
                    self._opened_at = self._clock()
            self._trial_running = False


class JsonApi:
    """GET requests to one JSON API, answers validated against a Pydantic model."""

    def __init__(
        self,
        name: str,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.breaker = CircuitBreaker(clock=clock)
        self._clock = clock
        timeout = httpx.Timeout(TOTAL_TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
        self._client = httpx.Client(base_url=base_url, headers=headers, params=params, timeout=timeout)

    def get(self, path: str, params: Mapping[str, Any], model: type[M]) -> M:
        return self.breaker.call(partial(self._get, path, params, model))

    def _get(self, path: str, params: Mapping[str, Any], model: type[M]) -> M:
        deadline = self._clock() + TOTAL_TIMEOUT_SECONDS
        problem = "no time left"
        for _attempt in range(RETRIES + 1):
            remaining = deadline - self._clock()
            if remaining <= 0:
                break
            timeout = httpx.Timeout(remaining, connect=min(CONNECT_TIMEOUT_SECONDS, remaining))
            try:
                response = self._client.get(path, params=params, timeout=timeout)
            except httpx.TransportError as error:  # timeouts included: worth one more try
                problem = repr(error)
                continue
            except httpx.HTTPError as error:  # redirect loops, undecodable bodies: not worth a retry
                raise ProviderError(f"{self.name}: {error!r}") from error
            if response.status_code >= 500:
                problem = f"HTTP {response.status_code}"
                continue
            if response.is_error:  # 4xx (bad key, rate limit, not found): retrying will not help
                raise ProviderError(f"{self.name}: HTTP {response.status_code}")
            try:
                return model.model_validate_json(response.content)
            except ValidationError as error:
                raise ProviderError(f"{self.name}: unexpected answer: {error.error_count()} problems") from error
        raise ProviderError(f"{self.name}: {problem}")


class ExternalProvider(ABC):
    """A catalog provider over one JSON API; subclasses turn its answers into ``ExternalFilm``."""

    name: str

    def __init__(self, api: JsonApi) -> None:
        self.api = api

    def search(self, queries: Sequence[str], limit: int) -> list[list[SourceHit] | None]:
        return concurrently([partial(self._search_one, query, limit) for query in queries])

    def _search_one(self, query: str, limit: int) -> list[SourceHit] | None:
        try:
            films = self.find(query, limit)
        except ProviderError as error:
            log.warning("provider %s skipped: %s", self.name, error)
            return None
        return [external_hit(film) for film in films[:limit]]

    def complete(self, film: ExternalFilm) -> ExternalFilm:
        """Search answers are complete unless a provider says otherwise."""
        return film

    @abstractmethod
    def find(self, query: str, limit: int) -> list[ExternalFilm]:
        """Films matching ``query``, best first; raises ``ProviderError``."""


def year_of(date: str | None) -> int | None:
    """The year of an ISO date ("1994-09-23"), None when absent or malformed."""
    return int(date[:4]) if date and date[:4].isdigit() and int(date[:4]) > 0 else None
