"""Films over moto: every row of API.md § Films (except posters and providers), local search, call budgets."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable

import pytest

from filmhub.core.entities import Film
from filmhub.core.ids import genre_id, imported_film_id
from filmhub.films import dynamo
from filmhub.films.dynamo import bulk_put_films, put_new_film, read_heads
from filmhub.films.index import HEAD_SIZE, TITLE_SHARDS, WHOLE_WORD
from filmhub.recommendations.dynamo import DynamoRecommendationRepository
from filmhub.table.models import FilmState, IndexHead, shard_of
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter, dynamodb_error, failing_dynamodb
from tests.support.fixtures import make_films, new_user_token

pytestmark = pytest.mark.usefixtures("seeded_aws")

DRAMA, COMEDY, WESTERN = genre_id("драма"), genre_id("комедия"), genre_id("вестерн")
FILM_FIELDS = {"id", "title", "description", "country", "release_year", "poster_url", "tmdb_id", "owner_id",
               "is_liked", "is_wish", "is_watched", "genres", "film_type", "my_rating", "rating"}  # fmt: skip
SHAWSHANK = imported_film_id("tmdb", "movie", 278)


def unique(word: str = "Фильм") -> str:
    """A title word no other test (or seeded film) uses, so tests can share the seeded table."""
    return f"{word}{uuid.uuid4().hex[:8]}"


def in_genre(genre: str, film_id: str) -> bool:
    """Whether recommendation sampling by this genre finds the film (a sample that starts at its id)."""
    sampled = DynamoRecommendationRepository().sample("movie", {genre}, ("movie", film_id), after=True)
    return film_id in {film.id for film in sampled}


def owner() -> tuple[str, ApiClient]:
    user_id = str(uuid.uuid4())
    return user_id, ApiClient(token=new_user_token(user_id))


def create(api: ApiClient, **fields: object) -> dict:
    body = {"title": unique(), "description": "Описание.", **fields}
    response = api.post("/films", json_body=body)
    assert response.status == 201, response.json
    return response.json


def search(api: ApiClient, **query: object) -> list[dict]:
    response = api.get("/films/search", query=query)
    assert response.status == 200, response.json
    return response.json


def test_create_a_film() -> None:
    user_id, api = owner()
    film = create(api, title="  Мой фильм  ", genres_ids=[DRAMA, COMEDY, DRAMA], country="Россия", release_year=2024)
    assert set(film) == FILM_FIELDS
    assert film["title"] == "Мой фильм"
    assert film["owner_id"] == user_id
    assert (film["country"], film["release_year"], film["tmdb_id"], film["poster_url"]) == ("Россия", 2024, None, None)
    assert film["genres"] == [{"id": DRAMA, "name": "драма"}, {"id": COMEDY, "name": "комедия"}]  # twice counts once
    assert [film["is_liked"], film["is_wish"], film["is_watched"]] == [False, False, False]
    assert api.get(f"/films/{film['id']}").json == film
    assert in_genre(DRAMA, film["id"])
    assert not in_genre(WESTERN, film["id"])


def test_create_with_an_unknown_genre_writes_nothing() -> None:
    _, api = owner()
    title = unique()
    response = api.post(
        "/films", json_body={"title": title, "description": "x", "genres_ids": [DRAMA, str(uuid.uuid4())]}
    )
    assert response.status == 400
    assert response.json == {"status_code": 400, "detail": "Genre not found"}
    assert search(api, title=title) == []


def test_create_needs_a_token() -> None:
    response = ApiClient().post("/films", json_body={"title": "x", "description": "y"})
    assert response.status == 401
    assert response.json["status_code"] == 401
    assert ApiClient(token="garbage").post("/films", json_body={"title": "x", "description": "y"}).status == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "y"}, "title"),
        ({"title": "", "description": "y"}, "title"),
        ({"title": "   ", "description": "y"}, "title"),
        ({"title": "x" * 513, "description": "y"}, "title"),
        ({"title": "x"}, "description"),
        ({"title": "x", "description": "y" * 5001}, "description"),
        ({"title": "x", "description": "y", "country": ""}, "country"),
        ({"title": "x", "description": "y", "country": "c" * 129}, "country"),
        ({"title": "x", "description": "y", "release_year": 0}, "release_year"),
        ({"title": "x", "description": "y", "release_year": -5}, "release_year"),
        ({"title": "x", "description": "y", "release_year": "давно"}, "release_year"),
        ({"title": "x", "description": "y", "genres_ids": ["not-a-uuid"]}, "genres_ids"),
    ],
)
def test_create_validation(body: dict, field: str) -> None:
    _, api = owner()
    response = api.post("/films", json_body=body)
    assert response.status == 422
    assert response.json["extra"][0]["key"].startswith(field)


def test_limits_are_inclusive() -> None:
    _, api = owner()
    film = create(api, title="т" * 512, description="о" * 5000, country="с" * 128, release_year=1, genres_ids=None)
    assert (len(film["title"]), len(film["description"]), film["release_year"], film["genres"]) == (512, 5000, 1, [])


def test_malformed_json_is_400() -> None:
    _, api = owner()
    assert api.post("/films", body=b"{oops", content_type="application/json").status == 400


def test_get_a_film_with_the_callers_flags() -> None:
    user_id = str(uuid.uuid4())
    FilmState(*FilmState.key(user_id, SHAWSHANK), film_id=SHAWSHANK, wish_at="2026-01-01T00:00:00+00:00").save()
    mine = ApiClient(token=new_user_token(user_id)).get(f"/films/{SHAWSHANK}").json
    assert (mine["is_liked"], mine["is_wish"], mine["is_watched"]) == (False, True, False)
    anonymous = ApiClient().get(f"/films/{SHAWSHANK}").json
    assert anonymous["title"] == "Побег из Шоушенка"
    assert anonymous["owner_id"] is None
    assert anonymous["tmdb_id"] == 278
    assert not anonymous["is_wish"]


def test_get_errors() -> None:
    api = ApiClient()
    assert api.get(f"/films/{uuid.uuid4()}").json == {"status_code": 404, "detail": "Film not found"}
    bad = api.get("/films/not-a-uuid")
    assert bad.status == 400
    assert bad.json["extra"] == [{"key": "film_id", "message": "must be a UUID"}]
    assert api.get(f"/films/{SHAWSHANK}", token="garbage").status == 401


def test_edit_a_film_reindexes_it() -> None:
    user_id, api = owner()
    old_word, new_word = unique("Старое"), unique("Новое")
    film = create(api, title=f"{old_word} кино", genres_ids=[DRAMA, COMEDY], country="Франция", release_year=1999)
    FilmState(*FilmState.key(user_id, film["id"]), film_id=film["id"], liked_at="2026-01-01T00:00:00+00:00").save()
    response = api.put(
        f"/films/{film['id']}",
        json_body={"title": f"{new_word} кино", "description": "Другое.", "genres_ids": [COMEDY, WESTERN]},
    )
    assert response.status == 200, response.json
    edited = response.json
    assert (edited["title"], edited["description"], edited["country"], edited["release_year"]) == (
        f"{new_word} кино",
        "Другое.",
        None,
        None,
    )
    assert [g["name"] for g in edited["genres"]] == ["комедия", "вестерн"]
    assert edited["is_liked"]
    assert edited["owner_id"] == user_id
    assert api.get(f"/films/{film['id']}").json == edited
    assert search(api, title=old_word) == []
    assert [f["id"] for f in search(api, title=new_word.upper())] == [film["id"]]
    assert [in_genre(g, film["id"]) for g in (DRAMA, COMEDY, WESTERN)] == [False, True, True]


def test_a_long_retitle_still_reindexes_everything() -> None:
    _, api = owner()
    long_title = " ".join(unique("Слово") for _ in range(12))
    film = create(api, title=long_title, description=" ".join(unique("описание") for _ in range(30)))
    replacement = " ".join(unique("Другое") for _ in range(12))
    assert api.put(f"/films/{film['id']}", json_body={"title": replacement, "description": "Коротко."}).status == 200
    assert search(api, title=long_title.split()[0]) == []
    assert [f["id"] for f in search(api, title=replacement.split()[-1])] == [film["id"]]


def test_edit_errors() -> None:
    _, api = owner()
    film = create(api, genres_ids=[DRAMA])
    body = {"title": "Чужое", "description": "x"}
    _, stranger = owner()
    forbidden = stranger.put(f"/films/{film['id']}", json_body=body)
    assert forbidden.status == 403
    assert forbidden.json == {"status_code": 403, "detail": "Film is not owned by you"}
    assert stranger.put(f"/films/{SHAWSHANK}", json_body=body).status == 403  # imported films have no owner
    assert api.put(f"/films/{uuid.uuid4()}", json_body=body).json == {"status_code": 404, "detail": "Film not found"}
    assert ApiClient().put(f"/films/{film['id']}", json_body=body).status == 401
    unknown = api.put(f"/films/{film['id']}", json_body={**body, "genres_ids": [str(uuid.uuid4())]})
    assert unknown.json == {"status_code": 400, "detail": "Genre not found"}
    assert api.put(f"/films/{film['id']}", json_body={"title": ""}).status == 422
    assert api.get(f"/films/{film['id']}").json == film  # nothing changed by any of them


def test_search_by_title_prefix_in_any_case_and_yo() -> None:
    found = search(ApiClient(), title="КРЕСТН отЕ")
    # Both words first (the exact title before the sequel), then "оте…" alone (Отель «Гранд Будапешт» …).
    assert [f["title"] for f in found[:3]] == ["Крёстный отец", "Крёстный отец 2", "Отель «Гранд Будапешт»"]
    assert all(set(f) == FILM_FIELDS for f in found)


def test_a_comma_in_the_title_query_is_not_a_list_separator() -> None:
    _, api = owner()
    first, second = unique("Первое"), unique("Второе")
    one, two = create(api, title=first), create(api, title=second)
    found = search(api, title=f"{first}, {second}")
    assert {f["id"] for f in found} == {one["id"], two["id"]}
    assert search(api, title="Побег, из")[0]["title"] == "Побег из Шоушенка"


def test_search_limit() -> None:
    api = ApiClient()
    word = unique("Серия")
    make_films(60, title_prefix=word)
    assert len(search(api, title=word)) == 10
    assert len(search(api, title=word, limit=1)) == 1
    assert len(search(api, title=word, limit=50)) == 50
    for bad in (0, 51, "many"):
        response = api.get("/films/search", query={"title": "по", "limit": bad})
        assert response.status == 422
        assert response.json["extra"][0]["key"] == "limit"


def test_search_without_terms_is_empty() -> None:
    assert search(ApiClient()) == []
    assert search(ApiClient(), title="  ") == []
    assert search(ApiClient(), title="ъъъъъъъъ") == []


def test_search_carries_the_callers_flags() -> None:
    user_id = str(uuid.uuid4())
    FilmState(*FilmState.key(user_id, SHAWSHANK), film_id=SHAWSHANK, watched_at="2026-01-01T00:00:00+00:00").save()
    found = search(ApiClient(token=new_user_token(user_id)), title="шоушенк")
    assert (found[0]["id"], found[0]["is_watched"]) == (SHAWSHANK, True)


def test_description_without_an_llm_is_a_keyword_search() -> None:
    found = search(ApiClient(), description="фильм где банкир сбегает из тюрьмы через тоннель")
    assert found[0]["title"] == "Побег из Шоушенка"
    with_title = search(ApiClient(), title="крестный", description="мафиозная семья в Нью-Йорке")
    assert with_title[0]["title"].startswith("Крёстный отец")


def test_new_films_are_found_by_their_description_words() -> None:
    _, api = owner()
    word = unique("Дирижабль")
    film = create(api, description=f"Огромный {word} летит над тундрой.")
    assert search(api, description=f"помню фильм про {word.lower()}")[0]["id"] == film["id"]


def test_call_budgets() -> None:
    _, api = owner()
    with DynamoCallCounter().counting() as created:
        film = create(api, genres_ids=[DRAMA, COMEDY])
    with DynamoCallCounter().counting() as fetched:
        api.get(f"/films/{film['id']}")
    with DynamoCallCounter().counting() as edited:
        api.put(f"/films/{film['id']}", json_body={"title": unique(), "description": "x", "genres_ids": [WESTERN]})
    word = unique("Серия")
    make_films(60, title_prefix=word)
    with DynamoCallCounter().counting() as title_page:
        assert len(search(api, title=word, limit=50)) == 50
    with DynamoCallCounter().counting() as description_page:
        search(api, description="банкир тюрьма тоннель", limit=50)
    for counter in (created, fetched, edited, title_page, description_page):
        assert counter.total <= 3, counter.calls
    # Genres (cache off in tests), the index heads the film may enter, then the write.
    assert created.calls == {"Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_films_are_in_the_openapi_document() -> None:
    paths = ApiClient().get("/api/schema/openapi.json").json["paths"]
    assert {"/films", "/films/search", "/films/{film_id}", "/films/{film_id}/poster",
            "/films/{film_id}/poster/upload-url", "/films/{film_id}/poster/confirm"} <= set(paths)  # fmt: skip


def test_a_write_that_lost_a_race_for_an_index_head_is_tried_again() -> None:
    # Two films entering one head at once: DynamoDB cancels one transaction (TransactionConflict); the
    # loser reads the heads afresh and writes again instead of answering 500.
    _, api = owner()
    word = unique("Гонка")
    conflict = dynamodb_error(
        "TransactionCanceledException",
        CancellationReasons=[{"Code": "None"}, {"Code": "TransactionConflict"}],
    )
    with failing_dynamodb(conflict, times=1, operation="TransactWriteItems") as failed:
        film = create(api, title=f"{word} кино")
    assert failed == ["TransactWriteItems"]
    assert [f["id"] for f in search(api, title=word)] == [film["id"]]


def test_a_head_changed_after_it_was_read_is_read_again_and_stays_in_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # A full head, then two films entering it at once: the second read the head before the first wrote it.
    # Its write is conditional on the version it read, so it reads again and pushes out the next film, instead
    # of the one already gone (which would leave the head one film over its size, and growing).
    word = "".join(random.choice("абвгдежзик") for _ in range(10))
    partition = f"TW#{word}#0"

    def film(popularity: int) -> Film:
        film_id = next(i for i in (str(uuid.uuid4()) for _ in range(100)) if shard_of(i, TITLE_SHARDS) == 0)
        return Film(id=film_id, title=word, description="Гонка.", popularity=popularity)

    bulk_put_films([(film(popularity), None) for popularity in range(10, 10 + HEAD_SIZE)], "2026-01-01")
    first, second = film(100), film(200)
    read = dynamo.read_head_items

    def read_then_lose_the_race(partitions: Iterable[str]) -> dict[str, IndexHead]:
        heads = read(list(partitions))
        if not raced:
            raced.append(first.id)  # before writing it: its own write reads the heads too
            assert put_new_film(first, "2026-01-02")
        return heads

    raced: list[str] = []
    monkeypatch.setattr(dynamo, "read_head_items", read_then_lose_the_race)
    assert put_new_film(second, "2026-01-02")
    head = read_heads([partition])[partition]
    assert len(head) == HEAD_SIZE
    assert {first.id, second.id} <= set(head)
    assert min(head.values()) == WHOLE_WORD + 12  # the films ranked 10 and 11 pushed out, one each
