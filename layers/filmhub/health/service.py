"""Health: does each dependency answer right now?"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

#: A probe returns normally when its dependency answers and raises otherwise.
Probe = Callable[[], None]
CheckState = Literal["ok", "error"]


@dataclass(frozen=True)
class HealthReport:
    checks: dict[str, CheckState]
    #: Why each failing check failed: the exception's class and message (for the logs, never the answer).
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(state == "ok" for state in self.checks.values())


def check(probes: dict[str, Probe]) -> HealthReport:
    """Run every probe concurrently; a failing probe reports ``error`` instead of raising."""

    def run(probe: Probe) -> str | None:
        try:
            probe()
        except Exception as error:  # any failure means "not healthy"; the caller logs why
            return f"{type(error).__name__}: {error}"
        return None

    with ThreadPoolExecutor(max_workers=len(probes) or 1) as pool:
        outcomes = dict(zip(probes, pool.map(run, probes.values()), strict=True))
    checks: dict[str, CheckState] = {name: "ok" if failure is None else "error" for name, failure in outcomes.items()}
    return HealthReport(checks, {name: failure for name, failure in outcomes.items() if failure is not None})
