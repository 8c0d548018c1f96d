"""What the recommendation service talks to: the user's history, catalog sampling and discovery."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from filmhub.core.entities import Film, FilmFlags, FilmType
from filmhub.films.ports import ExternalFilm


@dataclass(frozen=True)
class WishedFilm:
    film_id: str
    genre_ids: frozenset[str]
    film_type: str | None


@dataclass(frozen=True)
class UserHistory:
    """What one read of the user's partition tells about them."""

    wish: list[WishedFilm] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)  # watched, hidden, or recommended in the last 24 h
    flags: dict[str, FilmFlags] = field(default_factory=dict)  # the caller's flags, for the answer


#: A point of the catalog's sampling order: a type, then a (random) film id.
SamplePivot = tuple[FilmType, str]


class RecommendationRepository(Protocol):
    def history(self, user_id: str, recent_since: float) -> UserHistory: ...

    def sample(
        self, film_type: FilmType | None, genre_ids: Collection[str], pivot: SamplePivot, after: bool
    ) -> list[Film]:
        """Films of this type (of either when None) having any of these genres (any film when none are
        given), in one Query of a bounded number of films of the pivot's shard (a random one: the films are
        kept in several, see ``sampling_partition``) in its order — by type, then by random id: those from
        ``pivot`` on when ``after``, else those just before it (read backwards)."""
        ...

    def small_types(self) -> dict[FilmType, frozenset[str]]:
        """The ids of every film of each type that has few films (``TYPE_HEAD_SIZE``; none is few), by type; a
        type with more films is left out: its films are sampled."""
        ...

    def genre_sample(self, genre_id: str, film_type: FilmType | None, pivot: SamplePivot) -> list[str]:
        """Ids of films of this genre (and type, or of either when None), in one Query of a bounded number
        of them in the genre's circular order from ``pivot``: every film of the genre (of the type) is in
        reach, so a film is found whenever the genre has any."""
        ...

    def record(self, user_id: str, film: Film, now: float) -> None:
        """Store the recommendation (TTL 24 h), conditional on the film still existing."""
        ...

    def hide(self, user_id: str, film_id: str, now: float) -> None: ...

    def unhide(self, user_id: str, film_id: str) -> None: ...


@runtime_checkable
class Discovery(Protocol):
    def discover(self, genre_names: Sequence[str], film_type: FilmType, page: int) -> list[ExternalFilm]:
        """One page of well-rated films of any of these genres; raises on any failure."""
        ...
