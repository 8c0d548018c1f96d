"""The items the in-memory adapters share, as the DynamoDB adapters share one table (see TABLE.md)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeVar

from filmhub.accounts.ports import Account
from filmhub.core.entities import (
    AuthKey,
    Film,
    FilmFlags,
    FilmType,
    Genre,
    ListType,
    Mix,
    Mood,
    half_points_to_score,
)
from filmhub.films.index import description_tokens, title_tokens
from filmhub.films.ports import StoredFilm
from filmhub.limits.ports import CounterKey
from filmhub.ratings.ports import Review
from filmhub.sharing.ports import Share
from filmhub.watchlists.ports import Position, Watchlist

T = TypeVar("T")


class ConditionFailed(Exception):
    """A conditional write the DynamoDB adapter does not expect to fail (it lets the error propagate)."""


@dataclass
class FilmStateItem:
    """One user's state of one film: when it entered each built-in list, and what recommend filters on."""

    film_id: str
    genre_ids: frozenset[str]
    film_type: FilmType
    added_at: dict[ListType, str] = field(default_factory=dict)
    #: The user's score (× 2), copied from the rating item in the rating's transaction.
    my_half_points: int | None = None

    @property
    def flags(self) -> FilmFlags:
        return FilmFlags(
            is_liked="liked" in self.added_at,
            is_wish="wish" in self.added_at,
            is_watched="watched" in self.added_at,
            my_rating=None if self.my_half_points is None else half_points_to_score(self.my_half_points),
        )


@dataclass
class RatingItem:
    """One user's score and review of one film; deleted when neither is left."""

    half_points: int | None = None
    review: Review | None = None


@dataclass(frozen=True)
class ListEntryItem:
    added_at: str
    #: The list's owner, copied on the entry (a listing checks it without reading the header).
    owner_id: str
    #: The entry's place in an ordered list (None until the owner orders it, or when added later: the end).
    rank: int | None = None
    note: str | None = None


@dataclass
class MemoryTable:
    # films
    films: dict[str, StoredFilm] = field(default_factory=dict)
    #: (provider, film type, external id) → film id: at most one film per external reference.
    external_refs: dict[tuple[str, str, int], str] = field(default_factory=dict)
    title_postings: dict[str, set[str]] = field(default_factory=dict)
    description_postings: dict[str, set[str]] = field(default_factory=dict)
    #: (user id, film id) → the user's state of the film.
    states: dict[tuple[str, str], FilmStateItem] = field(default_factory=dict)
    #: (film id, user id) → the user's rating and review of the film.
    ratings: dict[tuple[str, str], RatingItem] = field(default_factory=dict)
    # watchlists
    lists: dict[str, Watchlist] = field(default_factory=dict)
    list_entries: dict[str, dict[str, ListEntryItem]] = field(default_factory=dict)
    #: Public links by slug.
    shares: dict[str, Share] = field(default_factory=dict)
    # catalog
    genres: list[Genre] = field(default_factory=list)
    moods: list[Mood] = field(default_factory=list)
    mixes: dict[str, Mix] = field(default_factory=dict)
    deleting_mixes: set[str] = field(default_factory=set)
    #: mix id → film id → position.
    mix_entries: dict[str, dict[str, int]] = field(default_factory=dict)
    # recommendations: (user id, film id) → when
    hidden: dict[tuple[str, str], float] = field(default_factory=dict)
    recommended: dict[tuple[str, str], float] = field(default_factory=dict)
    # accounts and limits
    accounts: dict[str, Account] = field(default_factory=dict)
    email_owners: dict[str, str] = field(default_factory=dict)
    telegram_owners: dict[int, str] = field(default_factory=dict)
    auth_keys: dict[str, AuthKey] = field(default_factory=dict)
    counters: Counter[CounterKey] = field(default_factory=Counter)
    #: Every round trip an adapter made, as "<feature>.<method>", in order.
    calls: list[str] = field(default_factory=list)

    def call(self, name: str, times: int = 1) -> None:
        self.calls.extend([name] * times)

    def put_film(self, film: Film) -> None:
        """Store a film with its index postings (what seeding writes), without logging a round trip."""
        self.films[film.id] = StoredFilm(film, revision=None)
        self.index(film, add=True)

    def index(self, film: Film, add: bool) -> None:
        """Add the film to (or drop it from) the postings of its title and description tokens."""
        for postings, tokens in (
            (self.title_postings, title_tokens(film)),
            (self.description_postings, description_tokens(film)),
        ):
            for token in tokens:
                if add:
                    postings.setdefault(token, set()).add(film.id)
                else:
                    postings.get(token, set()).discard(film.id)


def round_trips(keys: int, per_call: int) -> int:
    """How many batch calls read ``keys`` keys, ``per_call`` at a time (none for no keys)."""
    return math.ceil(keys / per_call)


def newest_first_page(rows: dict[str, T], start: Position, limit: int) -> tuple[list[T], Position]:
    """A descending Query's page over ``rows`` by sort key: at most ``limit`` of those after ``start``, and the
    position of the last one read when the limit was reached (as DynamoDB's LastEvaluatedKey: even if nothing
    follows)."""
    keys = sorted((key for key in rows if start is None or key < start["SK"]), reverse=True)[:limit]
    position = {"SK": keys[-1]} if len(keys) == limit else None
    return [rows[key] for key in keys], position
