"""Response and request bodies of the public API (the wire contract of API.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from filmhub.domain.entities import FilmView, Genre, Mix, Mood

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
