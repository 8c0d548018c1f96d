"""Fixed-window counters (request limits, failed logins) on ``CounterItem``: one UpdateItem ADD each."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.constants import ALL_OLD
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from filmhub.limits.ports import CounterKey, Quota
from filmhub.table.models import CounterItem


def counter_keys(key: CounterKey) -> tuple[str, str]:
    """The counter's PK and SK."""
    return CounterItem.key(key.scope, key.subject, key.window)


def counter_item(key: CounterKey) -> CounterItem:
    return CounterItem(*counter_keys(key))


def count_actions(key: CounterKey) -> list[Action]:
    """Add one to the counter, creating it if need be; it expires (TTL) with its window."""
    return [
        CounterItem.hits.add(1),
        CounterItem.expires_at.set(datetime.fromtimestamp(key.expires_at, UTC)),
        CounterItem.kind.set(CounterItem),
    ]


def room_in(quota: Quota) -> Condition:
    """The condition under which a write may count itself in its quota's window."""
    return CounterItem.hits.does_not_exist() | (CounterItem.hits < quota.below)


def count_in_quota(tx: TransactWrite, quota: Quota) -> None:
    """Count one write in ``quota``'s window within ``tx``, only while the window has room.  ALL_OLD: a counter
    whose condition failed comes back as what it is, so the caller can tell a full quota from other refusals."""
    tx.update(
        counter_item(quota.key), actions=count_actions(quota.key), condition=room_in(quota), return_values=ALL_OLD
    )


class DynamoRequestCounter:
    def add(self, key: CounterKey) -> int:
        item = counter_item(key)
        item.update(actions=count_actions(key))  # ReturnValues ALL_NEW: the item now holds the new count
        return int(item.hits)
