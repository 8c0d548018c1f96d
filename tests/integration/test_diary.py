"""The watch diary and yearly stats over moto: every route, validation, ownership, counters kept on write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from filmhub.seed.seeder import seed_catalog
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter, mocked_aws
from tests.support.fixtures import make_films, register_user


@pytest.fixture
def api() -> Iterator[ApiClient]:
    with mocked_aws():
        seed_catalog()
        client = ApiClient()
        _, client.token = register_user(client)
        yield client


def log(api: ApiClient, film_id: str, **fields: object) -> dict:
    response = api.post("/me/diary", json_body={"film_id": film_id, **fields})
    assert response.status == 201, response.json
    return response.json


def test_logging_a_watch_marks_the_film_watched_in_the_same_write(api: ApiClient) -> None:
    film = make_films(1)[0]
    entry = log(api, film.id, watched_on="2024-03-05", rating=4, note="<b>не HTML</b>")
    assert entry["watched_on"] == "2024-03-05"
    assert (entry["rating"], entry["note"], entry["rewatch"]) == (4.0, "<b>не HTML</b>", False)
    assert entry["film"]["id"] == film.id
    assert entry["film"]["is_watched"] is True
    assert [f["id"] for f in api.get("/me/watchlists/watched/items").json] == [film.id]


def test_deleting_the_last_entry_keeps_the_film_watched(api: ApiClient) -> None:
    film = make_films(1)[0]
    entry = log(api, film.id, watched_on="2024-03-05")
    assert api.delete(f"/me/diary/{entry['id']}").status == 204
    assert api.delete(f"/me/diary/{entry['id']}").status == 404
    assert [f["id"] for f in api.get("/me/watchlists/watched/items").json] == [film.id]
    assert api.get("/me/diary").json == []


def test_the_diary_lists_newest_first_within_from_and_to_page_by_page(api: ApiClient) -> None:
    films = make_films(2)
    days = ["2023-12-31", "2024-01-01", "2024-01-01", "2024-02-10", "2024-03-01"]
    for number, day in enumerate(days):
        log(api, films[number % 2].id, watched_on=day, rewatch=number >= 2)
    everything = api.get("/me/diary").json
    assert [e["watched_on"] for e in everything] == sorted(days, reverse=True)
    first = api.get("/me/diary", query={"from": "2024-01-01", "to": "2024-02-10", "limit": 2})
    assert [e["watched_on"] for e in first.json] == ["2024-02-10", "2024-01-01"]
    cursor = first.headers["x-next-cursor"]
    rest = api.get("/me/diary", query={"from": "2024-01-01", "to": "2024-02-10", "limit": 2, "cursor": cursor}).json
    assert [e["watched_on"] for e in rest] == ["2024-01-01"]
    wrong_range = api.get("/me/diary", query={"from": "2024-01-01", "to": "2024-12-31", "cursor": cursor})
    assert wrong_range.status == 400


def test_stats_count_entries_distinct_films_rewatches_months_ratings_and_genres(api: ApiClient) -> None:
    first, second = make_films(2)
    log(api, first.id, watched_on="2024-01-10", rating=4)
    log(api, first.id, watched_on="2024-01-20", rewatch=True, rating=5)
    log(api, second.id, watched_on="2024-03-01")
    log(api, second.id, watched_on="2023-06-01", rating=0.5)
    stats = api.get("/me/stats", query={"year": 2024}).json
    assert stats["year"] == 2024
    assert (stats["entries"], stats["films"], stats["rewatches"]) == (3, 2, 1)
    assert stats["by_month"] == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert stats["average_rating"] == 4.5
    assert stats["ratings"] == {f"{h / 2:.1f}": {8: 1, 10: 1}.get(h, 0) for h in range(1, 11)}
    genres = {g["id"]: g["count"] for g in stats["top_genres"]}
    assert genres == {first.genres[0].id: 1, second.genres[0].id: 1}
    assert all(g["name"] for g in stats["top_genres"])
    assert api.get("/me/stats", query={"year": 2023}).json["films"] == 1


def test_stats_follow_edits_and_deletes_across_years(api: ApiClient) -> None:
    film = make_films(1)[0]
    one = log(api, film.id, watched_on="2024-01-10", rating=3)
    two = log(api, film.id, watched_on="2024-05-10", rewatch=True)
    moved = api.patch(f"/me/diary/{two['id']}", json_body={"watched_on": "2023-05-10", "rating": 2, "note": "ok"})
    assert moved.status == 200, moved.json
    assert (moved.json["watched_on"], moved.json["rating"], moved.json["note"]) == ("2023-05-10", 2.0, "ok")
    cleared = api.patch(f"/me/diary/{two['id']}", json_body={"rating": None}).json
    assert (cleared["rating"], cleared["note"], cleared["rewatch"]) == (None, "ok", True)
    this_year, last_year = (api.get("/me/stats", query={"year": y}).json for y in (2024, 2023))
    assert (this_year["entries"], this_year["films"], this_year["rewatches"], this_year["average_rating"]) == (
        1, 1, 0, 3.0,
    )  # fmt: skip
    assert (last_year["entries"], last_year["films"], last_year["rewatches"], last_year["average_rating"]) == (
        1, 1, 1, None,
    )  # fmt: skip
    assert api.delete(f"/me/diary/{one['id']}").status == 204
    after = api.get("/me/stats", query={"year": 2024}).json
    assert (after["entries"], after["films"], after["top_genres"], after["by_month"][0]) == (0, 0, [], 0)


def test_today_is_the_callers_day_in_their_time_zone(api: ApiClient) -> None:
    film = make_films(1)[0]
    tomorrow_somewhere = "Pacific/Kiritimati"  # UTC+14: often already tomorrow there
    today_there = datetime.now(UTC).astimezone(ZoneInfo(tomorrow_somewhere)).date()
    assert log(api, film.id, tz=tomorrow_somewhere)["watched_on"] == today_there.isoformat()
    assert log(api, film.id)["watched_on"] == datetime.now(UTC).date().isoformat()
    future = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    refused = api.post("/me/diary", json_body={"film_id": film.id, "watched_on": future})
    assert refused.status == 422
    assert refused.json["extra"][0]["key"] == "watched_on"


@pytest.mark.parametrize(
    "body",
    [
        {"watched_on": "2024-02-30"},
        {"watched_on": "24-01-01"},
        {"watched_on": 1700000000},
        {"watched_on": "1800-01-01"},
        {"rating": 0},
        {"rating": 3.3},
        {"note": "я" * 2001},
        {"tz": "Mars/Olympus"},
        {"tz": "../../etc/passwd"},
        {"film_id": "not-a-uuid"},
    ],
)
def test_bad_entries_are_422(api: ApiClient, body: dict) -> None:
    film = make_films(1)[0]
    response = api.post("/me/diary", json_body={"film_id": film.id, "watched_on": "2024-01-01", **body})
    assert response.status == 422, response.json
    assert response.json["status_code"] == 422


def test_bad_queries_are_422(api: ApiClient) -> None:
    assert api.get("/me/diary", query={"from": "yesterday"}).status == 422
    assert api.get("/me/diary", query={"from": "2024-02-31"}).status == 422
    assert api.get("/me/diary", query={"from": "2024-03-01", "to": "2024-02-01"}).status == 422
    assert api.get("/me/diary", query={"limit": 51}).status == 422
    assert api.get("/me/stats", query={"year": 1000}).status == 422


def test_a_film_that_does_not_exist_is_404(api: ApiClient) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert api.post("/me/diary", json_body={"film_id": missing}).status == 404


def test_another_users_entry_is_not_found_and_unchanged(api: ApiClient) -> None:
    film = make_films(1)[0]
    entry = log(api, film.id, watched_on="2024-01-01")
    stranger = ApiClient()
    _, stranger.token = register_user(stranger, "чужой")
    assert stranger.patch(f"/me/diary/{entry['id']}", json_body={"note": "взлом"}).status == 404
    assert stranger.delete(f"/me/diary/{entry['id']}").status == 404
    assert stranger.get("/me/diary").json == []
    assert api.get("/me/diary").json[0]["note"] is None


def test_every_diary_request_stays_within_three_calls_whatever_the_diary_length(api: ApiClient) -> None:
    films = make_films(30)
    entries = [log(api, film.id, watched_on=(date(2024, 1, 1) + timedelta(days=n)).isoformat()) for n, film in
               enumerate(films)]  # fmt: skip
    requests = [
        lambda: api.post("/me/diary", json_body={"film_id": films[0].id, "watched_on": "2024-06-01"}),
        lambda: api.get("/me/diary", query={"limit": 50}),
        lambda: api.patch(f"/me/diary/{entries[0]['id']}", json_body={"watched_on": "2023-01-01"}),
        lambda: api.delete(f"/me/diary/{entries[1]['id']}"),
        lambda: api.get("/me/stats", query={"year": 2024}),
    ]
    for request in requests:
        with DynamoCallCounter().counting() as counter:
            assert request().status in (200, 201, 204)
        assert counter.total <= 3, counter.calls
