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
    #: A snapshot of the provider's vote count when imported (0 for films users create): ranks search hits.
    popularity: int = 0


@dataclass(frozen=True)
class FilmFlags:
    is_liked: bool = False
    is_wish: bool = False
    is_watched: bool = False


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
