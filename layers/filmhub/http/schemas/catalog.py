"""Genres, moods and mixes (and a mix's curation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from filmhub.http.schemas.common import COLOR_PATTERN, ApiModel

if TYPE_CHECKING:
    from filmhub.core.entities import Genre, Mix, Mood


class GenreOut(ApiModel):
    id: str
    name: str

    @classmethod
    def of(cls, genre: Genre) -> GenreOut:
        return cls(id=genre.id, name=genre.name)


class MoodOut(ApiModel):
    id: str
    name: str

    @classmethod
    def of(cls, mood: Mood) -> MoodOut:
        return cls(id=mood.id, name=mood.name)


class MixOut(ApiModel):
    id: str
    title: str
    color1: str = Field(pattern=COLOR_PATTERN)
    color2: str = Field(pattern=COLOR_PATTERN)
    color3: str = Field(pattern=COLOR_PATTERN)

    @classmethod
    def of(cls, mix: Mix) -> MixOut:
        g = mix.gradient
        return cls(id=mix.id, title=mix.title, color1=g.color1, color2=g.color2, color3=g.color3)


# --- mix curation -------------------------------------------------------------------------

Colour = Annotated[str, StringConstraints(pattern=COLOR_PATTERN)]


class MixIn(ApiModel):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
    color1: Colour | None = None
    color2: Colour | None = None
    color3: Colour | None = None


class MixOrderIn(ApiModel):
    film_ids: Annotated[list[UUID], Field(max_length=1000)]
