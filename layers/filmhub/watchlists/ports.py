"""What the watchlist service talks to: lists, their entries and the per-film flags as stored."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def builtin(self) -> bool:
        return self.list_type != "custom"


@dataclass(frozen=True)
class FilmPage:
    films: list[FilmView]
    next_cursor: str | None


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

    def mark_deleting(self, watchlist: Watchlist) -> None:
        """Hide the list at once (one conditional write); entries are removed afterwards."""
        ...

    def purge(self, list_id: str) -> int:
        """Delete every entry of the list, then its header; safe to repeat. Returns entries removed."""
        ...

    def custom_page(
        self, list_id: str, limit: int, start: Position
    ) -> tuple[Watchlist | None, list[tuple[str, str]], Position]:
        """Header (first page only), (film id, owner id) of entries newest first, and the next position."""
        ...

    def builtin_page(
        self, user_id: str, kind: ListType, limit: int, start: Position
    ) -> tuple[list[tuple[str, FilmFlags]], Position]: ...

    def add_entry(self, watchlist: Watchlist, film_id: str, added_at: str) -> None:
        """Idempotent: an existing entry keeps its first date; fails if the list is gone."""
        ...

    def remove_entry(self, list_id: str, film_id: str) -> bool: ...

    def set_flag(self, user_id: str, kind: ListType, film: Film, at: str) -> None: ...

    def clear_flag(self, user_id: str, kind: ListType, film_id: str) -> bool: ...
