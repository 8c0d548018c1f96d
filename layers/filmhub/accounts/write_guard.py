"""What a write made on behalf of a signed-in caller carries in its own transaction, at no extra round trip.

A validly signed token may name a user that does not exist (deleted, or a ``sub`` forged by whoever holds the
key): the write checks that the caller's user item exists.  Where the write has a quota (film creation and
edits), it also counts itself in the caller's window, conditional on room.  The user check is the
transaction's first condition check, and PynamoDB sends condition checks first, so a cancellation at index 0
is the caller's; the counter comes back with its old value (``ALL_OLD``) when its condition refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from filmhub.core.errors import UnknownCaller
from filmhub.limits.dynamo import count_in_quota, counter_keys
from filmhub.limits.ports import Quota, QuotaExhausted
from filmhub.table.models import UserItem
from filmhub.table.operations import cancelled_by_condition, transaction

Write = Callable[[TransactWrite], None]


@dataclass(frozen=True)
class CallerGuard:
    user_id: str
    quota: Quota | None = None

    @property
    def actions(self) -> int:
        """How many of a transaction's 100 actions the guard takes."""
        return 1 if self.quota is None else 2

    def add_to(self, tx: TransactWrite) -> None:
        tx.condition_check(UserItem, *UserItem.key(self.user_id), condition=UserItem.PK.exists())
        if self.quota is not None:
            count_in_quota(tx, self.quota)

    def raise_if_refused(self, error: TransactWriteError) -> None:
        """:class:`UnknownCaller` or :class:`QuotaExhausted` when a guard cancelled the transaction."""
        if cancelled_by_condition(error, 0):
            raise UnknownCaller() from error
        if self.quota is not None and cancelled_by_condition(error):
            counter = counter_keys(self.quota.key)
            for reason in error.cancellation_reasons or []:
                item = (reason.raw_item or {}) if reason is not None else {}
                if (item.get("PK", {}).get("S"), item.get("SK", {}).get("S")) == counter:
                    raise QuotaExhausted() from error


def commit_guarded(guard: CallerGuard, *writes: Write) -> None:
    """One transaction: the guard, then ``writes``.  A write's own failed condition is re-raised as it came."""
    try:
        with transaction() as tx:
            guard.add_to(tx)
            for write in writes:
                write(tx)
    except TransactWriteError as error:
        guard.raise_if_refused(error)
        raise
