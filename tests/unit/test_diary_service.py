"""The diary service over in-memory fakes: dates and time zones, counters kept on write, distinct films and genres."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from filmhub.core.entities import Film, Genre
from filmhub.core.errors import Conflict, InvalidValue, NotFound
from filmhub.diary.service import DiaryService, EntryDraft
from filmhub.security.cursors import CursorCodec
from tests.support.fakes.diary import FixedGenreNames, InMemoryDiaryRepository, InMemoryFilmLookup

DRAMA, COMEDY = Genre("g-drama", "драма"), Genre("g-comedy", "комедия")
#: 23:30 UTC on 31 December 2024: already 1 January 2025 in Moscow.
NOW = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def repository() -> InMemoryDiaryRepository:
    films = {
        "drama": Film("drama", "Драма", "…", genres=(DRAMA,)),
        "both": Film("both", "Трагикомедия", "…", genres=(DRAMA, COMEDY)),
    }
    return InMemoryDiaryRepository(films=films)


@pytest.fixture
def diary(repository: InMemoryDiaryRepository) -> DiaryService:
    return DiaryService(
        repository,
        InMemoryFilmLookup(repository),
        FixedGenreNames([DRAMA, COMEDY]),
        CursorCodec("diary-test-secret-long-enough-0123456789"),
        now=lambda: NOW,
    )


def test_today_is_the_callers_day_and_tomorrow_is_refused(diary: DiaryService) -> None:
    assert diary.log("u", "drama", EntryDraft()).entry.watched_on == "2024-12-31"
    assert diary.log("u", "drama", EntryDraft(time_zone="Europe/Moscow")).entry.watched_on == "2025-01-01"
    with pytest.raises(InvalidValue) as refused:
        diary.log("u", "drama", EntryDraft(watched_on=date(2025, 1, 1)))
    assert refused.value.field == "watched_on"
    with pytest.raises(InvalidValue) as unknown:
        diary.log("u", "drama", EntryDraft(time_zone="Moon/Base"))
    assert unknown.value.field == "tz"


def test_a_first_entry_marks_the_film_watched(diary: DiaryService, repository: InMemoryDiaryRepository) -> None:
    view = diary.log("u", "drama", EntryDraft(watched_on=date(2024, 5, 1)))
    assert view.film.flags.is_watched
    assert ("u", "drama") in repository.watched
    with pytest.raises(NotFound):
        diary.log("u", "missing", EntryDraft())


def test_distinct_films_and_genres_count_once_a_year_whatever_the_rewatches(diary: DiaryService) -> None:
    for day, film, half_points in ((1, "both", 8), (2, "both", 10), (3, "drama", None)):
        diary.log("u", film, EntryDraft(watched_on=date(2024, 3, day), rewatch=day == 2, half_points=half_points))
    stats = diary.stats("u", 2024)
    assert (stats.entries, stats.films, stats.rewatches) == (3, 2, 1)
    assert stats.by_month[2] == 3
    assert stats.average_rating == 4.5
    assert (stats.ratings["4.0"], stats.ratings["5.0"], stats.ratings["0.5"]) == (1, 1, 0)
    assert [(g.name, g.count) for g in stats.top_genres] == [("драма", 2), ("комедия", 1)]


def test_moving_the_last_entry_of_a_film_to_another_year_moves_the_film_and_its_genres(diary: DiaryService) -> None:
    entry = diary.log("u", "both", EntryDraft(watched_on=date(2024, 6, 1), half_points=6)).entry
    diary.edit("u", entry.id, EntryDraft(watched_on=date(2023, 6, 1)))
    before, after = diary.stats("u", 2023), diary.stats("u", 2024)
    assert (before.entries, before.films, len(before.top_genres), before.average_rating) == (1, 1, 2, 3.0)
    assert (after.entries, after.films, after.top_genres, after.average_rating) == (0, 0, [], None)
    diary.delete("u", entry.id)
    emptied = diary.stats("u", 2023)
    assert (emptied.entries, emptied.films, emptied.top_genres, sum(emptied.ratings.values())) == (0, 0, [], 0)


def test_an_edit_keeps_what_it_does_not_send_and_clears_what_it_asks_to(diary: DiaryService) -> None:
    entry = diary.log("u", "drama", EntryDraft(watched_on=date(2024, 6, 1), half_points=6, note="n")).entry
    kept = diary.edit("u", entry.id, EntryDraft(rewatch=True)).entry
    assert (kept.half_points, kept.note, kept.rewatch, kept.watched_on) == (6, "n", True, "2024-06-01")
    cleared = diary.edit("u", entry.id, EntryDraft(clear_rating=True, clear_note=True)).entry
    assert (cleared.half_points, cleared.note) == (None, None)
    assert diary.stats("u", 2024).rewatches == 1


def test_a_stale_entry_is_a_conflict_and_another_users_entry_is_not_found(
    diary: DiaryService, repository: InMemoryDiaryRepository
) -> None:
    entry = diary.log("u", "drama", EntryDraft(watched_on=date(2024, 6, 1))).entry
    with pytest.raises(NotFound):
        diary.delete("stranger", entry.id)
    read = repository.film_context

    def read_then_raced(user_id: str, film_id: str, years: Sequence[int]) -> tuple:
        context = read(user_id, film_id, years)
        repository.year_films.clear()  # another request deletes the year's last entry of the film meanwhile
        return context

    repository.film_context = read_then_raced  # type: ignore[method-assign]
    with pytest.raises(Conflict):
        diary.log("u", "drama", EntryDraft(watched_on=date(2024, 6, 2)))
    assert len(repository.entries) == 1


def test_pages_run_newest_first_within_the_dates_and_a_cursor_belongs_to_its_range(diary: DiaryService) -> None:
    for day in range(1, 8):
        diary.log("u", "drama", EntryDraft(watched_on=date(2024, 1, day)))
    first = diary.entries("u", date(2024, 1, 2), date(2024, 1, 6), limit=3)
    assert [v.entry.watched_on[-2:] for v in first.entries] == ["06", "05", "04"]
    rest = diary.entries("u", date(2024, 1, 2), date(2024, 1, 6), limit=3, cursor=first.next_cursor)
    assert [v.entry.watched_on[-2:] for v in rest.entries] == ["03", "02"]
    assert rest.next_cursor is None
    with pytest.raises(InvalidValue):
        diary.entries("u", date(2024, 2, 1), date(2024, 1, 1))
