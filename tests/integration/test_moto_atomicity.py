"""The local stack's moto server (threaded, in the gateway's process) keeps DynamoDB's atomicity when
several worker processes write at once: of many concurrent conditional writes of one key, exactly one
wins, and reads running beside writes never fail (``local/moto_patches.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from filmhub.data.table import create_table_kwargs
from local import moto_patches
from local.stack import free_port

THREADS = 24
TABLE = "filmhub-atomicity"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    moto_patches.install()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client("dynamodb", endpoint_url=url).create_table(**create_table_kwargs(TABLE))
    yield url
    server.stop()


@pytest.fixture
def slow_item_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read of an item in moto takes 50 ms more, as if storage were slow.

    A conditional write reads the current item, checks its condition, then writes: the pause widens
    the window between read and write from microseconds to milliseconds, so that without the lock in
    ``moto_patches`` these tests fail every time (several winners, lost updates) instead of rarely.
    """
    from moto.dynamodb.models.table import Table

    read = Table.get_item

    def slow_read(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return read(self, *args, **kwargs)

    monkeypatch.setattr(Table, "get_item", slow_read)


def client(endpoint: str) -> Any:
    # No retries: every attempt's outcome is counted.
    return boto3.client("dynamodb", endpoint_url=endpoint, config=Config(retries={"total_max_attempts": 1}))


def race(calls: list[Callable[[], str]]) -> list[str]:
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], str]) -> None:
        start.wait()
        try:
            outcome = call()
        except ClientError as error:
            outcome = error.response["Error"]["Code"]
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.usefixtures("slow_item_reads")
def test_concurrent_conditional_puts_of_one_key_have_one_winner(endpoint: str, attempt: int) -> None:
    clients = [client(endpoint) for _ in range(THREADS)]
    key = {"PK": {"S": f"CLAIM#{attempt}"}, "SK": {"S": "META"}}

    def put(index: int) -> str:
        clients[index].put_item(
            TableName=TABLE,
            Item={**key, "owner": {"N": str(index)}},
            ConditionExpression="attribute_not_exists(PK)",
        )
        return "won"

    outcomes = race([lambda index=index: put(index) for index in range(THREADS)])
    assert outcomes.count("won") == 1
    assert outcomes.count("ConditionalCheckFailedException") == THREADS - 1


@pytest.mark.usefixtures("slow_item_reads")
def test_concurrent_transactions_claiming_one_key_have_one_winner(endpoint: str) -> None:
    clients = [client(endpoint) for _ in range(THREADS)]

    def claim(index: int) -> str:
        clients[index].transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {"PK": {"S": f"USER#{index}"}, "SK": {"S": "META"}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {"PK": {"S": "EMAIL#one@example.com"}, "SK": {"S": "META"}, "user": {"N": str(index)}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
        return "won"

    outcomes = race([lambda index=index: claim(index) for index in range(THREADS)])
    assert outcomes.count("won") == 1
    assert outcomes.count("TransactionCanceledException") == THREADS - 1
    winner = client(endpoint).get_item(TableName=TABLE, Key={"PK": {"S": "EMAIL#one@example.com"}, "SK": {"S": "META"}})
    users = [
        index
        for index in range(THREADS)
        if "Item" in client(endpoint).get_item(TableName=TABLE, Key={"PK": {"S": f"USER#{index}"}, "SK": {"S": "META"}})
    ]
    assert users == [int(winner["Item"]["user"]["N"])]  # the losers wrote nothing


def test_concurrent_counter_updates_lose_nothing_and_reads_beside_them_never_fail(endpoint: str) -> None:
    clients = [client(endpoint) for _ in range(THREADS)]
    key = {"PK": {"S": "COUNTER"}, "SK": {"S": "META"}}

    def add_and_read(index: int) -> str:
        for round_ in range(5):
            clients[index].update_item(
                TableName=TABLE, Key=key, UpdateExpression="ADD #c :one",
                ExpressionAttributeNames={"#c": "count"}, ExpressionAttributeValues={":one": {"N": "1"}},
            )  # fmt: skip
            # New partitions appear while others query the table and an index.
            clients[index].put_item(TableName=TABLE, Item={"PK": {"S": f"P#{index}#{round_}"}, "SK": {"S": "X"}})
            clients[index].query(
                TableName=TABLE, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": key["PK"]}
            )
        return "ok"

    assert race([lambda index=index: add_and_read(index) for index in range(THREADS)]) == ["ok"] * THREADS
    count = client(endpoint).get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]["count"]["N"]
    assert int(count) == THREADS * 5
