"""In-memory fakes of the diary's ports and the rating aggregates: the same contracts as the DynamoDB adapters,
conditions included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from filmhub.core.entities import NO_FLAGS, Film, FilmFlags, FilmView, Genre
from filmhub.diary.ports import Counters, DiaryEntry, DiaryWrite, Position, YearFilm
from filmhub.ratings.ports import AggregateDelta


@dataclass
class StoredAggregate:
    count: int = 0
    half_points: int = 0
    position: str | None = None


@dataclass
class InMemoryRatingAggregates:
    films: dict[str, StoredAggregate] = field(default_factory=dict)
    #: Films whose next write fails (as a throttled UpdateItem would).
    failing: set[str] = field(default_factory=set)
    writes: int = 0

    def positions(self, film_ids: Sequence[str]) -> dict[str, str | None]:
        return {film_id: self.films[film_id].position for film_id in film_ids if film_id in self.films}

    def apply(self, film_id: str, delta: AggregateDelta, expected_position: str | None) -> bool:
        if film_id in self.failing:
            self.failing.discard(film_id)
            raise RuntimeError("throttled")
        stored = self.films.get(film_id)
        if stored is None or stored.position != expected_position:
            return False
        self.writes += 1
        stored.count += delta.count
        stored.half_points += delta.half_points
        stored.position = delta.last_position
        return True


@dataclass
class InMemoryDiaryRepository:
    films: dict[str, Film] = field(default_factory=dict)
    entries: dict[tuple[str, str], DiaryEntry] = field(default_factory=dict)
    counters: dict[tuple[str, int], Counters] = field(default_factory=dict)
    year_films: dict[tuple[str, int, str], YearFilm] = field(default_factory=dict)
    watched: set[tuple[str, str]] = field(default_factory=set)

    def film_context(
        self, user_id: str, film_id: str, years: Sequence[int]
    ) -> tuple[Film | None, FilmFlags, dict[int, YearFilm]]:
        flags = FilmFlags(is_watched=True) if (user_id, film_id) in self.watched else NO_FLAGS
        counts = {year: self.year_films[user_id, year, film_id] for year in years if (user_id, year, film_id) in
                  self.year_films}  # fmt: skip
        return self.films.get(film_id), flags, counts

    def get(self, user_id: str, entry_id: str) -> DiaryEntry | None:
        return self.entries.get((user_id, entry_id))

    def commit(self, user_id: str, write: DiaryWrite, at: str) -> bool:
        if not self._conditions_hold(user_id, write):
            return False
        if write.previous is not None:
            del self.entries[user_id, write.previous.id]
        if write.put is not None:
            self.entries[user_id, write.put.id] = write.put
        for year, counters in write.counters.items():
            stored = self.counters.setdefault((user_id, year), {})
            for name, value in counters.items():
                stored[name] = stored.get(name, 0) + value
        for change in write.year_films:
            key = (user_id, change.year, change.film_id)
            if change.after == 0:
                del self.year_films[key]
            else:
                genres = change.genre_ids if change.before == 0 else self.year_films[key].genre_ids
                self.year_films[key] = YearFilm(change.year, change.film_id, change.after, genres)
        if write.watched is not None:
            self.watched.add((user_id, write.watched.id))
        return True

    def _conditions_hold(self, user_id: str, write: DiaryWrite) -> bool:
        if write.previous is not None:
            stored = self.entries.get((user_id, write.previous.id))
            if stored is None or stored.updated_at != write.previous.updated_at:
                return False
        elif write.put is not None and (user_id, write.put.id) in self.entries:
            return False
        for change in write.year_films:
            stored_count = self.year_films.get((user_id, change.year, change.film_id))
            if (stored_count.count if stored_count else 0) != change.before:
                return False
        return write.watched is None or write.watched.id in self.films

    def page(
        self, user_id: str, since: str, until: str, limit: int, start: Position
    ) -> tuple[list[DiaryEntry], Position]:
        ordered = sorted(
            (e for (owner, _), e in self.entries.items() if owner == user_id and since <= e.watched_on <= until),
            key=lambda e: (e.watched_on, e.created_at, e.id),
            reverse=True,
        )
        offset = int(start["offset"]) if start else 0
        chunk = ordered[offset : offset + limit]
        more = offset + limit < len(ordered)
        return chunk, {"offset": offset + limit} if more else None

    def year_counters(self, user_id: str, year: int) -> Counters:
        return dict(self.counters.get((user_id, year), {}))


@dataclass
class InMemoryFilmLookup:
    """The films of an ``InMemoryDiaryRepository``, without flags (what ``FilmReader.lookup`` gives)."""

    repository: InMemoryDiaryRepository

    def lookup(self, film_ids: Sequence[str], user_id: str | None) -> dict[str, FilmView]:
        films = self.repository.films
        return {film_id: FilmView(films[film_id]) for film_id in film_ids if film_id in films}


@dataclass
class FixedGenreNames:
    names: list[Genre] = field(default_factory=list)

    def genres(self) -> list[Genre]:
        return list(self.names)
