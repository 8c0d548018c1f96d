"""Films as one caller sees them: the shared helper behind every endpoint that returns films.

A page of films costs one BatchGetItem for the films and, for a signed-in caller, one for the
flags (the per-(user, film) state items), whatever the page length up to 100.
"""

from __future__ import annotations

from collections.abc import Sequence

from filmhub.domain.entities import NO_FLAGS, Film, FilmFlags, FilmView
from filmhub.domain.ports import FilmRepository, FilmStateRepository


class FilmViews:
    def __init__(self, films: FilmRepository, states: FilmStateRepository) -> None:
        self._films = films
        self._states = states

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

    def film(self, film_id: str) -> Film | None:
        return self._films.get(film_id)

    def with_flags(self, films: Sequence[Film], user_id: str | None) -> list[FilmView]:
        flags: dict[str, FilmFlags] = {}
        if user_id is not None and films:
            flags = self._states.flags(user_id, [film.id for film in films])
        return [FilmView(film, flags.get(film.id, NO_FLAGS)) for film in films]

    def one(self, film: Film, user_id: str | None) -> FilmView:
        return self.with_flags([film], user_id)[0]
