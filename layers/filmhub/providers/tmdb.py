"""TMDB (api.themoviedb.org/3): ``/search/multi`` for movies and TV, ``/movie|tv/{id}`` for details, ``/find/{imdb id}``
for imports, in Russian."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from pydantic import BaseModel

from filmhub.core.entities import FilmType
from filmhub.films.ports import ExternalFilm
from filmhub.providers.base import ExternalProvider, JsonApi, ProviderError, year_of
from filmhub.providers.mapping import country_ru, tmdb_genre_ids, tmdb_genres

log = logging.getLogger(__name__)

LANGUAGE = "ru-RU"
IMAGE_BASE_URL = "https://image.tmdb.org/t/p/w500"
#: Recommendations come from films rated 5 or more by enough voters to mean it.
MIN_RATING = 5
MIN_VOTES = 50


class _Result(BaseModel):
    id: int
    media_type: str | None = None
    title: str | None = None
    name: str | None = None
    original_title: str | None = None
    original_name: str | None = None
    overview: str | None = None
    release_date: str | None = None
    first_air_date: str | None = None
    poster_path: str | None = None
    genre_ids: list[int] = []
    origin_country: list[str] = []
    vote_count: int = 0


class _SearchPage(BaseModel):
    results: list[_Result]


class _FindPage(BaseModel):
    movie_results: list[_Result] = []
    tv_results: list[_Result] = []


class _Genre(BaseModel):
    id: int


class _Country(BaseModel):
    iso_3166_1: str | None = None
    name: str | None = None


class _Details(_Result):
    genres: list[_Genre] = []
    production_countries: list[_Country] = []


def _poster(path: str | None) -> str | None:
    return f"{IMAGE_BASE_URL}{path}" if path else None


def _film(result: _Result, film_type: FilmType) -> ExternalFilm | None:
    """A search result or details as ours; None for results without a title (or people)."""
    title = (result.title if film_type == "movie" else result.name) or ""
    original = result.original_title if film_type == "movie" else result.original_name
    if not title.strip():
        return None
    return ExternalFilm(
        provider="tmdb",
        film_type=film_type,
        title=title.strip(),
        original_title=original if original and original != title else None,
        description=(result.overview or "").strip(),
        release_year=year_of(result.release_date if film_type == "movie" else result.first_air_date),
        country=country_ru(result.origin_country[0]) if result.origin_country else None,
        poster_url=_poster(result.poster_path),
        genres=tmdb_genres(result.genre_ids),
        tmdb_id=result.id,
        complete=False,
        popularity=max(result.vote_count, 0),
    )


class TmdbProvider(ExternalProvider):
    name = "tmdb"

    def __init__(self, api_key: str, base_url: str, clock: Callable[[], float] = time.monotonic) -> None:
        params = {"language": LANGUAGE}
        headers = {"Accept": "application/json"}
        # A v4 read access token is a JWT sent as a bearer token; a v3 key travels in the query.
        if api_key.count(".") == 2:
            headers["Authorization"] = f"Bearer {api_key}"
        else:
            params["api_key"] = api_key
        super().__init__(JsonApi(self.name, base_url, headers=headers, params=params, clock=clock))

    def find(self, query: str, limit: int) -> list[ExternalFilm]:
        page = self.api.get("/search/multi", {"query": query, "include_adult": "false", "page": 1}, _SearchPage)
        films = [
            _film(result, "movie" if result.media_type == "movie" else "tv")
            for result in page.results
            if result.media_type in ("movie", "tv")  # "person" results are not films
        ]
        return [film for film in films if film is not None][:limit]

    def by_imdb_id(self, imdb_id: str) -> ExternalFilm | None:
        """The film or series with this IMDb id (``/find``); None when TMDB does not know it."""
        found = self.api.get(f"/find/{imdb_id}", {"external_source": "imdb_id"}, _FindPage)
        films = [_film(result, "movie") for result in found.movie_results]
        films += [_film(result, "tv") for result in found.tv_results]
        return next((film for film in films if film is not None), None)

    def discover(self, genre_names: Sequence[str], film_type: FilmType, page: int) -> list[ExternalFilm]:
        """Well-rated films or series of any of these genres: one page of ``/discover/movie|tv``."""
        params: dict[str, str | int] = {
            "sort_by": "popularity.desc",
            "vote_average.gte": MIN_RATING,
            "vote_count.gte": MIN_VOTES,
            "include_adult": "false",
            "page": page,
        }
        genre_ids = tmdb_genre_ids(genre_names, film_type)
        if genre_ids:
            params["with_genres"] = "|".join(str(genre_id) for genre_id in genre_ids)  # "|" means any of them
        found = self.api.get(f"/discover/{film_type}", params, _SearchPage)
        return [film for film in (_film(result, film_type) for result in found.results) if film is not None]

    def complete(self, film: ExternalFilm) -> ExternalFilm:
        """Details add what search results lack: the production country, and full genres."""
        try:
            details = self.api.get(f"/{film.film_type}/{film.tmdb_id}", {}, _Details)
        except ProviderError as error:
            log.warning("TMDB details of %s %s unavailable: %s", film.film_type, film.tmdb_id, error)
            return film
        detailed = _film(details, film.film_type) or film
        produced = details.production_countries[0] if details.production_countries else None
        return replace(
            detailed,
            country=country_ru(produced.iso_3166_1, produced.name) if produced else detailed.country,
            genres=tmdb_genres(genre.id for genre in details.genres) or film.genres,
            description=detailed.description or film.description,
            poster_url=detailed.poster_url or film.poster_url,
            complete=True,
        )
