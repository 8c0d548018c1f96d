"""``make bench-scale``: what a film write, a search and a recommendation cost at 1k, 10k and 100k films.

Each size is a synthetic catalog (``tests/support/synthetic.py``: skewed Russian and English word
frequencies, "и" in a quarter of the titles, one genre in 0.1 % of the films) loaded straight into moto's
backend from the items the write path builds (``film_items`` and the merged index heads) — going through
``put_new_film`` would take hours of moto at 100k.  Then, through the real code paths:

- one more film (``put_new_film``): write units metered from each transaction item's size before and after
  (DynamoDB bills the larger, 1 WRU per started KB, twice in a transaction), and its calls; then 100 more
  synthetic films: their mean write units and the partition key (table or index) the most of them wrote;
- the largest index item in the table;
- ``GET /films/search`` for a common two-letter prefix and for a word of one title: calls, and read units estimated
  from the items each call returned (0.5 RRU per started 4 KB, BatchGetItem per item);
- ``POST /recommend`` for the rare genre by 20 users who each watched half of its films: most calls and how
  many of the 20 got one of the genre's films they had not watched.

``python -m tests.bench_scale [--sizes 1000,10000] [--write]``; ``--write`` records the table in
docs/benchmarks.md (the section between the ``bench-scale`` markers; ``make bench`` keeps it).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import tests.conftest  # noqa: F401 - the test environment, before filmhub is imported
from filmhub import wiring
from filmhub.catalog.dynamo import DynamoCatalogRepository
from filmhub.catalog.service import CatalogService
from filmhub.core.entities import Film
from filmhub.films.dynamo import put_new_film
from filmhub.films.text import words
from filmhub.recommendations.dynamo import DynamoRecommendationRepository
from filmhub.recommendations.service import RecommendationService
from filmhub.seed.catalog import GENRES
from filmhub.table.models import FilmState
from tests.support.api import ApiClient
from tests.support.aws import DynamoCallCounter, mocked_aws
from tests.support.capacity import PartitionRecorder, TransactionWriteMeter, request_units
from tests.support.fixtures import new_user_token
from tests.support.synthetic import RARE_GENRE, largest_index_item, load, synthetic_catalog, synthetic_film

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
TRIES = 20
TYPICAL_SEED = 99
#: Films written after the two measured ones: their mean cost, and the key the most of them wrote.
NEW_FILMS = 100
START, END = "<!-- bench-scale:start -->", "<!-- bench-scale:end -->"


@dataclass(frozen=True)
class Row:
    films: int
    load_seconds: float
    write_common: int
    write_typical: int
    write_calls: int
    write_mean: float
    hottest_key: tuple[str, float]
    largest_item: int
    common_search: tuple[int, float]
    rare_search: tuple[int, float]
    recommend_calls: int
    recommend_hits: int


def _write(film: Film) -> tuple[int, int]:
    with DynamoCallCounter().counting() as counter, TransactionWriteMeter().metering() as meter:
        assert put_new_film(film, "2026-01-02T00:00:00+00:00")
    # The meter's own item reads are not the write's: count the write's calls without them.
    return meter.write_units, counter.total - counter.calls["GetItem"]


def _writes(count: int) -> tuple[float, tuple[str, float]]:
    """Mean write units of ``count`` more synthetic films, and the key the most of them wrote with its share."""
    rng = random.Random(TYPICAL_SEED + 1)
    with TransactionWriteMeter().metering() as meter, PartitionRecorder().recording() as recorder:
        for _ in range(count):
            assert put_new_film(synthetic_film(rng), "2026-01-02T00:00:00+00:00")
    touched = Counter(key for keys in recorder.transactions for key in keys)
    key, films = touched.most_common(1)[0]
    return meter.write_units / count, (_key_name(key), films / count)


def _key_name(key: str) -> str:
    genres = {genre.id: genre.name for genre in GENRES}
    kind, _, rest = key.partition("#")
    return f"GENRE#{genres[rest]}" if kind == "GENRE" and rest in genres else key


def _search(title: str) -> tuple[int, float]:
    with DynamoCallCounter().counting() as counter:
        response = ApiClient().get("/films/search", query={"title": title, "limit": "50"})
    assert response.status == 200, response.json
    assert response.json, f"nothing found for {title!r}"
    return counter.total, request_units(counter.records)[0]


def _recommend(rare: list[Film]) -> tuple[int, int]:
    # A warm container's cache, kept for the whole run (moto takes seconds a try at 100k films).
    catalog = CatalogService(DynamoCatalogRepository(), wiring.film_reader(), cache_seconds=24 * 3600)
    catalog.genres()
    most_calls = hits = 0
    for attempt in range(TRIES):
        service = RecommendationService(
            DynamoRecommendationRepository(), catalog, wiring.film_reader(), rng=random.Random(attempt)
        )
        user_id = str(uuid.uuid4())
        watched = rare[: len(rare) // 2]
        for film in watched:
            FilmState(*FilmState.key(user_id, film.id), film_id=film.id, watched_at="2026-01-01").save()
        token = new_user_token(user_id)
        with (
            mock.patch("recommend.routes.recommendation_service", lambda service=service: service),
            DynamoCallCounter().counting() as counter,
        ):
            response = ApiClient().post("/recommend", query={"genres_ids": RARE_GENRE.id}, token=token)
        most_calls = max(most_calls, counter.total)
        fresh = {film.id for film in rare} - {film.id for film in watched}
        hits += response.status == 201 and response.json["id"] in fresh
    return most_calls, hits


def measure(size: int) -> Row:
    films = synthetic_catalog(size)
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        started = time.perf_counter()
        load(films)
        loaded = time.perf_counter() - started
        common = Film(id=str(uuid.uuid4()), title="Любовь и ночь в городе", description="Ночь, город и любовь.",
                      popularity=10**6)  # fmt: skip
        typical = synthetic_film(random.Random(TYPICAL_SEED))  # the same film at every size
        write_common, _ = _write(common)
        write_typical, write_calls = _write(typical)
        write_mean, hottest_key = _writes(NEW_FILMS)
        counts = Counter(word for film in films for word in words(film.title))
        rare_word = next(word for word, count in counts.items() if count == 1 and len(word) >= 6)
        rare = [film for film in films if RARE_GENRE in film.genres]
        recommend_calls, hits = _recommend(rare)
        return Row(
            films=size,
            load_seconds=loaded,
            write_common=write_common,
            write_typical=write_typical,
            write_calls=write_calls,
            write_mean=write_mean,
            hottest_key=hottest_key,
            largest_item=largest_index_item(),
            common_search=_search("лю"),
            rare_search=_search(rare_word),
            recommend_calls=recommend_calls,
            recommend_hits=hits,
        )


HEADER = [
    "| films | POST /films WRU (common words / typical / mean of 100) | its calls | key most written by 100 films | "
    "largest index item | search `лю`: calls, RRU | search a word of one title: calls, RRU | "
    "POST /recommend, 0.1 % genre: most calls, found |",
    "|---|---|---|---|---|---|---|---|",
]


def line(row: Row) -> str:
    return (
        f"| {row.films:,} | {row.write_common} / {row.write_typical} / {row.write_mean:.1f} | {row.write_calls} | "
        f"`{row.hottest_key[0]}`: {row.hottest_key[1]:.0%} | {row.largest_item:,} B | "
        f"{row.common_search[0]}, {row.common_search[1]:g} | "
        f"{row.rare_search[0]}, {row.rare_search[1]:g} | {row.recommend_calls}, {row.recommend_hits}/{TRIES} |"
    )


def section(rows: list[Row], seconds: float) -> str:
    loads = ", ".join(f"{row.films:,}: {row.load_seconds:.0f} s" for row in rows)
    return "\n".join(
        [
            START,
            "## At scale (`make bench-scale`)\n",
            f"Produced by `python -m tests.bench_scale --write` on {datetime.now(UTC):%Y-%m-%d}. Synthetic catalogs "
            '(skewed Russian and English word frequencies: "и" in a quarter of the titles; one genre in 0.1 % of the '
            "films) are loaded straight into moto's backend from the items the write path builds (load: "
            f"{loads}). Write units are metered per transaction item (the larger of its sizes before and after, "
            "1 WRU per started KB, ×2 in a transaction); read units are estimated from the items each call returned "
            "(0.5 RRU per started 4 KB; BatchGetItem per item). The search is anonymous (up to 100 candidate films "
            "read); `лю` is a two-letter prefix, so its head is read in its 8 shards (a longer word in its 3). Each "
            "of the 20 recommendation tries is a new user who watched half of the genre's films (1 film at 1k: none "
            "watched) and counts when the answer is one of the others; the catalog cache is warm. Every index head "
            "stays under 1 KB (24 films, at most 30), so a head write is billed 1 WRU (×2) whether the head is full "
            "or not: the common-words film has the highest popularity, so it enters every head it has and costs the "
            "same at every size (2 WRU more at 1k, where a head it has only by a prefix, `город` of «городе», still "
            "has room for it); a typical film enters fewer full heads as the catalog grows, so it costs the same "
            'or less. "mean of 100": 100 more synthetic films written one after another (so also a mean of the '
            "heads they enter, fewer as the catalog grows); the key most of them wrote is the largest synthetic "
            "genre's memberships in GSI5 (TABLE.md: fits while a genre is in at most half of the films written) — "
            "no key is in every film write: films are sampled from 8 GSI5 shards, and a type's head is written "
            'only by the first 101 films of the type. "its calls": the heads read and the transaction (the API adds '
            "the genres lookup when its cache is cold).\n",
            *HEADER,
            *(line(row) for row in rows),
            f"\n`make bench-scale` took {seconds:.0f} s.",
            END,
        ]
    )


def record(text: str) -> None:
    page = ROOT / "docs" / "benchmarks.md"
    current = page.read_text(encoding="utf-8")
    if START in current:
        before, rest = current.split(START, 1)
        current = before + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    page.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="catalog sizes, comma separated")
    parser.add_argument("--write", action="store_true", help="record the table in docs/benchmarks.md")
    args = parser.parse_args()
    started = time.perf_counter()
    print(*HEADER, sep="\n", flush=True)
    rows = []
    for size in (int(size) for size in args.sizes.split(",")):
        rows.append(measure(size))
        print(line(rows[-1]), flush=True)
    if args.write:
        record(section(rows, time.perf_counter() - started))
    sys.exit(0)


if __name__ == "__main__":
    main()
