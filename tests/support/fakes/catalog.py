"""Genres, moods and mixes in memory: the catalog's reads and the curation's writes."""

from __future__ import annotations

from collections.abc import Sequence

from filmhub.core.entities import Film, Genre, Mix, Mood
from filmhub.core.errors import NotFound
from tests.support.fakes.table import ConditionFailed, MemoryTable, round_trips

#: Entries one reorder transaction moves (the header check takes the 100th action).
REORDER_PER_TRANSACTION = 99


class InMemoryCatalogRepository:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def genres_and_moods(self) -> tuple[list[Genre], list[Mood]]:
        self._table.call("catalog.genres_and_moods")
        by_name = sorted(self._table.genres, key=lambda genre: genre.name)
        return by_name, sorted(self._table.moods, key=lambda mood: mood.name)

    def mixes(self) -> list[Mix]:
        self._table.call("catalog.mixes")
        live = [mix for mix in self._table.mixes.values() if mix.id not in self._table.deleting_mixes]
        return sorted(live, key=lambda mix: (mix.position, mix.id))

    def mix(self, mix_id: str) -> Mix | None:
        self._table.call("catalog.mix")
        return live_mix(self._table, mix_id)

    def mix_with_film_ids(self, mix_id: str) -> tuple[Mix, list[str]] | None:
        self._table.call("catalog.mix_with_film_ids")
        mix = live_mix(self._table, mix_id)
        return None if mix is None else (mix, ordered_film_ids(self._table, mix_id))


class InMemoryMixRepository:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def create(self, mix: Mix) -> None:
        self._table.call("mixes.create")
        if mix.id in self._table.mixes:
            raise ConditionFailed(f"mix {mix.id} exists")
        self._table.mixes[mix.id] = mix

    def update(self, mix: Mix) -> None:
        self._table.call("mixes.update")
        self._live(mix.id)
        self._table.mixes[mix.id] = mix

    def get_with_film(self, mix_id: str, film_id: str) -> tuple[Mix | None, Film | None]:
        self._table.call("mixes.get_with_film")
        stored = self._table.films.get(film_id)
        return live_mix(self._table, mix_id), None if stored is None else stored.film

    def add_entry(self, mix_id: str, film_id: str, position: int) -> None:
        self._table.call("mixes.add_entry")
        self._live(mix_id)
        self._table.mix_entries.setdefault(mix_id, {}).setdefault(film_id, position)  # a repeat keeps its place

    def remove_entry(self, mix_id: str, film_id: str) -> bool:
        self._table.call("mixes.remove_entry")
        return self._table.mix_entries.get(mix_id, {}).pop(film_id, None) is not None

    def entries(self, mix_id: str) -> tuple[Mix | None, list[str]]:
        self._table.call("mixes.entries")
        return live_mix(self._table, mix_id), ordered_film_ids(self._table, mix_id)

    def reorder(self, mix_id: str, film_ids: Sequence[str]) -> None:
        self._table.call("mixes.reorder", round_trips(len(film_ids), REORDER_PER_TRANSACTION))
        entries = self._table.mix_entries.get(mix_id, {})
        if live_mix(self._table, mix_id) is None or not set(film_ids) <= set(entries):
            raise ConditionFailed(f"mix {mix_id} or one of its entries is gone")
        entries.update({film_id: position for position, film_id in enumerate(film_ids)})

    def mark_deleting(self, mix_id: str) -> None:
        self._table.call("mixes.mark_deleting")
        if mix_id in self._table.mixes:
            self._table.deleting_mixes.add(mix_id)

    def purge(self, mix_id: str) -> None:
        self._table.call("mixes.purge")
        self._table.mix_entries.pop(mix_id, None)
        self._table.mixes.pop(mix_id, None)
        self._table.deleting_mixes.discard(mix_id)

    def _live(self, mix_id: str) -> Mix:
        mix = live_mix(self._table, mix_id)
        if mix is None:
            raise NotFound("Mix not found")
        return mix


def live_mix(table: MemoryTable, mix_id: str) -> Mix | None:
    return None if mix_id in table.deleting_mixes else table.mixes.get(mix_id)


def ordered_film_ids(table: MemoryTable, mix_id: str) -> list[str]:
    """The mix's films in display order: by position, then by film id (the entries' sort key)."""
    entries = table.mix_entries.get(mix_id, {})
    return sorted(entries, key=lambda film_id: (entries[film_id], film_id))
