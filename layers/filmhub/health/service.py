"""Health: does each dependency answer right now?"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

#: A probe returns normally when its dependency answers and raises otherwise.
Probe = Callable[[], None]
CheckState = Literal["ok", "error"]


@dataclass(frozen=True)
class HealthReport:
    checks: dict[str, CheckState]

    @property
    def ok(self) -> bool:
        return all(state == "ok" for state in self.checks.values())


def check(probes: dict[str, Probe]) -> HealthReport:
    """Run every probe concurrently; a failing probe reports ``error`` instead of raising."""

    def run(probe: Probe) -> CheckState:
        try:
            probe()
        except Exception:  # any failure means "not healthy"; the reason is logged by the caller's logger
            return "error"
        return "ok"

    with ThreadPoolExecutor(max_workers=len(probes) or 1) as pool:
        states = dict(zip(probes, pool.map(run, probes.values()), strict=True))
    return HealthReport(states)
