"""What a failed conditional write means, and the partition purge shared by lists and mixes."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException, TransactWriteError

from filmhub.data.models import TableItem

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"


def condition_failed(error: PynamoDBException) -> bool:
    """A single-item write was refused by its condition."""
    return error.cause_response_code == CONDITION_FAILED


def cancelled_by_condition(error: TransactWriteError, index: int) -> bool:
    """The transaction was cancelled because action ``index`` failed its condition."""
    if error.cause_response_code != TRANSACTION_CANCELLED:
        return False
    reasons = error.cancellation_reasons or []
    return index < len(reasons) and reasons[index] is not None and reasons[index].code == "ConditionalCheckFailed"


def purge_entries(header: TableItem) -> int:
    """Delete every ``FILM#`` entry of the header's partition, then the header; safe to repeat."""
    removed = 0
    entries = TableItem.query(header.PK, TableItem.SK.startswith("FILM#"), consistent_read=True)
    with TableItem.batch_write() as batch:
        for entry in entries:
            batch.delete(entry)
            removed += 1
    # The header goes last, so an interrupted purge leaves a hidden header to finish from.
    header.delete()
    return removed
