"""The recommendation side of the table in memory, and a scripted discovery provider."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from filmhub.core.entities import Film, FilmFlags, FilmType
from filmhub.core.errors import NotFound
from filmhub.films.index import TYPE_HEAD_SIZE
from filmhub.films.ports import ExternalFilm
from filmhub.recommendations.dynamo import SAMPLE_READ
from filmhub.recommendations.ports import SamplePivot, UserHistory, WishedFilm
from filmhub.table.models import sampling_partition
from tests.support.fakes.table import MemoryTable

#: Sort keys of the sampling index: "!" and "~" sort before and after every type and id.
FIRST, LAST = "!", "~"


class InMemoryRecommendationRepository:
    """``sample`` reads like GSI5: the films of the pivot's shard by ``<type>#<id>``, ``sample_read`` of them
    from the pivot on (or backwards from it), filtered on genre after the read.  ``small_types`` lists the
    types with at most ``type_head_size`` films, as their type heads do."""

    def __init__(
        self, table: MemoryTable, sample_read: int = SAMPLE_READ, type_head_size: int = TYPE_HEAD_SIZE
    ) -> None:
        self._table = table
        self._sample_read = sample_read
        self._type_head_size = type_head_size
        #: Each sample asked for: (type, pivot, after).
        self.samples: list[tuple[FilmType | None, SamplePivot, bool]] = []

    def history(self, user_id: str, recent_since: float) -> UserHistory:
        self._table.call("recommendations.history")
        excluded = {film_id for (user, film_id) in self._table.hidden if user == user_id}
        # Recommendations expire (TTL) lazily: the time is checked as the real read does.
        recent = self._table.recommended.items()
        excluded |= {film_id for (user, film_id), at in recent if user == user_id and at >= recent_since}
        wish: list[WishedFilm] = []
        flags: dict[str, FilmFlags] = {}
        for (user, film_id), state in self._table.states.items():
            if user != user_id:
                continue
            flags[film_id] = state.flags
            if "watched" in state.added_at:
                excluded.add(film_id)
            if "wish" in state.added_at:
                wish.append(WishedFilm(film_id, state.genre_ids, state.film_type))
        return UserHistory(wish=wish, excluded=excluded, flags=flags)

    def sample(
        self, film_type: FilmType | None, genre_ids: Collection[str], pivot: SamplePivot, after: bool
    ) -> list[Film]:
        self._table.call("recommendations.sample")
        self.samples.append((film_type, pivot, after))
        position = "#".join(pivot)
        first, last = (f"{film_type}#", f"{film_type}#{LAST}") if film_type else (FIRST, LAST)
        low, high = (position, last) if after else (first, position)
        shard = sampling_partition(pivot[1])
        by_key = {
            f"{stored.film.film_type}#{film_id}": stored.film
            for film_id, stored in self._table.films.items()
            if sampling_partition(film_id) == shard
        }
        in_range = sorted((key for key in by_key if low <= key <= high), reverse=not after)
        read = [by_key[key] for key in in_range[: self._sample_read]]
        return [film for film in read if not genre_ids or {genre.id for genre in film.genres} & set(genre_ids)]

    def small_types(self) -> dict[FilmType, frozenset[str]]:
        self._table.call("recommendations.small_types")
        by_type: dict[FilmType, set[str]] = {"movie": set(), "tv": set()}
        for film_id, stored in self._table.films.items():
            by_type.setdefault(stored.film.film_type, set()).add(film_id)
        return {kind: frozenset(ids) for kind, ids in by_type.items() if len(ids) <= self._type_head_size}

    def genre_sample(self, genre_id: str, film_type: FilmType | None, pivot: SamplePivot) -> list[str]:
        """As the genre's memberships read from GSI5: each film twice, ``(type, copy, id)``, in a circle; one
        Query of at most the sample size from ``pivot`` (within the type when one is asked)."""
        self._table.call("recommendations.genre_sample")
        members = [
            stored.film for stored in self._table.films.values() if genre_id in {g.id for g in stored.film.genres}
        ]
        circle = sorted((film.film_type, copy, film.id) for film in members for copy in (0, 1))
        pivot_type, pivot_id = pivot
        if film_type is not None:
            read = [key for key in circle if (film_type, 0, pivot_id) <= key <= (film_type, 1, pivot_id)]
        elif pivot_type == "movie":
            read = [key for key in circle if key >= (pivot_type, 0, pivot_id)]
        else:
            read = [key for key in reversed(circle) if key <= (pivot_type, 1, pivot_id)]
        return list(dict.fromkeys(film_id for _, _, film_id in read[: self._sample_read]))

    def record(self, user_id: str, film: Film, now: float) -> None:
        self._table.call("recommendations.record")
        if film.id not in self._table.films:
            raise NotFound("Film not found")
        self._table.recommended[user_id, film.id] = now

    def hide(self, user_id: str, film_id: str, now: float) -> None:
        self._table.call("recommendations.hide")
        self._table.hidden[user_id, film_id] = now

    def unhide(self, user_id: str, film_id: str) -> None:
        self._table.call("recommendations.unhide")
        self._table.hidden.pop((user_id, film_id), None)


@dataclass
class ScriptedDiscovery:
    """TMDB discovery answering every page with ``films``, or raising ``error``; remembers what it was asked."""

    films: list[ExternalFilm] = field(default_factory=list)
    error: Exception | None = None
    asked: list[tuple[tuple[str, ...], FilmType, int]] = field(default_factory=list)

    def discover(self, genre_names: Sequence[str], film_type: FilmType, page: int) -> list[ExternalFilm]:
        self.asked.append((tuple(genre_names), film_type, page))
        if self.error is not None:
            raise self.error
        return [film for film in self.films if film.film_type == film_type]
