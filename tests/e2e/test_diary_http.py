"""Ratings, reviews and the diary over real HTTP: the local stack's stream poller folds ratings into films."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.e2e import catalog_film_ids, register, wait_for_rating
from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

API = "/api/v1"


def test_concurrent_ratings_reach_the_exact_aggregate(stack: LocalStackProcess) -> None:
    film_id = catalog_film_ids(stack)[0]
    tokens = [register(stack, f"critic{n}") for n in range(12)]
    scores = [((n % 10) + 1) / 2 for n in range(12)]

    def rate(index: int) -> None:
        answer = stack.request("PUT", f"{API}/films/{film_id}/rating", json_body={"score": scores[index]},
                               token=tokens[index])  # fmt: skip
        assert answer.status == 200
        assert answer.json["my_rating"] == scores[index]

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(rate, range(12)))
    film = wait_for_rating(stack, film_id, 12)
    assert film["rating"] == {"count": 12, "average": round(sum(scores) / 12, 2)}
    assert stack.request("DELETE", f"{API}/films/{film_id}/rating", token=tokens[0]).status == 204
    film = wait_for_rating(stack, film_id, 11)
    assert film["rating"] == {"count": 11, "average": round(sum(scores[1:]) / 11, 2)}


def test_reviews_are_public_plain_text_newest_first(stack: LocalStackProcess) -> None:
    film_id = catalog_film_ids(stack)[1]
    token = register(stack, "reviewer")
    text = '<img src=x onerror="alert(1)"> Спойлер: он выживет'
    written = stack.request("PUT", f"{API}/films/{film_id}/review", json_body={"text": text, "spoiler": True},
                            token=token)  # fmt: skip
    assert written.status == 200
    page = stack.request("GET", f"{API}/films/{film_id}/reviews")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("application/json")
    assert [(r["username"], r["text"], r["spoiler"]) for r in page.json] == [("reviewer", text, True)]
    assert stack.request("DELETE", f"{API}/films/{film_id}/review", token=token).status == 204
    assert stack.request("GET", f"{API}/films/{film_id}/reviews").json == []


def test_diary_entries_watched_list_and_stats(stack: LocalStackProcess) -> None:
    film_id = catalog_film_ids(stack)[2]
    token = register(stack, "diarist")
    body = {"film_id": film_id, "watched_on": "2024-07-14", "rating": 4.5, "note": "в кино"}
    created = stack.request("POST", f"{API}/me/diary", json_body=body, token=token)
    assert created.status == 201, created.body
    entry = created.json
    again = stack.request("POST", f"{API}/me/diary", json_body={**body, "watched_on": "2024-08-01", "rewatch": True},
                          token=token)  # fmt: skip
    assert again.status == 201
    watched = stack.request("GET", f"{API}/me/watchlists/watched/items", token=token).json
    assert [film["id"] for film in watched] == [film_id]
    listed = stack.request("GET", f"{API}/me/diary?from=2024-07-01&to=2024-07-31", token=token).json
    assert [e["id"] for e in listed] == [entry["id"]]
    edited = stack.request("PATCH", f"{API}/me/diary/{entry['id']}", json_body={"note": None}, token=token)
    assert edited.status == 200
    assert edited.json["note"] is None
    stats = stack.request("GET", f"{API}/me/stats?year=2024", token=token).json
    assert (stats["entries"], stats["films"], stats["rewatches"], stats["average_rating"]) == (2, 1, 1, 4.5)
    assert stats["by_month"][6:8] == [1, 1]
    assert stack.request("DELETE", f"{API}/me/diary/{entry['id']}", token=token).status == 204
    assert stack.request("GET", f"{API}/me/stats?year=2024", token=token).json["entries"] == 1
    stranger = register(stack, "stranger")
    assert stack.request("DELETE", f"{API}/me/diary/{again.json['id']}", token=stranger).status == 404
    assert stack.request("POST", f"{API}/me/diary", json_body={"film_id": film_id}).status == 401
