"""WatchlistService over the in-memory fakes: custom and built-in lists, ownership, items, flags, paging."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from filmhub.accounts.ports import NewAccount
from filmhub.core.entities import Film, FilmFlags, User
from filmhub.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from filmhub.core.ids import builtin_list_id
from filmhub.films.reader import FilmReader
from filmhub.security.cursors import CursorCodec
from filmhub.watchlists.service import WatchlistService
from tests.support.fakes.accounts import InMemoryAccountRepository
from tests.support.fakes.clock import FrozenClock
from tests.support.fakes.films import InMemoryFilmRepository
from tests.support.fakes.palette import FixedGradients
from tests.support.fakes.table import MemoryTable
from tests.support.fakes.watchlists import InMemoryWatchlistRepository

ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())


@dataclass
class World:
    table: MemoryTable
    clock: FrozenClock
    gradients: FixedGradients
    service: WatchlistService

    def films(self, count: int) -> list[Film]:
        made = [Film(id=str(uuid.uuid4()), title=f"Фильм {n}", description="Описание.") for n in range(count)]
        for film in made:
            self.table.put_film(film)
        return made

    def add_in_order(self, user_id: str, ref: str, films: list[Film]) -> None:
        """Add the films one after the other, a second apart."""
        for film in films:
            self.clock.advance()
            self.service.add(user_id, ref, film.id)


@pytest.fixture
def world() -> World:
    table, clock, gradients = MemoryTable(), FrozenClock(), FixedGradients()
    accounts = InMemoryAccountRepository(table)
    for user_id in (ALICE, BOB):  # registration gives each user their three built-in lists
        accounts.create_account(NewAccount(User(user_id, "зритель", f"{user_id}@example.com"), clock.iso()), 0)
    films = FilmReader(InMemoryFilmRepository(table))
    service = WatchlistService(
        InMemoryWatchlistRepository(table),
        films,
        gradients,
        CursorCodec("cursor-secret-long-enough-for-a-key-0123"),
        clock=clock.iso,
    )
    table.calls.clear()
    return World(table, clock, gradients, service)


def titles(world: World, user_id: str, ref: str) -> list[str]:
    return [view.film.title for view in world.service.items(user_id, ref).films]


# --- lists ---------------------------------------------------------------------------------


def test_a_custom_list_is_created_renamed_and_deleted(world: World) -> None:
    created = world.service.create(ALICE, "С друзьями")
    assert (created.user_id, created.title, created.list_type) == (ALICE, "С друзьями", "custom")
    assert (created.gradient, world.gradients.titles) == (world.gradients.gradient, ["С друзьями"])
    assert created.created_at == world.clock.iso()
    assert world.service.custom_lists(ALICE) == [created]
    assert world.service.custom_lists(BOB) == []

    renamed = world.service.rename(ALICE, created.id, "Пересмотреть")
    assert renamed.title == "Пересмотреть"
    assert world.service.get(ALICE, created.id) == renamed

    [film] = world.films(1)
    world.service.add(ALICE, created.id, film.id)
    world.service.delete(ALICE, created.id)
    assert world.service.custom_lists(ALICE) == []
    assert created.id not in world.table.lists
    assert created.id not in world.table.list_entries
    with pytest.raises(NotFound, match="Watchlist not found"):
        world.service.get(ALICE, created.id)
    with pytest.raises(NotFound, match="Watchlist not found"):
        world.service.delete(ALICE, created.id)


def test_a_list_being_deleted_is_gone_at_once_and_a_repeat_finishes_the_delete(world: World) -> None:
    created = world.service.create(ALICE, "Старое")
    [film] = world.films(1)
    world.service.add(ALICE, created.id, film.id)
    InMemoryWatchlistRepository(world.table).mark_deleting(created)  # the delete was cut short here
    assert world.service.custom_lists(ALICE) == []
    for read in (world.service.get, world.service.items):
        with pytest.raises(NotFound):
            read(ALICE, created.id)
    with pytest.raises(NotFound):
        world.service.add(ALICE, created.id, film.id)
    world.service.delete(ALICE, created.id)
    assert created.id not in world.table.lists
    assert created.id not in world.table.list_entries


def test_built_in_lists_are_reached_by_kind_or_id_and_cannot_be_renamed_or_deleted(world: World) -> None:
    assert world.service.custom_lists(ALICE) == []  # the built-in ones are not custom
    for kind in ("liked", "wish", "watched"):
        by_kind = world.service.get(ALICE, kind)
        assert (by_kind.id, by_kind.list_type, by_kind.user_id) == (builtin_list_id(ALICE, kind), kind, ALICE)
        assert world.service.get(ALICE, by_kind.id) == by_kind
        with pytest.raises(Conflict, match="can't be renamed"):
            world.service.rename(ALICE, kind, "Другое")
        with pytest.raises(Conflict, match="can't be deleted"):
            world.service.delete(ALICE, by_kind.id)
    assert world.table.lists[builtin_list_id(ALICE, "liked")].title == "Мои любимые"


def test_another_users_list_is_forbidden_and_left_as_it_was(world: World) -> None:
    bobs = world.service.create(BOB, "Моё")
    [film] = world.films(1)
    world.service.add(BOB, bobs.id, film.id)
    bobs_liked = builtin_list_id(BOB, "liked")
    calls = [
        lambda ref: world.service.get(ALICE, ref),
        lambda ref: world.service.rename(ALICE, ref, "Взлом"),
        lambda ref: world.service.delete(ALICE, ref),
        lambda ref: world.service.items(ALICE, ref),
        lambda ref: world.service.add(ALICE, ref, film.id),
        lambda ref: world.service.remove(ALICE, ref, film.id),
    ]
    for call in calls:
        for ref in (bobs.id, bobs_liked):
            with pytest.raises(Forbidden, match="Watchlist is not yours"):
                call(ref)
    assert world.table.lists[bobs.id] == bobs
    assert list(world.table.list_entries[bobs.id]) == [film.id]
    assert world.table.states == {}


def test_unknown_and_malformed_list_ids(world: World) -> None:
    [film] = world.films(1)
    with pytest.raises(NotFound, match="Watchlist not found"):
        world.service.get(ALICE, str(uuid.uuid4()))
    with pytest.raises(NotFound, match="Watchlist not found"):
        world.service.add(ALICE, str(uuid.uuid4()), film.id)
    with pytest.raises(InvalidInput, match="Malformed watchlist id"):
        world.service.items(ALICE, "not-a-list")


# --- items and flags -----------------------------------------------------------------------


def test_items_come_newest_first_and_adding_again_keeps_the_first_date(world: World) -> None:
    watchlist = world.service.create(ALICE, "Кино")
    first, second, third = world.films(3)
    world.add_in_order(ALICE, watchlist.id, [first, second, third, first])
    assert titles(world, ALICE, watchlist.id) == [third.title, second.title, first.title]
    assert len(world.table.list_entries[watchlist.id]) == 3

    world.service.remove(ALICE, watchlist.id, second.id)
    assert titles(world, ALICE, watchlist.id) == [third.title, first.title]
    with pytest.raises(NotFound, match="Film not found in watchlist"):
        world.service.remove(ALICE, watchlist.id, second.id)
    with pytest.raises(NotFound, match="Film not found"):
        world.service.add(ALICE, watchlist.id, str(uuid.uuid4()))
    with pytest.raises(NotFound, match="Film not found"):
        world.service.add(ALICE, "liked", str(uuid.uuid4()))


def test_built_in_lists_by_kind_carry_every_flag_of_the_caller(world: World) -> None:
    liked_only, both = world.films(2)
    world.add_in_order(ALICE, "liked", [liked_only, both])
    world.add_in_order(ALICE, "wish", [both, both])
    liked = world.service.items(ALICE, "liked").films
    assert [(view.film.id, view.flags) for view in liked] == [
        (both.id, FilmFlags(is_liked=True, is_wish=True)),
        (liked_only.id, FilmFlags(is_liked=True)),
    ]
    wish_by_id = world.service.items(ALICE, builtin_list_id(ALICE, "wish")).films
    assert [view.film.id for view in wish_by_id] == [both.id]
    assert world.service.items(BOB, "liked").films == []  # flags are per user


def test_adding_to_a_built_in_list_by_id_sets_the_flag(world: World) -> None:
    [film] = world.films(1)
    world.service.add(ALICE, builtin_list_id(ALICE, "watched"), film.id)
    assert world.table.states[ALICE, film.id].flags == FilmFlags(is_watched=True)
    world.service.remove(ALICE, builtin_list_id(ALICE, "watched"), film.id)
    assert world.table.states[ALICE, film.id].flags == FilmFlags()


def test_clearing_one_flag_keeps_the_films_other_lists(world: World) -> None:
    [film] = world.films(1)
    world.add_in_order(ALICE, "liked", [film])
    world.add_in_order(ALICE, "wish", [film])
    world.service.remove(ALICE, "liked", film.id)
    assert titles(world, ALICE, "liked") == []
    assert [(view.film.id, view.flags) for view in world.service.items(ALICE, "wish").films] == [
        (film.id, FilmFlags(is_wish=True))
    ]
    with pytest.raises(NotFound, match="Film not found in watchlist"):
        world.service.remove(ALICE, "liked", film.id)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["custom", "wish"])
def test_pages_follow_cursors_to_the_end_within_the_call_budget(world: World, kind: str) -> None:
    ref = world.service.create(ALICE, "Длинный").id if kind == "custom" else "wish"
    films = world.films(5)
    world.add_in_order(ALICE, ref, films)
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        world.table.calls.clear()
        page = world.service.items(ALICE, ref, limit=2, cursor=cursor)
        assert len(world.table.calls) <= 3, world.table.calls
        pages.append([view.film.title for view in page.films])
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    newest_first = [film.title for film in reversed(films)]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]


def test_a_cursor_works_only_for_its_own_list_and_user(world: World) -> None:
    mine, other = world.service.create(ALICE, "Моё"), world.service.create(ALICE, "Другое")
    world.add_in_order(ALICE, mine.id, world.films(3))
    cursor = world.service.items(ALICE, mine.id, limit=1).next_cursor
    assert cursor is not None
    assert len(world.service.items(ALICE, mine.id, limit=1, cursor=cursor).films) == 1
    for user_id, ref, bad in (
        (ALICE, other.id, cursor),  # another list
        (BOB, "liked", cursor),  # another user
        (ALICE, mine.id, cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")),  # tampered
        (ALICE, mine.id, "garbage"),
    ):
        with pytest.raises(InvalidInput, match="Invalid cursor"):
            world.service.items(user_id, ref, limit=1, cursor=bad)
