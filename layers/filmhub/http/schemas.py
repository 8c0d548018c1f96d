"""Response and request bodies of the public API (the wire contract of API.md)."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from filmhub.accounts.service import (
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    is_valid_email,
    normalize_email,
)
from filmhub.core.entities import FilmView, Genre, Mix, Mood, User
from filmhub.watchlists.service import MAX_NOTE_LENGTH, MAX_ORDERED_FILMS

if TYPE_CHECKING:
    from filmhub.sharing.ports import PublicFilm, PublicList
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
