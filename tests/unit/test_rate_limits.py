"""The fixed-window request limiter, and its settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from filmhub.core.errors import TooManyRequests
from filmhub.limits.ports import CounterKey
from filmhub.limits.service import FixedWindowLimit, RequestLimiter
from filmhub.settings import Settings
from tests.support.fakes.clock import FrozenClock
from tests.support.fakes.limits import InMemoryRequestCounter
from tests.support.fakes.table import MemoryTable

START = 60 * 30_000_000  # the first second of a window


def test_keys_are_per_scope_subject_and_window_and_expire_with_it() -> None:
    limit = FixedWindowLimit("requests-search", 3, 60)
    assert limit.key("ip:10.0.0.1", START + 59.9) == CounterKey(
        "requests-search", "ip:10.0.0.1", 30_000_000, START + 60
    )
    assert limit.key("ip:10.0.0.1", START + 60).window == 30_000_001


def test_a_client_gets_its_limit_per_window_then_429_until_the_window_ends() -> None:
    clock = FrozenClock(START + 15.2)
    limiter = RequestLimiter(InMemoryRequestCounter(MemoryTable()), clock)
    limit = FixedWindowLimit("requests-login", 3, 60)
    for _ in range(3):
        limiter.admit(limit, "ip:10.0.0.1")
    with pytest.raises(TooManyRequests) as rejected:
        limiter.admit(limit, "ip:10.0.0.1")
    assert rejected.value.retry_after_seconds == 45  # whole seconds until the window ends, rounded up
    limiter.admit(limit, "ip:10.0.0.2")  # another client has its own count
    limiter.admit(FixedWindowLimit("requests-search", 3, 60), "ip:10.0.0.1")  # and another scope
    clock.now = START + 60
    limiter.admit(limit, "ip:10.0.0.1")  # a new window


def test_retry_after_is_at_least_a_second() -> None:
    limiter = RequestLimiter(InMemoryRequestCounter(MemoryTable()), FrozenClock(START + 59.99))
    limit = FixedWindowLimit("s", 1, 60)
    limiter.admit(limit, "ip:1")
    with pytest.raises(TooManyRequests) as rejected:
        limiter.admit(limit, "ip:1")
    assert rejected.value.retry_after_seconds == 1


def test_a_zero_limit_is_off_and_costs_no_write() -> None:
    table = MemoryTable()
    for _ in range(100):
        RequestLimiter(InMemoryRequestCounter(table), FrozenClock(START)).admit(FixedWindowLimit("s", 0, 60), "ip:1")
    assert table.calls == []


def test_limits_are_validated_settings() -> None:
    settings = Settings.from_environ({"RATE_LIMIT_LOGIN": "5", "RATE_LIMIT_WINDOW_SECONDS": "30"})
    assert (settings.rate_limit_login, settings.rate_limit_window_seconds) == (5, 30)
    assert (Settings().rate_limit_auth_key, Settings().rate_limit_search) == (10, 60)
    for bad in ({"RATE_LIMIT_SEARCH": "-1"}, {"RATE_LIMIT_WINDOW_SECONDS": "0"}, {"RATE_LIMIT_LOGIN": "many"}):
        with pytest.raises(ValidationError):
            Settings.from_environ(bad)
