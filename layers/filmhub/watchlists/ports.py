"""What the watchlist service talks to: lists, their entries and the per-film flags as stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from filmhub.core.entities import Film, FilmFlags, FilmView, Gradient, ListType


@dataclass(frozen=True)
class Watchlist:
    id: str
    user_id: str
    title: str
    list_type: ListType
    gradient: Gradient
    created_at: str
    deleting: bool = False
    #: The slug of the list's live public link, if it is shared.
    share_slug: str | None = None
    #: The owner has set an order: the list reads in it, and films added later go to the end.
    ordered: bool = False

    @property
    def builtin(self) -> bool:
        return self.list_type != "custom"


@dataclass(frozen=True)
class ListEntry:
    """A film in a custom list as stored: who owns the list, and the owner's note on the film."""

    film_id: str
    user_id: str
    note: str | None = None


@dataclass(frozen=True)
class FilmPage:
    films: list[FilmView]
    next_cursor: str | None
    #: The owner's notes by film id (custom lists only).
    notes: dict[str, str] = field(default_factory=dict)


#: Where a listing stopped: an opaque table position, or None at the end.
Position = dict[str, Any] | None


class WatchlistRepository(Protocol):
    def user_lists(self, user_id: str) -> list[Watchlist]: ...

    def get(self, list_id: str) -> Watchlist | None: ...

    def get_with_film(self, list_id: str, film_id: str) -> tuple[Watchlist | None, Film | None]:
        """The list header and the film in one read."""
        ...

    def create(self, watchlist: Watchlist) -> None: ...

    def rename(self, watchlist: Watchlist, title: str) -> None: ...

    def mark_deleting(self, watchlist: Watchlist) -> Watchlist:
        """Hide the list at once (one conditional write); entries are removed afterwards.  Returns the hidden
        header as stored: its share slug is final, since a hidden list cannot be shared."""
        ...

    def purge(self, watchlist: Watchlist) -> int:
        """Delete every entry of the hidden list and its public link, then its header; safe to repeat.  Returns
        the entries removed."""
        ...

    def custom_page(
        self, list_id: str, limit: int, start: Position
    ) -> tuple[Watchlist | None, list[ListEntry], Position]:
        """Header (first page only), the entries in list order (ranked, else newest first), and the next position."""
        ...

    def entries(self, list_id: str) -> tuple[Watchlist | None, list[str]]:
        """The header and the ids of every film in the list (one consistent Query for lists up to ~4,000 films)."""
        ...

    def reorder(self, watchlist: Watchlist, film_ids: Sequence[str]) -> None:
        """Give the entries these ranks and mark the list ordered (one transaction per 99 films)."""
        ...

    def set_note(self, list_id: str, film_id: str, note: str | None) -> bool:
        """Set (or with None remove) the note of a film in the list; False when the film is not in it."""
        ...

    def builtin_page(
        self, user_id: str, kind: ListType, limit: int, start: Position
    ) -> tuple[list[tuple[str, FilmFlags]], Position]: ...

    def add_entry(self, watchlist: Watchlist, film_id: str, added_at: str) -> None:
        """Idempotent: an existing entry keeps its first date and place; fails if the list is gone.  In an
        ordered list the film goes to the end."""
        ...

    def remove_entry(self, list_id: str, film_id: str) -> bool: ...

    def set_flag(self, user_id: str, kind: ListType, film: Film, at: str) -> None: ...

    def clear_flag(self, user_id: str, kind: ListType, film_id: str) -> bool: ...
