"""Recommendations by mood and genre (API.md § Recommend).

1. Wanted genres = the given genres ∪ the genres of the given moods; ids that name no genre or mood add
   nothing, and when every id given is unknown nothing is suitable.
2. First choice: a random film of the caller's wish list that matches the wanted genres and type
   (any wish film when no filter is given), not recommended in the last 24 hours.
3. Otherwise a discovery candidate matching the genres and type, not recommended in the last 24
   hours: from TMDB discovery when configured (imported once, with its genres), else — or when it
   fails or has nothing fresh — from the local catalog: any fresh film of the wanted types when each
   has few enough to be listed whole, else a random sample.
4. The answer is recorded as a recommendation (TTL 24 h).

A film the caller marked watched or hid is never recommended.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence

from filmhub.catalog.service import CatalogService
from filmhub.core.cache import TimedValue
from filmhub.core.entities import NO_FLAGS, Film, FilmType, FilmView
from filmhub.core.errors import NotFound
from filmhub.films.importer import external_film_id
from filmhub.films.ports import ExternalFilm
from filmhub.films.reader import FilmReader
from filmhub.recommendations.ports import Discovery, RecommendationRepository, SamplePivot, UserHistory

log = logging.getLogger(__name__)

RECENT_SECONDS = 24 * 3600
NOTHING_FOUND = "No suitable film found"


#: Discovery reads one random page among the first few: popular enough, yet varied.
DISCOVERY_PAGES = 5


class RecommendationService:
    def __init__(
        self,
        repository: RecommendationRepository,
        catalog: CatalogService,
        film_reader: FilmReader,
        discovery: Sequence[Discovery] = (),
        import_external: Callable[[ExternalFilm], Film] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
        cache_seconds: float = 0,
    ) -> None:
        self._repository = repository
        #: Which types are listed whole changes only while they are small: kept as the catalog is.
        self._small_types = TimedValue(repository.small_types, cache_seconds)
        self._catalog = catalog
        self._film_reader = film_reader
        self._discovery = discovery
        self._import_external = import_external
        self._rng = rng or random.Random()
        self._clock = clock

    def recommend(
        self, user_id: str, mood_ids: Iterable[str], genre_ids: Iterable[str], movie_type: FilmType | None
    ) -> FilmView:
        wanted_genres = self._catalog.wanted_genres(mood_ids, genre_ids)
        if wanted_genres == []:
            raise NotFound(NOTHING_FOUND)  # a filter was given, and none of its ids is known
        wanted_genres = wanted_genres or []
        wanted = {genre.id for genre in wanted_genres}
        now = self._clock()
        history = self._repository.history(user_id, now - RECENT_SECONDS)
        film = self._from_wish_list(history, wanted, movie_type)
        if film is None:
            types: list[FilmType] = [movie_type] if movie_type else ["movie", "tv"]
            self._rng.shuffle(types)
            film = self._discover_externally(history.excluded, [genre.name for genre in wanted_genres], types[0])
        if film is None:
            film = self._discover_locally(history.excluded, wanted, types)
        if film is None:
            raise NotFound(NOTHING_FOUND)
        self._repository.record(user_id, film, now)
        return FilmView(film, history.flags.get(film.id, NO_FLAGS))

    def hide(self, user_id: str, film_id: str) -> None:
        if self._film_reader.film(film_id) is None:
            raise NotFound("Film not found")
        self._repository.hide(user_id, film_id, self._clock())

    def unhide(self, user_id: str, film_id: str) -> None:
        self._repository.unhide(user_id, film_id)

    def _from_wish_list(self, history: UserHistory, wanted: set[str], movie_type: FilmType | None) -> Film | None:
        eligible = [
            wished.film_id
            for wished in history.wish
            if wished.film_id not in history.excluded
            and (not wanted or wished.genre_ids & wanted)
            and (movie_type is None or wished.film_type == movie_type)
        ]
        return self._any_of(eligible)

    def _any_of(self, film_ids: list[str]) -> Film | None:
        """One of these films at random (each read until one is found: usually the first)."""
        self._rng.shuffle(film_ids)
        for film_id in film_ids:
            film = self._film_reader.film(film_id)
            if film is not None:
                return film
        return None

    def _discover_externally(self, excluded: set[str], names: list[str], film_type: FilmType) -> Film | None:
        if self._import_external is None:
            return None
        page = self._rng.randint(1, DISCOVERY_PAGES)
        for provider in self._discovery:
            try:
                found = provider.discover(names, film_type, page)
                fresh = [film for film in found if external_film_id(film) not in excluded and film.genres]
                if fresh:
                    return self._import_external(self._rng.choice(fresh))
            except Exception:  # a failing provider is skipped: the local catalog still answers
                log.warning("discovery provider skipped", exc_info=True)
        return None

    def _discover_locally(self, excluded: set[str], genres: set[str], types: list[FilmType]) -> Film | None:
        """Two reads of the catalog at most (the DynamoDB budget), from one random point of it.

        With genres: the circle of one wanted genre (at random) from that point, which reaches every film
        of the genre, then the chosen film; if the genre had nothing fresh, a sample of the catalog with the
        genre filter.  Without: when every wanted type is small enough to be listed whole, any fresh film of
        them (the lists are cached, so only the chosen film is read); else the films of the point's shard
        from the point on, then those just before it, so that together they read a window around it."""
        film_type = types[0] if len(types) == 1 else None
        pivot: SamplePivot = (types[0], str(uuid.UUID(int=self._rng.getrandbits(128))))
        if genres:
            genre = self._rng.choice(sorted(genres))
            fresh_ids = [i for i in self._repository.genre_sample(genre, film_type, pivot) if i not in excluded]
            if fresh_ids:
                film = self._film_reader.film(self._rng.choice(fresh_ids))
                if film is not None:
                    return film
            return self._fresh(self._repository.sample(film_type, genres, pivot, after=True), excluded)
        listed = self._small_types.get()
        if all(wanted_type in listed for wanted_type in types):
            every = sorted(film_id for wanted_type in types for film_id in listed[wanted_type])
            return self._any_of([film_id for film_id in every if film_id not in excluded])
        for after in (True, False):
            film = self._fresh(self._repository.sample(film_type, genres, pivot, after), excluded)
            if film is not None:
                return film
        return None

    def _fresh(self, films: list[Film], excluded: set[str]) -> Film | None:
        fresh = [film for film in films if film.id not in excluded]
        return self._rng.choice(fresh) if fresh else None
