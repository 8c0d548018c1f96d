"""A header item with its entries in one partition: the shape custom lists and mixes share.

The header is ``<PARENT>#<id>`` / ``META``; each entry is ``<PARENT>#<id>`` / ``FILM#<film id>``.  Adding
is conditional on a live header (one transaction), removing on the entry's presence, and deleting
hides the header first (``deleting``, out of its GSI1 collection) so the entries can go afterwards.
"""

from __future__ import annotations

from enum import Enum

from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition

from filmhub.table.models import TableItem
from filmhub.table.operations import cancelled_by_condition, condition_failed, transaction


class EntryAdded(Enum):
    ADDED = "added"
    #: The entry was there already: it keeps its first place and date.
    ALREADY_PRESENT = "already_present"
    #: The header is gone or being deleted: nothing was written.
    NO_HEADER = "no_header"


def live_header(model: type[TableItem]) -> Condition:
    """The condition of a header that exists and is not being deleted."""
    return model.PK.exists() & model.deleting.does_not_exist()


def add_entry(header_model: type[TableItem], header_key: tuple[str, str], entry: TableItem) -> EntryAdded:
    try:
        with transaction() as tx:
            tx.condition_check(header_model, *header_key, condition=live_header(header_model))
            tx.save(entry, condition=type(entry).PK.does_not_exist())
    except TransactWriteError as error:
        if cancelled_by_condition(error, 0):
            return EntryAdded.NO_HEADER
        if cancelled_by_condition(error, 1):
            return EntryAdded.ALREADY_PRESENT
        raise
    return EntryAdded.ADDED


def remove_entry(entry: TableItem) -> bool:
    """Delete the entry; False when it was not there."""
    try:
        entry.delete(condition=type(entry).PK.exists())
    except DeleteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def mark_deleting(header: TableItem, condition: Condition | None = None) -> bool:
    """Hide the header at once (out of its GSI1 collection); False when it does not exist (or fails
    ``condition``).  The entries are purged afterwards (``purge_entries``)."""
    model = type(header)
    exists = model.PK.exists()
    try:
        header.update(
            actions=[model.deleting.set(True), model.GSI1PK.remove(), model.GSI1SK.remove()],
            condition=exists if condition is None else exists & condition,
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
