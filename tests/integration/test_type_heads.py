"""A type's head lists every film of the type while it has few (``TYPE_HEAD_SIZE``): films written at once all
get in; the one past the bound marks it over and empties it, and later films do not write it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from filmhub.core.entities import Film
from filmhub.core.ids import new_id
from filmhub.films.dynamo import bulk_put_films, put_new_film
from filmhub.films.index import TITLE_SHARDS, TYPE_HEAD_SIZE, type_partition
from filmhub.recommendations.dynamo import DynamoRecommendationRepository
from filmhub.table.models import IndexHead
from tests.support.aws import mocked_aws
from tests.support.capacity import PartitionRecorder, item_size

CREATED = "2026-01-01T00:00:00+00:00"


@pytest.fixture(autouse=True)
def table() -> Iterator[None]:
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        yield


def series(count: int) -> list[Film]:
    return [Film(id=new_id(), title=f"Сериал {n}", description="Прерия.", film_type="tv") for n in range(count)]


def listed() -> dict[str, frozenset[str]]:
    return dict(DynamoRecommendationRepository().small_types())


def test_no_film_of_a_type_lists_it_empty() -> None:
    assert listed() == {"movie": frozenset(), "tv": frozenset()}


def test_films_written_at_once_are_all_listed() -> None:
    # Regression: films sharing title words (the imports of one search) refused each other on the version of
    # every head they entered, and past three attempts an import failed.
    films = series(24)
    with ThreadPoolExecutor(12) as pool:
        assert all(pool.map(lambda film: put_new_film(film, CREATED), films))
    assert listed()["tv"] == {film.id for film in films}
    assert IndexHead.get(*IndexHead.key(type_partition("tv"))).size == 24
    shards = [IndexHead.get(*IndexHead.key(f"TW#сериал#{shard}")) for shard in range(TITLE_SHARDS)]
    assert sum(len(head.ranks) for head in shards) == 24  # every film found by the shared word


def test_the_film_past_the_bound_marks_the_head_over_and_later_ones_leave_it_alone() -> None:
    films = series(TYPE_HEAD_SIZE + 2)
    bulk_put_films([(film, None) for film in films[: TYPE_HEAD_SIZE - 1]], CREATED)
    assert put_new_film(films[TYPE_HEAD_SIZE - 1], CREATED)
    head = IndexHead.get(*IndexHead.key(type_partition("tv")))
    assert (len(head.ranks), head.size, head.over) == (TYPE_HEAD_SIZE, TYPE_HEAD_SIZE, None)
    raw = IndexHead._get_connection().get_item(*IndexHead.key(type_partition("tv")))["Item"]
    assert item_size(raw) < 3 * 1024  # a few KB at its fullest
    assert put_new_film(films[TYPE_HEAD_SIZE], CREATED)
    head = IndexHead.get(*IndexHead.key(type_partition("tv")))
    assert (head.ranks, head.over) == ({}, True)
    assert "tv" not in listed()  # sampled from now on
    with PartitionRecorder().recording() as recorder:
        assert put_new_film(films[TYPE_HEAD_SIZE + 1], CREATED)
    assert type_partition("tv") not in recorder.transactions[0]


def test_seeding_past_the_bound_marks_the_head_over() -> None:
    bulk_put_films([(film, None) for film in series(TYPE_HEAD_SIZE + 1)], CREATED)
    assert "tv" not in listed()
    assert listed()["movie"] == frozenset()
