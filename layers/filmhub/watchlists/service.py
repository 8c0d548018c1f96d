"""Watchlists: the built-in liked / wish / watched lists and custom lists, with paginated items.

A list is addressed either by id or, for the built-in ones, by kind (``/me/watchlists/liked``).
Built-in membership lives on one state item per (user, film) (so flags are one BatchGetItem);
custom membership is one entry per (list, film) carrying the date it was added, and the owner's note on
it.  A custom list reads newest first until its owner ranks it (``reorder``); films added after that go to the
end.  Public links to lists are the sharing feature's (``filmhub.sharing``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from filmhub.core.entities import BUILTIN_LIST_TYPES, ListType
from filmhub.core.errors import Conflict, Forbidden, InvalidInput, InvalidValue, NotFound
from filmhub.core.ids import builtin_list_id, new_id
from filmhub.core.palette import GradientPicker
from filmhub.films.reader import FilmReader
from filmhub.security.cursors import CursorCodec
from filmhub.watchlists.bounds import DEFAULT_PAGE, MAX_NOTE_LENGTH
from filmhub.watchlists.ports import FilmPage, Position, Watchlist, WatchlistRepository

BUILTIN_ORDER = "Built-in watchlists keep their own order"
BUILTIN_NOTES = "Built-in watchlists can't hold notes"
NOT_IN_LIST = "Film not found in watchlist"


def list_id_of(user_id: str, ref: str) -> str:
    """The list id behind ``ref``: a UUID, or ``liked`` / ``wish`` / ``watched`` (derived from the user id)."""
    if ref in BUILTIN_LIST_TYPES:
        return builtin_list_id(user_id, ref)
    try:
        return str(uuid.UUID(ref))
    except ValueError as error:
        raise InvalidInput("Malformed watchlist id") from error


def owned_list(user_id: str, watchlist: Watchlist | None) -> Watchlist:
    """The list, when it exists, is not being deleted, and belongs to ``user_id``; else 404 or 403."""
    if watchlist is None or watchlist.deleting:
        raise NotFound("Watchlist not found")
    if watchlist.user_id != user_id:
        raise Forbidden("Watchlist is not yours")
    return watchlist


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class WatchlistService:
    def __init__(
        self,
        repository: WatchlistRepository,
        film_reader: FilmReader,
        gradients: GradientPicker,
        cursors: CursorCodec,
        clock: Callable[[], str] = _now,
    ) -> None:
        self._repository = repository
        self._film_reader = film_reader
        self._gradients = gradients
        self._cursors = cursors
        self._clock = clock

    # --- lists -----------------------------------------------------------------------------

    def custom_lists(self, user_id: str) -> list[Watchlist]:
        lists = self._repository.user_lists(user_id)
        return [item for item in lists if item.list_type == "custom" and not item.deleting]

    def create(self, user_id: str, title: str) -> Watchlist:
        watchlist = Watchlist(
            id=new_id(),
            user_id=user_id,
            title=title,
            list_type="custom",
            gradient=self._gradients.pick(title),
            created_at=self._clock(),
        )
        self._repository.create(watchlist)
        return watchlist

    def get(self, user_id: str, ref: str) -> Watchlist:
        return owned_list(user_id, self._repository.get(list_id_of(user_id, ref)))

    def rename(self, user_id: str, ref: str, title: str) -> Watchlist:
        watchlist = self.get(user_id, ref)
        if watchlist.builtin:
            raise Conflict("Built-in watchlists can't be renamed")
        self._repository.rename(watchlist, title)
        return Watchlist(**{**watchlist.__dict__, "title": title})

    def delete(self, user_id: str, ref: str) -> None:
        """Hide the list, then remove its entries and header; a repeat finishes an interrupted delete."""
        watchlist = self._repository.get(list_id_of(user_id, ref))
        if watchlist is None:
            raise NotFound("Watchlist not found")
        if watchlist.user_id != user_id:
            raise Forbidden("Watchlist is not yours")
        if watchlist.builtin:
            raise Conflict("Built-in watchlists can't be deleted")
        if not watchlist.deleting:
            watchlist = self._repository.mark_deleting(watchlist)
        self._repository.purge(watchlist)

    # --- items -----------------------------------------------------------------------------

    def items(self, user_id: str, ref: str, limit: int = DEFAULT_PAGE, cursor: str | None = None) -> FilmPage:
        list_id = list_id_of(user_id, ref)
        scope = f"{user_id}:{list_id}"
        start: Position = None
        kind: ListType | None = ref if ref in BUILTIN_LIST_TYPES else None
        if cursor is not None:
            position = self._cursors.decode(scope, cursor)  # signed for this user and list
            kind, start = position.get("kind"), position.get("at")
            if kind not in (*BUILTIN_LIST_TYPES, "custom") or not isinstance(start, dict):
                raise InvalidInput("Invalid cursor")
        if kind is None or kind == "custom":
            # By id: the first page's Query also returns the header, which tells owner and type.
            header, entries, next_position = self._repository.custom_page(list_id, limit, start)
            if kind is None:  # the first page: a cursor always carries the kind
                kind = owned_list(user_id, header).list_type
            if kind == "custom":
                if any(entry.user_id != user_id for entry in entries):
                    raise Forbidden("Watchlist is not yours")
                films = self._film_reader.page([entry.film_id for entry in entries], user_id)
                notes = {entry.film_id: entry.note for entry in entries if entry.note}
                return FilmPage(films, self._cursor(scope, "custom", next_position), notes)
        flagged, next_position = self._repository.builtin_page(user_id, kind, limit, start)
        films = self._film_reader.page_with_flags([film_id for film_id, _ in flagged], dict(flagged))
        return FilmPage(films, self._cursor(scope, kind, next_position))

    def add(self, user_id: str, ref: str, film_id: str) -> None:
        if ref in BUILTIN_LIST_TYPES:
            found = self._film_reader.film(film_id)
            if found is None:
                raise NotFound("Film not found")
            self._repository.set_flag(user_id, ref, found, self._clock())
            return
        header, film = self._repository.get_with_film(list_id_of(user_id, ref), film_id)
        watchlist = owned_list(user_id, header)
        if film is None:
            raise NotFound("Film not found")
        if watchlist.builtin:
            self._repository.set_flag(user_id, watchlist.list_type, film, self._clock())
        else:
            self._repository.add_entry(watchlist, film_id, self._clock())

    def remove(self, user_id: str, ref: str, film_id: str) -> None:
        kind = ref if ref in BUILTIN_LIST_TYPES else None
        if kind is None:
            watchlist = self.get(user_id, ref)
            kind = watchlist.list_type
        removed = (
            self._repository.remove_entry(list_id_of(user_id, ref), film_id)
            if kind == "custom"
            else self._repository.clear_flag(user_id, kind, film_id)
        )
        if not removed:
            raise NotFound(NOT_IN_LIST)

    # --- ranked order and notes (custom lists) --------------------------------------------

    def reorder(self, user_id: str, ref: str, film_ids: Sequence[str]) -> None:
        """Rank the list's films in this order (every film of the list, once); films added later go to the end."""
        header, current = self._repository.entries(list_id_of(user_id, ref))
        watchlist = owned_list(user_id, header)
        if watchlist.builtin:
            raise Conflict(BUILTIN_ORDER)
        if len(film_ids) != len(set(film_ids)) or set(film_ids) != set(current):
            raise InvalidInput("film_ids must list exactly the films of the watchlist, once each")
        self._repository.reorder(watchlist, film_ids)

    def set_note(self, user_id: str, ref: str, film_id: str, text: str | None) -> None:
        """Write (``None``: remove) the owner's note on a film of a custom list."""
        if text is not None and not 1 <= len(text) <= MAX_NOTE_LENGTH:
            raise InvalidValue("text", f"must be 1-{MAX_NOTE_LENGTH} characters")
        watchlist = self.get(user_id, ref)
        if watchlist.builtin:
            raise Conflict(BUILTIN_NOTES)
        if not self._repository.set_note(watchlist.id, film_id, text):
            raise NotFound(NOT_IN_LIST)

    # --- helpers ---------------------------------------------------------------------------

    def _cursor(self, scope: str, kind: str, position: Position) -> str | None:
        return None if position is None else self._cursors.encode(scope, {"kind": kind, "at": position})
