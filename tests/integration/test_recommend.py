"""POST /recommend: wish list first, 24-hour exclusion, watched and hidden excluded, filters, budget."""

from __future__ import annotations

import random
import uuid

import pytest

from filmhub import wiring
from filmhub.catalog.dynamo import DynamoCatalogRepository
from filmhub.catalog.service import CatalogService
from filmhub.core.ids import genre_id, mood_id
from filmhub.recommendations.dynamo import SAMPLE_READ, DynamoRecommendationRepository
from filmhub.recommendations.service import RecommendationService
from filmhub.seed.catalog import MOOD_GENRES
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter
from tests.support.fakes.clock import FrozenClock
from tests.support.fixtures import register_user

pytestmark = pytest.mark.usefixtures("seeded_aws")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """A frozen clock and a seeded random source behind the recommend function."""
    frozen = FrozenClock()
    # A catalog cache as in a warm container (the tests' default is no cache).
    catalog = CatalogService(DynamoCatalogRepository(), wiring.film_reader(), cache_seconds=60)
    service = RecommendationService(
        DynamoRecommendationRepository(),
        catalog,
        wiring.film_reader(),
        rng=random.Random(7),
        clock=frozen,
    )
    monkeypatch.setattr("recommend.routes.recommendation_service", lambda: service)
    return frozen


@pytest.fixture
def user(api: ApiClient) -> ApiClient:
    _, api.token = register_user(api)
    return api


def recommend(api: ApiClient, **query: object) -> dict:
    response = api.post("/recommend", query={k: v for k, v in query.items() if v is not None})
    assert response.status == 201, response.json
    return response.json


def test_wish_list_comes_first_then_is_not_repeated_within_a_day(user: ApiClient, clock: FrozenClock) -> None:
    mix = user.get("/mix").json[0]
    wished = [film["id"] for film in user.get(f"/mix/{mix['id']}/items").json[:2]]
    for film_id in wished:
        user.put("/me/watchlists/wish/items/add", json_body={"film_id": film_id})
    first, second = recommend(user)["id"], recommend(user)["id"]
    assert {first, second} == set(wished)
    third = recommend(user)
    assert third["id"] not in wished  # both were recommended in the last 24 h: the catalog answers
    clock.now += 24 * 3600 + 1
    assert recommend(user)["id"] in wished


def test_moods_and_genres_filter_the_catalog(user: ApiClient, clock: FrozenClock) -> None:
    scary = mood_id("Страшное, пугающее")
    wanted = {genre_id(name) for name in MOOD_GENRES["Страшное, пугающее"]} | {genre_id("вестерн")}
    for _ in range(5):
        film = recommend(user, moods_ids=scary, genres_ids=genre_id("вестерн"))
        assert {genre["id"] for genre in film["genres"]} & wanted


def test_movie_type_tv_returns_a_series(user: ApiClient, clock: FrozenClock) -> None:
    for _ in range(3):
        assert recommend(user, movie_type="tv")["film_type"] == "tv"


def test_a_series_is_found_whatever_the_random_draw(user: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: the catalog was sampled through two random genres, and a request for any series
    # answered 404 when neither genre had one.
    catalog = CatalogService(DynamoCatalogRepository(), wiring.film_reader(), cache_seconds=60)
    answers = []
    for seed in range(30):
        service = RecommendationService(
            DynamoRecommendationRepository(), catalog, wiring.film_reader(), rng=random.Random(seed)
        )
        monkeypatch.setattr("recommend.routes.recommendation_service", lambda service=service: service)
        answers.append(recommend(user, movie_type="tv"))
    assert {film["film_type"] for film in answers} == {"tv"}
    assert len({film["id"] for film in answers}) == 30  # none repeated within 24 h


def test_watched_and_hidden_films_never_come_back(user: ApiClient, clock: FrozenClock) -> None:
    western = genre_id("вестерн")
    seen = set()
    for _ in range(4):
        film = recommend(user, genres_ids=western, movie_type="movie")
        seen.add(film["id"])
        user.put("/me/watchlists/watched/items/add", json_body={"film_id": film["id"]})
    clock.now += 2 * 24 * 3600
    hidden = recommend(user, genres_ids=western, movie_type="movie")["id"]
    assert user.post(f"/recommend/{hidden}/hide").status == 204
    clock.now += 2 * 24 * 3600
    for _ in range(5):
        film_id = recommend(user, genres_ids=western, movie_type="movie")["id"]
        assert film_id not in seen
        assert film_id != hidden
        clock.now += 2 * 24 * 3600
    assert user.delete(f"/recommend/{hidden}/hide").status == 204


def test_everything_excluded_is_404(user: ApiClient, clock: FrozenClock) -> None:
    # Telefilms are few: watch every one of them, then nothing is left.
    tv_films = genre_id("телевизионный фильм")
    for _ in range(40):
        response = user.post("/recommend", query={"genres_ids": tv_films, "movie_type": "movie"})
        if response.status == 404:
            assert response.json == {"status_code": 404, "detail": "No suitable film found"}
            return
        user.put("/me/watchlists/watched/items/add", json_body={"film_id": response.json["id"]})
    pytest.fail("the catalog never ran out")


def test_bad_input(user: ApiClient, clock: FrozenClock) -> None:
    assert user.post("/recommend", query={"movie_type": "cartoon"}).status == 422
    # Unknown ids add nothing (API.md § Recommend): a filter of unknown ids only leaves nothing suitable.
    nothing = {"status_code": 404, "detail": "No suitable film found"}
    assert user.post("/recommend", query={"moods_ids": str(uuid.uuid4())}).json == nothing
    assert user.post("/recommend", query={"genres_ids": str(uuid.uuid4())}).json == nothing
    assert user.post("/recommend", query={"genres_ids": "nope"}).status == 422
    assert user.post(f"/recommend/{uuid.uuid4()}/hide").status == 404
    assert ApiClient().post("/recommend").status == 401


def test_recommend_costs_three_or_four_dynamodb_calls(user: ApiClient, clock: FrozenClock) -> None:
    """The history Query, one sample and the recording write (a second sample only when the first
    has nothing fresh); with genres the sample reads the genre's memberships, then the chosen film.
    The catalog is cached as in a running container."""
    recommended = {user.post("/recommend").json["id"]}  # warms the catalog cache
    with DynamoCallCounter().counting() as counter:
        recommended.add(recommend(user)["id"])
    assert counter.calls == {"Query": 2, "TransactWriteItems": 1}, counter.calls
    for query in [{"moods_ids": mood_id("Романтическое"), "movie_type": "tv"}, {"genres_ids": genre_id("драма")}]:
        with DynamoCallCounter().counting() as counter:
            recommended.add(recommend(user, **query)["id"])
        assert counter.calls == {"Query": 2, "GetItem": 1, "TransactWriteItems": 1}, counter.calls
    mix = user.get("/mix").json[0]
    wished = next(film["id"] for film in user.get(f"/mix/{mix['id']}/items").json if film["id"] not in recommended)
    user.put("/me/watchlists/wish/items/add", json_body={"film_id": wished})
    with DynamoCallCounter().counting() as counter:
        assert user.post("/recommend").json["id"] == wished
    assert counter.calls == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}, counter.calls


def test_the_two_samples_read_a_window_around_the_random_point() -> None:
    repository = DynamoRecommendationRepository()
    movies = repository.sample("movie", (), ("movie", "8"), after=True)  # ids are hex: about half are after "8"
    assert len(movies) == SAMPLE_READ
    pivot = ("movie", movies[10].id[:8])  # between two ids, as a random point is
    after, before = (
        repository.sample("movie", (), pivot, after=True),
        repository.sample("movie", (), pivot, after=False),
    )
    assert [film.id for film in after] == [film.id for film in movies[10:]] + [
        film.id for film in after[SAMPLE_READ - 10 :]
    ]
    assert [film.id for film in before[:10]] == [film.id for film in reversed(movies[:10])]  # just before, backwards
    assert all(film.film_type == "movie" and film.id < pivot[1] for film in before)
    either = repository.sample(None, (), ("tv", "0"), after=False)  # backwards over both types: movies end the order
    assert [film.film_type for film in either] == ["movie"] * len(either)
    assert either[0].id > movies[-1].id
