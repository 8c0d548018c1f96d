"""Plain domain objects returned by repositories and services (no framework types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

FilmType = Literal["movie", "tv"]
ListType = Literal["liked", "wish", "watched", "custom"]
Role = Literal["user", "admin"]
BUILTIN_LIST_TYPES: tuple[ListType, ...] = ("liked", "wish", "watched")


@dataclass(frozen=True)
class Genre:
    id: str
    name: str


@dataclass(frozen=True)
class Mood:
    id: str
    name: str
    genre_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gradient:
    color1: str
    color2: str
    color3: str


@dataclass(frozen=True)
class Mix:
    id: str
    title: str
    gradient: Gradient
    position: int = 0


#: A score is 0.5 to 5.0 in steps of 0.5; stored and summed as whole half-points (1 to 10) so sums stay exact.
MIN_HALF_POINTS, MAX_HALF_POINTS = 1, 10


def score_to_half_points(score: float) -> int:
    return round(score * 2)


def half_points_to_score(half_points: int) -> float:
    return half_points / 2


@dataclass(frozen=True)
class RatingSummary:
    """Every user's ratings of a film: their count and their sum in half-points (kept by the stream aggregator)."""

    count: int = 0
    half_point_sum: int = 0

    @property
    def average(self) -> float | None:
        return round(self.half_point_sum / self.count / 2, 2) if self.count else None


NO_RATINGS = RatingSummary()


@dataclass(frozen=True)
class Film:
    id: str
    title: str
    description: str
    country: str | None = None
    release_year: int | None = None
    poster_url: str | None = None
    tmdb_id: int | None = None
    owner_id: str | None = None
    genres: tuple[Genre, ...] = ()
    film_type: FilmType = "movie"
    original_title: str | None = None
    kinopoisk_id: int | None = None
    poster_key: str | None = None
    rating: RatingSummary = NO_RATINGS


@dataclass(frozen=True)
class FilmFlags:
    is_liked: bool = False
    is_wish: bool = False
    is_watched: bool = False
    #: The caller's own score of the film (0.5 to 5.0), None when unrated; kept on the same state item as the flags.
    my_rating: float | None = None


NO_FLAGS = FilmFlags()


@dataclass(frozen=True)
class FilmView:
    """A film as one caller sees it: the film and that caller's built-in list flags."""

    film: Film
    flags: FilmFlags = field(default=NO_FLAGS)


@dataclass(frozen=True)
class User:
    """An account as every client sees it: never carries password data."""

    id: str
    username: str
    email: str | None = None
    telegram_id: int | None = None
    role: Role = "user"


class AuthKeyState(StrEnum):
    """A Telegram login key moves pending -> activated -> consumed, or pending -> declined."""

    PENDING = "pending"
    ACTIVATED = "activated"
    DECLINED = "declined"
    CONSUMED = "consumed"


@dataclass(frozen=True)
class AuthKey:
    key: str
    state: AuthKeyState
    #: Unix seconds; the key is unusable from this instant on (TTL deletion is lazy, so reads check it).
    expires_at: int
    user_id: str | None = None

    def expired(self, now: float) -> bool:
        return now >= self.expires_at
