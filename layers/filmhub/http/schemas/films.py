"""Films: a film as the API shows it (with the caller's flags), its edits and its poster uploads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from filmhub.http.schemas.catalog import GenreOut
from filmhub.http.schemas.common import ApiModel

if TYPE_CHECKING:
    from filmhub.core.entities import Film, FilmView


class RatingOut(ApiModel):
    average: float | None = Field(description="Mean score (0.5-5.0, two decimals); null with no ratings")
    count: int = Field(description="How many users rated the film; updated within seconds of a rating")


def catalog_fields(film: Film) -> dict[str, Any]:
    """What every answer shows of a film whoever asks: the fields of ``FilmOut`` and ``PublicFilmOut`` alike."""
    return {
        "id": film.id,
        "title": film.title,
        "description": film.description,
        "country": film.country,
        "release_year": film.release_year,
        "poster_url": film.poster_url,
        "tmdb_id": film.tmdb_id,
        "genres": [GenreOut.of(genre) for genre in film.genres],
        "film_type": film.film_type,
    }


class FilmOut(ApiModel):
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
            **catalog_fields(film),
            owner_id=film.owner_id,
            is_liked=flags.is_liked,
            is_wish=flags.is_wish,
            is_watched=flags.is_watched,
            my_rating=flags.my_rating,
            rating=RatingOut(average=film.rating.average, count=film.rating.count),
        )


def films_out(views: list[FilmView]) -> list[FilmOut]:
    return [FilmOut.of(view) for view in views]


MAX_RELEASE_YEAR = 9999
FilmTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
FilmDescription = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Country = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class FilmIn(ApiModel):
    title: FilmTitle
    description: FilmDescription
    genres_ids: list[UUID] | None = Field(default=None, description="A genre id given twice counts once")
    country: Country | None = None
    #: Four digits at most: a year, and a number DynamoDB can store (38 significant digits) whatever is sent.
    release_year: Annotated[int, Field(gt=0, le=MAX_RELEASE_YEAR)] | None = None


class PosterUploadIn(ApiModel):
    content_type: Literal["image/jpeg", "image/png", "image/webp"]


class PosterUploadOut(ApiModel):
    url: str = Field(description="POST a multipart form to this URL: every field below, then `file` last")
    fields: dict[str, str]
    key: str = Field(description="Send it to /films/{film_id}/poster/confirm once the upload is done")
    expires_in: int = Field(description="Seconds the form stays valid")


class PosterConfirmIn(ApiModel):
    key: Annotated[str, StringConstraints(min_length=1, max_length=256)]
