"""The upgrade to the current film index (``make migrate``): old postings and heads out, small heads,
memberships and sharded sampling keys in, idempotent, resumable from its saved position."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from filmhub.core.entities import Film
from filmhub.core.ids import new_id
from filmhub.films.dynamo import film_to_item, put_new_film
from filmhub.films.index import HEAD_BYTES, HEAD_SIZE, SHORT_TOKEN_SHARDS, TYPE_HEAD_SIZE, WHOLE_WORD
from filmhub.films.migration import INDEX_VERSION, migrate
from filmhub.recommendations.dynamo import DynamoRecommendationRepository
from filmhub.seed.catalog import GENRES_BY_NAME
from filmhub.settings import get_settings
from filmhub.table.models import FilmItem, IndexHead, IndexMarker, sampling_partition, shard_of
from tests.support.api import ApiClient
from tests.support.aws import mocked_aws
from tests.support.capacity import item_size
from tests.support.fixtures import new_user_token

DRAMA, WESTERN = GENRES_BY_NAME["драма"], GENRES_BY_NAME["вестерн"]


@pytest.fixture(autouse=True)
def table() -> Iterator[None]:
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        yield


def client() -> Any:
    return boto3.client("dynamodb", region_name=get_settings().aws_region)


def dump() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client().get_paginator("scan").paginate(TableName=get_settings().table_name):
        items += page["Items"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


def old_catalog(count: int) -> list[Film]:
    """Films as the previous version stored them: the film items, and one growing posting item per token."""
    films = [
        Film(id=new_id(), title=f"Дилижанс {n}", description="Ковбои пересекают прерию.", genres=(WESTERN,))
        for n in range(count)
    ] + [Film(id=new_id(), title="Одинокий рейнджер", description="Рейнджер мстит.", genres=(DRAMA, WESTERN))]
    for film in films:
        film_to_item(film, "2026-01-01T00:00:00+00:00").save()
    table = get_settings().table_name
    postings = {("TOKEN#дилижанс", "TOKEN", "title_token"): [f.id for f in films[:-1]],
                ("TOKEN#ди", "TOKEN", "title_token"): [f.id for f in films[:-1]],
                ("DTOKEN#ковбо", "DTOKEN", "description_token"): [f.id for f in films[:-1]]}  # fmt: skip
    for (pk, sk, kind), ids in postings.items():
        item = {"PK": {"S": pk}, "SK": {"S": sk}, "kind": {"S": kind}, "film_ids": {"SS": ids}}
        client().put_item(TableName=table, Item=item)
    return films


def search(**query: str) -> list[str]:
    response = ApiClient().get("/films/search", query={"limit": "50", **query})
    assert response.status == 200, response.json
    return [film["id"] for film in response.json]


def recommend_western() -> str:
    response = ApiClient().post("/recommend", query={"genres_ids": WESTERN.id}, token=new_user_token())
    assert response.status == 201, response.json
    return response.json["id"]


def test_old_postings_become_heads_and_memberships() -> None:
    films = old_catalog(30)
    report = migrate()
    assert (report.films, report.removed, report.done) == (31, 3, True)
    pks = {item["PK"]["S"] for item in dump()}
    assert not any(pk.startswith(("TOKEN#", "DTOKEN#")) for pk in pks)
    assert {"DW#ковбо"} <= pks
    assert {pk.rsplit("#", 1)[0] for pk in pks if pk.startswith("TW#")} >= {"TW#дилижанс", "TW#рейнджер"}
    assert set(search(title="дилижанс")) == {film.id for film in films[:-1]}
    assert search(title="рейнджер") == [films[-1].id]
    assert recommend_western() in {film.id for film in films}
    assert migrate().skipped  # recorded as done


def test_running_it_twice_changes_nothing() -> None:
    old_catalog(10)
    migrate()
    first = [item for item in dump() if item["PK"]["S"] != "MIGRATION"]
    assert not migrate(again=True).skipped
    assert [item for item in dump() if item["PK"]["S"] != "MIGRATION"] == first


def test_an_interrupted_run_resumes_from_its_saved_position() -> None:
    films = old_catalog(40)
    paused = migrate(max_pages=1, page_size=10)
    while paused.films == 0:  # the Scan may meet other items first: pause once some films are done
        paused = migrate(max_pages=1, page_size=10)
    assert (paused.pages, paused.done) == (1, False)
    marker = IndexMarker.get(*IndexMarker.key(INDEX_VERSION))
    assert marker.position is not None
    assert not marker.done
    assert 0 < paused.films < len(films)
    resumed = migrate(page_size=10)
    assert resumed.done
    assert resumed.films == len(films)  # every film once over both runs: the second went on from the saved position
    assert set(search(title="дилижанс")) >= {film.id for film in films[:-1]}


def index_2_catalog(count: int) -> list[Film]:
    """Films as index 2 stored them: in one sampling partition (``FILMS``), under heads of up to 128 films named
    by their full ids, a long title token in one head."""
    films = [Film(id=new_id(), title=f"Дилижанс {n}", description="Ковбои пересекают прерию.") for n in range(count)]
    table = get_settings().table_name
    for film in films:
        item = film_to_item(film, "2026-01-01T00:00:00+00:00").serialize()
        client().put_item(TableName=table, Item={**item, "GSI5PK": {"S": "FILMS"}, "GSI5SK": {"S": f"movie#{film.id}"}})
    for pk, rank in (("TW#дилижанс", WHOLE_WORD), ("TW#ди#3", 0)):
        head = {"PK": {"S": pk}, "SK": {"S": "HEAD"}, "kind": {"S": "index_head"}, "n": {"N": str(count)}}
        client().put_item(TableName=table, Item={**head, **{film.id: {"N": str(rank)} for film in films}})
    return films


def test_an_index_2_table_gets_small_heads() -> None:
    films = index_2_catalog(100)
    assert migrate().films == len(films)
    items = dump()
    heads = [item for item in items if item["PK"]["S"].startswith(("TW#", "DW#"))]
    assert "TW#дилижанс" not in {head["PK"]["S"] for head in heads}  # now in TITLE_SHARDS heads
    assert max(item_size(head) for head in heads) <= HEAD_BYTES
    names = {name for head in heads for name in head if name not in ("PK", "SK", "kind", "n", "v")}
    assert {len(name) for name in names} == {22}
    assert migrate(again=True).films == len(films)
    assert [item for item in dump() if item["PK"]["S"] != "MIGRATION"] == [
        item for item in items if item["PK"]["S"] != "MIGRATION"
    ]
    assert len(search(title="дилижанс")) == 50


def test_films_move_to_their_sampling_shards_and_each_type_gets_its_head() -> None:
    films = index_2_catalog(TYPE_HEAD_SIZE + 1)  # all in the one partition of index 2 and 3, "FILMS"
    series = [Film(id=new_id(), title=f"Сериал {n}", description="Прерия.", film_type="tv") for n in range(3)]
    for film in series:
        film_to_item(film, "2026-01-01T00:00:00+00:00").save()
    FilmItem(*FilmItem.key(series[0].id)).update(actions=[FilmItem.GSI5PK.set("FILMS")])
    migrate(page_size=50)
    stored = {item["PK"]["S"]: item for item in dump() if item.get("kind", {}).get("S") == "film"}
    moved = {pk: (item["GSI5PK"]["S"], item["GSI5SK"]["S"]) for pk, item in stored.items()}
    expected = {f"FILM#{f.id}": (sampling_partition(f.id), f"{f.film_type}#{f.id}") for f in [*films, *series]}
    assert moved == expected
    # More movies than a type head lists: sampled; the three series: listed whole.
    assert DynamoRecommendationRepository().small_types() == {"tv": frozenset(film.id for film in series)}
    assert IndexHead.get(*IndexHead.key("TYPE#movie")).over


def test_before_the_migration_a_new_film_enters_an_index_2_head_and_trims_it() -> None:
    # Deployed, not migrated yet: a head of index 2 has no version and names films by their full id.
    index_2_catalog(100)
    film_id = next(i for i in (new_id() for _ in range(200)) if shard_of(i, SHORT_TOKEN_SHARDS) == 3)
    assert put_new_film(Film(id=film_id, title="Дилижанс", description="Прерия.", popularity=10**6), "2026-01-02")
    head = IndexHead.get(*IndexHead.key("TW#ди#3"))
    assert len(head.ranks) == HEAD_SIZE
    assert film_id in head.ranks
