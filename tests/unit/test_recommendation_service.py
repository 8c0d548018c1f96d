"""RecommendationService over the in-memory fakes: wish list first, exclusions, filters, discovery and its fallback."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

import pytest

from filmhub.catalog.service import CatalogService
from filmhub.core.entities import Film, FilmFlags, FilmType, Genre, ListType, Mood
from filmhub.core.errors import NotFound
from filmhub.films.importer import FilmImporter, external_film_id
from filmhub.films.ports import ExternalFilm
from filmhub.films.reader import FilmReader
from filmhub.recommendations.service import RECENT_SECONDS, RecommendationService
from tests.support.fakes.catalog import InMemoryCatalogRepository
from tests.support.fakes.clock import FrozenClock
from tests.support.fakes.films import InMemoryFilmRepository
from tests.support.fakes.recommendations import InMemoryRecommendationRepository, ScriptedDiscovery
from tests.support.fakes.table import MemoryTable
from tests.support.fakes.watchlists import InMemoryWatchlistRepository

USER = str(uuid.uuid4())
WESTERN, DRAMA, COMEDY = (Genre(str(uuid.uuid4()), name) for name in ("вестерн", "драма", "комедия"))
FUNNY = Mood(str(uuid.uuid4()), "Весёлое", genre_ids=(COMEDY.id,))


def film(film_type: FilmType = "movie", *genres: Genre) -> Film:
    return Film(id=str(uuid.uuid4()), title="Фильм", description="Описание.", genres=genres, film_type=film_type)


def discovered(tmdb_id: int, *genres: Genre) -> ExternalFilm:
    return ExternalFilm(provider="tmdb", film_type="movie", title=f"Открытие {tmdb_id}", description="Описание.",
                        genres=genres, tmdb_id=tmdb_id)  # fmt: skip


@dataclass
class World:
    table: MemoryTable = field(default_factory=lambda: MemoryTable(genres=[WESTERN, DRAMA, COMEDY], moods=[FUNNY]))
    clock: FrozenClock = field(default_factory=FrozenClock)
    discovery: list[ScriptedDiscovery] = field(default_factory=list)

    def catalog(self, *films: Film) -> None:
        for one in films:
            self.table.put_film(one)

    def flag(self, kind: ListType, *films: Film) -> None:
        for one in films:
            InMemoryWatchlistRepository(self.table).set_flag(USER, kind, one, self.clock.iso())

    def service(self, seed: int = 0) -> RecommendationService:
        films = InMemoryFilmRepository(self.table)
        reader = FilmReader(films)
        importer = FilmImporter(films, {}, self.clock.iso)
        return RecommendationService(
            InMemoryRecommendationRepository(self.table),
            CatalogService(InMemoryCatalogRepository(self.table), reader, 0),
            reader,
            discovery=self.discovery,
            import_external=importer.import_external if self.discovery else None,
            rng=random.Random(seed),
            clock=self.clock,
        )

    def recommend(
        self, mood_ids: tuple[str, ...] = (), genre_ids: tuple[str, ...] = (), film_type: FilmType | None = None
    ) -> Film:
        return self.service().recommend(USER, mood_ids, genre_ids, film_type).film

    @property
    def recorded(self) -> list[str]:
        return [film_id for user, film_id in self.table.recommended if user == USER]


@pytest.fixture
def world() -> World:
    return World()


def test_the_wish_list_comes_first_with_the_callers_flags(world: World) -> None:
    wished, other = film(), film()
    world.catalog(wished, other, *(film() for _ in range(10)))
    world.flag("wish", wished)
    world.flag("liked", wished)
    view = world.service().recommend(USER, (), (), None)
    assert view.film == wished
    assert view.flags == FilmFlags(is_liked=True, is_wish=True)
    assert world.recorded == [wished.id]
    assert world.table.calls.count("recommendations.sample") == 0  # the wish list answered: no sampling


def test_a_recommended_film_is_not_repeated_for_a_day(world: World) -> None:
    wished, other = film(), film()
    world.catalog(wished, other)
    world.flag("wish", wished)
    assert world.recommend() == wished
    assert world.recommend() == other  # the wish film is excluded for a day
    world.clock.advance(RECENT_SECONDS + 1)
    assert world.recommend() == wished


def test_watched_and_hidden_films_are_never_recommended(world: World) -> None:
    watched, hidden, left = film(), film(), film()
    world.catalog(watched, hidden, left)
    world.flag("wish", watched, hidden)
    world.flag("watched", watched)
    world.service().hide(USER, hidden.id)
    for seed in range(10):
        world.table.recommended.clear()
        assert world.service(seed).recommend(USER, (), (), None).film == left
    with pytest.raises(NotFound, match="Film not found"):
        world.service().hide(USER, str(uuid.uuid4()))


def test_genres_and_moods_filter_the_wish_list_and_the_catalog(world: World) -> None:
    western, comedy, drama = film("movie", WESTERN), film("movie", COMEDY), film("movie", DRAMA)
    world.catalog(western, comedy, drama)
    world.flag("wish", western, drama)
    assert world.recommend(genre_ids=(WESTERN.id,)) == western  # from the wish list
    assert world.recommend(mood_ids=(FUNNY.id,)) == comedy  # from the catalog: no wished comedy
    assert world.recommend(mood_ids=(FUNNY.id,), genre_ids=(DRAMA.id,)) == drama  # either


def test_the_type_filters_the_wish_list_and_the_catalog(world: World) -> None:
    wished_movie, series = film("movie"), film("tv")
    world.catalog(wished_movie, series, *(film("movie") for _ in range(5)))
    world.flag("wish", wished_movie)
    assert world.recommend(film_type="tv") == series
    assert world.recommend(film_type="movie") == wished_movie


def test_nothing_that_fits_is_404_and_records_nothing(world: World) -> None:
    world.catalog(film("movie", DRAMA), film("tv", WESTERN))
    with pytest.raises(NotFound, match="No suitable film found"):
        world.recommend(genre_ids=(WESTERN.id,), film_type="movie")
    with pytest.raises(NotFound, match="No suitable film found"):
        world.recommend(mood_ids=(FUNNY.id,))
    assert world.recorded == []


def test_discovery_imports_a_fresh_film_once(world: World) -> None:
    world.discovery.append(ScriptedDiscovery([discovered(603, WESTERN)]))
    world.catalog(film("movie", WESTERN))
    answer = world.recommend(genre_ids=(WESTERN.id,), film_type="movie")
    assert answer.id == external_film_id(discovered(603, WESTERN))
    assert world.table.films[answer.id].film == answer
    assert world.discovery[0].asked[0][:2] == (("вестерн",), "movie")
    assert world.recorded == [answer.id]


def test_a_failing_discovery_falls_back_to_the_local_catalog(world: World) -> None:
    world.discovery.append(ScriptedDiscovery(error=TimeoutError("TMDB is down")))
    local = film("movie", WESTERN)
    world.catalog(local)
    assert world.recommend(genre_ids=(WESTERN.id,)) == local
    assert len(world.discovery[0].asked) == 1
    assert world.table.external_refs == {}


def test_discovery_with_nothing_fresh_falls_back_to_the_local_catalog(world: World) -> None:
    seen = discovered(603, WESTERN)
    world.discovery.append(ScriptedDiscovery([seen, discovered(604)]))  # 604 has no genres: never an answer
    world.catalog(local := film("movie", WESTERN))
    world.table.hidden[USER, external_film_id(seen)] = world.clock.now
    assert world.recommend(genre_ids=(WESTERN.id,), film_type="movie") == local
