"""Interfaces the domain talks to; ``filmhub.data`` implements them over DynamoDB."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from filmhub.domain.entities import Film, FilmFlags, Genre, Mix, Mood


class CatalogRepository(Protocol):
    def genres_and_moods(self) -> tuple[list[Genre], list[Mood]]: ...

    def mixes(self) -> list[Mix]: ...

    def mix_with_film_ids(self, mix_id: str) -> tuple[Mix, list[str]] | None:
        """The mix and its film ids in display order, or None when it does not exist."""
        ...

    def mix(self, mix_id: str) -> Mix | None: ...


class FilmRepository(Protocol):
    def get(self, film_id: str) -> Film | None: ...

    def get_many(self, film_ids: Sequence[str]) -> dict[str, Film]:
        """Films by id (missing ids are absent from the result); one BatchGetItem per 100 ids."""
        ...


class FilmStateRepository(Protocol):
    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        """Flags of the given films for one user; one BatchGetItem per 100 films."""
        ...
