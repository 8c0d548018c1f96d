"""Request counters in memory: one count per counter key (scope, subject, window)."""

from __future__ import annotations

from filmhub.limits.ports import CounterKey
from tests.support.fakes.table import MemoryTable


class InMemoryRequestCounter:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def add(self, key: CounterKey) -> int:
        self._table.call("limits.add")
        self._table.counters[key] += 1
        return self._table.counters[key]
