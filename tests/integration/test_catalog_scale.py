"""The catalog's invariants at CI size (2,000 synthetic films; ``make bench-scale`` measures 1k-100k):
a film write costs no more at 2k films than at 1k (exactly the same for one that enters every head it has),
every index item stays within one write unit, a common prefix
is searched within the budget, and a genre held by 0.1 % of the films is always recommended."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from filmhub import wiring
from filmhub.catalog.dynamo import DynamoCatalogRepository
from filmhub.catalog.service import CatalogService
from filmhub.core.entities import Film
from filmhub.films.dynamo import put_new_film
from filmhub.films.index import TYPE_PREFIX
from filmhub.recommendations.dynamo import DynamoRecommendationRepository
from filmhub.recommendations.service import RecommendationService
from filmhub.table.models import FilmState
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter, mocked_aws
from tests.support.capacity import PartitionRecorder, TransactionWriteMeter, request_units
from tests.support.fixtures import new_user_token
from tests.support.synthetic import RARE_GENRE, largest_index_item, load, synthetic_catalog, synthetic_film

pytestmark = pytest.mark.xdist_group("catalog_scale")  # one worker builds the catalog once

#: An index item stays within one write unit (1 KB), so writing it costs the same whether it is full or not.
MAX_INDEX_ITEM_BYTES = 1024
#: The largest share of film writes one partition key takes: a sampling shard (1/8) or drama's memberships
#: (the largest synthetic genre: ~40 %), with room for the draw of 40 films.
MAX_PARTITION_SHARE = 0.6


@dataclass(frozen=True)
class Scale:
    films: list[Film]
    #: Write units of one more film with common words (and the highest popularity: it enters every head it
    #: has) and of a typical one, at 1,000 then at 2,000 films.
    common: tuple[int, int]
    typical: tuple[int, int]


def one_more(title: str, popularity: int) -> Film:
    return Film(id=str(uuid.uuid4()), title=title, description="Ночь, город и любовь: герой ищет брата.",
                popularity=popularity)  # fmt: skip


def write_units(film: Film) -> int:
    with TransactionWriteMeter().metering() as meter:
        assert put_new_film(replace(film, id=str(uuid.uuid4())), "2026-01-02T00:00:00+00:00")
    return meter.write_units


@pytest.fixture(scope="module")
def scale() -> Iterator[Scale]:
    """2,000 synthetic films, loaded in two halves with the write cost of one more film measured after each."""
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        films = synthetic_catalog(2000)
        common, typical = one_more("Любовь и ночь", 10**6), one_more("Охота на ветер", 3)
        load(films[:1000])
        at_1k = write_units(common), write_units(typical)
        load(films[1000:])
        at_2k = write_units(common), write_units(typical)
        yield Scale(films, (at_1k[0], at_2k[0]), (at_1k[1], at_2k[1]))


def test_write_cost_does_not_grow_and_index_items_stay_small(scale: Scale) -> None:
    # A film that enters every head it has (the most popular) writes the same items, each billed one unit
    # (twice in a transaction) whether the head is full or not: the same cost at 1k and at 2k films.
    assert scale.common[1] == scale.common[0], scale.common
    # A typical film costs no more at 2k films than at 1k (it enters fewer full heads, if anything).
    assert scale.typical[1] <= scale.typical[0], scale.typical
    assert largest_index_item() <= MAX_INDEX_ITEM_BYTES


def test_no_partition_takes_every_film_write(scale: Scale) -> None:
    # What a film write touches, table and indexes: its own partitions, shards of its words' heads, its genres'
    # memberships; at this size neither type's head is written any more (each has more films than it lists).
    rng = random.Random(5)
    with PartitionRecorder().recording() as recorder:
        for _ in range(40):
            assert put_new_film(synthetic_film(rng), "2026-01-03T00:00:00+00:00")
    touched = Counter(key for keys in recorder.transactions for key in keys)
    assert len(recorder.transactions) == 40
    assert max(touched.values()) <= 40 * MAX_PARTITION_SHARE, touched.most_common(5)
    assert not any(key.startswith(TYPE_PREFIX) for key in touched)


def test_a_common_prefix_is_searched_within_the_budget(scale: Scale) -> None:
    with DynamoCallCounter().counting() as counter:
        response = ApiClient().get("/films/search", query={"title": "лю", "limit": "50"})
    assert response.status == 200
    assert len(response.json) == 50
    assert all(any(word.startswith("лю") for word in film["title"].lower().split()) for film in response.json)
    assert counter.total <= 3, counter.calls
    read_units, _ = request_units(counter.records)
    # At most: the 8 shards of the prefix's head (under 4 KB: 0.5 RRU each) and the 100 candidate films an
    # anonymous search reads (0.5 RRU each), whatever the catalog's size.
    assert read_units <= 8 * 0.5 + 100 * 0.5


def test_a_genre_of_a_thousandth_of_the_catalog_is_always_found(scale: Scale, monkeypatch: pytest.MonkeyPatch) -> None:
    rare = [film for film in scale.films if RARE_GENRE in film.genres]
    assert len(rare) == 2
    cached = CatalogService(DynamoCatalogRepository(), wiring.film_reader(), cache_seconds=60)
    for attempt in range(20):
        service = RecommendationService(
            DynamoRecommendationRepository(), cached, wiring.film_reader(), rng=random.Random(attempt)
        )
        monkeypatch.setattr("recommend.routes.recommendation_service", lambda service=service: service)
        user_id = str(uuid.uuid4())
        FilmState(*FilmState.key(user_id, rare[0].id), film_id=rare[0].id, watched_at="2026-01-01").save()
        query = {"genres_ids": RARE_GENRE.id, **({"movie_type": rare[1].film_type} if attempt % 2 else {})}
        token = new_user_token(user_id)  # registers the user: not part of the request
        with DynamoCallCounter().counting() as counter:
            response = ApiClient().post("/recommend", query=query, token=token)
        assert response.status == 201, response.json
        assert response.json["id"] == rare[1].id
        assert counter.total <= 4 + (attempt == 0), counter.calls  # the first try fills the catalog cache
