"""DynamoDB implementations of the domain's repository interfaces (PynamoDB)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from filmhub.data.models import (
    CATALOG_PARTITION,
    FilmItem,
    FilmState,
    GenreItem,
    MixEntry,
    MixItem,
    MoodItem,
    TableItem,
)
from filmhub.domain.entities import Film, FilmFlags, Genre, Gradient, Mix, Mood

BATCH_GET_LIMIT = 100


def batch_get(keys: Sequence[tuple[str, str]], consistent_read: bool = False) -> list[TableItem]:
    """BatchGetItem over any entity kinds; PynamoDB pages by 100 keys and retries UnprocessedKeys."""
    if not keys:
        return []
    return list(TableItem.batch_get(list(dict.fromkeys(keys)), consistent_read=consistent_read))


def film_from_item(item: FilmItem) -> Film:
    return Film(
        id=item.id,
        title=item.title,
        description=item.description,
        country=item.country,
        release_year=int(item.release_year) if item.release_year is not None else None,
        poster_url=item.poster_url,
        tmdb_id=int(item.tmdb_id) if item.tmdb_id is not None else None,
        owner_id=item.owner_id,
        genres=tuple(Genre(id=ref.id, name=ref.name) for ref in item.genres or []),
        film_type=item.film_type,  # type: ignore[arg-type]
        original_title=item.original_title,
        kinopoisk_id=int(item.kinopoisk_id) if item.kinopoisk_id is not None else None,
        poster_key=item.poster_key,
    )


def mix_from_item(item: MixItem) -> Mix:
    return Mix(
        id=item.id,
        title=item.title,
        gradient=Gradient(item.color1, item.color2, item.color3),
        position=int(item.position),
    )


class DynamoCatalogRepository:
    def genres_and_moods(self) -> tuple[list[Genre], list[Mood]]:
        genres: list[Genre] = []
        moods: list[Mood] = []
        for item in TableItem.query(CATALOG_PARTITION):
            if isinstance(item, GenreItem):
                genres.append(Genre(id=item.id, name=item.name))
            elif isinstance(item, MoodItem):
                moods.append(Mood(id=item.id, name=item.name, genre_ids=tuple(item.genre_ids or ())))
        genres.sort(key=lambda genre: genre.name)
        moods.sort(key=lambda mood: mood.name)
        return genres, moods

    def mixes(self) -> list[Mix]:
        return [mix_from_item(item) for item in MixItem.gsi1.query("MIXES") if isinstance(item, MixItem)]

    def mix(self, mix_id: str) -> Mix | None:
        try:
            item = MixItem.get(*MixItem.key(mix_id), consistent_read=True)
        except MixItem.DoesNotExist:
            return None
        return None if item.deleting else mix_from_item(item)

    def mix_with_film_ids(self, mix_id: str) -> tuple[Mix, list[str]] | None:
        pk, _ = MixItem.key(mix_id)
        header: MixItem | None = None
        film_ids: list[str] = []
        # LSI1 ascending: the header (LSI1SK "!") first, then the entries in display order.
        for item in TableItem.lsi1.query(pk, scan_index_forward=True):
            if isinstance(item, MixItem):
                header = item
            elif isinstance(item, MixEntry):
                film_ids.append(item.film_id)
        if header is None or header.deleting:
            return None
        return mix_from_item(header), film_ids


class DynamoFilmRepository:
    def get(self, film_id: str) -> Film | None:
        try:
            return film_from_item(FilmItem.get(*FilmItem.key(film_id)))
        except FilmItem.DoesNotExist:
            return None

    def get_many(self, film_ids: Sequence[str]) -> dict[str, Film]:
        items = batch_get([FilmItem.key(film_id) for film_id in film_ids])
        return {item.id: film_from_item(item) for item in items if isinstance(item, FilmItem)}

    def get_many_with_flags(
        self, film_ids: Sequence[str], user_id: str
    ) -> tuple[dict[str, Film], dict[str, FilmFlags]]:
        keys = [key for film_id in film_ids for key in (FilmItem.key(film_id), FilmState.key(user_id, film_id))]
        items = batch_get(keys)
        films = {item.id: film_from_item(item) for item in items if isinstance(item, FilmItem)}
        return films, {item.film_id: flags_from_state(item) for item in items if isinstance(item, FilmState)}


class DynamoFilmStateRepository:
    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        items = batch_get([FilmState.key(user_id, film_id) for film_id in film_ids])
        return {item.film_id: flags_from_state(item) for item in items if isinstance(item, FilmState)}


def flags_from_state(item: FilmState) -> FilmFlags:
    return FilmFlags(
        is_liked=item.liked_at is not None,
        is_wish=item.wish_at is not None,
        is_watched=item.watched_at is not None,
    )
