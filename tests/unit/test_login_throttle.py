"""The sliding-window estimate behind login throttling (10 failures per 15 minutes)."""

from __future__ import annotations

import pytest

from filmhub.accounts.service import LOGIN_FAILURES
from filmhub.limits.service import SlidingWindowLimit

limit = SlidingWindowLimit(limit=10, window_seconds=900)
START = 900 * 2_000_000  # the first second of a window


def counts(previous: int, current: int, now: float) -> dict[int, int]:
    before, this = limit.windows(now)
    return {before: previous, this: current}


def test_login_policy() -> None:
    assert (LOGIN_FAILURES.limit, LOGIN_FAILURES.window_seconds) == (10, 15 * 60)


def test_windows_and_expiry() -> None:
    assert limit.windows(START) == (1_999_999, 2_000_000)
    assert limit.windows(START + 899.9) == (1_999_999, 2_000_000)
    assert limit.windows(START + 900) == (2_000_000, 2_000_001)
    assert limit.expires_at(2_000_000) == START + 1800  # still read as "previous" during the next window


def test_below_the_limit_is_allowed() -> None:
    assert limit.retry_after({}, START) is None
    assert limit.retry_after(counts(0, 9, START + 300), START + 300) is None


def test_ten_failures_in_this_window_block_until_it_has_passed() -> None:
    now = START + 300
    assert limit.retry_after(counts(0, 10, now), now) == 601
    assert limit.retry_after(counts(0, 10, START + 601), START + 601) is not None
    # At the next window's start the ten count as "previous", weighted just under 1: allowed again.
    later = START + 901
    assert limit.retry_after(counts(10, 0, later), later) is None


def test_failures_just_before_a_boundary_still_count_after_it() -> None:
    # 6 failures late in one window and 5 early in the next: 11 within a few minutes.
    now = START + 900 + 60
    wait = limit.retry_after(counts(6, 5, now), now)
    assert wait is not None
    # The estimate 6 * (1 - f) + 5 drops below 10 when f > 1/6, i.e. 150 s into the window.
    assert wait == 150 - 60 + 1
    assert limit.retry_after(counts(6, 5, now + wait), now + wait) is None


def shifted(previous: int, current: int, start: float, at: float) -> dict[int, int]:
    """The two counters as seen at ``at`` when nothing happened since ``start`` (windows may have moved)."""
    before, this = limit.windows(start)
    return {before: previous, this: current}


@pytest.mark.parametrize("previous", [0, 3, 10, 40])
@pytest.mark.parametrize("current", [1, 9, 10, 12, 100])
@pytest.mark.parametrize("elapsed", [0, 1, 299.5, 450, 899])
def test_retry_after_is_the_first_whole_second_allowed(previous: int, current: int, elapsed: float) -> None:
    now = START + elapsed
    wait = limit.retry_after(shifted(previous, current, now, now), now)
    if wait is None:
        return
    assert wait >= 1
    assert limit.retry_after(shifted(previous, current, now, now + wait), now + wait) is None
    if wait > 1:
        assert limit.retry_after(shifted(previous, current, now, now + wait - 1), now + wait - 1) is not None
