"""Catalog sampling of recommendations, over the in-memory sampling index that reads like GSI5."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable

import pytest

from filmhub.catalog.service import CatalogService
from filmhub.core.entities import Film, FilmType, Genre
from filmhub.core.errors import NotFound
from filmhub.films.reader import FilmReader
from filmhub.recommendations.service import RecommendationService
from tests.support.fakes.catalog import InMemoryCatalogRepository
from tests.support.fakes.films import InMemoryFilmRepository
from tests.support.fakes.recommendations import InMemoryRecommendationRepository
from tests.support.fakes.table import MemoryTable

WESTERN, DRAMA = Genre(str(uuid.uuid4()), "вестерн"), Genre(str(uuid.uuid4()), "драма")
#: Small on purpose: one sample sees only part of a type, as a big catalog does.
SAMPLE_READ = 4


def film(film_type: FilmType, *genres: Genre) -> Film:
    return Film(id=str(uuid.uuid4()), title="Фильм", description="Описание.", genres=genres, film_type=film_type)


class SampledCatalog:
    """Films in a memory table, sampled SAMPLE_READ at a time; the ``excluded`` ones hidden by the user "u"."""

    def __init__(self, films: Iterable[Film], excluded: Iterable[Film] = ()) -> None:
        self.table = MemoryTable(genres=[WESTERN, DRAMA])
        for one in films:
            self.table.put_film(one)
        for one in excluded:
            self.table.hidden["u", one.id] = 0.0
        self.repository = InMemoryRecommendationRepository(self.table, sample_read=SAMPLE_READ)

    def service(self, seed: int) -> RecommendationService:
        views = FilmReader(InMemoryFilmRepository(self.table))
        catalog = CatalogService(InMemoryCatalogRepository(self.table), views, 0)
        return RecommendationService(self.repository, catalog, views, rng=random.Random(seed))

    @property
    def recorded(self) -> list[str]:
        return [film_id for _, film_id in self.table.recommended]


@pytest.mark.parametrize("seed", range(40))
def test_a_typed_request_finds_the_only_match_wherever_the_random_start_falls(seed: int) -> None:
    match = film("tv", WESTERN)
    others = [film("tv", DRAMA) for _ in range(SAMPLE_READ - 1)] + [film("movie", WESTERN) for _ in range(9)]
    catalog = SampledCatalog([match, *others])
    answer = catalog.service(seed).recommend("u", [], [WESTERN.id], "tv")
    assert answer.film == match
    assert len(catalog.repository.samples) <= 2
    assert catalog.recorded == [match.id]


@pytest.mark.parametrize("seed", range(40))
def test_a_request_of_either_type_finds_a_genre_only_series_have(seed: int) -> None:
    match = film("tv", WESTERN)
    catalog = SampledCatalog([match, *(film("movie", DRAMA) for _ in range(SAMPLE_READ - 2))])
    assert catalog.service(seed).recommend("u", [], [WESTERN.id], None).film == match
    assert len(catalog.repository.samples) <= 2


@pytest.mark.parametrize("movie_type", ["movie", None])
def test_the_second_sample_reads_what_the_first_one_skipped(movie_type: FilmType | None) -> None:
    films = [film("movie") for _ in range(3)] + [film("tv")]
    catalog = SampledCatalog(films, excluded=films)
    with pytest.raises(NotFound, match="No suitable film found"):
        catalog.service(seed=1).recommend("u", [], [], movie_type)
    samples = catalog.repository.samples
    assert [(film_type, after) for film_type, _, after in samples] == [
        (movie_type, True),
        (movie_type, False),
    ]
    assert samples[0][1] == samples[1][1]  # one random point: together they cover all
    assert catalog.recorded == []


def test_excluded_films_are_never_the_answer() -> None:
    films = [film("movie", DRAMA) for _ in range(SAMPLE_READ)]
    for seed in range(20):
        catalog = SampledCatalog(films, excluded=films[1:])  # afresh: an answer is excluded for a day after
        assert catalog.service(seed).recommend("u", [], [], "movie").film == films[0]
