"""POST /recommend: wish list first, 24-hour exclusion, watched and hidden excluded, filters, budget."""

from __future__ import annotations

import random
import uuid
from collections import Counter

import pytest

from filmhub import wiring
from filmhub.catalog.dynamo import DynamoCatalogRepository
from filmhub.catalog.service import CatalogService
from filmhub.core.ids import genre_id, mood_id
from filmhub.recommendations.dynamo import SAMPLE_READ, DynamoRecommendationRepository
from filmhub.recommendations.service import RecommendationService
from filmhub.seed.catalog import MOOD_GENRES
from filmhub.settings import get_settings
from filmhub.table.models import SAMPLING_SHARDS, sampling_partition
from local.moto_patches import dump_table
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter
from tests.support.fakes.clock import FrozenClock
from tests.support.fixtures import register_user

pytestmark = pytest.mark.usefixtures("seeded_aws")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """A frozen clock and a seeded random source behind the recommend function."""
    frozen = FrozenClock()
    # Catalog and type caches as in a warm container (the tests' default is no cache).
    catalog = CatalogService(DynamoCatalogRepository(), wiring.film_reader(), cache_seconds=60)
    service = RecommendationService(
        DynamoRecommendationRepository(),
        catalog,
        wiring.film_reader(),
        rng=random.Random(7),
        clock=frozen,
        cache_seconds=60,
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


def point_in(shard: str, after_id: str) -> str:
    """A random point of ``shard``'s order just after ``after_id`` (the shard is a hash of the point)."""
    return next(point for n in range(1000) if sampling_partition(point := f"{after_id}{n}") == shard)


def test_the_two_samples_read_a_window_around_the_random_point_of_its_shard() -> None:
    repository = DynamoRecommendationRepository()
    shard = sampling_partition("0")
    movies = repository.sample("movie", (), ("movie", "0"), after=True)  # ids are hex: all of them are after "0"
    assert 20 < len(movies) < SAMPLE_READ  # 298 movies in 8 shards
    assert all(film.film_type == "movie" and sampling_partition(film.id) == shard for film in movies)
    assert [film.id for film in movies] == sorted(film.id for film in movies)
    pivot = ("movie", point_in(shard, movies[10].id))  # between two ids, as a random point is
    after, before = (
        repository.sample("movie", (), pivot, after=True),
        repository.sample("movie", (), pivot, after=False),
    )
    assert [film.id for film in after] == [film.id for film in movies[11:]]
    assert [film.id for film in before] == [film.id for film in reversed(movies[:11])]  # just before, backwards
    either = repository.sample(None, (), ("tv", point_in(shard, "0")), after=False)  # both types, backwards
    assert [film.film_type for film in either] == ["movie"] * len(either)  # movies end the order
    assert [film.id for film in either] == [film.id for film in reversed(movies)]
    series = repository.sample("tv", (), ("tv", point_in(shard, "0")), after=True)
    assert {film.film_type for film in series} == {"tv"}  # 40 series in 8 shards: this one has some
    assert all(sampling_partition(film.id) == shard for film in series)


def test_the_films_are_spread_over_the_sampling_shards() -> None:
    shards = Counter(
        item["GSI5PK"]["S"]
        for item in dump_table(get_settings().aws_region, get_settings().table_name)
        if item.get("kind", {}).get("S") == "film"
    )
    assert set(shards) == {f"FILMS#{shard}" for shard in range(SAMPLING_SHARDS)}
    assert max(shards.values()) < 0.2 * sum(shards.values()), shards  # 338 films, 8 shards: about 42 each


def test_series_are_listed_whole_and_movies_are_sampled() -> None:
    listed = DynamoRecommendationRepository().small_types()
    assert set(listed) == {"tv"}  # 298 movies are more than a type head lists
    assert len(listed["tv"]) == 40
