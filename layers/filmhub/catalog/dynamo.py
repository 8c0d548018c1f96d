"""The catalog's DynamoDB adapter: genres and moods (``CATALOG``), mixes and their ordered entries (LSI1)."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import PutError

from filmhub.core.entities import Film, Genre, Gradient, Mix, Mood
from filmhub.core.errors import NotFound
from filmhub.films.dynamo import film_from_item
from filmhub.table.collections import EntryAdded, add_entry, live_header, mark_deleting, remove_entry
from filmhub.table.models import (
    CATALOG_PARTITION,
    HEADER_FIRST_ASCENDING,
    FilmItem,
    GenreItem,
    MixEntry,
    MixItem,
    MoodItem,
    TableItem,
)
from filmhub.table.operations import batch_get, condition_failed, purge_entries, transaction


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


#: One transaction holds 100 actions: the header check plus 99 entries.
MAX_REORDER_PER_TRANSACTION = 99
LIVE_MIX = live_header(MixItem)


def mix_to_item(mix: Mix) -> MixItem:
    g = mix.gradient
    item = MixItem(*MixItem.key(mix.id), id=mix.id, title=mix.title, position=mix.position,
                   color1=g.color1, color2=g.color2, color3=g.color3)  # fmt: skip
    item.GSI1PK, item.GSI1SK = MixItem.index_key(mix.position, mix.id)
    item.LSI1SK = HEADER_FIRST_ASCENDING
    return item


def _entry(mix_id: str, film_id: str, position: int) -> MixEntry:
    entry = MixEntry(*MixEntry.key(mix_id, film_id), film_id=film_id, position=position)
    entry.LSI1SK = MixEntry.order_key(position, film_id)
    return entry


class DynamoMixRepository:
    def create(self, mix: Mix) -> None:
        mix_to_item(mix).save(condition=MixItem.PK.does_not_exist())

    def update(self, mix: Mix) -> None:
        try:
            mix_to_item(mix).save(condition=LIVE_MIX)
        except PutError as error:
            if condition_failed(error):
                raise NotFound("Mix not found") from error
            raise

    def get_with_film(self, mix_id: str, film_id: str) -> tuple[Mix | None, Film | None]:
        items = batch_get([MixItem.key(mix_id), FilmItem.key(film_id)], consistent_read=True)
        mix = next((mix_from_item(i) for i in items if isinstance(i, MixItem) and not i.deleting), None)
        film = next((film_from_item(i) for i in items if isinstance(i, FilmItem)), None)
        return mix, film

    def add_entry(self, mix_id: str, film_id: str, position: int) -> None:
        # An entry already there keeps its place.
        if add_entry(MixItem, MixItem.key(mix_id), _entry(mix_id, film_id, position)) is EntryAdded.NO_HEADER:
            raise NotFound("Mix not found")

    def remove_entry(self, mix_id: str, film_id: str) -> bool:
        return remove_entry(MixEntry(*MixEntry.key(mix_id, film_id)))

    def entries(self, mix_id: str) -> tuple[Mix | None, list[str]]:
        pk, _ = MixItem.key(mix_id)
        header: Mix | None = None
        film_ids: list[str] = []
        for item in TableItem.lsi1.query(pk, consistent_read=True):
            if isinstance(item, MixItem) and not item.deleting:
                header = mix_from_item(item)
            elif isinstance(item, MixEntry):
                film_ids.append(item.film_id)
        return header, film_ids

    def reorder(self, mix_id: str, film_ids: Sequence[str]) -> None:
        for offset in range(0, len(film_ids), MAX_REORDER_PER_TRANSACTION):
            with transaction() as tx:
                tx.condition_check(MixItem, *MixItem.key(mix_id), condition=LIVE_MIX)
                for position, film_id in enumerate(film_ids[offset : offset + MAX_REORDER_PER_TRANSACTION], offset):
                    tx.save(_entry(mix_id, film_id, position), condition=MixEntry.PK.exists())

    def mark_deleting(self, mix_id: str) -> None:
        mark_deleting(MixItem(*MixItem.key(mix_id)))

    def purge(self, mix_id: str) -> None:
        purge_entries(MixItem(*MixItem.key(mix_id)))
