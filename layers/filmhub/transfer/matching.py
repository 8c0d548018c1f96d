"""Which of our films a row of another service's export names: by id where the row has one, else by exact title
and year, never by a guess.

In order: a TMDB id (our imported films' ids derive from it); an IMDb id through TMDB's ``/find`` when TMDB is
configured; the title and year against our catalog's title index; then a provider search, whose film is imported
once (``FilmImporter``).  A title matches when its normalized words equal a film's title or original title and the
years agree (any year when the row has none); two different films that both match are reported as ambiguous.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from filmhub.core.concurrency import concurrently
from filmhub.core.entities import Film
from filmhub.core.ids import imported_film_id
from filmhub.films.importer import FilmImporter, external_film_id, film_from_external
from filmhub.films.ports import ExternalFilm, ExternalFilmSource, FilmRepository
from filmhub.films.search import LocalFilmSource
from filmhub.films.text import words
from filmhub.transfer.ports import ImdbLookup

log = logging.getLogger(__name__)

#: Local candidates read per title: an exact title ranks among the first, a common word brings many others.
LOCAL_CANDIDATES = 20
PROVIDER_CANDIDATES = 5

NOT_FOUND = "no film with this title and year"
AMBIGUOUS = "several films have this title and year"


@dataclass(frozen=True)
class FilmQuery:
    """What a row says about its film."""

    title: str
    year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None


#: A film, or why there is none.
Match = Film | str


def title_key(title: str) -> str:
    return " ".join(words(title))


def _same_film(query: FilmQuery, title: str, original_title: str | None, year: int | None) -> bool:
    key = title_key(query.title)
    titles = {title_key(title), title_key(original_title or "")}
    return bool(key) and key in titles and (query.year is None or query.year == year)


def _only(films: Sequence[Film]) -> Match:
    distinct = list({film.id: film for film in films}.values())
    if not distinct:
        return NOT_FOUND
    return distinct[0] if len(distinct) == 1 else AMBIGUOUS


class FilmMatcher:
    def __init__(
        self,
        films: FilmRepository,
        local: LocalFilmSource,
        external: Sequence[ExternalFilmSource],
        importer: FilmImporter,
        imdb: ImdbLookup | None,
    ) -> None:
        self._films = films
        self._local = local
        self._external = list(external)
        self._importer = importer
        self._imdb = imdb

    def match(self, queries: Sequence[FilmQuery]) -> dict[FilmQuery, Match]:
        """Each distinct query's film, or the reason it has none."""
        pending = list(dict.fromkeys(queries))
        found: dict[FilmQuery, Match] = {}
        for step in (self._by_tmdb_id, self._by_imdb_id, self._by_local_title, self._by_provider_title):
            if not pending:
                break
            for query, match in step(pending).items():
                # A later step's "not found" must not hide an earlier, more precise reason (e.g. ambiguous).
                if isinstance(match, Film) or query not in found:
                    found[query] = match
            pending = [query for query in pending if not isinstance(found.get(query), Film)]
        return {query: found.get(query, NOT_FOUND) for query in dict.fromkeys(queries)}

    def _by_tmdb_id(self, queries: Sequence[FilmQuery]) -> dict[FilmQuery, Match]:
        with_id = [query for query in queries if query.tmdb_id is not None]
        ids = {
            query: [imported_film_id("tmdb", kind, query.tmdb_id) for kind in ("movie", "tv")]  # type: ignore[arg-type]
            for query in with_id
        }
        stored = self._films.get_many([film_id for pair in ids.values() for film_id in pair])
        return {query: _only([stored[i] for i in pair if i in stored]) for query, pair in ids.items()}

    def _by_imdb_id(self, queries: Sequence[FilmQuery]) -> dict[FilmQuery, Match]:
        if self._imdb is None:
            return {}
        with_id = [query for query in queries if query.imdb_id]
        externals = concurrently([partial(self._find_imdb, query.imdb_id) for query in with_id])  # type: ignore[arg-type]
        known = {query: film for query, film in zip(with_id, externals, strict=True) if film is not None}
        return dict(zip(known, self._ours(list(known.values())), strict=True))

    def _find_imdb(self, imdb_id: str) -> ExternalFilm | None:
        assert self._imdb is not None
        try:
            return self._imdb.by_imdb_id(imdb_id)
        except Exception:  # a provider failure leaves the title to match the row
            log.warning("IMDb id %s could not be looked up", imdb_id, exc_info=True)
            return None

    def _by_local_title(self, queries: Sequence[FilmQuery]) -> dict[FilmQuery, Match]:
        hits = self._local.search([query.title for query in queries], LOCAL_CANDIDATES)
        candidate_ids = [[hit.film_id for hit in found or []] for found in hits]
        stored = self._films.get_many(list(dict.fromkeys(i for ids in candidate_ids for i in ids)))
        matches: dict[FilmQuery, Match] = {}
        for query, ids in zip(queries, candidate_ids, strict=True):
            films = [stored[i] for i in ids if i in stored]
            matches[query] = _only([f for f in films if _same_film(query, f.title, f.original_title, f.release_year)])
        return matches

    def _by_provider_title(self, queries: Sequence[FilmQuery]) -> dict[FilmQuery, Match]:
        answers: dict[FilmQuery, list[ExternalFilm]] = {}
        for provider in self._external:
            pending = [query for query in queries if query not in answers]
            if not pending:
                break
            try:
                results = provider.search([query.title for query in pending], PROVIDER_CANDIDATES)
            except Exception:  # a provider bug must not fail the import
                log.warning("provider %s failed", provider.name, exc_info=True)
                continue
            for query, hits in zip(pending, results, strict=True):
                if hits is not None:
                    answers[query] = [hit.external for hit in hits if hit.external is not None]
        chosen: dict[FilmQuery, ExternalFilm] = {}
        matches: dict[FilmQuery, Match] = {}
        for query, films in answers.items():
            same = [f for f in films if _same_film(query, f.title, f.original_title, f.release_year)]
            ids = {external_film_id(film) for film in same}
            if len(ids) == 1:
                chosen[query] = same[0]
            else:
                matches[query] = AMBIGUOUS if ids else NOT_FOUND
        matches.update(zip(chosen, self._ours(list(chosen.values())), strict=True))
        return matches

    def _ours(self, externals: Sequence[ExternalFilm]) -> list[Film]:
        """The provider films as ours: read where stored, imported once where new."""
        stored = self._films.get_many(list(dict.fromkeys(external_film_id(film) for film in externals)))
        new = list({external_film_id(f): f for f in externals if external_film_id(f) not in stored}.values())
        imports: list[Callable[[], Film]] = [partial(self._importer.import_external, film) for film in new]
        imported = {film.id: film for film in concurrently(imports)}
        every = stored | imported
        return [every.get(external_film_id(film)) or film_from_external(film) for film in externals]
