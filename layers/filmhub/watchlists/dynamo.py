"""DynamoDB implementation of the watchlist repository (see TABLE.md: list, list entry, film state)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action
from pynamodb.indexes import GlobalSecondaryIndex

from filmhub.accounts.write_guard import CallerGuard, commit_guarded
from filmhub.core.entities import Film, FilmFlags, Gradient, ListType
from filmhub.core.errors import NotFound
from filmhub.films.dynamo import film_from_item, flags_from_state
from filmhub.table.collections import EntryAdded, add_entry, live_header, mark_deleting, remove_entry
from filmhub.table.models import (
    HEADER_FIRST_DESCENDING,
    FilmItem,
    FilmState,
    ShareItem,
    TableItem,
    WatchlistEntry,
    WatchlistItem,
)
from filmhub.table.operations import TRANSACTION_LIMIT, batch_get, condition_failed, purge_entries, transaction
from filmhub.watchlists.ports import ListEntry, Position, Watchlist


@dataclass(frozen=True)
class BuiltinListColumns:
    """Where one built-in list lives on the film-state item: its date attribute and sparse index."""

    set_at: UnicodeAttribute
    index_pk: UnicodeAttribute
    index_sk: UnicodeAttribute
    index: GlobalSecondaryIndex[Any]


BUILTIN_COLUMNS: dict[str, BuiltinListColumns] = {
    "liked": BuiltinListColumns(FilmState.liked_at, FilmState.GSI2PK, FilmState.GSI2SK, FilmState.gsi2),
    "wish": BuiltinListColumns(FilmState.wish_at, FilmState.GSI3PK, FilmState.GSI3SK, FilmState.gsi3),
    "watched": BuiltinListColumns(FilmState.watched_at, FilmState.GSI4PK, FilmState.GSI4SK, FilmState.gsi4),
}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def set_flag_actions(user_id: str, kind: str, film: Film, at: str) -> list[Action]:
    """The update of a user's state item that puts the film in a built-in list (also used inside transactions).

    if_not_exists keeps the first date, so repeated or concurrent adds leave one entry."""
    columns = BUILTIN_COLUMNS[kind]
    pk, _ = FilmState.key(user_id, film.id)
    return [
        FilmState.kind.set(FilmState),
        FilmState.film_id.set(film.id),
        FilmState.genre_ids.set([genre.id for genre in film.genres]),
        FilmState.film_type.set(film.film_type),
        columns.set_at.set(columns.set_at | at),
        columns.index_pk.set(pk),
        columns.index_sk.set(columns.index_sk | f"{at}#{film.id}"),
    ]


def watchlist_from_item(item: WatchlistItem) -> Watchlist:
    return Watchlist(
        id=item.id,
        user_id=item.user_id,
        title=item.title,
        list_type=item.list_type,  # type: ignore[arg-type]
        gradient=Gradient(item.color1, item.color2, item.color3),
        created_at=item.created_at,
        deleting=bool(item.deleting),
        share_slug=item.share_slug,
        ordered=bool(item.ordered),
    )


def watchlist_to_item(watchlist: Watchlist) -> WatchlistItem:
    """The list header: GSI1 lists it under its owner, LSI1 puts it first in its own partition."""
    gradient = watchlist.gradient
    item = WatchlistItem(
        *WatchlistItem.key(watchlist.id),
        id=watchlist.id,
        user_id=watchlist.user_id,
        title=watchlist.title,
        list_type=watchlist.list_type,
        color1=gradient.color1,
        color2=gradient.color2,
        color3=gradient.color3,
        created_at=watchlist.created_at,
    )
    item.GSI1PK, item.GSI1SK = WatchlistItem.index_key(watchlist.user_id, watchlist.created_at, watchlist.id)
    item.LSI1SK = HEADER_FIRST_DESCENDING
    if watchlist.ordered:
        item.ordered = True
    return item


class DynamoWatchlistRepository:
    def user_lists(self, user_id: str) -> list[Watchlist]:
        pk, _ = WatchlistItem.index_key(user_id, "", "")
        return [watchlist_from_item(item) for item in TableItem.gsi1.query(pk) if isinstance(item, WatchlistItem)]

    def get(self, list_id: str) -> Watchlist | None:
        try:
            return watchlist_from_item(WatchlistItem.get(*WatchlistItem.key(list_id), consistent_read=True))
        except WatchlistItem.DoesNotExist:
            return None

    def get_with_film(self, list_id: str, film_id: str) -> tuple[Watchlist | None, Film | None]:
        items = batch_get([WatchlistItem.key(list_id), FilmItem.key(film_id)], consistent_read=True)
        header = next((watchlist_from_item(i) for i in items if isinstance(i, WatchlistItem)), None)
        film = next((film_from_item(i) for i in items if isinstance(i, FilmItem)), None)
        return header, film

    def create(self, watchlist: Watchlist) -> None:
        header = watchlist_to_item(watchlist)
        commit_guarded(CallerGuard(watchlist.user_id), lambda tx: tx.save(header, WatchlistItem.PK.does_not_exist()))

    def rename(self, watchlist: Watchlist, title: str) -> None:
        try:
            WatchlistItem(*WatchlistItem.key(watchlist.id)).update(
                actions=[WatchlistItem.title.set(title)],
                condition=live_header(WatchlistItem),
            )
        except UpdateError as error:
            if condition_failed(error):
                raise NotFound("Watchlist not found") from error
            raise

    def mark_deleting(self, watchlist: Watchlist) -> Watchlist:
        header = WatchlistItem(*WatchlistItem.key(watchlist.id))
        if not mark_deleting(header, WatchlistItem.user_id == watchlist.user_id):
            raise NotFound("Watchlist not found")
        return watchlist_from_item(header)  # the update returned the whole item

    def purge(self, watchlist: Watchlist) -> int:
        link = [ShareItem(*ShareItem.key(watchlist.share_slug))] if watchlist.share_slug else []
        return purge_entries(WatchlistItem(*WatchlistItem.key(watchlist.id)), extra=link)

    def custom_page(
        self, list_id: str, limit: int, start: Position
    ) -> tuple[Watchlist | None, list[ListEntry], Position]:
        pk, _ = WatchlistItem.key(list_id)
        wanted = limit + (1 if start is None else 0)  # the first page also carries the header
        results = TableItem.lsi1.query(
            pk,
            scan_index_forward=False,
            limit=wanted,
            page_size=wanted,
            last_evaluated_key=start,
            consistent_read=True,
        )
        header: Watchlist | None = None
        entries: list[ListEntry] = []
        for item in results:
            if isinstance(item, WatchlistItem):
                header = watchlist_from_item(item)
            elif isinstance(item, WatchlistEntry):
                entries.append(ListEntry(item.film_id, item.user_id, item.note))
        return header, entries, results.last_evaluated_key

    def entries(self, list_id: str) -> tuple[Watchlist | None, list[str]]:
        pk, _ = WatchlistItem.key(list_id)
        header: Watchlist | None = None
        film_ids: list[str] = []
        for item in TableItem.query(pk, consistent_read=True):
            if isinstance(item, WatchlistItem):
                header = watchlist_from_item(item)
            elif isinstance(item, WatchlistEntry):
                film_ids.append(item.film_id)
        return header, film_ids

    def reorder(self, watchlist: Watchlist, film_ids: Sequence[str]) -> None:
        header = WatchlistItem(*WatchlistItem.key(watchlist.id))
        owned_and_live = live_header(WatchlistItem) & (WatchlistItem.user_id == watchlist.user_id)
        # Each transaction also checks the header (the first one marks it ordered): 99 entries per transaction.
        per_transaction = TRANSACTION_LIMIT - 1
        for offset in range(0, max(len(film_ids), 1), per_transaction):
            with transaction() as tx:
                if offset == 0:
                    tx.update(header, actions=[WatchlistItem.ordered.set(True)], condition=owned_and_live)
                else:
                    tx.condition_check(WatchlistItem, *WatchlistItem.key(watchlist.id), condition=owned_and_live)
                for rank, film_id in enumerate(film_ids[offset : offset + per_transaction], offset):
                    entry = WatchlistEntry(*WatchlistEntry.key(watchlist.id, film_id))
                    # An update, not a put: the entry keeps its date and note.
                    tx.update(
                        entry,
                        actions=[WatchlistEntry.LSI1SK.set(WatchlistEntry.ranked_key(rank, film_id))],
                        condition=WatchlistEntry.PK.exists(),
                    )

    def set_note(self, list_id: str, film_id: str, note: str | None) -> bool:
        action = WatchlistEntry.note.remove() if note is None else WatchlistEntry.note.set(note)
        try:
            WatchlistEntry(*WatchlistEntry.key(list_id, film_id)).update(
                actions=[action], condition=WatchlistEntry.PK.exists()
            )
        except UpdateError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def builtin_page(
        self, user_id: str, kind: ListType, limit: int, start: Position
    ) -> tuple[list[tuple[str, FilmFlags]], Position]:
        pk, _ = FilmState.key(user_id, "")
        results = BUILTIN_COLUMNS[kind].index.query(
            pk, scan_index_forward=False, limit=limit, page_size=limit, last_evaluated_key=start
        )
        flagged = [(item.film_id, flags_from_state(item)) for item in results if isinstance(item, FilmState)]
        return flagged, results.last_evaluated_key

    def add_entry(self, watchlist: Watchlist, film_id: str, added_at: str) -> None:
        entry = WatchlistEntry(*WatchlistEntry.key(watchlist.id, film_id), film_id=film_id, user_id=watchlist.user_id)
        entry.added_at = added_at
        if watchlist.ordered:
            microseconds = (datetime.fromisoformat(added_at) - EPOCH) // timedelta(microseconds=1)
            entry.LSI1SK = WatchlistEntry.appended_key(microseconds, film_id)
        else:
            entry.LSI1SK = WatchlistEntry.newest_first_key(added_at, film_id)
        # Adding twice keeps one entry and its first date.
        if add_entry(WatchlistItem, WatchlistItem.key(watchlist.id), entry) is EntryAdded.NO_HEADER:
            raise NotFound("Watchlist not found")

    def remove_entry(self, list_id: str, film_id: str) -> bool:
        return remove_entry(WatchlistEntry(*WatchlistEntry.key(list_id, film_id)))

    def set_flag(self, user_id: str, kind: ListType, film: Film, at: str) -> None:
        state = FilmState(*FilmState.key(user_id, film.id))
        actions = set_flag_actions(user_id, kind, film, at)
        commit_guarded(CallerGuard(user_id), lambda tx: tx.update(state, actions=actions))

    def clear_flag(self, user_id: str, kind: ListType, film_id: str) -> bool:
        columns = BUILTIN_COLUMNS[kind]
        try:
            FilmState(*FilmState.key(user_id, film_id)).update(
                actions=[columns.set_at.remove(), columns.index_pk.remove(), columns.index_sk.remove()],
                condition=columns.set_at.exists(),
            )
        except UpdateError as error:
            if condition_failed(error):
                return False
            raise
        return True
