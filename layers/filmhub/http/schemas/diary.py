"""The watch diary: an entry logged or edited, an entry as read back, and a year's stats."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from pydantic import AfterValidator, Field, StrictBool, StringConstraints

from filmhub.http.schemas.common import ApiModel
from filmhub.http.schemas.films import FilmOut
from filmhub.http.schemas.ratings import Score

if TYPE_CHECKING:
    from filmhub.diary.ports import EntryView
    from filmhub.diary.service import YearStats

MAX_NOTE_LENGTH = 2000


def _calendar_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError("must be a date, YYYY-MM-DD") from error


CalendarDate = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"),
    AfterValidator(_calendar_date),
    Field(examples=["2025-01-31"]),
]
TimeZoneName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    Field(description="IANA time zone of the caller (e.g. Europe/Moscow): what 'today' means; UTC when absent"),
]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)]


class DiaryEntryIn(ApiModel):
    film_id: UUID
    watched_on: CalendarDate | None = Field(default=None, description="Not in the future; today when absent")
    rewatch: StrictBool = False
    rating: Score | None = None
    note: Note | None = None
    tz: TimeZoneName | None = None


class DiaryEntryPatch(ApiModel):
    """Fields sent replace the stored ones; `rating` or `note` sent as null clear them."""

    watched_on: CalendarDate | None = None
    rewatch: StrictBool | None = None
    rating: Score | None = None
    note: Note | None = None
    tz: TimeZoneName | None = None


class DiaryEntryOut(ApiModel):
    id: str
    film_id: str
    watched_on: str
    rewatch: bool
    rating: float | None
    note: str | None
    created_at: str
    updated_at: str
    film: FilmOut

    @classmethod
    def of(cls, view: EntryView) -> DiaryEntryOut:
        from filmhub.core.entities import half_points_to_score  # with the diary service, on the first request

        entry = view.entry
        return cls(
            id=entry.id,
            film_id=entry.film_id,
            watched_on=entry.watched_on,
            rewatch=entry.rewatch,
            rating=half_points_to_score(entry.half_points) if entry.half_points is not None else None,
            note=entry.note,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
            film=FilmOut.of(view.film),
        )


class GenreCountOut(ApiModel):
    id: str
    name: str
    count: int = Field(description="Distinct films of this genre logged in the year")


class YearStatsOut(ApiModel):
    year: int
    entries: int = Field(description="Diary entries")
    films: int = Field(description="Distinct films")
    rewatches: int
    by_month: list[int] = Field(description="Entries in January … December", min_length=12, max_length=12)
    average_rating: float | None = Field(description="Mean score of the rated entries; null when none is rated")
    ratings: dict[str, int] = Field(description='Rated entries by score, "0.5" … "5.0"')
    top_genres: list[GenreCountOut]

    @classmethod
    def of(cls, stats: YearStats) -> YearStatsOut:
        return cls(
            year=stats.year,
            entries=stats.entries,
            films=stats.films,
            rewatches=stats.rewatches,
            by_month=stats.by_month,
            average_rating=stats.average_rating,
            ratings=stats.ratings,
            top_genres=[GenreCountOut(id=g.id, name=g.name, count=g.count) for g in stats.top_genres],
        )
