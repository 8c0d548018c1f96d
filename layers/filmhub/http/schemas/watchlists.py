"""A user's watchlists and their items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from filmhub.http.schemas.common import COLOR_PATTERN, ApiModel
from filmhub.http.schemas.films import FilmOut
from filmhub.watchlists.bounds import MAX_NOTE_LENGTH, MAX_ORDERED_FILMS

if TYPE_CHECKING:
    from filmhub.watchlists.ports import FilmPage, Watchlist

WatchlistTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class WatchlistIn(ApiModel):
    title: WatchlistTitle


class WatchlistItemIn(ApiModel):
    film_id: UUID


class WatchlistOut(ApiModel):
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


class WatchlistOrderIn(ApiModel):
    film_ids: Annotated[
        list[UUID], Field(max_length=MAX_ORDERED_FILMS, description="Every film of the list, once each, in order")
    ]


class NoteIn(ApiModel):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE_LENGTH)]
