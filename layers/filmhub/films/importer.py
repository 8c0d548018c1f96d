"""Importing a provider's film into our catalog, once: shared by search and recommendations.

A provider's film is stored under an id derived from its external id, with a conditional external-id
claim, so concurrent imports of one film (two searches, a search and a recommendation) store it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from filmhub.core.entities import Film
from filmhub.core.ids import imported_film_id
from filmhub.films.ports import ExternalFilm, ExternalFilmSource, ExternalRef, FilmRepository

log = logging.getLogger(__name__)


def external_ref(film: ExternalFilm) -> ExternalRef:
    """The reference a provider's film is imported under: TMDB's id when known, so that TMDB and
    Kinopoisk results for one film (Kinopoisk reports TMDB ids) become one film of ours."""
    if film.tmdb_id is not None:
        return ExternalRef("tmdb", film.tmdb_id)
    assert film.kinopoisk_id is not None, "a provider film has a TMDB or a Kinopoisk id"
    return ExternalRef("kinopoisk", film.kinopoisk_id)


def external_film_id(film: ExternalFilm) -> str:
    ref = external_ref(film)
    return imported_film_id(ref.provider, film.film_type, ref.external_id)


def film_from_external(film: ExternalFilm) -> Film:
    return Film(
        id=external_film_id(film),
        title=film.title,
        original_title=film.original_title,
        description=film.description,
        country=film.country,
        release_year=film.release_year,
        poster_url=film.poster_url,
        tmdb_id=film.tmdb_id,
        kinopoisk_id=film.kinopoisk_id,
        genres=film.genres,
        film_type=film.film_type,
        popularity=film.popularity,
    )


class FilmImporter:
    def __init__(
        self, films: FilmRepository, sources: Mapping[str, ExternalFilmSource], clock: Callable[[], str]
    ) -> None:
        self._films = films
        #: The providers by name, to fetch the details a search result lacks.
        self._sources = sources
        self._clock = clock

    def import_external(self, external: ExternalFilm) -> Film:
        """A provider's film as ours: completed with its details and stored once (idempotent)."""
        source = self._sources.get(external.provider)
        if not external.complete and source is not None:
            try:
                external = source.complete(external)
            except Exception:  # details are a nicety: import what the search gave
                log.warning("details of %s unavailable", external.title, exc_info=True)
        film = film_from_external(external)
        if self._films.create(film, self._clock(), external_ref(external)):
            return film
        # Imported meanwhile by a concurrent search: the stored film wins (ours is the same data).
        return self._films.get(film.id) or film
