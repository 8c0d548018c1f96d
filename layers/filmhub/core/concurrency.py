"""Running independent blocking calls (HTTP requests, DynamoDB reads) at the same time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
MAX_WORKERS = 8


def concurrently(calls: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``calls`` in order; they run on a short-lived pool (nesting cannot deadlock).

    The first exception raised by a call is raised here once every call has finished."""
    if len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(calls))) as pool:
        futures = [pool.submit(call) for call in calls]
    return [future.result() for future in futures]
