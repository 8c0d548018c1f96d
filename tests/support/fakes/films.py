"""Films, their index, poster objects, and the outside film sources, in memory."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from filmhub.core.entities import NO_FLAGS, Film, FilmFlags
from filmhub.core.errors import DependencyUnavailable, UnknownCaller
from filmhub.films.index import DESCRIPTION_PREFIX, TITLE_PREFIX, best, film_entries
from filmhub.films.ports import (
    ExternalFilm,
    ExternalRef,
    Poster,
    Postings,
    PresignedUpload,
    SourceHit,
    StoredFilm,
    StoredObject,
    TitleCandidate,
)
from filmhub.films.search import external_hit
from filmhub.limits.ports import Quota, QuotaExhausted
from tests.support.fakes.table import MemoryTable, round_trips

#: Keys one BatchGetItem takes.
BATCH_KEYS = 100


class InMemoryFilmRepository:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def get(self, film_id: str) -> Film | None:
        self._table.call("films.get")
        return self._film(film_id)

    def get_many(self, film_ids: Sequence[str]) -> dict[str, Film]:
        self._table.call("films.get_many", round_trips(len(film_ids), BATCH_KEYS))
        return self._films(film_ids)

    def get_many_with_flags(
        self, film_ids: Sequence[str], user_id: str
    ) -> tuple[dict[str, Film], dict[str, FilmFlags]]:
        self._table.call("films.get_many_with_flags", round_trips(2 * len(film_ids), BATCH_KEYS))
        return self._films(film_ids), self._flags(user_id, film_ids)

    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        ids = list(film_ids)
        self._table.call("films.flags", round_trips(len(ids), BATCH_KEYS))
        return self._flags(user_id, ids)

    def create(
        self, film: Film, created_at: str, external: ExternalRef | None = None, quota: Quota | None = None
    ) -> bool:
        self._table.call("films.create")
        self._guard(film, quota)
        claim = None if external is None else (external.provider, film.film_type, external.external_id)
        if film.id in self._table.films or claim in self._table.external_refs:
            return False
        if claim is not None:
            self._table.external_refs[claim] = film.id
        self._table.put_film(film)
        return True

    def _guard(self, film: Film, quota: Quota | None) -> None:
        """As the transaction's guard: a user's film only while its author exists and has quota left."""
        if film.owner_id is None:
            return
        if film.owner_id not in self._table.accounts:
            raise UnknownCaller()
        if quota is not None:
            if self._table.counters.get(quota.key, 0) >= quota.below:
                raise QuotaExhausted()
            self._table.counters[quota.key] = self._table.counters.get(quota.key, 0) + 1

    def get_stored(self, film_id: str) -> StoredFilm | None:
        self._table.call("films.get_stored")
        return self._table.films.get(film_id)

    def get_stored_with_flags(self, film_id: str, user_id: str) -> tuple[StoredFilm | None, FilmFlags]:
        self._table.call("films.get_stored_with_flags")
        return self._table.films.get(film_id), self._flags(user_id, [film_id]).get(film_id, NO_FLAGS)

    def update(self, old: StoredFilm, new: Film, updated_at: str, quota: Quota | None = None) -> bool:
        self._table.call("films.update")
        current = self._table.films.get(old.film.id)
        if current is None or current.revision != old.revision:
            return False
        self._guard(new, quota)
        # An edit changes the text and genres only: the poster and the ids stay as stored.
        edited = replace(
            current.film,
            title=new.title,
            description=new.description,
            country=new.country,
            release_year=new.release_year,
            genres=new.genres,
        )
        self._table.index(current.film, add=False)
        self._table.films[edited.id] = StoredFilm(edited, revision=updated_at)
        self._table.index(edited, add=True)
        return True

    def replace_poster(self, film_id: str, expected_key: str | None, poster: Poster | None) -> bool:
        self._table.call("films.replace_poster")
        current = self._table.films.get(film_id)
        if current is None or current.film.poster_key != expected_key:
            return False
        key, url = (poster.key, poster.url) if poster is not None else (None, None)
        self._table.films[film_id] = replace(current, film=replace(current.film, poster_key=key, poster_url=url))
        return True

    def _film(self, film_id: str) -> Film | None:
        stored = self._table.films.get(film_id)
        return None if stored is None else stored.film

    def _films(self, film_ids: Iterable[str]) -> dict[str, Film]:
        return {film_id: stored.film for film_id in film_ids if (stored := self._table.films.get(film_id))}

    def _flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        states = self._table.states
        return {film_id: states[user_id, film_id].flags for film_id in film_ids if (user_id, film_id) in states}


class InMemorySearchIndex:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def postings(self, title_tokens: Collection[str], description_tokens: Collection[str]) -> Postings:
        self._table.call("index.postings")
        titles, descriptions = self._table.title_postings, self._table.description_postings
        return Postings(
            titles={
                token: self._head(TITLE_PREFIX, token, titles[token]) for token in title_tokens if titles.get(token)
            },
            descriptions={
                token: self._head(DESCRIPTION_PREFIX, token, descriptions[token])
                for token in description_tokens
                if descriptions.get(token)
            },
        )

    def _head(self, prefix: str, token: str, film_ids: set[str]) -> dict[str, int]:
        """What the token's head holds: its best-ranked films, each with the rank the write path gives it."""
        ranks = {}
        for film_id in film_ids:
            entries = film_entries(self._table.films[film_id].film)
            ranks[film_id] = next(
                rank for partition, rank in entries.items() if partition.removeprefix(prefix).split("#")[0] == token
            )
        return best([ranks])


@dataclass
class InMemoryPosterStorage:
    """Poster objects by key; ``failing`` makes every call fail as an unreachable bucket does."""

    objects: dict[str, bytes] = field(default_factory=dict)
    failing: bool = False
    #: Keys deleted, in order (deleting a missing key succeeds, as in S3).
    deleted: list[str] = field(default_factory=list)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._reachable()
        self.objects[key] = data

    def delete(self, key: str) -> None:
        self._reachable()
        self.objects.pop(key, None)
        self.deleted.append(key)

    def copy(self, source: str, target: str, content_type: str) -> None:
        self._reachable()
        self.objects[target] = self.objects[source]

    def public_url(self, key: str) -> str:
        return f"https://posters.example.test/{key}"

    def presigned_upload(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedUpload:
        self._reachable()
        fields = {"key": key, "Content-Type": content_type, "max-bytes": str(max_bytes)}
        return PresignedUpload("https://upload.example.test/", fields, key, expires_in)

    def peek(self, key: str, length: int) -> StoredObject | None:
        self._reachable()
        data = self.objects.get(key)
        return None if data is None else StoredObject(size=len(data), head=data[:length])

    def _reachable(self) -> None:
        if self.failing:
            raise DependencyUnavailable()


@dataclass
class ScriptedProvider:
    """TMDB or Kinopoisk answering each query from ``answers``; ``fails`` answers every query as failed."""

    name: str
    answers: dict[str, list[ExternalFilm]] = field(default_factory=dict)
    fails: bool = False
    #: The TMDB ids of the films whose details were asked for.
    completed: list[int | None] = field(default_factory=list)
    #: What TMDB's ``/find`` knows by IMDb id.
    by_imdb: dict[str, ExternalFilm] = field(default_factory=dict)

    def search(self, queries: Sequence[str], limit: int) -> list[list[SourceHit] | None]:
        if self.fails:
            return [None for _ in queries]
        return [[external_hit(film) for film in self.answers.get(query, [])][:limit] for query in queries]

    def complete(self, film: ExternalFilm) -> ExternalFilm:
        self.completed.append(film.tmdb_id)
        return replace(film, complete=True)

    def by_imdb_id(self, imdb_id: str) -> ExternalFilm | None:
        if self.fails:
            raise ConnectionError(f"{self.name} is down")
        return self.by_imdb.get(imdb_id)


@dataclass
class ScriptedSuggester:
    """The LLM's title candidates: a fixed answer, or an error to raise."""

    candidates: list[TitleCandidate] | Exception

    def suggest(self, description: str, title: str | None, limit: int) -> list[TitleCandidate]:
        if isinstance(self.candidates, Exception):
            raise self.candidates
        return self.candidates[:limit]
