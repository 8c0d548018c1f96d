"""RatingService over the in-memory fakes: scores beside the flags, one review per user, reviews newest first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from filmhub.accounts.ports import NewAccount
from filmhub.core.entities import Film, User
from filmhub.core.errors import NotFound, UnknownCaller
from filmhub.films.reader import FilmReader
from filmhub.ratings.service import RatingService
from filmhub.security.cursors import CursorCodec
from tests.support.fakes.accounts import InMemoryAccountRepository
from tests.support.fakes.clock import FrozenClock
from tests.support.fakes.films import InMemoryFilmRepository
from tests.support.fakes.ratings import InMemoryRatingRepository
from tests.support.fakes.table import MemoryTable

ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())
FILM = Film(id=str(uuid.uuid4()), title="Сталкер", description="Зона.")


@dataclass
class World:
    table: MemoryTable
    clock: FrozenClock
    service: RatingService


@pytest.fixture
def world() -> World:
    table, clock = MemoryTable(), FrozenClock()
    accounts = InMemoryAccountRepository(table)
    for user_id, name in ((ALICE, "алиса"), (BOB, "боб")):
        accounts.create_account(NewAccount(User(user_id, name, f"{user_id}@example.com"), clock.iso()), 0)
    table.put_film(FILM)
    codec = CursorCodec("rating-test-secret-long-enough-0123456789")
    return World(table, clock, RatingService(InMemoryRatingRepository(table), codec, clock=clock.iso))


def test_a_score_is_the_callers_own_and_shows_with_the_films_flags(world: World) -> None:
    assert world.service.rate(ALICE, FILM.id, 4.5).flags.my_rating == 4.5
    reader = FilmReader(InMemoryFilmRepository(world.table))
    assert reader.page([FILM.id], ALICE)[0].flags.my_rating == 4.5
    assert reader.page([FILM.id], BOB)[0].flags.my_rating is None
    world.service.rate(ALICE, FILM.id, 2.0)
    assert reader.page([FILM.id], ALICE)[0].flags.my_rating == 2.0


def test_rating_an_unknown_film_or_removing_an_absent_score_is_not_found(world: World) -> None:
    with pytest.raises(NotFound, match="Film not found"):
        world.service.rate(ALICE, str(uuid.uuid4()), 3.0)
    with pytest.raises(NotFound, match="Rating not found"):
        world.service.unrate(ALICE, FILM.id)


def test_removing_the_score_keeps_the_review_and_the_review_then_has_no_score(world: World) -> None:
    world.service.rate(ALICE, FILM.id, 5.0)
    world.service.review(ALICE, FILM.id, "Шедевр", spoiler=False)
    world.service.unrate(ALICE, FILM.id)
    [review] = world.service.reviews(FILM.id).reviews
    assert (review.text, review.score, review.username) == ("Шедевр", None, "алиса")
    world.service.delete_review(ALICE, FILM.id)
    assert world.service.reviews(FILM.id).reviews == []
    with pytest.raises(NotFound, match="Review not found"):
        world.service.delete_review(ALICE, FILM.id)


def test_an_edited_review_keeps_its_first_date_and_moves_to_the_top(world: World) -> None:
    first = world.service.review(ALICE, FILM.id, "Сначала", spoiler=False)
    world.clock.advance()
    world.service.review(BOB, FILM.id, "Потом", spoiler=True)
    world.clock.advance()
    edited = world.service.review(ALICE, FILM.id, "Исправлено", spoiler=False)
    assert (edited.created_at, edited.updated_at > first.updated_at) == (first.created_at, True)
    assert [r.text for r in world.service.reviews(FILM.id).reviews] == ["Исправлено", "Потом"]


def test_reviews_page_newest_first_with_a_cursor(world: World) -> None:
    authors = [str(uuid.uuid4()) for _ in range(5)]
    accounts = InMemoryAccountRepository(world.table)
    for n, user_id in enumerate(authors):
        accounts.create_account(NewAccount(User(user_id, f"критик{n}", None), world.clock.iso()), 0)
        world.clock.advance()
        world.service.review(user_id, FILM.id, f"Отзыв {n}", spoiler=False)
    first = world.service.reviews(FILM.id, limit=3)
    rest = world.service.reviews(FILM.id, limit=3, cursor=first.next_cursor)
    assert [r.text for r in first.reviews + rest.reviews] == [f"Отзыв {n}" for n in reversed(range(5))]
    assert rest.next_cursor is None


def test_a_review_needs_an_existing_film_and_author(world: World) -> None:
    with pytest.raises(NotFound, match="Film not found"):
        world.service.review(ALICE, str(uuid.uuid4()), "?", spoiler=False)
    with pytest.raises(UnknownCaller):
        world.service.review(str(uuid.uuid4()), FILM.id, "?", spoiler=False)
