"""The watch diary and its yearly statistics.

Every diary write is one transaction that also keeps the year's counters (entries, rewatches, months,
ratings, genres) and a per-(year, film) count whose 0 → 1 and 1 → 0 changes count distinct films, so the
statistics of a year are one read whatever the length of the diary.  Logging a watch puts the film in the
watched list in the same transaction; deleting entries never takes it out again: "watched" also comes from
the list button and the bot, and a diary entry is a record of one viewing, not the reason a film was seen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from filmhub.core.entities import Film, FilmView, half_points_to_score
from filmhub.core.errors import Conflict, InvalidValue, NotFound
from filmhub.diary.bounds import DEFAULT_PAGE, EARLIEST_DATE
from filmhub.diary.ports import (
    ENTRIES,
    FILMS,
    GENRE_COUNTER_PREFIX,
    RATING_COUNT,
    RATING_SUM,
    REWATCHES,
    Counters,
    DiaryEntry,
    DiaryRepository,
    DiaryWrite,
    EntryView,
    FilmLookup,
    GenreNames,
    YearFilm,
    YearFilmChange,
    genre_counter,
    month_counter,
    rating_counter,
)
from filmhub.security.cursors import CursorCodec

FILM_NOT_FOUND = "Film not found"
ENTRY_NOT_FOUND = "Diary entry not found"
CHANGED_CONCURRENTLY = "The diary was changed by another request, try again"
FUTURE_DATE = "watched_on is in the future"
UNKNOWN_TIME_ZONE = "Unknown time zone (an IANA name such as Europe/Moscow)"
TOP_GENRES = 10
#: An import's write of one entry, tried again while concurrent writes to the same year win the race.
LOG_ONCE_ATTEMPTS = 4
HALF_POINTS = range(1, 11)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EntryDraft:
    """What a client sends; on an edit, None keeps the stored value (``note``/``rating``: use ``clear_*``)."""

    watched_on: date | None = None
    rewatch: bool | None = None
    half_points: int | None = None
    note: str | None = None
    clear_rating: bool = False
    clear_note: bool = False
    #: The caller's IANA time zone: what "today" (the default date and the latest allowed) means.
    time_zone: str | None = None


@dataclass(frozen=True)
class EntryPage:
    entries: list[EntryView]
    next_cursor: str | None


@dataclass(frozen=True)
class GenreCount:
    id: str
    name: str
    count: int


@dataclass(frozen=True)
class YearStats:
    year: int
    entries: int
    films: int
    rewatches: int
    by_month: list[int]
    average_rating: float | None
    #: Entries by score ("0.5" … "5.0"), every score present.
    ratings: dict[str, int]
    top_genres: list[GenreCount]


def contribution(entry: DiaryEntry) -> Counters:
    """What one entry adds to its year's counters (distinct films and genres aside)."""
    counters = {ENTRIES: 1, REWATCHES: int(entry.rewatch), month_counter(entry.month): 1}
    if entry.half_points is not None:
        counters |= {RATING_SUM: entry.half_points, RATING_COUNT: 1, rating_counter(entry.half_points): 1}
    return counters


def _add(total: dict[int, Counters], year: int, counters: Counters, sign: int = 1) -> None:
    bucket = total.setdefault(year, {})
    for name, value in counters.items():
        bucket[name] = bucket.get(name, 0) + sign * value


def _without_zeros(total: dict[int, Counters]) -> dict[int, Counters]:
    cleaned = {year: {name: value for name, value in counters.items() if value} for year, counters in total.items()}
    return {year: counters for year, counters in cleaned.items() if counters}


def year_film_changes(
    film: Film | None, film_id: str, counts: dict[int, YearFilm], steps: dict[int, int], total: dict[int, Counters]
) -> tuple[YearFilmChange, ...]:
    """The per-(year, film) counts after adding ``steps`` (year → +n / -n entries), and, in ``total``, what their
    0 → n and n → 0 changes do to the distinct-film and genre counters.  A film counted in a year is counted
    under its genres of that moment (``film``); it is uncounted under the same genres it was counted under."""
    changes = []
    for year, step in steps.items():
        if step == 0:
            continue
        known = counts.get(year)
        before = known.count if known else 0
        after = before + step
        genres = known.genre_ids if known else ()
        if before == 0:
            genres = tuple(genre.id for genre in film.genres) if film else ()
            _add(total, year, {FILMS: 1, **{genre_counter(genre_id): 1 for genre_id in genres}})
        elif after == 0:
            _add(total, year, {FILMS: -1, **{genre_counter(genre_id): -1 for genre_id in genres}})
        changes.append(YearFilmChange(year, film_id, before, after, genres))
    return tuple(changes)


class DiaryService:
    def __init__(
        self,
        repository: DiaryRepository,
        films: FilmLookup,
        catalog: GenreNames,
        cursors: CursorCodec,
        now: Callable[[], datetime] = _now,
    ) -> None:
        self._repository = repository
        self._films = films
        self._catalog = catalog
        self._cursors = cursors
        self._now = now

    # --- writes ----------------------------------------------------------------------------

    def log(self, user_id: str, film_id: str, draft: EntryDraft, entry_id: str | None = None) -> EntryView:
        watched_on = self._checked_date(draft.watched_on, draft.time_zone)
        at = self._timestamp()
        entry = DiaryEntry(
            id=entry_id or str(uuid.uuid4()),
            user_id=user_id,
            film_id=film_id,
            watched_on=watched_on.isoformat(),
            rewatch=bool(draft.rewatch),
            half_points=draft.half_points,
            note=draft.note,
            created_at=at,
            updated_at=at,
        )
        film, flags, counts = self._repository.film_context(user_id, film_id, [entry.year])
        if film is None:
            raise NotFound(FILM_NOT_FOUND)
        total: dict[int, Counters] = {}
        _add(total, entry.year, contribution(entry))
        changes = year_film_changes(film, film_id, counts, {entry.year: 1}, total)
        self._commit(user_id, DiaryWrite(put=entry, counters=total, year_films=changes, watched=film), at)
        return EntryView(entry, FilmView(film, replace(flags, is_watched=True)))

    def log_once(self, user_id: str, entry_id: str, film_id: str, draft: EntryDraft) -> None:
        """Log a watch under an id the caller derives (imports do, from the row): when an entry with that id is
        there already (the same file imported again, a redelivered chunk), nothing changes."""
        for attempt in range(LOG_ONCE_ATTEMPTS):
            try:
                self.log(user_id, film_id, draft, entry_id)
                return
            except Conflict:
                # Either the entry is there, or another write moved the year's counts first: read them again.
                if self._repository.get(user_id, entry_id) is not None:
                    return
                if attempt == LOG_ONCE_ATTEMPTS - 1:
                    raise

    def edit(self, user_id: str, entry_id: str, draft: EntryDraft) -> EntryView:
        old = self._owned(user_id, entry_id)
        watched_on = old.watched_on
        if draft.watched_on is not None:
            watched_on = self._checked_date(draft.watched_on, draft.time_zone).isoformat()
        at = self._timestamp()
        new = replace(
            old,
            watched_on=watched_on,
            rewatch=old.rewatch if draft.rewatch is None else draft.rewatch,
            half_points=None if draft.clear_rating else (draft.half_points or old.half_points),
            note=None if draft.clear_note else (draft.note if draft.note is not None else old.note),
            updated_at=at,
        )
        film, flags, counts = self._repository.film_context(user_id, old.film_id, sorted({old.year, new.year}))
        if film is None:
            raise NotFound(FILM_NOT_FOUND)
        total: dict[int, Counters] = {}
        _add(total, old.year, contribution(old), -1)
        _add(total, new.year, contribution(new))
        steps = {old.year: -1, new.year: 1} if old.year != new.year else {}
        changes = year_film_changes(film, old.film_id, counts, steps, total)
        self._commit(user_id, DiaryWrite(put=new, previous=old, counters=total, year_films=changes), at)
        return EntryView(new, FilmView(film, flags))

    def delete(self, user_id: str, entry_id: str) -> None:
        old = self._owned(user_id, entry_id)
        _, _, counts = self._repository.film_context(user_id, old.film_id, [old.year])
        total: dict[int, Counters] = {}
        _add(total, old.year, contribution(old), -1)
        changes = year_film_changes(None, old.film_id, counts, {old.year: -1}, total)
        self._commit(user_id, DiaryWrite(previous=old, counters=total, year_films=changes), self._timestamp())

    def _commit(self, user_id: str, write: DiaryWrite, at: str) -> None:
        if not self._repository.commit(user_id, replace(write, counters=_without_zeros(write.counters)), at):
            raise Conflict(CHANGED_CONCURRENTLY)

    # --- reads -----------------------------------------------------------------------------

    def entries(
        self,
        user_id: str,
        since: date | None = None,
        until: date | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> EntryPage:
        first, last = (since or EARLIEST_DATE).isoformat(), (until or date.max).isoformat()
        if first > last:
            raise InvalidValue("from", "from is after to")
        scope = f"diary:{user_id}:{first}:{last}"
        start = self._cursors.decode(scope, cursor) if cursor is not None else None
        entries, position = self._repository.page(user_id, first, last, limit, start)
        films = self._films.lookup([entry.film_id for entry in entries], user_id)
        views = [EntryView(entry, films[entry.film_id]) for entry in entries if entry.film_id in films]
        return EntryPage(views, None if position is None else self._cursors.encode(scope, position))

    def stats(self, user_id: str, year: int) -> YearStats:
        counters = self._repository.year_counters(user_id, year)
        rated = counters.get(RATING_COUNT, 0)
        return YearStats(
            year=year,
            entries=counters.get(ENTRIES, 0),
            films=counters.get(FILMS, 0),
            rewatches=counters.get(REWATCHES, 0),
            by_month=[counters.get(month_counter(month), 0) for month in range(1, 13)],
            average_rating=round(counters.get(RATING_SUM, 0) / rated / 2, 2) if rated else None,
            ratings={f"{half_points_to_score(h):.1f}": counters.get(rating_counter(h), 0) for h in HALF_POINTS},
            top_genres=self._top_genres(counters),
        )

    def _top_genres(self, counters: Counters) -> list[GenreCount]:
        counts = {
            name.removeprefix(GENRE_COUNTER_PREFIX): value
            for name, value in counters.items()
            if name.startswith(GENRE_COUNTER_PREFIX) and value > 0
        }
        names = {genre.id: genre.name for genre in self._catalog.genres()}  # cached reference data
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], names.get(pair[0], pair[0])))
        return [GenreCount(gid, names[gid], count) for gid, count in ranked if gid in names][:TOP_GENRES]

    # --- helpers ---------------------------------------------------------------------------

    def today(self, time_zone: str | None) -> date:
        return self._now().astimezone(_zone(time_zone)).date()

    def _checked_date(self, watched_on: date | None, time_zone: str | None) -> date:
        today = self.today(time_zone)
        if watched_on is None:
            return today
        if watched_on > today:
            raise InvalidValue("watched_on", FUTURE_DATE)
        if watched_on < EARLIEST_DATE:
            raise InvalidValue("watched_on", f"watched_on is before {EARLIEST_DATE.isoformat()}")
        return watched_on

    def _timestamp(self) -> str:
        return self._now().isoformat(timespec="microseconds")

    def _owned(self, user_id: str, entry_id: str) -> DiaryEntry:
        # Entries live in their owner's partition: another user's id is simply not found there.
        entry = self._repository.get(user_id, entry_id)
        if entry is None:
            raise NotFound(ENTRY_NOT_FOUND)
        return entry


def _zone(time_zone: str | None) -> tzinfo:
    if time_zone is None:
        return UTC
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidValue("tz", UNKNOWN_TIME_ZONE) from error
