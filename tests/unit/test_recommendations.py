"""Catalog sampling of recommendations, with in-memory indexes that behave like GSI5: films by type then id,
and genre memberships in their circular order."""

from __future__ import annotations

import random
import uuid
from collections.abc import Collection, Iterable, Sequence

import pytest

from filmhub.catalog.service import CatalogService
from filmhub.core.entities import Film, FilmFlags, FilmType, Genre, Mix, Mood
from filmhub.core.errors import NotFound
from filmhub.films.reader import FilmReader
from filmhub.recommendations.ports import SamplePivot, UserHistory
from filmhub.recommendations.service import RecommendationService

WESTERN, DRAMA = Genre(str(uuid.uuid4()), "вестерн"), Genre(str(uuid.uuid4()), "драма")
#: Small on purpose: one sample sees only part of a type, as a big catalog does.
SAMPLE_READ = 4


def film(film_type: FilmType, *genres: Genre) -> Film:
    return Film(id=str(uuid.uuid4()), title="Фильм", description="Описание.", genres=genres, film_type=film_type)


class FakeRecommendations:
    """GSI5: films by type then id; a sample reads SAMPLE_READ of them from the pivot on, or backwards
    from it, then filters on genre."""

    def __init__(
        self, films: Iterable[Film], excluded: Iterable[str] = (), listed_types: Collection[FilmType] = ()
    ) -> None:
        self.films = sorted(films, key=lambda one: (one.film_type, one.id))
        self.excluded = set(excluded)
        #: Types listed whole (as their type heads are while small); the others are sampled.
        self.listed_types = set(listed_types)
        self.samples: list[tuple[FilmType | None, SamplePivot, bool]] = []
        self.genre_samples: list[tuple[str, FilmType | None, SamplePivot]] = []
        self.recorded: list[str] = []

    def history(self, user_id: str, recent_since: float) -> UserHistory:
        return UserHistory(excluded=set(self.excluded))

    def sample(
        self, film_type: FilmType | None, genre_ids: Collection[str], pivot: SamplePivot, after: bool
    ) -> list[Film]:
        self.samples.append((film_type, pivot, after))
        in_range = [
            one
            for one in self.films
            if film_type in (None, one.film_type) and ((one.film_type, one.id) >= pivot) == after
        ]
        read = in_range[:SAMPLE_READ] if after else in_range[::-1][:SAMPLE_READ]
        return [one for one in read if not genre_ids or {genre.id for genre in one.genres} & set(genre_ids)]

    def small_types(self) -> dict[FilmType, frozenset[str]]:
        kinds = self.listed_types
        return {kind: frozenset(one.id for one in self.films if one.film_type == kind) for kind in kinds}

    def genre_sample(self, genre_id: str, film_type: FilmType | None, pivot: SamplePivot) -> list[str]:
        """Like the memberships' GSI5 partition: ``(type, copy, id)`` for copies 0 and 1 of each film."""
        self.genre_samples.append((genre_id, film_type, pivot))
        members = [one for one in self.films if genre_id in {genre.id for genre in one.genres}]
        circle = sorted((one.film_type, copy, one.id) for one in members for copy in (0, 1))
        pivot_type, pivot_id = pivot
        if film_type is not None:
            read = [key for key in circle if (film_type, 0, pivot_id) <= key <= (film_type, 1, pivot_id)]
        elif pivot_type == "movie":
            read = [key for key in circle if key >= (pivot_type, 0, pivot_id)]
        else:
            read = [key for key in reversed(circle) if key <= (pivot_type, 1, pivot_id)]
        return list(dict.fromkeys(film_id for _, _, film_id in read[:SAMPLE_READ]))

    def record(self, user_id: str, film: Film, now: float) -> None:
        self.recorded.append(film.id)

    def hide(self, user_id: str, film_id: str, now: float) -> None: ...

    def unhide(self, user_id: str, film_id: str) -> None: ...


class FakeCatalog:
    def genres_and_moods(self) -> tuple[list[Genre], list[Mood]]:
        return [WESTERN, DRAMA], []

    def mixes(self) -> list[Mix]:
        return []

    def mix_with_film_ids(self, mix_id: str) -> tuple[Mix, list[str]] | None:
        return None

    def mix(self, mix_id: str) -> Mix | None:
        return None


class Films:
    def __init__(self, films: Iterable[Film] = ()) -> None:
        self.films = {one.id: one for one in films}

    def get(self, film_id: str) -> Film | None:
        return self.films.get(film_id)

    def get_many(self, film_ids: Sequence[str]) -> dict[str, Film]:
        return {}

    def get_many_with_flags(
        self, film_ids: Sequence[str], user_id: str
    ) -> tuple[dict[str, Film], dict[str, FilmFlags]]:
        return {}, {}

    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        return {}


def service(repository: FakeRecommendations, seed: int) -> RecommendationService:
    views = FilmReader(Films(repository.films))
    return RecommendationService(repository, CatalogService(FakeCatalog(), views, 0), views, rng=random.Random(seed))


@pytest.mark.parametrize("seed", range(40))
def test_a_typed_request_finds_the_only_match_wherever_the_random_start_falls(seed: int) -> None:
    match = film("tv", WESTERN)
    others = [film("tv", DRAMA) for _ in range(SAMPLE_READ - 1)] + [film("movie", WESTERN) for _ in range(9)]
    repository = FakeRecommendations([match, *others])
    answer = service(repository, seed).recommend("u", [], [WESTERN.id], "tv")
    assert answer.film == match
    assert len(repository.samples) + len(repository.genre_samples) <= 2
    assert repository.recorded == [match.id]


@pytest.mark.parametrize("seed", range(40))
def test_a_request_of_either_type_finds_a_genre_only_series_have(seed: int) -> None:
    match = film("tv", WESTERN)
    repository = FakeRecommendations([match, *(film("movie", DRAMA) for _ in range(SAMPLE_READ - 2))])
    assert service(repository, seed).recommend("u", [], [WESTERN.id], None).film == match
    assert len(repository.samples) + len(repository.genre_samples) <= 2


@pytest.mark.parametrize("movie_type", ["movie", None])
def test_a_rare_genre_is_found_from_any_random_point(movie_type: FilmType | None) -> None:
    rare = [film("movie", WESTERN) for _ in range(2)]
    watched = rare[0]
    repository = FakeRecommendations([*rare, *(film("movie", DRAMA) for _ in range(500)), film("tv", DRAMA)])
    repository.excluded = {watched.id}
    for seed in range(40):
        assert service(repository, seed).recommend("u", [], [WESTERN.id], movie_type).film == rare[1]
    assert repository.samples == []  # the genre's own order always reached it


def test_unknown_genre_and_mood_ids_add_nothing() -> None:
    western, drama = film("movie", WESTERN), film("movie", DRAMA)
    repository = FakeRecommendations([western, drama])
    unknown = str(uuid.uuid4())
    for seed in range(10):
        assert service(repository, seed).recommend("u", [unknown], [unknown, WESTERN.id], "movie").film == western
    with pytest.raises(NotFound, match="No suitable film found"):
        service(repository, seed=1).recommend("u", [unknown], [unknown], "movie")
    with pytest.raises(NotFound, match="No suitable film found"):
        service(repository, seed=1).recommend("u", [unknown], [], None)


@pytest.mark.parametrize("movie_type", ["movie", None])
def test_the_second_sample_reads_what_the_first_one_skipped(movie_type: FilmType | None) -> None:
    repository = FakeRecommendations([film("movie") for _ in range(3)] + [film("tv")])
    repository.excluded = {one.id for one in repository.films}
    with pytest.raises(NotFound, match="No suitable film found"):
        service(repository, seed=1).recommend("u", [], [], movie_type)
    assert [(film_type, after) for film_type, _, after in repository.samples] == [
        (movie_type, True),
        (movie_type, False),
    ]
    assert repository.samples[0][1] == repository.samples[1][1]  # one random point: together they cover all
    assert repository.recorded == []


def test_excluded_films_are_never_the_answer() -> None:
    films = [film("movie", DRAMA) for _ in range(SAMPLE_READ)]
    repository = FakeRecommendations(films, excluded=[one.id for one in films[1:]])
    for seed in range(20):
        assert service(repository, seed).recommend("u", [], [], "movie").film == films[0]


@pytest.mark.parametrize("movie_type", ["tv", None])
def test_types_listed_whole_give_any_fresh_film_of_them_without_sampling(movie_type: FilmType | None) -> None:
    series = [film("tv") for _ in range(30)]
    repository = FakeRecommendations([*series, film("movie")], listed_types={"tv", "movie"})
    repository.excluded = {one.id for one in series[1:]}
    answers = {service(repository, seed).recommend("u", [], [], movie_type).film for seed in range(40)}
    movie = repository.films[0]
    # The one fresh series whatever the draw (a sample of SAMPLE_READ films could miss it), and the movie
    # too when either type will do.
    assert answers == ({series[0]} if movie_type == "tv" else {series[0], movie})
    assert repository.samples == []
    repository.excluded |= {one.id for one in repository.films}
    with pytest.raises(NotFound, match="No suitable film found"):
        service(repository, seed=1).recommend("u", [], [], movie_type)
    assert repository.samples == []  # nothing fresh in the lists is the answer: no sample needed


def test_either_type_is_sampled_when_one_type_is_not_listed() -> None:
    repository = FakeRecommendations([film("tv"), *(film("movie") for _ in range(9))], listed_types={"tv"})
    assert service(repository, seed=3).recommend("u", [], [], None).film in repository.films
    assert [film_type for film_type, _, _ in repository.samples][:1] == [None]
