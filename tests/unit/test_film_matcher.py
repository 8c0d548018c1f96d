"""Which film a row of another service's export names: by id, then exact title and year; never a guess."""

from __future__ import annotations

from filmhub.core.entities import Film
from filmhub.films.importer import FilmImporter
from filmhub.films.ports import ExternalFilm
from filmhub.films.search import LocalFilmSource
from filmhub.transfer.matching import AMBIGUOUS, NOT_FOUND, FilmMatcher, FilmQuery
from tests.support.fakes.clock import FrozenClock
from tests.support.fakes.films import InMemoryFilmRepository, InMemorySearchIndex, ScriptedProvider
from tests.support.fakes.table import MemoryTable

SOLARIS = ExternalFilm("tmdb", "movie", "Солярис", "Океан.", original_title="Solaris", release_year=1972, tmdb_id=593)


def matcher(table: MemoryTable, tmdb: ScriptedProvider, with_imdb: bool = True) -> FilmMatcher:
    films = InMemoryFilmRepository(table)
    importer = FilmImporter(films, {tmdb.name: tmdb}, FrozenClock().iso)
    return FilmMatcher(
        films, LocalFilmSource(InMemorySearchIndex(table)), [tmdb], importer, tmdb if with_imdb else None
    )


def test_an_imdb_id_finds_the_film_through_tmdb_and_imports_it_once() -> None:
    table = MemoryTable()
    tmdb = ScriptedProvider("tmdb", by_imdb={"tt0069293": SOLARIS})
    query = FilmQuery("Solaris (director's cut)", 1972, imdb_id="tt0069293")
    first = matcher(table, tmdb).match([query])[query]
    again = matcher(table, tmdb).match([query])[query]
    assert isinstance(first, Film)
    assert first.title == "Солярис"
    assert again == first
    assert len(table.films) == 1


def test_without_tmdb_the_row_is_matched_by_exact_title_and_year_in_the_catalog() -> None:
    table = MemoryTable()
    stalker = Film("f-stalker", "Сталкер", "Зона.", original_title="Stalker", release_year=1979)
    table.put_film(stalker)
    queries = [FilmQuery("Stalker", 1979, imdb_id="tt0079944"), FilmQuery("Stalker", 2000), FilmQuery("Stalk", 1979)]
    found = matcher(table, ScriptedProvider("tmdb"), with_imdb=False).match(queries)
    assert [found[q] for q in queries] == [stalker, NOT_FOUND, NOT_FOUND]


def test_a_failing_imdb_lookup_falls_back_to_the_title() -> None:
    table = MemoryTable()
    stalker = Film("f-stalker", "Сталкер", "Зона.", original_title="Stalker", release_year=1979)
    table.put_film(stalker)
    query = FilmQuery("Сталкер", 1979, imdb_id="tt0079944")
    assert matcher(table, ScriptedProvider("tmdb", fails=True)).match([query])[query] == stalker


def test_two_films_with_the_same_title_and_year_are_reported_not_guessed() -> None:
    table = MemoryTable()
    for film_id in ("f-1", "f-2"):
        table.put_film(Film(film_id, "Двойник", "…", release_year=2013))
    query = FilmQuery("Двойник", 2013)
    assert matcher(table, ScriptedProvider("tmdb")).match([query])[query] == AMBIGUOUS
