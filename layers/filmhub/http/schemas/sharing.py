"""Sharing: the links of a shared list and the list as anyone sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from filmhub.http.schemas.catalog import GenreOut
from filmhub.http.schemas.common import COLOR_PATTERN, ApiModel
from filmhub.http.schemas.films import catalog_fields

if TYPE_CHECKING:
    from filmhub.sharing.ports import PublicFilm, PublicList


class ShareOut(ApiModel):
    slug: str = Field(description="The unguessable part of both links")
    url: str = Field(description="The list as JSON: `GET /public/lists/{slug}`, no token needed")
    page_url: str = Field(description="The page to send people (`/l/{slug}`): previews in messengers")


class PublicFilmOut(ApiModel):
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
        return cls(**catalog_fields(entry.film), note=entry.note)


class PublicOwnerOut(ApiModel):
    username: str


class PublicListOut(ApiModel):
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
