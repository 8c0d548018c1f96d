"""What the diary service talks to: entries, the per-year counters kept beside them, and the films they log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from filmhub.core.entities import Film, FilmFlags, FilmView

#: Where a listing stopped: an opaque table position, or None at the end.
Position = dict[str, Any] | None

# Counter names of a year's statistics.
ENTRIES = "entries"
REWATCHES = "rewatches"
FILMS = "films"
RATING_SUM = "rating_sum"
RATING_COUNT = "rating_count"


def month_counter(month: int) -> str:
    return f"month:{month:02d}"


def rating_counter(half_points: int) -> str:
    return f"rating:{half_points}"


GENRE_COUNTER_PREFIX = "genre:"


def genre_counter(genre_id: str) -> str:
    return f"{GENRE_COUNTER_PREFIX}{genre_id}"


#: Counter name → how much a diary change adds to it.
Counters = dict[str, int]


@dataclass(frozen=True)
class DiaryEntry:
    id: str
    user_id: str
    film_id: str
    #: ``YYYY-MM-DD``.
    watched_on: str
    rewatch: bool
    #: Half-points (1-10), None when the entry has no rating.
    half_points: int | None
    note: str | None
    created_at: str
    updated_at: str

    @property
    def year(self) -> int:
        return int(self.watched_on[:4])

    @property
    def month(self) -> int:
        return int(self.watched_on[5:7])


@dataclass(frozen=True)
class EntryView:
    entry: DiaryEntry
    film: FilmView


@dataclass(frozen=True)
class YearFilm:
    """How many entries of one film a user has in one year, and the genres the year's counts hold it under."""

    year: int
    film_id: str
    count: int
    genre_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class YearFilmChange:
    year: int
    film_id: str
    #: The count read before the change (0: no item): the write is conditioned on it.
    before: int
    after: int
    genre_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiaryWrite:
    """Everything one diary change writes, all or nothing."""

    #: The entry to create or replace, and the entry it replaces or deletes (its ``updated_at`` must still match).
    put: DiaryEntry | None = None
    previous: DiaryEntry | None = None
    counters: dict[int, Counters] = field(default_factory=dict)
    year_films: tuple[YearFilmChange, ...] = ()
    #: The film to mark watched (and to check still exists).
    watched: Film | None = None


class DiaryRepository(Protocol):
    def film_context(
        self, user_id: str, film_id: str, years: Sequence[int]
    ) -> tuple[Film | None, FilmFlags, dict[int, YearFilm]]:
        """The film, the user's flags on it and the user's per-year counts of it, in one strongly consistent read."""
        ...

    def get(self, user_id: str, entry_id: str) -> DiaryEntry | None: ...

    def commit(self, user_id: str, write: DiaryWrite, at: str) -> bool:
        """Apply the write in one transaction; False (nothing written) when what it was based on has changed."""
        ...

    def page(
        self, user_id: str, since: str, until: str, limit: int, start: Position
    ) -> tuple[list[DiaryEntry], Position]:
        """Entries watched from ``since`` to ``until`` (dates, inclusive), newest first."""
        ...

    def year_counters(self, user_id: str, year: int) -> Counters:
        """The year's counters (absent ones are 0)."""
        ...
