"""Search logic with in-memory fakes: ranking, provider order and fallback, LLM candidates, imports."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from filmhub.core.entities import Film
from filmhub.films.importer import FilmImporter, external_film_id
from filmhub.films.ports import ExternalFilm, SourceHit, TitleCandidate
from filmhub.films.reader import FilmReader
from filmhub.films.search import FilmSearch, LocalFilmSource, rank, title_matches
from filmhub.films.text import query_tokens
from tests.support.fakes.films import InMemoryFilmRepository, InMemorySearchIndex, ScriptedProvider, ScriptedSuggester
from tests.support.fakes.table import MemoryTable


def film(title: str, year: int | None = None, description: str = "Описание.", film_id: str | None = None) -> Film:
    return Film(id=film_id or f"id-{title}-{year}", title=title, description=description, release_year=year)


def table_of(*films: Film) -> MemoryTable:
    """A table holding these films, indexed as seeding indexes them."""
    table = MemoryTable()
    for one in films:
        table.put_film(one)
    return table


def tmdb(title: str, year: int, tmdb_id: int) -> ExternalFilm:
    return ExternalFilm(provider="tmdb", film_type="movie", title=title, description="", release_year=year,
                        tmdb_id=tmdb_id, complete=False)  # fmt: skip


def search_over(
    table: MemoryTable, providers: Sequence[ScriptedProvider] = (),
    order: Sequence[str] = ("tmdb", "kinopoisk", "local"), suggester: ScriptedSuggester | None = None,
) -> FilmSearch:  # fmt: skip
    films = InMemoryFilmRepository(table)
    importer = FilmImporter(films, {provider.name: provider for provider in providers}, lambda: "now")
    local = LocalFilmSource(InMemorySearchIndex(table))
    return FilmSearch(local, providers, order, suggester, importer, FilmReader(films))


def titles(search: FilmSearch, title: str | None = None, description: str | None = None, limit: int = 10) -> list:
    return [(v.film.title, v.film.release_year) for v in search.search(title, description, limit, "user")]


def test_rank_by_matched_words_then_closest_title_then_newest() -> None:
    films = [film("Крёстный отец 2", 1974), film("Отец", 2020), film("Крёстный отец", 1972), film("Крёстный", 1999),
             film("Отцы и дети", 2000), film("Мать", 1990)]  # fmt: skip
    tokens = query_tokens("крестный ОТЕЦ")
    ranked = rank(films, lambda f: title_matches(f, tokens))
    assert [(f.title, f.release_year) for f in ranked] == [
        ("Крёстный отец", 1972),
        ("Крёстный отец 2", 1974),
        ("Отец", 2020),
        ("Крёстный", 1999),
    ]  # "Отцы" does not start with "отец"; "Мать" matches nothing


def test_local_search_alone_finds_prefixes_in_any_case() -> None:
    table = table_of(film("Побег из Шоушенка", 1994), film("Большой побег", 1963), film("Матрица", 1999))
    search = search_over(table)
    assert titles(search, "ПОБ") == [("Большой побег", 1963), ("Побег из Шоушенка", 1994)]
    assert titles(search, "Побег, из") == [("Побег из Шоушенка", 1994), ("Большой побег", 1963)]
    assert titles(search, "шоушенк", limit=1) == [("Побег из Шоушенка", 1994)]
    assert titles(search, "   ") == []
    assert (
        table.calls == ["index.postings", "films.get_many_with_flags"] * 3
    )  # postings, then films with the caller's flags; nothing for a blank one


def test_a_stale_posting_is_checked_against_the_film() -> None:
    renamed = film("Новое название", 2000)
    table = table_of(renamed)
    table.title_postings["старое"] = {renamed.id}
    assert titles(search_over(table), "старое") == []


def test_provider_results_come_in_configured_order_and_new_films_are_imported() -> None:
    local = film("Матрица: Воскрешение", 2021)
    table = table_of(local)
    provider = ScriptedProvider("tmdb", {"матрица": [tmdb("Матрица", 1999, 603)]})
    assert titles(search_over(table, [provider]), "матрица") == [("Матрица", 1999), ("Матрица: Воскрешение", 2021)]
    imported = external_film_id(tmdb("Матрица", 1999, 603))
    assert table.external_refs == {("tmdb", "movie", 603): imported}
    assert table.films[imported].film.title == "Матрица"
    assert provider.completed == [603]
    assert titles(search_over(table, [provider]), "матрица")[0] == ("Матрица", 1999)
    assert table.calls.count("films.create") == 1  # already imported: found by its id, not imported again


def test_local_first_when_configured() -> None:
    table = table_of(film("Матрица: Воскрешение", 2021))
    provider = ScriptedProvider("tmdb", {"матрица": [tmdb("Матрица", 1999, 603)]})
    search = search_over(table, [provider], order=["local", "tmdb"])
    assert titles(search, "матрица") == [("Матрица: Воскрешение", 2021), ("Матрица", 1999)]


def test_a_failing_provider_falls_back_to_the_next() -> None:
    table = table_of()
    down = ScriptedProvider("tmdb", fails=True)
    kinopoisk = ScriptedProvider("kinopoisk", {"амели": [tmdb("Амели", 2001, 194)]})
    assert titles(search_over(table, [down, kinopoisk]), "амели") == [("Амели", 2001)]


def test_a_provider_that_crashes_is_skipped() -> None:
    class Broken(ScriptedProvider):
        def search(self, queries: Sequence[str], limit: int) -> list[list[SourceHit] | None]:
            raise RuntimeError("bug")

    table = table_of(film("Амели", 2001))
    assert titles(search_over(table, [Broken("tmdb")]), "амели") == [("Амели", 2001)]


def test_a_provider_duplicate_of_a_local_film_is_not_imported() -> None:
    table = table_of(film("Амели", 2001))
    duplicate = ExternalFilm(provider="kinopoisk", film_type="movie", title="Амели", description="", release_year=2001,
                             kinopoisk_id=5)  # fmt: skip
    search = search_over(table, [ScriptedProvider("kinopoisk", {"амели": [duplicate]})], order=["kinopoisk", "local"])
    assert titles(search, "амели") == [("Амели", 2001)]
    assert "films.create" not in table.calls
    assert table.external_refs == {}


def test_llm_candidates_are_interleaved_by_confidence() -> None:
    table = table_of(film("Зелёная миля", 1999), film("Миля 22", 2018), film("Побег из Шоушенка", 1994),
                      film("Большой побег", 1963))  # fmt: skip
    suggester = ScriptedSuggester(
        [TitleCandidate("Зелёная миля", 1999, 0.3), TitleCandidate("Побег из Шоушенка", 1994, 0.9)]
    )
    search = search_over(table, suggester=suggester)
    assert titles(search, description="банкир в тюрьме") == [
        ("Побег из Шоушенка", 1994),
        ("Зелёная миля", 1999),
        ("Большой побег", 1963),
        ("Миля 22", 2018),
    ]
    assert table.calls == ["index.postings", "films.get_many_with_flags"]


def test_a_title_with_a_description_is_looked_up_first() -> None:
    table = table_of(film("Зелёная миля", 1999), film("Амели", 2001))
    search = search_over(table, suggester=ScriptedSuggester([TitleCandidate("Зелёная миля", 1999, 0.9)]))
    assert titles(search, "амели", "девушка в Париже")[0] == ("Амели", 2001)


def test_llm_candidate_year_picks_among_same_titles() -> None:
    provider = ScriptedProvider("tmdb", {"Дюна": [tmdb("Дюна", 1984, 1), tmdb("Дюна", 2021, 2)]})
    search = search_over(table_of(), [provider], suggester=ScriptedSuggester([TitleCandidate("Дюна", 2021, 0.8)]))
    assert titles(search, description="пустыня и черви") == [("Дюна", 2021), ("Дюна", 1984)]


@pytest.mark.parametrize("answer", [RuntimeError("LLM down"), []])
def test_without_llm_candidates_descriptions_are_matched_by_keywords(answer: object) -> None:
    table = table_of(
        film("Побег из Шоушенка", 1994, "Банкира осуждают. В тюрьме он готовит побег через тоннель."),
        film("Тоннель", 2016, "Мужчина застревает в обрушившемся тоннеле."),
        film("Амели", 2001, "Девушка в Париже помогает соседям."),
    )
    search = search_over(table, suggester=ScriptedSuggester(answer))  # type: ignore[arg-type]
    assert titles(search, description="банкир бежит из тюрьмы через тоннель") == [
        ("Побег из Шоушенка", 1994),
        ("Тоннель", 2016),
    ]
    assert table.calls == ["index.postings", "films.get_many_with_flags"]


def test_keyword_search_includes_the_title_words() -> None:
    table = table_of(film("Тоннель", 2016, "Мужчина застревает под землёй."))
    assert titles(search_over(table), "тоннель", "под землёй") == [("Тоннель", 2016)]


def test_limit_is_respected_and_ids_read_in_one_batch() -> None:
    table = table_of(*(film(f"Фильм {n}", 1900 + n) for n in range(150)))
    found = titles(search_over(table), "фильм", limit=50)
    assert len(found) == 50
    assert [year for _, year in found] == sorted((year for _, year in found), reverse=True)  # equal matches: newest
    assert table.calls == ["index.postings", "films.get_many_with_flags"]


def test_many_candidates_and_provider_results_still_read_films_in_one_batch() -> None:
    answers = {f"Кандидат {n}": [tmdb(f"Кандидат {n} часть {k}", 2000 + k, n * 100 + k) for k in range(60)]
               for n in range(5)}  # fmt: skip
    table = table_of(*(film(f"Кандидат {n} местный {k}", 1990) for n in range(5) for k in range(40)))
    suggester = ScriptedSuggester([TitleCandidate(title, None, 0.5) for title in answers])
    search = search_over(table, [ScriptedProvider("tmdb", answers)], suggester=suggester)
    assert len(titles(search, "кандидат", "много похожих фильмов", limit=50)) == 50
    reads = [call for call in table.calls if call != "films.create"]  # the imports write, one film each
    assert reads == ["index.postings", "films.get_many_with_flags"]  # one BatchGetItem: 100 keys at most
