"""Search logic with in-memory fakes: ranking, provider order and fallback, LLM candidates, imports."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import pytest

from filmhub.core.entities import Film, FilmFlags
from filmhub.films import search_index
from filmhub.films.importer import FilmImporter, external_film_id
from filmhub.films.ports import ExternalFilm, ExternalRef, Postings, SourceHit, TitleCandidate
from filmhub.films.reader import FilmReader
from filmhub.films.search import (
    MAX_BATCH_KEYS,
    MAX_KEYWORD_STEMS,
    FilmSearch,
    LocalFilmSource,
    external_hit,
    rank,
    title_matches,
)
from filmhub.films.text import index_tokens, keywords, query_tokens


def film(title: str, year: int | None = None, description: str = "Описание.", film_id: str | None = None) -> Film:
    return Film(id=film_id or f"id-{title}-{year}", title=title, description=description, release_year=year)


class Catalog:
    """Films, their title/description postings, and the writes an import makes."""

    def __init__(self, *films: Film) -> None:
        self.films: dict[str, Film] = {}
        self.titles: dict[str, set[str]] = {}
        self.descriptions: dict[str, set[str]] = {}
        self.created: list[tuple[str, ExternalRef | None]] = []
        self.reads = 0
        for one in films:
            self.add(one)

    def add(self, one: Film) -> None:
        self.films[one.id] = one
        for token in index_tokens(one.title):
            self.titles.setdefault(token, set()).add(one.id)
        for stem in keywords(one.description):
            self.descriptions.setdefault(stem, set()).add(one.id)

    # SearchIndex
    def postings(self, title_tokens: Collection[str], description_tokens: Collection[str]) -> Postings:
        self.reads += 1
        return Postings(
            {t: dict.fromkeys(self.titles[t], 0) for t in title_tokens if t in self.titles},
            {t: dict.fromkeys(self.descriptions[t], 0) for t in description_tokens if t in self.descriptions},
        )

    # FilmRepository
    def get(self, film_id: str) -> Film | None:
        return self.films.get(film_id)

    def get_many(self, film_ids: Sequence[str]) -> dict[str, Film]:
        self.reads += 1
        assert len(film_ids) <= 100, "one BatchGetItem"
        return {i: self.films[i] for i in film_ids if i in self.films}

    def get_many_with_flags(
        self, film_ids: Sequence[str], user_id: str
    ) -> tuple[dict[str, Film], dict[str, FilmFlags]]:
        self.reads += 1
        assert 2 * len(film_ids) <= 100, "films and flags in one BatchGetItem"
        return {i: self.films[i] for i in film_ids if i in self.films}, {}

    # FilmRepository
    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        self.reads += 1
        return {}

    # FilmRepository (only what search uses)
    def create(self, new: Film, created_at: str, external: ExternalRef | None = None) -> bool:
        self.created.append((new.id, external))
        if new.id in self.films:
            return False
        self.films[new.id] = new
        return True


@dataclass
class Provider:
    name: str
    answers: dict[str, list[ExternalFilm]] = field(default_factory=dict)
    fails: bool = False
    completed: list[int | None] = field(default_factory=list)

    def search(self, queries: Sequence[str], limit: int) -> list[list[SourceHit] | None]:
        if self.fails:
            return [None for _ in queries]
        return [[external_hit(f) for f in self.answers.get(q, [])][:limit] for q in queries]

    def complete(self, external: ExternalFilm) -> ExternalFilm:
        self.completed.append(external.tmdb_id)
        return external


def tmdb(title: str, year: int, tmdb_id: int) -> ExternalFilm:
    return ExternalFilm(provider="tmdb", film_type="movie", title=title, description="", release_year=year,
                        tmdb_id=tmdb_id, complete=False)  # fmt: skip


@dataclass
class Suggester:
    candidates: list[TitleCandidate] | Exception

    def suggest(self, description: str, title: str | None, limit: int) -> list[TitleCandidate]:
        if isinstance(self.candidates, Exception):
            raise self.candidates
        return self.candidates


def search_over(
    catalog: Catalog, providers: Sequence[Provider] = (), order: Sequence[str] = ("tmdb", "kinopoisk", "local"),
    suggester: Suggester | None = None,
) -> FilmSearch:  # fmt: skip
    importer = FilmImporter(catalog, {provider.name: provider for provider in providers}, lambda: "now")  # type: ignore[arg-type]
    return FilmSearch(LocalFilmSource(catalog), providers, order, suggester, importer, FilmReader(catalog))  # type: ignore[arg-type]


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
    catalog = Catalog(film("Побег из Шоушенка", 1994), film("Большой побег", 1963), film("Матрица", 1999))
    search = search_over(catalog)
    assert titles(search, "ПОБ") == [("Большой побег", 1963), ("Побег из Шоушенка", 1994)]
    assert titles(search, "Побег, из") == [("Побег из Шоушенка", 1994), ("Большой побег", 1963)]
    assert titles(search, "шоушенк", limit=1) == [("Побег из Шоушенка", 1994)]
    assert titles(search, "   ") == []
    assert catalog.reads == 2 * 3  # postings, then films with the caller's flags, per search; nothing for a blank one


def test_a_stale_posting_is_checked_against_the_film() -> None:
    renamed = film("Новое название", 2000)
    catalog = Catalog(renamed)
    catalog.titles["старое"] = {renamed.id}
    assert titles(search_over(catalog), "старое") == []


def test_provider_results_come_in_configured_order_and_new_films_are_imported() -> None:
    local = film("Матрица: Воскрешение", 2021)
    catalog = Catalog(local)
    provider = Provider("tmdb", {"матрица": [tmdb("Матрица", 1999, 603)]})
    assert titles(search_over(catalog, [provider]), "матрица") == [("Матрица", 1999), ("Матрица: Воскрешение", 2021)]
    assert catalog.created == [(external_film_id(tmdb("Матрица", 1999, 603)), ExternalRef("tmdb", 603))]
    assert provider.completed == [603]
    assert titles(search_over(catalog, [provider]), "матрица")[0] == ("Матрица", 1999)
    assert len(catalog.created) == 1  # already imported: found by its id, not imported again


def test_local_first_when_configured() -> None:
    catalog = Catalog(film("Матрица: Воскрешение", 2021))
    provider = Provider("tmdb", {"матрица": [tmdb("Матрица", 1999, 603)]})
    search = search_over(catalog, [provider], order=["local", "tmdb"])
    assert titles(search, "матрица") == [("Матрица: Воскрешение", 2021), ("Матрица", 1999)]


def test_a_failing_provider_falls_back_to_the_next() -> None:
    catalog = Catalog()
    down = Provider("tmdb", fails=True)
    kinopoisk = Provider("kinopoisk", {"амели": [tmdb("Амели", 2001, 194)]})
    assert titles(search_over(catalog, [down, kinopoisk]), "амели") == [("Амели", 2001)]


def test_a_provider_that_crashes_is_skipped() -> None:
    class Broken(Provider):
        def search(self, queries: Sequence[str], limit: int) -> list[list[SourceHit] | None]:
            raise RuntimeError("bug")

    catalog = Catalog(film("Амели", 2001))
    assert titles(search_over(catalog, [Broken("tmdb")]), "амели") == [("Амели", 2001)]


def test_a_provider_duplicate_of_a_local_film_is_not_imported() -> None:
    catalog = Catalog(film("Амели", 2001))
    duplicate = ExternalFilm(provider="kinopoisk", film_type="movie", title="Амели", description="", release_year=2001,
                             kinopoisk_id=5)  # fmt: skip
    search = search_over(catalog, [Provider("kinopoisk", {"амели": [duplicate]})], order=["kinopoisk", "local"])
    assert titles(search, "амели") == [("Амели", 2001)]
    assert catalog.created == []


def test_llm_candidates_are_interleaved_by_confidence() -> None:
    catalog = Catalog(film("Зелёная миля", 1999), film("Миля 22", 2018), film("Побег из Шоушенка", 1994),
                      film("Большой побег", 1963))  # fmt: skip
    suggester = Suggester([TitleCandidate("Зелёная миля", 1999, 0.3), TitleCandidate("Побег из Шоушенка", 1994, 0.9)])
    search = search_over(catalog, suggester=suggester)
    assert titles(search, description="банкир в тюрьме") == [
        ("Побег из Шоушенка", 1994),
        ("Зелёная миля", 1999),
        ("Большой побег", 1963),
        ("Миля 22", 2018),
    ]
    assert catalog.reads == 2  # postings, then films with the caller's flags


def test_a_title_with_a_description_is_looked_up_first() -> None:
    catalog = Catalog(film("Зелёная миля", 1999), film("Амели", 2001))
    search = search_over(catalog, suggester=Suggester([TitleCandidate("Зелёная миля", 1999, 0.9)]))
    assert titles(search, "амели", "девушка в Париже")[0] == ("Амели", 2001)


def test_llm_candidate_year_picks_among_same_titles() -> None:
    provider = Provider("tmdb", {"Дюна": [tmdb("Дюна", 1984, 1), tmdb("Дюна", 2021, 2)]})
    search = search_over(Catalog(), [provider], suggester=Suggester([TitleCandidate("Дюна", 2021, 0.8)]))
    assert titles(search, description="пустыня и черви") == [("Дюна", 2021), ("Дюна", 1984)]


@pytest.mark.parametrize("answer", [RuntimeError("LLM down"), []])
def test_without_llm_candidates_descriptions_are_matched_by_keywords(answer: object) -> None:
    catalog = Catalog(
        film("Побег из Шоушенка", 1994, "Банкира осуждают. В тюрьме он готовит побег через тоннель."),
        film("Тоннель", 2016, "Мужчина застревает в обрушившемся тоннеле."),
        film("Амели", 2001, "Девушка в Париже помогает соседям."),
    )
    search = search_over(catalog, suggester=Suggester(answer))  # type: ignore[arg-type]
    assert titles(search, description="банкир бежит из тюрьмы через тоннель") == [
        ("Побег из Шоушенка", 1994),
        ("Тоннель", 2016),
    ]
    assert catalog.reads == 2  # postings, then films with the caller's flags


def test_keyword_search_includes_the_title_words() -> None:
    catalog = Catalog(film("Тоннель", 2016, "Мужчина застревает под землёй."))
    assert titles(search_over(catalog), "тоннель", "под землёй") == [("Тоннель", 2016)]


def test_limit_is_respected_and_ids_read_in_one_batch() -> None:
    catalog = Catalog(*(film(f"Фильм {n}", 1900 + n) for n in range(150)))
    found = titles(search_over(catalog), "фильм", limit=50)
    assert len(found) == 50
    assert [year for _, year in found] == sorted((year for _, year in found), reverse=True)  # equal matches: newest
    assert catalog.reads == 2  # postings, then films with the caller's flags


def test_many_candidates_and_provider_results_still_read_films_in_one_batch() -> None:
    answers = {f"Кандидат {n}": [tmdb(f"Кандидат {n} часть {k}", 2000 + k, n * 100 + k) for k in range(60)]
               for n in range(5)}  # fmt: skip
    catalog = Catalog(*(film(f"Кандидат {n} местный {k}", 1990) for n in range(5) for k in range(40)))
    suggester = Suggester([TitleCandidate(title, None, 0.5) for title in answers])
    search = search_over(catalog, [Provider("tmdb", answers)], suggester=suggester)
    assert len(titles(search, "кандидат", "много похожих фильмов", limit=50)) == 50
    assert catalog.reads == 2  # postings, films with flags (the fake refuses more than 100 keys)


def test_a_keyword_search_reads_every_stem_it_looks_up_in_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each stem is a title token (3 shards) and a description stem (1 head): 25 stems fill the 100 keys of one
    # BatchGetItem, the first ones of the text first, none dropped for lack of room.
    text = " ".join(f"слово{chr(ord('а') + n)}{chr(ord('а') + m)}" for n in range(8) for m in range(6))
    read: list[str] = []

    def read_heads(partitions: Iterable[str]) -> dict[str, dict[str, int]]:
        read.extend(partitions)
        return {}

    monkeypatch.setattr(search_index, "read_heads", read_heads)
    LocalFilmSource(search_index.DynamoSearchIndex()).keyword_search(text, 10)
    stems = keywords(text)[:MAX_KEYWORD_STEMS]
    assert len(read) <= MAX_BATCH_KEYS
    assert {partition for partition in read if partition.startswith("DW#")} == {f"DW#{stem}" for stem in stems}
