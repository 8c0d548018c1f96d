"""Films as one caller sees them: the shared helper behind every endpoint that returns films.

A page of films costs one BatchGetItem for the films and, for a signed-in caller, one for the
flags (the per-(user, film) state items), whatever the page length up to 100.
"""

from __future__ import annotations

from collections.abc import Sequence

from filmhub.core.entities import NO_FLAGS, Film, FilmFlags, FilmView
from filmhub.films.ports import FilmRepository

#: Keys one BatchGetItem takes.
BATCH_KEYS = 100


class FilmReader:
    def __init__(self, films: FilmRepository) -> None:
        self._films = films

    def page(self, film_ids: Sequence[str], user_id: str | None) -> list[FilmView]:
        """The films with these ids, in this order (ids that no longer exist are skipped)."""
        ordered_ids = list(dict.fromkeys(film_ids))
        if not ordered_ids:
            return []
        films = self._films.get_many(ordered_ids)
        return self.with_flags([films[i] for i in ordered_ids if i in films], user_id)

    def page_with_flags(self, film_ids: Sequence[str], flags: dict[str, FilmFlags]) -> list[FilmView]:
        """Like ``page`` when the caller's flags are already known (built-in list listings)."""
        films = self._films.get_many(list(dict.fromkeys(film_ids)))
        return [FilmView(films[i], flags.get(i, NO_FLAGS)) for i in dict.fromkeys(film_ids) if i in films]

    @staticmethod
    def lookup_limit(user_id: str | None) -> int:
        """How many films ``lookup`` reads in one BatchGetItem: half as many with the caller's flags beside them."""
        return BATCH_KEYS // 2 if user_id is not None else BATCH_KEYS

    def lookup(self, film_ids: Sequence[str], user_id: str | None) -> dict[str, FilmView]:
        """Films by id with the caller's flags, in one round trip for up to ``lookup_limit(user_id)`` ids."""
        ids = list(dict.fromkeys(film_ids))
        if not ids:
            return {}
        if user_id is None:
            return {film_id: FilmView(film) for film_id, film in self._films.get_many(ids).items()}
        films, flags = self._films.get_many_with_flags(ids, user_id)
        return {film_id: FilmView(film, flags.get(film_id, NO_FLAGS)) for film_id, film in films.items()}

    def film(self, film_id: str) -> Film | None:
        return self._films.get(film_id)

    def with_flags(self, films: Sequence[Film], user_id: str | None) -> list[FilmView]:
        flags: dict[str, FilmFlags] = {}
        if user_id is not None and films:
            flags = self._films.flags(user_id, [film.id for film in films])
        return [FilmView(film, flags.get(film.id, NO_FLAGS)) for film in films]

    def one(self, film: Film, user_id: str | None) -> FilmView:
        return self.with_flags([film], user_id)[0]
