"""Idempotent seeding: genres, moods, the demo catalog and the editorial mixes.

Every seeded id is stable (UUIDv5), writes are puts or conditional creates, and a marker item
holding a fingerprint of the seed data lets a restart skip the work entirely.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from filmhub.core.entities import Film
from filmhub.core.ids import imported_film_id, stable_id
from filmhub.films.dynamo import ExternalRef, bulk_put_films
from filmhub.seed.catalog import GENRES, GENRES_BY_NAME, MOODS
from filmhub.table.models import (
    HEADER_FIRST_ASCENDING,
    GenreItem,
    HealthSentinel,
    MixEntry,
    MixItem,
    MoodItem,
    SeedMarker,
    TableItem,
)

#: Bumped when what seeding writes changes (2: description keyword postings; 3: films in the sampling
#: index GSI5; 4: the bounded index heads and genre memberships), so stored data is re-seeded.
SEED_VERSION = "4"


@dataclass(frozen=True)
class SeedReport:
    skipped: bool
    films: int = 0
    mixes: int = 0


def _load(name: str) -> list[dict[str, Any]]:
    return json.loads(resources.files("filmhub.seed").joinpath(name).read_text(encoding="utf-8"))


def seed_films() -> list[dict[str, Any]]:
    return _load("films.json")


def seed_mixes() -> list[dict[str, Any]]:
    return _load("mixes.json")


def fingerprint(films: list[dict[str, Any]], mixes: list[dict[str, Any]]) -> str:
    payload = json.dumps([SEED_VERSION, films, mixes], ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def film_from_seed(entry: dict[str, Any]) -> Film:
    film_type = entry["type"]
    return Film(
        id=imported_film_id("tmdb", film_type, int(entry["tmdb_id"])),
        title=entry["title"],
        original_title=entry.get("original_title"),
        description=entry["description"],
        country=entry.get("country"),
        release_year=entry.get("release_year"),
        tmdb_id=int(entry["tmdb_id"]),
        genres=tuple(GENRES_BY_NAME[name] for name in dict.fromkeys(entry["genres"])),
        film_type=film_type,
    )


def mix_id(key: str) -> str:
    return stable_id("mix", key)


def seed_catalog() -> None:
    """Genres, moods and the health sentinel: reference data every environment needs."""
    with TableItem.batch_write() as batch:
        for genre in GENRES:
            batch.save(GenreItem(*GenreItem.key(genre.id), id=genre.id, name=genre.name))
        for mood in MOODS:
            batch.save(MoodItem(*MoodItem.key(mood.id), id=mood.id, name=mood.name, genre_ids=list(mood.genre_ids)))
        batch.save(HealthSentinel(*HealthSentinel.key()))


def _already_seeded(marker_key: tuple[str, str]) -> bool:
    try:
        SeedMarker.get(*marker_key, consistent_read=True)
    except SeedMarker.DoesNotExist:
        return False
    return True


def seed(force: bool = False) -> SeedReport:
    films, mixes = seed_films(), seed_mixes()
    marker_key = SeedMarker.key(fingerprint(films, mixes))
    if not force and _already_seeded(marker_key):
        return SeedReport(skipped=True)
    now = datetime.now(UTC).isoformat()
    seed_catalog()

    seeded = [(film_from_seed(entry), ExternalRef("tmdb", int(entry["tmdb_id"]))) for entry in films]
    bulk_put_films(seeded, now)
    film_ids_by_key = {entry["key"]: film.id for entry, (film, _) in zip(films, seeded, strict=True)}

    with TableItem.batch_write() as batch:
        for position, mix in enumerate(mixes):
            identifier = mix_id(mix["key"])
            header = MixItem(
                *MixItem.key(identifier),
                id=identifier,
                title=mix["title"],
                position=position,
                color1=mix["colors"][0],
                color2=mix["colors"][1],
                color3=mix["colors"][2],
            )
            header.GSI1PK, header.GSI1SK = MixItem.index_key(position, identifier)
            header.LSI1SK = HEADER_FIRST_ASCENDING
            batch.save(header)
            for film_position, film_key in enumerate(mix["films"]):
                film_id = film_ids_by_key[film_key]
                entry_item = MixEntry(*MixEntry.key(identifier, film_id), film_id=film_id, position=film_position)
                entry_item.LSI1SK = MixEntry.order_key(film_position, film_id)
                batch.save(entry_item)
        batch.save(SeedMarker(*marker_key, seeded_at=now))
    return SeedReport(skipped=False, films=len(films), mixes=len(mixes))
