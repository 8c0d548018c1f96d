"""Ratings and reviews over moto: every route, validation, the stream aggregate, and its exactness under concurrency."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from filmhub.table.models import FilmItem
from local.streams import StreamPoller
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter, mocked_aws
from tests.support.containers import container_clients
from tests.support.fixtures import make_films, new_user_token, register_user
from tests.support.streams import rating_stream


@pytest.fixture
def stream() -> Iterator[StreamPoller]:
    with mocked_aws():
        yield rating_stream()


def _film_id() -> str:
    return make_films(1)[0].id


def test_a_rating_shows_as_my_rating_at_once_and_in_the_aggregate_after_the_stream(stream: StreamPoller) -> None:
    film_id = _film_id()
    api = ApiClient(token=new_user_token())
    rated = api.put(f"/films/{film_id}/rating", json_body={"score": 4.5})
    assert rated.status == 200, rated.json
    assert rated.json["my_rating"] == 4.5
    assert rated.json["rating"] == {"average": None, "count": 0}  # eventually consistent
    assert stream.drain() >= 1
    film = api.get(f"/films/{film_id}").json
    assert (film["my_rating"], film["rating"]) == (4.5, {"average": 4.5, "count": 1})
    anonymous = ApiClient().get(f"/films/{film_id}").json
    assert (anonymous["my_rating"], anonymous["rating"]["count"]) == (None, 1)


def test_re_rating_replaces_and_deleting_removes_the_score(stream: StreamPoller) -> None:
    film_id = _film_id()
    api, other = ApiClient(token=new_user_token()), ApiClient(token=new_user_token())
    api.put(f"/films/{film_id}/rating", json_body={"score": 1})
    other.put(f"/films/{film_id}/rating", json_body={"score": 3})
    api.put(f"/films/{film_id}/rating", json_body={"score": 5})
    stream.drain()
    assert api.get(f"/films/{film_id}").json["rating"] == {"average": 4.0, "count": 2}
    assert api.delete(f"/films/{film_id}/rating").status == 204
    assert api.delete(f"/films/{film_id}/rating").status == 404
    stream.drain()
    film = api.get(f"/films/{film_id}").json
    assert (film["my_rating"], film["rating"]) == (None, {"average": 3.0, "count": 1})


def test_my_rating_comes_with_list_pages_without_extra_calls(stream: StreamPoller) -> None:
    films = make_films(3)
    api = ApiClient()
    _, api.token = register_user(api)
    for film, score in zip(films, (1.5, 2, 2.5), strict=True):
        api.put("/me/watchlists/wish/items/add", json_body={"film_id": film.id})
        api.put(f"/films/{film.id}/rating", json_body={"score": score})
    stream.drain()
    with DynamoCallCounter().counting() as counter:
        page = api.get("/me/watchlists/wish/items").json
    assert {film["my_rating"] for film in page} == {1.5, 2.0, 2.5}
    assert all(film["rating"]["count"] == 1 for film in page)
    assert counter.total <= 2


@pytest.mark.parametrize("score", [0, 0.25, 5.5, -1, "4", None, 2.7])
def test_scores_outside_half_steps_are_422(stream: StreamPoller, score: object) -> None:
    response = ApiClient(token=new_user_token()).put(f"/films/{_film_id()}/rating", json_body={"score": score})
    assert response.status == 422, response.json


def test_rating_an_unknown_film_is_404(stream: StreamPoller) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert ApiClient(token=new_user_token()).put(f"/films/{missing}/rating", json_body={"score": 3}).status == 404


def test_a_redelivered_batch_is_not_folded_twice(stream: StreamPoller) -> None:
    film_id = _film_id()
    for score in (2, 4):
        ApiClient(token=new_user_token()).put(f"/films/{film_id}/rating", json_body={"score": score})
    stream.drain()
    again = rating_stream()  # a second reader from the start of the stream: every record delivered again
    assert again.drain() >= 2
    assert ApiClient().get(f"/films/{film_id}").json["rating"] == {"average": 3.0, "count": 2}


def test_fifty_users_rating_one_film_concurrently_leave_the_exact_count_and_average(stream: StreamPoller) -> None:
    film_id = _film_id()
    tokens = [new_user_token() for _ in range(50)]
    chooser = random.Random(17)
    first = [chooser.choice(range(1, 11)) / 2 for _ in tokens]
    second = [chooser.choice(range(1, 11)) / 2 for _ in tokens]

    # One container per thread: Powertools keeps the current request on the app, so threads sharing one import
    # of the function mix up each other's requests (a lost rating, a 500), which Lambda never does.
    containers = container_clients(8, "films")

    def rate(index: int) -> float | None:
        api, token = containers[index % len(containers)], tokens[index]
        assert api.put(f"/films/{film_id}/rating", json_body={"score": first[index]}, token=token).status == 200
        if index % 5 == 0:  # some change their minds
            assert api.put(f"/films/{film_id}/rating", json_body={"score": second[index]}, token=token).status == 200
            return second[index]
        if index % 7 == 0:  # some take it back, and rate again
            assert api.delete(f"/films/{film_id}/rating", token=token).status == 204
            assert api.put(f"/films/{film_id}/rating", json_body={"score": second[index]}, token=token).status == 200
            return second[index]
        return first[index]

    with ThreadPoolExecutor(max_workers=len(containers)) as pool:
        final = list(pool.map(rate, range(50)))
    # Interleave polling with the writes' tail too: batches split anywhere must fold the same.
    stream.drain()
    expected_half_points = sum(round(score * 2) for score in final)
    stored = FilmItem.get(*FilmItem.key(film_id), consistent_read=True)
    assert (stored.rating_count, stored.rating_half_points) == (50, expected_half_points)
    film = ApiClient().get(f"/films/{film_id}").json
    assert film["rating"] == {"count": 50, "average": round(expected_half_points / 100, 2)}


def test_reviews_list_newest_first_with_author_username_score_and_spoiler_flag(stream: StreamPoller) -> None:
    film_id = _film_id()
    authors = []
    for name in ("первый", "второй", "третий"):
        api = ApiClient()
        _, api.token = register_user(api, name)
        authors.append(api)
    authors[0].put(f"/films/{film_id}/rating", json_body={"score": 3.5})
    written = authors[0].put(
        f"/films/{film_id}/review", json_body={"text": "<script>alert(1)</script>", "spoiler": True}
    )
    assert written.status == 200, written.json
    assert (written.json["username"], written.json["rating"], written.json["spoiler"]) == ("первый", 3.5, True)
    assert written.json["text"] == "<script>alert(1)</script>"  # plain text, as sent
    authors[1].put(f"/films/{film_id}/review", json_body={"text": "Хорошо"})
    authors[2].put(f"/films/{film_id}/review", json_body={"text": "Так себе", "spoiler": False})
    authors[0].put(f"/films/{film_id}/review", json_body={"text": "Передумал", "spoiler": False})  # edit: newest now
    page = ApiClient().get(f"/films/{film_id}/reviews", query={"limit": 2})
    assert page.status == 200
    assert [(r["username"], r["text"]) for r in page.json] == [("первый", "Передумал"), ("третий", "Так себе")]
    assert page.json[0]["created_at"] < page.json[0]["updated_at"]
    rest = ApiClient().get(f"/films/{film_id}/reviews", query={"limit": 2, "cursor": page.headers["x-next-cursor"]})
    assert [(r["username"], r["rating"]) for r in rest.json] == [("второй", None)]
    assert "x-next-cursor" not in rest.headers


def test_a_review_and_a_score_come_and_go_independently(stream: StreamPoller) -> None:
    film_id = _film_id()
    api = ApiClient()
    _, api.token = register_user(api)
    api.put(f"/films/{film_id}/rating", json_body={"score": 2})
    api.put(f"/films/{film_id}/review", json_body={"text": "Текст"})
    assert api.delete(f"/films/{film_id}/review").status == 204
    assert api.delete(f"/films/{film_id}/review").status == 404
    assert api.get(f"/films/{film_id}/reviews").json == []
    assert api.get(f"/films/{film_id}").json["my_rating"] == 2.0
    api.put(f"/films/{film_id}/review", json_body={"text": "Снова"})
    assert api.delete(f"/films/{film_id}/rating").status == 204
    reviews = api.get(f"/films/{film_id}/reviews").json
    assert [(r["text"], r["rating"]) for r in reviews] == [("Снова", None)]
    stream.drain()
    assert api.get(f"/films/{film_id}").json["rating"] == {"average": None, "count": 0}


@pytest.mark.parametrize(
    "body", [{"text": ""}, {"text": "   "}, {"text": "я" * 10_001}, {"text": "ok", "spoiler": "yes"}, {"spoiler": True}]
)
def test_bad_reviews_are_422(stream: StreamPoller, body: dict) -> None:
    response = ApiClient(token=new_user_token()).put(f"/films/{_film_id()}/review", json_body=body)
    assert response.status == 422, response.json


def test_a_review_of_an_unknown_film_is_404_and_a_forged_cursor_400(stream: StreamPoller) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    api = ApiClient()
    _, api.token = register_user(api)
    assert api.put(f"/films/{missing}/review", json_body={"text": "?"}).status == 404
    assert api.get(f"/films/{_film_id()}/reviews", query={"cursor": "forged"}).status == 400


def test_rating_and_review_routes_stay_within_their_call_budget(stream: StreamPoller) -> None:
    film_id = _film_id()
    api = ApiClient()
    _, api.token = register_user(api)
    for number in range(30):
        ApiClient(token=new_user_token()).put(f"/films/{film_id}/rating", json_body={"score": 1 + number % 4})
    requests = [
        lambda: api.put(f"/films/{film_id}/rating", json_body={"score": 4}),
        lambda: api.put(f"/films/{film_id}/review", json_body={"text": "Отзыв"}),
        lambda: api.get(f"/films/{film_id}/reviews", query={"limit": 100}),
        lambda: api.delete(f"/films/{film_id}/rating"),
        lambda: api.delete(f"/films/{film_id}/review"),
    ]
    for request in requests:
        with DynamoCallCounter().counting() as counter:
            assert request().status in (200, 204)
        assert counter.total <= 3, counter.calls
