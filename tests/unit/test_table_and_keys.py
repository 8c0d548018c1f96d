"""The PynamoDB models, the shared table definition and the key builders agree."""

from __future__ import annotations

import uuid

from filmhub.core.ids import builtin_list_id, genre_id, mood_id
from filmhub.films import index as film_index
from filmhub.films.text import MAX_PREFIX
from filmhub.table import definition as table
from filmhub.table import models
from tests.support.capacity import item_size


def test_model_indexes_match_the_table_definition() -> None:
    schema = models.TableItem._get_schema()
    gsis = {i["index_name"]: i for i in schema["global_secondary_indexes"]}
    lsis = {i["index_name"]: i for i in schema["local_secondary_indexes"]}
    for index in table.GLOBAL_INDEXES:
        keys = {k["AttributeName"]: k["KeyType"] for k in gsis[index.name]["key_schema"]}
        assert keys == {index.partition_key: "HASH", index.sort_key: "RANGE"}
    for index in table.LOCAL_INDEXES:
        keys = {k["AttributeName"]: k["KeyType"] for k in lsis[index.name]["key_schema"]}
        assert keys == {table.PARTITION_KEY: "HASH", index.sort_key: "RANGE"}
    assert set(gsis) == {i.name for i in table.GLOBAL_INDEXES}


def test_create_table_kwargs_declares_every_key_attribute_once() -> None:
    kwargs = table.create_table_kwargs("t")
    names = [a["AttributeName"] for a in kwargs["AttributeDefinitions"]]
    assert len(names) == len(set(names))
    assert {"PK", "SK", "GSI1PK", "GSI4SK", "LSI1SK"} <= set(names)
    assert kwargs["BillingMode"] == "PAY_PER_REQUEST"


def test_key_builders() -> None:
    assert models.UserItem.key("u") == ("USER#u", "PROFILE")
    assert models.EmailClaim.key("a@b.c") == ("EMAIL#a@b.c", "EMAIL")
    assert models.FilmItem.key("f") == ("FILM#f", "FILM")
    assert models.FilmState.key("u", "f") == ("USER#u", "STATE#f")
    assert models.WatchlistEntry.key("l", "f") == ("LIST#l", "FILM#f")
    assert models.ExternalIdClaim.key("tmdb", "movie", 278) == ("EXT#tmdb#movie#278", "EXT")
    assert models.MixEntry.order_key(3, "f") == "000003#f"
    assert models.GenreItem.key("g")[0] == models.MoodItem.key("m")[0] == models.CATALOG_PARTITION


def test_header_sentinels_sort_at_the_edges() -> None:
    # Ascending (mixes): the header sorts before any zero-padded position.
    assert models.MixEntry.order_key(0, "f") > models.HEADER_FIRST_ASCENDING
    # Descending (lists): the header sorts after any ISO timestamp.
    assert models.HEADER_FIRST_DESCENDING > "2999-12-31T23:59:59+00:00#f"


def test_stable_ids_are_stable_and_distinct() -> None:
    assert genre_id("драма") == genre_id("драма") != mood_id("драма")
    assert builtin_list_id("u1", "liked") != builtin_list_id("u1", "wish") != builtin_list_id("u2", "wish")


def test_a_full_index_head_fits_one_write_unit() -> None:
    # The worst case: the longest token (12 two-byte letters) in its last shard, a full head (as many entries as
    # an edit may add without reading it), every film at the highest rank, versions in the millions.
    longest = f"{film_index.TITLE_PREFIX}{'ж' * MAX_PREFIX}#{film_index.TITLE_SHARDS - 1}"
    head = models.IndexHead(*models.IndexHead.key(longest))
    head.size, head.version = film_index.HEAD_HARD_CAP, 10**7
    highest = film_index.WHOLE_WORD + film_index.MAX_POPULARITY
    head.ranks = {str(uuid.uuid4()): highest for _ in range(film_index.HEAD_HARD_CAP)}
    assert item_size(head.serialize()) <= film_index.HEAD_BYTES


def test_head_entries_are_named_compactly_and_old_names_still_read() -> None:
    film_id = str(uuid.uuid4())
    assert len(models.entry_name(film_id)) == 22
    assert models.entry_film_id(models.entry_name(film_id)) == film_id
    assert models.entry_film_id(film_id) == film_id  # a head written before the compact names
