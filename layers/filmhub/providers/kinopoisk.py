"""Kinopoisk through kinopoisk.dev (API v1.4): ``/v1.4/movie/search`` answers with complete films in Russian."""

from __future__ import annotations

from pydantic import BaseModel

from filmhub.films.ports import ExternalFilm
from filmhub.providers.base import ExternalProvider, JsonApi
from filmhub.providers.mapping import kinopoisk_genres

SERIES_TYPES = frozenset({"tv-series", "animated-series", "mini-series"})


class _Named(BaseModel):
    name: str | None = None


class _Poster(BaseModel):
    url: str | None = None
    previewUrl: str | None = None


class _ExternalId(BaseModel):
    tmdb: int | None = None


class _Votes(BaseModel):
    kp: int | None = None


class _Movie(BaseModel):
    id: int
    name: str | None = None
    alternativeName: str | None = None
    enName: str | None = None
    type: str | None = None
    isSeries: bool | None = None
    year: int | None = None
    description: str | None = None
    shortDescription: str | None = None
    poster: _Poster | None = None
    genres: list[_Named] = []
    countries: list[_Named] = []
    externalId: _ExternalId | None = None
    votes: _Votes | None = None


class _Page(BaseModel):
    docs: list[_Movie]


def _film(movie: _Movie) -> ExternalFilm | None:
    title = (movie.name or movie.alternativeName or movie.enName or "").strip()
    if not title:
        return None
    original = movie.alternativeName or movie.enName
    is_series = movie.isSeries if movie.isSeries is not None else movie.type in SERIES_TYPES
    return ExternalFilm(
        provider="kinopoisk",
        film_type="tv" if is_series else "movie",
        title=title,
        original_title=original if original and original != title else None,
        description=(movie.description or movie.shortDescription or "").strip(),
        release_year=movie.year if movie.year and movie.year > 0 else None,
        country=next((c.name for c in movie.countries if c.name), None),
        poster_url=(movie.poster.url or movie.poster.previewUrl) if movie.poster else None,
        genres=kinopoisk_genres(g.name for g in movie.genres if g.name),
        tmdb_id=movie.externalId.tmdb if movie.externalId else None,
        kinopoisk_id=movie.id,
        popularity=max((movie.votes.kp or 0) if movie.votes else 0, 0),
    )


class KinopoiskProvider(ExternalProvider):
    name = "kinopoisk"

    def __init__(self, api_key: str, base_url: str) -> None:
        headers = {"X-API-KEY": api_key, "Accept": "application/json"}
        super().__init__(JsonApi(self.name, base_url, headers=headers))

    def find(self, query: str, limit: int) -> list[ExternalFilm]:
        page = self.api.get("/v1.4/movie/search", {"query": query, "page": 1, "limit": limit}, _Page)
        return [film for film in map(_film, page.docs) if film is not None][:limit]
