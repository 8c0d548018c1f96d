"""Mix curation over the in-memory fakes: create, edit, delete, and filling and ordering a mix."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from filmhub.catalog.curation import MixCuration
from filmhub.catalog.service import CatalogService
from filmhub.core.entities import Film, Gradient
from filmhub.core.errors import InvalidInput, NotFound
from filmhub.films.reader import FilmReader
from tests.support.fakes.catalog import InMemoryCatalogRepository, InMemoryMixRepository
from tests.support.fakes.clock import FrozenClock
from tests.support.fakes.films import InMemoryFilmRepository
from tests.support.fakes.palette import FixedGradients
from tests.support.fakes.table import MemoryTable

GIVEN = Gradient("#000000", "#111111", "#222222")


@dataclass
class World:
    table: MemoryTable
    clock: FrozenClock
    gradients: FixedGradients
    catalog: CatalogService
    curation: MixCuration

    def films(self, count: int) -> list[Film]:
        made = [Film(id=str(uuid.uuid4()), title=f"Фильм {n}", description="Описание.") for n in range(count)]
        for film in made:
            self.table.put_film(film)
        return made

    def film_ids(self, mix_id: str) -> list[str]:
        return [view.film.id for view in self.catalog.mix_films(mix_id, None)]


@pytest.fixture
def world() -> World:
    table, clock, gradients = MemoryTable(), FrozenClock(), FixedGradients()
    catalog = CatalogService(InMemoryCatalogRepository(table), FilmReader(InMemoryFilmRepository(table)), 60)
    return World(table, clock, gradients, catalog, MixCuration(InMemoryMixRepository(table), catalog, gradients, clock))


def test_a_new_mix_gets_a_picked_gradient_and_lists_after_the_older_ones(world: World) -> None:
    assert world.catalog.mixes() == []  # cached for a minute: creating must make it read again
    picked = world.curation.create("Зима", None)
    world.clock.advance()
    given = world.curation.create("Лето", GIVEN)
    assert (picked.gradient, given.gradient) == (world.gradients.gradient, GIVEN)
    assert world.gradients.titles == ["Зима"]  # a given gradient is used as it is
    assert picked.position == int(world.clock.now) - 1
    assert world.catalog.mixes() == [picked, given]


def test_an_edit_keeps_the_gradient_unless_one_is_given_and_a_missing_mix_is_404(world: World) -> None:
    mix = world.curation.create("Зима", GIVEN)
    renamed = world.curation.update(mix.id, "Зима близко", None)
    assert (renamed.title, renamed.gradient, renamed.position) == ("Зима близко", GIVEN, mix.position)
    recoloured = world.curation.update(mix.id, "Зима близко", world.gradients.gradient)
    assert world.catalog.mixes() == [recoloured]
    assert world.catalog.mix(mix.id).gradient == world.gradients.gradient
    with pytest.raises(NotFound, match="Mix not found"):
        world.curation.update(str(uuid.uuid4()), "Нет такого", None)


def test_a_deleted_mix_and_its_entries_are_gone(world: World) -> None:
    mix = world.curation.create("Зима", None)
    world.curation.add(mix.id, world.films(1)[0].id)
    assert world.catalog.mixes() == [mix]
    world.curation.delete(mix.id)
    assert world.catalog.mixes() == []
    with pytest.raises(NotFound, match="Mix not found"):
        world.catalog.mix_films(mix.id, None)
    assert (mix.id in world.table.mixes, mix.id in world.table.mix_entries) == (False, False)
    with pytest.raises(NotFound, match="Mix not found"):
        world.curation.delete(mix.id)


def test_films_are_added_in_order_once_each_and_removed(world: World) -> None:
    mix = world.curation.create("Зима", None)
    first, second, third = world.films(3)
    for film in (first, second, third, first):
        world.clock.advance(0.01)
        world.curation.add(mix.id, film.id)
    assert world.film_ids(mix.id) == [first.id, second.id, third.id]  # adding again keeps the first place
    world.curation.remove(mix.id, second.id)
    assert world.film_ids(mix.id) == [first.id, third.id]
    with pytest.raises(NotFound, match="Film not found in mix"):
        world.curation.remove(mix.id, second.id)


def test_adding_an_unknown_film_or_to_an_unknown_mix_is_404(world: World) -> None:
    mix = world.curation.create("Зима", None)
    [film] = world.films(1)
    with pytest.raises(NotFound, match="Film not found"):
        world.curation.add(mix.id, str(uuid.uuid4()))
    with pytest.raises(NotFound, match="Mix not found"):
        world.curation.add(str(uuid.uuid4()), film.id)
    assert world.table.mix_entries.get(mix.id, {}) == {}


def test_reorder_takes_exactly_the_mixs_films_once_each(world: World) -> None:
    mix = world.curation.create("Зима", None)
    first, second, third = world.films(3)
    for film in (first, second, third):
        world.clock.advance(0.01)
        world.curation.add(mix.id, film.id)
    world.curation.reorder(mix.id, [third.id, first.id, second.id])
    assert world.film_ids(mix.id) == [third.id, first.id, second.id]
    for bad in (
        [third.id, first.id],  # one missing
        [third.id, first.id, second.id, second.id],  # a duplicate
        [third.id, first.id, str(uuid.uuid4())],  # a film not in the mix
    ):
        with pytest.raises(InvalidInput, match="exactly the films of the mix"):
            world.curation.reorder(mix.id, bad)
    assert world.film_ids(mix.id) == [third.id, first.id, second.id]
    with pytest.raises(NotFound, match="Mix not found"):
        world.curation.reorder(str(uuid.uuid4()), [])
