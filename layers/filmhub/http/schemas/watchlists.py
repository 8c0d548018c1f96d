"""A user's watchlists and their items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from filmhub.http.schemas.common import COLOR_PATTERN

if TYPE_CHECKING:
    from filmhub.watchlists.ports import Watchlist

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
