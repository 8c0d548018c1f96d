"""Response and request bodies of the public API (the wire contract of API.md)."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, Strict, StringConstraints

from filmhub.accounts.service import (
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    is_valid_email,
    normalize_email,
)
from filmhub.core.entities import FilmView, Genre, Mix, Mood, User, half_points_to_score
from filmhub.watchlists.service import MAX_NOTE_LENGTH, MAX_ORDERED_FILMS

if TYPE_CHECKING:
    from filmhub.diary.ports import EntryView
    from filmhub.diary.service import YearStats
    from filmhub.ratings.ports import Review
    from filmhub.sharing.ports import PublicFilm, PublicList
    from filmhub.transfer.ports import TransferJob
    from filmhub.watchlists.ports import FilmPage, Watchlist

COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"


class ErrorItem(BaseModel):
    key: str
    message: str


class ErrorOut(BaseModel):
    status_code: int
    detail: str
    extra: list[ErrorItem] | None = None


class GenreOut(BaseModel):
    id: str
    name: str

    @classmethod
    def of(cls, genre: Genre) -> GenreOut:
        return cls(id=genre.id, name=genre.name)


class MoodOut(BaseModel):
    id: str
    name: str

    @classmethod
    def of(cls, mood: Mood) -> MoodOut:
        return cls(id=mood.id, name=mood.name)


class MixOut(BaseModel):
    id: str
    title: str
    color1: str = Field(pattern=COLOR_PATTERN)
    color2: str = Field(pattern=COLOR_PATTERN)
    color3: str = Field(pattern=COLOR_PATTERN)

    @classmethod
    def of(cls, mix: Mix) -> MixOut:
        g = mix.gradient
        return cls(id=mix.id, title=mix.title, color1=g.color1, color2=g.color2, color3=g.color3)


class RatingOut(BaseModel):
    average: float | None = Field(description="Mean score (0.5-5.0, two decimals); null with no ratings")
    count: int = Field(description="How many users rated the film; updated within seconds of a rating")


class FilmOut(BaseModel):
    id: str
    title: str
    description: str
    country: str | None
    release_year: int | None
    poster_url: str | None
    tmdb_id: int | None
    owner_id: str | None
    is_liked: bool
    is_wish: bool
    is_watched: bool
    genres: list[GenreOut]
    film_type: str = Field(description="movie or tv")
    my_rating: float | None = Field(description="The caller's score, 0.5-5.0; null when unrated or anonymous")
    rating: RatingOut

    @classmethod
    def of(cls, view: FilmView) -> FilmOut:
        film, flags = view.film, view.flags
        return cls(
            id=film.id,
            title=film.title,
            description=film.description,
            country=film.country,
            release_year=film.release_year,
            poster_url=film.poster_url,
            tmdb_id=film.tmdb_id,
            owner_id=film.owner_id,
            is_liked=flags.is_liked,
            is_wish=flags.is_wish,
            is_watched=flags.is_watched,
            genres=[GenreOut.of(genre) for genre in film.genres],
            film_type=film.film_type,
            my_rating=flags.my_rating,
            rating=RatingOut(average=film.rating.average, count=film.rating.count),
        )


def films_out(views: list[FilmView]) -> list[FilmOut]:
    return [FilmOut.of(view) for view in views]


def error_responses(*statuses: int) -> dict[int, dict]:
    """OpenAPI ``responses`` entries for the error statuses a route can answer."""
    descriptions = {
        400: "Bad request",
        401: "Missing, invalid or expired token",
        403: "Not yours",
        404: "Not found",
        409: "Conflict",
        413: "Payload too large",
        422: "Validation failed",
        429: "Throttled",
        503: "A dependency is down",
    }
    return {
        status: {"description": descriptions[status], "content": {"application/json": {"model": ErrorOut}}}
        for status in statuses
    }


def route_responses(success: int, *errors: int) -> dict[int, dict]:
    """OpenAPI ``responses`` of a route: its success status, documented from the return type, and its errors.

    Powertools documents the success response only when a route passes no ``responses`` at all,
    so a route that lists its errors must list its success status too.
    """
    return {success: {"description": HTTPStatus(success).phrase}, **error_responses(*errors)}


# --- accounts -----------------------------------------------------------------------------


def _email(value: str) -> str:
    email = normalize_email(value)
    if not is_valid_email(email):
        raise ValueError("must be a valid email address")
    return email


EmailIn = Annotated[str, AfterValidator(_email)]
PasswordIn = Annotated[str, StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
UsernameIn = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_USERNAME_LENGTH)]


class RegisterIn(BaseModel):
    email: EmailIn = Field(description="Trimmed and compared case-insensitively", json_schema_extra={"format": "email"})
    password: PasswordIn
    username: UsernameIn


class LoginIn(BaseModel):
    # No format or length rule beyond a sanity cap: a wrong email is a 401 like a wrong password.
    email: Annotated[str, StringConstraints(max_length=MAX_EMAIL_LENGTH)]
    password: Annotated[str, StringConstraints(max_length=MAX_PASSWORD_LENGTH)]


class TelegramCodeIn(BaseModel):
    tg_code: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class UserOut(BaseModel):
    id: str
    username: str
    email: str | None
    telegram_id: int | None
    role: Literal["user", "admin"] = Field(description="`admin` may curate mixes")

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, username=user.username, email=user.email, telegram_id=user.telegram_id, role=user.role)


class LoginResponseOut(UserOut):
    token: str = Field(description="JWT for `Authorization: Bearer <token>`")

    @classmethod
    def issued(cls, user: User, token: str) -> LoginResponseOut:
        return cls(**UserOut.of(user).model_dump(), token=token)


class AuthKeyOut(BaseModel):
    auth_key: str = Field(description="Open the bot with `start=auth_<auth_key>`; valid for 10 minutes")


class AuthKeyStatusOut(BaseModel):
    is_confirmed: bool


class AuthKeyErrorOut(BaseModel):
    """The one error body outside the usual envelope: existing clients match on it (API.md)."""

    error: Literal["incorrect_auth_key"]


# --- watchlists ---------------------------------------------------------------------------

WatchlistTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class WatchlistIn(BaseModel):
    title: WatchlistTitle


class WatchlistItemIn(BaseModel):
    film_id: UUID


class WatchlistOut(BaseModel):
    id: str
    user_id: str
    title: str
    type: Literal["liked", "wish", "watched", "custom"]
    color1: str = Field(pattern=COLOR_PATTERN)
    color2: str = Field(pattern=COLOR_PATTERN)
    color3: str = Field(pattern=COLOR_PATTERN)

    @classmethod
    def of(cls, watchlist: Watchlist) -> WatchlistOut:
        g = watchlist.gradient
        return cls(
            id=watchlist.id,
            user_id=watchlist.user_id,
            title=watchlist.title,
            type=watchlist.list_type,
            color1=g.color1,
            color2=g.color2,
            color3=g.color3,
        )


class ListFilmOut(FilmOut):
    """A film of one of the caller's lists: a Film, plus the caller's note on it in that list."""

    note: str | None = Field(default=None, description="The owner's note on the film in this list (custom lists)")

    @classmethod
    def page(cls, page: FilmPage) -> list[ListFilmOut]:
        return [cls(**FilmOut.of(view).model_dump(), note=page.notes.get(view.film.id)) for view in page.films]


class WatchlistOrderIn(BaseModel):
    film_ids: Annotated[
        list[UUID], Field(max_length=MAX_ORDERED_FILMS, description="Every film of the list, once each, in order")
    ]


class NoteIn(BaseModel):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE_LENGTH)]


class ShareOut(BaseModel):
    slug: str = Field(description="The unguessable part of both links")
    url: str = Field(description="The list as JSON: `GET /public/lists/{slug}`, no token needed")
    page_url: str = Field(description="The page to send people (`/l/{slug}`): previews in messengers")


class PublicFilmOut(BaseModel):
    """A Film as anyone sees it on a shared list: no one's flags, no owner id, the list owner's note."""

    id: str
    title: str
    description: str
    country: str | None
    release_year: int | None
    poster_url: str | None
    tmdb_id: int | None
    genres: list[GenreOut]
    film_type: str = Field(description="movie or tv")
    note: str | None

    @classmethod
    def of(cls, entry: PublicFilm) -> PublicFilmOut:
        film = entry.film
        return cls(
            id=film.id,
            title=film.title,
            description=film.description,
            country=film.country,
            release_year=film.release_year,
            poster_url=film.poster_url,
            tmdb_id=film.tmdb_id,
            genres=[GenreOut.of(genre) for genre in film.genres],
            film_type=film.film_type,
            note=entry.note,
        )


class PublicOwnerOut(BaseModel):
    username: str


class PublicListOut(BaseModel):
    title: str
    type: Literal["liked", "wish", "watched", "custom"]
    color1: str = Field(pattern=COLOR_PATTERN)
    color2: str = Field(pattern=COLOR_PATTERN)
    color3: str = Field(pattern=COLOR_PATTERN)
    owner: PublicOwnerOut
    ordered: bool = Field(description="The owner ranked the films; otherwise they are newest first")
    films: list[PublicFilmOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one")

    @classmethod
    def of(cls, shared: PublicList) -> PublicListOut:
        g = shared.gradient
        return cls(
            title=shared.title,
            type=shared.list_type,
            color1=g.color1,
            color2=g.color2,
            color3=g.color3,
            owner=PublicOwnerOut(username=shared.username),
            ordered=shared.ordered,
            films=[PublicFilmOut.of(entry) for entry in shared.films],
            next_cursor=shared.next_cursor,
        )


# --- films --------------------------------------------------------------------------------

MAX_RELEASE_YEAR = 9999
FilmTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
FilmDescription = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Country = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class FilmIn(BaseModel):
    title: FilmTitle
    description: FilmDescription
    genres_ids: list[UUID] | None = Field(default=None, description="A genre id given twice counts once")
    country: Country | None = None
    #: Four digits at most: a year, and a number DynamoDB can store (38 significant digits) whatever is sent.
    release_year: Annotated[int, Field(gt=0, le=MAX_RELEASE_YEAR)] | None = None


class PosterUploadIn(BaseModel):
    content_type: Literal["image/jpeg", "image/png", "image/webp"]


class PosterUploadOut(BaseModel):
    url: str = Field(description="POST a multipart form to this URL: every field below, then `file` last")
    fields: dict[str, str]
    key: str = Field(description="Send it to /films/{film_id}/poster/confirm once the upload is done")
    expires_in: int = Field(description="Seconds the form stays valid")


class PosterConfirmIn(BaseModel):
    key: Annotated[str, StringConstraints(min_length=1, max_length=256)]


# --- mix curation -------------------------------------------------------------------------

Colour = Annotated[str, StringConstraints(pattern=COLOR_PATTERN)]


class MixIn(BaseModel):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
    color1: Colour | None = None
    color2: Colour | None = None
    color3: Colour | None = None


class MixOrderIn(BaseModel):
    film_ids: Annotated[list[UUID], Field(max_length=1000)]


# --- ratings and reviews ------------------------------------------------------------------

#: Strict: a number, not a numeric string or a boolean.
Score = Annotated[float, Strict(), Field(ge=0.5, le=5.0, multiple_of=0.5, description="0.5 to 5.0 in steps of 0.5")]
MAX_REVIEW_LENGTH = 10_000


class RatingIn(BaseModel):
    score: Score


class ReviewIn(BaseModel):
    text: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REVIEW_LENGTH),
        Field(description="Plain text, stored and returned as sent (never interpreted as HTML)"),
    ]
    spoiler: bool = Field(default=False, description="Flags the review; clients decide how to hide it")


class ReviewOut(BaseModel):
    film_id: str
    user_id: str
    username: str = Field(description="The author's username when the review was last written")
    text: str = Field(description="Plain text: escape it before putting it in HTML")
    spoiler: bool
    rating: float | None = Field(description="The author's score of the film, null when unrated")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, review: Review) -> ReviewOut:
        return cls(
            film_id=review.film_id,
            user_id=review.user_id,
            username=review.username,
            text=review.text,
            spoiler=review.spoiler,
            rating=review.score,
            created_at=review.created_at,
            updated_at=review.updated_at,
        )


# --- diary --------------------------------------------------------------------------------

MAX_DIARY_NOTE_LENGTH = 2000


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
Note = Annotated[str, StringConstraints(max_length=MAX_DIARY_NOTE_LENGTH)]


class DiaryEntryIn(BaseModel):
    film_id: UUID
    watched_on: CalendarDate | None = Field(default=None, description="Not in the future; today when absent")
    rewatch: bool = False
    rating: Score | None = None
    note: Note | None = None
    tz: TimeZoneName | None = None


class DiaryEntryPatch(BaseModel):
    """Fields sent replace the stored ones; `rating` or `note` sent as null clear them."""

    watched_on: CalendarDate | None = None
    rewatch: bool | None = None
    rating: Score | None = None
    note: Note | None = None
    tz: TimeZoneName | None = None


class DiaryEntryOut(BaseModel):
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


class GenreCountOut(BaseModel):
    id: str
    name: str
    count: int = Field(description="Distinct films of this genre logged in the year")


class YearStatsOut(BaseModel):
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


# --- imports and exports ------------------------------------------------------------------


class ImportIn(BaseModel):
    format: Literal["letterboxd", "imdb"]
    filename: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"(?i)^[^/\\]*\.(zip|csv)$"),
    ] = Field(description="The export's file name: a `.zip` or a `.csv`; it fixes the upload's content type")


class UploadFormOut(BaseModel):
    url: str = Field(description="POST a multipart form to this URL: every field below, then `file` last")
    fields: dict[str, str]
    expires_in: int = Field(description="Seconds the form stays valid")


class UnmatchedOut(BaseModel):
    line: str = Field(description="`<file>:<line>` in the uploaded export")
    title: str
    year: int | None
    reason: str


class ImportOut(BaseModel):
    import_id: str
    format: str
    filename: str
    state: Literal["waiting_upload", "queued", "running", "done", "failed"]
    total: int
    processed: int
    matched: int
    percent: int
    unmatched: list[UnmatchedOut] = Field(description="The first 100 rows that were not imported, in file order")
    error: str | None = Field(description="Why the whole file could not be imported")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, job: TransferJob) -> ImportOut:
        return cls(
            import_id=job.id, format=job.format, filename=job.filename, state=job.state.value, total=job.total,
            processed=job.processed, matched=job.matched, percent=job.percent,
            unmatched=[UnmatchedOut(line=u.line, title=u.title, year=u.year, reason=u.reason) for u in job.unmatched],
            error=job.error, created_at=job.created_at, updated_at=job.updated_at,
        )  # fmt: skip


class ImportCreatedOut(BaseModel):
    import_id: str
    upload: UploadFormOut


class ExportOut(BaseModel):
    export_id: str
    state: Literal["queued", "running", "done", "failed"]
    download_url: str | None = Field(description="A presigned link to the ZIP once done; it expires in 15 minutes")
    error: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, job: TransferJob, download_url: str | None = None) -> ExportOut:
        return cls(export_id=job.id, state=job.state.value, download_url=download_url, error=job.error,
                   created_at=job.created_at, updated_at=job.updated_at)  # fmt: skip
