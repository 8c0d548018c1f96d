"""Make moto's DynamoDB behave like DynamoDB where the local stack and the tests depend on it.

1. ``TransactWriteItems`` in moto deep-copies the whole table once per action to be able to roll
   back, so a 30-action transaction on a table of a few thousand items takes seconds.  This
   version checks every condition first, writes only when all pass, and on a failure while
   writing restores just the touched items.
2. moto answers every Query by sorting every item of the table; with the seeded catalog (about
   6 500 items) that is ~170 ms a call.  Base-table queries read only their partition and index
   queries skip the needless sort (results are sorted by the index keys afterwards anyway).
3. DynamoDB applies each write (and each transaction) atomically; moto's server handles requests
   on several threads without a lock, so two conditional puts of one key could both pass their
   condition.  One lock serializes the table: every write and transaction (condition checked and
   item written under it), and the reads too (GetItem, Query, Scan), which otherwise iterate the
   table's dicts while another request thread changes them ("dictionary changed size during
   iteration") or see an item half-updated.  The local stack's functions run in several worker
   processes at once, so the moto server in the main process does get concurrent requests;
   ``tests/integration/test_moto_atomicity.py`` races conditional puts through it.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

_installed = False
_table_lock = threading.RLock()


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    def locked(method: Any) -> Any:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            with _table_lock:
                return method(self, *args, **kwargs)

        wrapper.__name__ = method.__name__
        return wrapper

    for name in ("put_item", "update_item", "delete_item", "batch_write_item", "get_item", "query", "scan"):
        if hasattr(DynamoDBBackend, name):
            setattr(DynamoDBBackend, name, locked(getattr(DynamoDBBackend, name)))

    def item_key(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
        if op_type != "Put":
            return op["Key"]
        table = backend.get_table(op["TableName"])
        key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = op["Item"][table.range_key_attr]
        return key

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        with _table_lock:
            seen: set[tuple[str, str]] = set()
            planned: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
            errors: list[tuple[Any, Any, Any]] = []
            for entry in transact_items:
                if len(entry) > 1:
                    raise TransactWriteSingleOpException
                op_type, op = next(iter(entry.items()))
                key = item_key(self, op_type, op)
                marker = (str(op["TableName"]), str(dict(sorted(key.items()))))
                if marker in seen:
                    raise MultipleTransactionsException()
                seen.add(marker)
                current = self.get_item(op["TableName"], key)
                condition = op.get("ConditionExpression")
                failed = False
                if condition is not None:
                    check = get_filter_expression(
                        condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                    )
                    failed = not check.expr(current)
                if failed:
                    old = None
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        old = current.to_json()["Attributes"]
                    errors.append(("ConditionalCheckFailed", ConditionalCheckFailed().message, old))
                else:
                    errors.append((None, None, None))
                planned.append((op_type, op, key))
            if any(code is not None for code, _, _ in errors):
                raise TransactionCanceledException(errors)

            snapshots: list[tuple[str, dict[str, Any], Any]] = []
            try:
                for op_type, op, key in planned:
                    table_name = op["TableName"]
                    snapshots.append((table_name, key, copy.deepcopy(self.get_item(table_name, key))))
                    if op_type == "Put":
                        self.put_item(table_name, op["Item"])
                    elif op_type == "Delete":
                        self.delete_item(table_name, key)
                    elif op_type == "Update":
                        self.update_item(
                            table_name,
                            key,
                            update_expression=op["UpdateExpression"],
                            expression_attribute_names=op.get("ExpressionAttributeNames"),
                            expression_attribute_values=op.get("ExpressionAttributeValues"),
                        )
            except Exception:
                for table_name, key, before in reversed(snapshots):
                    if before is None:
                        self.delete_item(table_name, key)
                    else:
                        self.put_item(table_name, before.to_json()["Attributes"])
                raise

    DynamoDBBackend.transact_write_items = transact_write_items
    _install_fast_query()
    _installed = True


_query_lock = threading.Lock()


def _install_fast_query() -> None:
    from moto.dynamodb.models.table import Table

    original_query = Table.query

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name:

            def candidates() -> list[Any]:
                return [item for partition in self.items.values() for item in partition.values()]
        else:

            def candidates() -> list[Any]:
                return list(self.items.get(hash_key, {}).values())

        with _query_lock:
            self.all_items = candidates  # shadows the sorting method for this call only
            try:
                return original_query(self, hash_key, *args, **kwargs)
            finally:
                del self.all_items

    Table.query = query


def dump_table(region: str, table_name: str) -> list[dict[str, Any]]:
    """Every item of a table in DynamoDB JSON, read from the in-process moto backend.

    Much faster than a Scan through the server (which sorts the table per page); taken under
    the write lock so that the snapshot is consistent.
    """
    from moto.backends import get_backend
    from moto.core.models import DEFAULT_ACCOUNT_ID

    table = get_backend("dynamodb")[DEFAULT_ACCOUNT_ID][region].get_table(table_name)
    with _table_lock:
        items = [item for partition in table.items.values() for item in partition.values()]
        return [item.to_json()["Attributes"] for item in items]
