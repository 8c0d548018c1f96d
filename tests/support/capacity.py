"""DynamoDB capacity of recorded calls, estimated from item sizes where moto cannot report it.

DynamoDB's rules: an item's size is its attribute names plus values; an eventually consistent read costs
0.5 RRU per started 4 KB (a Query sums the sizes of the items it returns, BatchGetItem rounds each item),
a strongly consistent one twice that; a write costs 1 WRU per started KB of the larger of the item's old and
new versions, twice that inside a transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from unittest import mock

import botocore.client

READ_UNIT_BYTES, WRITE_UNIT_BYTES = 4096, 1024


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it (attribute names plus values), close enough for an estimate."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 2
    if kind == "B":
        return len(inner)
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: member}) for member in inner)
    if kind == "L":
        return 3 + sum(1 + _value_size(member) for member in inner)
    if kind == "M":
        return 3 + len(inner) + item_size(inner)
    return 1  # BOOL, NULL


def _units(size: int, unit: int) -> int:
    return max(1, -(-size // unit))


def request_units(records: list[tuple[str, dict, dict]]) -> tuple[float, float]:
    """Read and write request units of the recorded calls, on the base table (index updates not included)."""
    reads = writes = 0.0
    for operation, params, result in records:
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        if operation == "GetItem":
            reads += factor * _units(item_size(result.get("Item", {})), READ_UNIT_BYTES)
        elif operation == "BatchGetItem":
            for table, wanted in params["RequestItems"].items():
                found = result.get("Responses", {}).get(table, [])
                missing = len(wanted["Keys"]) - len(found)  # a key not found costs the minimum too
                units = sum(_units(item_size(item), READ_UNIT_BYTES) for item in found) + missing
                reads += (1.0 if wanted.get("ConsistentRead") else 0.5) * units
        elif operation in ("Query", "Scan"):
            reads += factor * _units(sum(item_size(item) for item in result.get("Items", [])), READ_UNIT_BYTES)
        elif operation == "PutItem":
            writes += _units(item_size(params["Item"]), WRITE_UNIT_BYTES)
        elif operation in ("UpdateItem", "DeleteItem"):
            writes += _units(item_size(result.get("Attributes", {})), WRITE_UNIT_BYTES)
        elif operation == "BatchWriteItem":
            batches = params["RequestItems"].values()
            items = [request.get("PutRequest", {}).get("Item", {}) for batch in batches for request in batch]
            writes += sum(_units(item_size(item), WRITE_UNIT_BYTES) for item in items)
        elif operation == "TransactWriteItems":
            actions = [action.get("Put", {}).get("Item", {}) for action in params["TransactItems"]]
            writes += 2 * sum(_units(item_size(item), WRITE_UNIT_BYTES) for item in actions)
    return reads, writes


class TransactionWriteMeter:
    """Write units of TransactWriteItems calls counted exactly: each action's item is read (uncounted)
    before and after the call, and billed by the larger of its two sizes, twice (transactional)."""

    def __init__(self) -> None:
        self.write_units = 0
        self.largest_item = 0

    @contextlib.contextmanager
    def metering(self) -> Iterator[TransactionWriteMeter]:
        original = botocore.client.BaseClient._make_api_call

        def sizes(client: botocore.client.BaseClient, table: str, keys: list[dict]) -> list[int]:
            return [
                item_size(
                    original(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get(
                        "Item", {}
                    )
                )
                for key in keys
            ]

        def metered(client: botocore.client.BaseClient, operation: str, params: dict) -> dict:
            if client.meta.service_model.service_name != "dynamodb" or operation != "TransactWriteItems":
                return original(client, operation, params)
            actions = [next(iter(action.values())) for action in params["TransactItems"]]
            table = actions[0]["TableName"]
            keys = [action.get("Key") or {k: action["Item"][k] for k in ("PK", "SK")} for action in actions]
            before = sizes(client, table, keys)
            result = original(client, operation, params)
            after = sizes(client, table, keys)
            for old, new in zip(before, after, strict=True):
                self.write_units += 2 * _units(max(old, new), WRITE_UNIT_BYTES)
                self.largest_item = max(self.largest_item, new)
            return result

        with mock.patch.object(botocore.client.BaseClient, "_make_api_call", metered):
            yield self


class PartitionRecorder:
    """The partition keys each TransactWriteItems call writes: every action's ``PK``, and the index partition
    keys (``GSI<n>PK``) of the items it puts."""

    def __init__(self) -> None:
        self.transactions: list[set[str]] = []

    @contextlib.contextmanager
    def recording(self) -> Iterator[PartitionRecorder]:
        original = botocore.client.BaseClient._make_api_call

        def recorded(client: botocore.client.BaseClient, operation: str, params: dict) -> dict:
            if client.meta.service_model.service_name == "dynamodb" and operation == "TransactWriteItems":
                keys: set[str] = set()
                for action in params["TransactItems"]:
                    ((kind, body),) = action.items()
                    attributes = body["Item"] if kind == "Put" else body["Key"]
                    keys |= {value["S"] for name, value in attributes.items() if name == "PK" or _index_key(name)}
                self.transactions.append(keys)
            return original(client, operation, params)

        with mock.patch.object(botocore.client.BaseClient, "_make_api_call", recorded):
            yield self


def _index_key(name: str) -> bool:
    return name.startswith("GSI") and name.endswith("PK")
