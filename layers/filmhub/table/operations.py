"""The few generic table operations every feature shares.

Batch reads with unprocessed-key retry, transactions, what a failed conditional write means, and the
purge of a parent's entries (lists and mixes).  Nothing here knows a feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from filmhub.table.models import TableItem

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"
#: DynamoDB's limit on the actions of one TransactWriteItems call.
TRANSACTION_LIMIT = 100


@cache
def table_connection() -> Connection:
    """The connection transactions use: PynamoDB's public ``Connection``, created once per container
    with the table's own settings (models keep PynamoDB's connection of their own)."""
    meta = TableItem.Meta
    return Connection(
        region=meta.region,
        host=meta.host,
        connect_timeout_seconds=meta.connect_timeout_seconds,
        read_timeout_seconds=meta.read_timeout_seconds,
        max_retry_attempts=meta.max_retry_attempts,
    )


def transaction() -> TransactWrite:
    """A TransactWriteItems call: ``with transaction() as tx: tx.save(...)`` commits on exit."""
    return TransactWrite(connection=table_connection())


def batch_get(keys: Sequence[tuple[str, str]], consistent_read: bool = False) -> list[TableItem]:
    """BatchGetItem over any entity kinds; PynamoDB pages by 100 keys and retries UnprocessedKeys."""
    if not keys:
        return []
    return list(TableItem.batch_get(list(dict.fromkeys(keys)), consistent_read=consistent_read))


def condition_failed(error: PynamoDBException) -> bool:
    """A single-item write was refused by its condition."""
    return error.cause_response_code == CONDITION_FAILED


def cancelled_by_condition(error: TransactWriteError, index: int | None = None) -> bool:
    """The transaction was cancelled because action ``index`` (any action when None) failed its condition."""
    if error.cause_response_code != TRANSACTION_CANCELLED:
        return False
    reasons = error.cancellation_reasons or []
    positions = range(len(reasons)) if index is None else [index]
    return any(
        position < len(reasons) and reasons[position] is not None and reasons[position].code == "ConditionalCheckFailed"
        for position in positions
    )


def purge_entries(header: TableItem, extra: Sequence[TableItem] = ()) -> int:
    """Delete every ``FILM#`` entry of the header's partition and the ``extra`` items that belong to it (a list's
    public link), in the same batches, then the header; safe to repeat.  Returns the entries removed."""
    removed = 0
    entries = TableItem.query(header.PK, TableItem.SK.startswith("FILM#"), consistent_read=True)
    with TableItem.batch_write() as batch:
        for item in extra:
            batch.delete(item)
        for entry in entries:
            batch.delete(entry)
            removed += 1
    # The header goes last, so an interrupted purge leaves a hidden header to finish from.
    header.delete()
    return removed
