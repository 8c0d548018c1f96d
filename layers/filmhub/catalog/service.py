"""Genres, moods and mixes: reference data read through a short in-memory cache."""

from __future__ import annotations

from collections.abc import Iterable

from filmhub.catalog.ports import CatalogRepository
from filmhub.core.cache import TimedValue
from filmhub.core.entities import FilmView, Genre, Mix, Mood
from filmhub.core.errors import InvalidInput, NotFound
from filmhub.films.reader import FilmReader


class CatalogService:
    def __init__(self, repository: CatalogRepository, film_reader: FilmReader, cache_seconds: float) -> None:
        self._repository = repository
        self._film_reader = film_reader
        self._genres_and_moods = TimedValue(repository.genres_and_moods, cache_seconds)
        self._mixes = TimedValue(repository.mixes, cache_seconds)

    def genres(self, mood_ids: Iterable[str] = ()) -> list[Genre]:
        """All genres, or only those linked to any of ``mood_ids`` (unknown mood id: 400)."""
        genres, moods = self._genres_and_moods.get()
        wanted_moods = list(dict.fromkeys(mood_ids))
        if not wanted_moods:
            return genres
        linked = self.genre_ids_of_moods(wanted_moods, moods)
        return [genre for genre in genres if genre.id in linked]

    def genre(self, genre_id: str) -> Genre:
        for genre in self._genres_and_moods.get()[0]:
            if genre.id == genre_id:
                return genre
        raise NotFound("Genre not found")

    def genres_by_id(self, genre_ids: Iterable[str]) -> list[Genre]:
        """The genres with these ids, once each, in the given order; any unknown id: 400."""
        known = {genre.id: genre for genre in self._genres_and_moods.get()[0]}
        result: list[Genre] = []
        for genre_id in dict.fromkeys(genre_ids):
            if genre_id not in known:
                raise InvalidInput("Genre not found")
            result.append(known[genre_id])
        return result

    def moods(self) -> list[Mood]:
        return self._genres_and_moods.get()[1]

    def mood(self, mood_id: str) -> Mood:
        for mood in self.moods():
            if mood.id == mood_id:
                return mood
        raise NotFound("Mood not found")

    def wanted_genres(self, mood_ids: Iterable[str], genre_ids: Iterable[str]) -> list[Genre] | None:
        """The given genres ∪ the genres of the given moods, from one catalog read; None when neither is given.

        Ids that name no genre or mood add nothing (clients send such filters and expect an answer, not a
        400): a filter of unknown ids only is an empty list."""
        genres, moods = self._genres_and_moods.get()
        given_genres, given_moods = set(genre_ids), set(mood_ids)
        if not given_genres and not given_moods:
            return None
        linked = {genre_id for mood in moods if mood.id in given_moods for genre_id in mood.genre_ids}
        return [genre for genre in genres if genre.id in given_genres | linked]

    def genre_ids_of_moods(self, mood_ids: Iterable[str], moods: list[Mood] | None = None) -> set[str]:
        by_id = {mood.id: mood for mood in (moods if moods is not None else self.moods())}
        linked: set[str] = set()
        for mood_id in mood_ids:
            mood = by_id.get(mood_id)
            if mood is None:
                raise InvalidInput("Mood not found")
            linked.update(mood.genre_ids)
        return linked

    def mixes(self) -> list[Mix]:
        return self._mixes.get()

    def forget_mixes(self) -> None:
        """After an edit: this container answers from the table again (others within the cache time)."""
        self._mixes.invalidate()

    def mix(self, mix_id: str) -> Mix:
        mix = self._repository.mix(mix_id)
        if mix is None:
            raise NotFound("Mix not found")
        return mix

    def mix_films(self, mix_id: str, user_id: str | None) -> list[FilmView]:
        found = self._repository.mix_with_film_ids(mix_id)
        if found is None:
            raise NotFound("Mix not found")
        _, film_ids = found
        return self._film_reader.page(film_ids, user_id)
