"""Concurrent requests over real HTTP race for real: the local stack runs several workers of a function at
once (``local/workers.py``), so these are as concurrent as on Lambda."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from tests.e2e.test_watchlists_http import catalog_film_ids, register
from tests.support.local_stack import HttpResponse, LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def concurrently(calls: list[Callable[[], HttpResponse]]) -> list[HttpResponse]:
    start = threading.Barrier(len(calls))
    results: list[HttpResponse | None] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(result is not None for result in results)
    return results  # type: ignore[return-value]


def cold_starts(stack: LocalStackProcess, function: str) -> int:
    return sum(1 for line in stack.log().splitlines() if line.startswith(f"{function}: cold start"))


def test_twenty_concurrent_registrations_of_one_email_make_one_user(stack: LocalStackProcess) -> None:
    email = f"race-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": "a long password", "username": "гонщик"}
    responses = concurrently(
        [lambda: stack.request("POST", "/api/v1/auth/register", json_body=body) for _ in range(20)]
    )
    assert Counter(response.status for response in responses) == {201: 1, 409: 19}
    assert cold_starts(stack, "auth") >= 2  # served by several workers at once
    login = stack.request("POST", "/api/v1/auth/login", json_body={"email": email, "password": body["password"]})
    assert login.status == 201
    winner = next(response for response in responses if response.status == 201)
    assert login.json["id"] == winner.json["id"]


def test_twenty_concurrent_adds_to_one_list_keep_every_film_once(stack: LocalStackProcess) -> None:
    token = register(stack, "racer")
    films = catalog_film_ids(stack)[:20]
    watchlist = stack.request("POST", "/api/v1/me/watchlists", json_body={"title": "Гонка"}, token=token).json
    path = f"/api/v1/me/watchlists/{watchlist['id']}/items/add"
    adds = [lambda film_id=film_id: stack.request("PUT", path, json_body={"film_id": film_id}, token=token)
            for film_id in films]  # fmt: skip
    twice = [lambda: stack.request("PUT", path, json_body={"film_id": films[0]}, token=token) for _ in range(5)]
    responses = concurrently(adds + twice)
    assert [response.status for response in responses] == [204] * 25
    items = stack.request("GET", f"/api/v1/me/watchlists/{watchlist['id']}/items?limit=50", token=token).json
    assert sorted(film["id"] for film in items) == sorted(films)
    liked = [
        lambda film_id=film_id: stack.request(
            "PUT", "/api/v1/me/watchlists/liked/items/add", json_body={"film_id": film_id}, token=token
        )
        for film_id in films[:10]
    ]
    assert [response.status for response in concurrently(liked)] == [204] * 10
    flags = stack.request("GET", "/api/v1/me/watchlists/liked/items?limit=50", token=token).json
    assert sorted(film["id"] for film in flags) == sorted(films[:10])


def test_a_list_deleted_while_films_are_added_leaves_nothing_behind(stack: LocalStackProcess) -> None:
    token = register(stack, "deleter")
    films = catalog_film_ids(stack)[:16]
    watchlist = stack.request("POST", "/api/v1/me/watchlists", json_body={"title": "Уйдёт"}, token=token).json
    path = f"/api/v1/me/watchlists/{watchlist['id']}/items/add"
    for film_id in films[:4]:
        assert stack.request("PUT", path, json_body={"film_id": film_id}, token=token).status == 204
    assert len(list_items(stack, watchlist["id"])) == 5  # the header and four entries: the check below can see them
    adds = [lambda film_id=film_id: stack.request("PUT", path, json_body={"film_id": film_id}, token=token)
            for film_id in films[4:]]  # fmt: skip
    delete = [lambda: stack.request("DELETE", f"/api/v1/me/watchlists/{watchlist['id']}", token=token)]
    *added, deleted = concurrently(adds + delete)
    assert deleted.status == 204
    assert {response.status for response in added} <= {204, 404}, [r.body for r in added]
    assert stack.request("GET", f"/api/v1/me/watchlists/{watchlist['id']}", token=token).status == 404
    assert stack.request("GET", f"/api/v1/me/watchlists/{watchlist['id']}/items", token=token).status == 404
    # Nothing of the list is left in the table: no entry added after the purge read the list.
    assert list_items(stack, watchlist["id"]) == []


def list_items(stack: LocalStackProcess, list_id: str) -> list[dict[str, Any]]:
    endpoint = (stack.data_dir / "moto-endpoint").read_text().strip()
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="eu-central-1", aws_access_key_id="local",
        aws_secret_access_key="local",
    )  # fmt: skip
    found = dynamodb.query(
        TableName="filmhub-local",
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"LIST#{list_id}"}},
        ConsistentRead=True,
    )
    return found["Items"]
