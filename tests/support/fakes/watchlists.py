"""Watchlists in memory: headers, custom entries, and the built-in lists as dates on the film-state items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from filmhub.core.entities import Film, FilmFlags, ListType
from filmhub.core.errors import NotFound
from filmhub.watchlists.ports import ListEntry, Position, Watchlist
from tests.support.fakes.table import ConditionFailed, FilmStateItem, ListEntryItem, MemoryTable, newest_first_page


class InMemoryWatchlistRepository:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def user_lists(self, user_id: str) -> list[Watchlist]:
        self._table.call("watchlists.user_lists")
        # A list being deleted has left its owner's index already.
        owned = [item for item in self._table.lists.values() if item.user_id == user_id and not item.deleting]
        return sorted(owned, key=lambda item: (item.created_at, item.id))

    def get(self, list_id: str) -> Watchlist | None:
        self._table.call("watchlists.get")
        return self._table.lists.get(list_id)

    def get_with_film(self, list_id: str, film_id: str) -> tuple[Watchlist | None, Film | None]:
        self._table.call("watchlists.get_with_film")
        stored = self._table.films.get(film_id)
        return self._table.lists.get(list_id), None if stored is None else stored.film

    def create(self, watchlist: Watchlist) -> None:
        self._table.call("watchlists.create")
        if watchlist.id in self._table.lists:
            raise ConditionFailed(f"list {watchlist.id} exists")
        self._table.lists[watchlist.id] = watchlist

    def rename(self, watchlist: Watchlist, title: str) -> None:
        self._table.call("watchlists.rename")
        self._table.lists[watchlist.id] = replace(self._live(watchlist.id), title=title)

    def mark_deleting(self, watchlist: Watchlist) -> Watchlist:
        self._table.call("watchlists.mark_deleting")
        header = self._table.lists.get(watchlist.id)
        if header is None or header.user_id != watchlist.user_id:
            raise NotFound("Watchlist not found")
        hidden = self._table.lists[watchlist.id] = replace(header, deleting=True)
        return hidden

    def purge(self, watchlist: Watchlist) -> int:
        self._table.call("watchlists.purge")
        removed = len(self._table.list_entries.pop(watchlist.id, {}))
        if watchlist.share_slug is not None:
            self._table.shares.pop(watchlist.share_slug, None)
        self._table.lists.pop(watchlist.id, None)
        return removed

    def custom_page(
        self, list_id: str, limit: int, start: Position
    ) -> tuple[Watchlist | None, list[ListEntry], Position]:
        self._table.call("watchlists.custom_page")
        header = self._table.lists.get(list_id)
        stored = self._table.list_entries.get(list_id, {})
        entries = [ListEntry(film_id, entry.owner_id, entry.note) for film_id, entry in self._in_order(list_id)]
        offset = int(start["offset"]) if start else 0
        page = entries[offset : offset + limit]
        next_position: Position = {"offset": offset + limit} if offset + limit < len(stored) else None
        return (header if start is None else None), page, next_position

    def _in_order(self, list_id: str) -> list[tuple[str, ListEntryItem]]:
        """Ranked entries first by rank (later additions after them, in the order added), else newest first."""
        stored = self._table.list_entries.get(list_id, {})
        header = self._table.lists.get(list_id)
        if header is not None and header.ordered:
            last = len(stored)
            return sorted(
                stored.items(), key=lambda item: (item[1].rank if item[1].rank is not None else last, item[1].added_at)
            )
        return sorted(stored.items(), key=lambda item: (item[1].added_at, item[0]), reverse=True)

    def entries(self, list_id: str) -> tuple[Watchlist | None, list[str]]:
        self._table.call("watchlists.entries")
        return self._table.lists.get(list_id), [film_id for film_id, _ in self._in_order(list_id)]

    def reorder(self, watchlist: Watchlist, film_ids: Sequence[str]) -> None:
        self._table.call("watchlists.reorder")
        self._live(watchlist.id)
        stored = self._table.list_entries.setdefault(watchlist.id, {})
        for rank, film_id in enumerate(film_ids):
            if film_id in stored:
                stored[film_id] = replace(stored[film_id], rank=rank)
        self._table.lists[watchlist.id] = replace(self._table.lists[watchlist.id], ordered=True)

    def set_note(self, list_id: str, film_id: str, note: str | None) -> bool:
        self._table.call("watchlists.set_note")
        stored = self._table.list_entries.get(list_id, {})
        if film_id not in stored:
            return False
        stored[film_id] = replace(stored[film_id], note=note)
        return True

    def builtin_page(
        self, user_id: str, kind: ListType, limit: int, start: Position
    ) -> tuple[list[tuple[str, FilmFlags]], Position]:
        self._table.call("watchlists.builtin_page")
        rows = {
            f"{state.added_at[kind]}#{film_id}": (film_id, state.flags)
            for (owner, film_id), state in self._table.states.items()
            if owner == user_id and kind in state.added_at
        }
        return newest_first_page(rows, start, limit)

    def add_entry(self, watchlist: Watchlist, film_id: str, added_at: str) -> None:
        self._table.call("watchlists.add_entry")
        self._live(watchlist.id)
        entries = self._table.list_entries.setdefault(watchlist.id, {})
        entries.setdefault(film_id, ListEntryItem(added_at, watchlist.user_id))  # a repeat keeps the first date

    def remove_entry(self, list_id: str, film_id: str) -> bool:
        self._table.call("watchlists.remove_entry")
        return self._table.list_entries.get(list_id, {}).pop(film_id, None) is not None

    def set_flag(self, user_id: str, kind: ListType, film: Film, at: str) -> None:
        self._table.call("watchlists.set_flag")
        genre_ids = frozenset(genre.id for genre in film.genres)
        state = self._table.states.get((user_id, film.id))
        if state is None:
            state = self._table.states[user_id, film.id] = FilmStateItem(film.id, genre_ids, film.film_type)
        state.genre_ids, state.film_type = genre_ids, film.film_type
        state.added_at.setdefault(kind, at)  # a repeat keeps the first date

    def clear_flag(self, user_id: str, kind: ListType, film_id: str) -> bool:
        self._table.call("watchlists.clear_flag")
        state = self._table.states.get((user_id, film_id))
        # The state item stays: the film's other lists live on it.
        return state is not None and state.added_at.pop(kind, None) is not None

    def _live(self, list_id: str) -> Watchlist:
        header = self._table.lists.get(list_id)
        if header is None or header.deleting:
            raise NotFound("Watchlist not found")
        return header
