"""What the film services talk to: the film repository, poster storage, film sources and the index."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from filmhub.core.entities import Film, FilmFlags, FilmType, Genre
from filmhub.limits.ports import Quota


@dataclass(frozen=True)
class ExternalRef:
    """A film's id at TMDB or Kinopoisk: at most one film of ours per reference."""

    provider: str
    external_id: int


@dataclass(frozen=True)
class StoredFilm:
    film: Film
    #: The film's ``updated_at`` when it was read: an edit applies only if nobody edited it since.
    revision: str | None


@dataclass(frozen=True)
class Poster:
    key: str
    url: str


class FilmRepository(Protocol):
    """Films as stored: reads (with one user's flags) and writes with their index entries."""

    def get(self, film_id: str) -> Film | None: ...

    def get_many(self, film_ids: Sequence[str]) -> dict[str, Film]:
        """Films by id (missing ids are absent from the result); one BatchGetItem per 100 ids."""
        ...

    def get_many_with_flags(
        self, film_ids: Sequence[str], user_id: str
    ) -> tuple[dict[str, Film], dict[str, FilmFlags]]:
        """Films by id and one user's flags on them (absent: no flags), in one BatchGetItem per 50 ids."""
        ...

    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        """Flags of the given films for one user; one BatchGetItem per 100 films."""
        ...

    def create(
        self, film: Film, created_at: str, external: ExternalRef | None = None, quota: Quota | None = None
    ) -> bool:
        """Write a new film with its index entries; False (nothing written) when ``external`` is taken.

        A film with an owner is written only while the owner exists (else :class:`UnknownCaller`) and, with a
        ``quota``, counts itself in it (:class:`QuotaExhausted` when it has no room), in the same write."""
        ...

    def get_stored(self, film_id: str) -> StoredFilm | None:
        """The film and its revision, strongly consistent: what an edit starts from."""
        ...

    def get_stored_with_flags(self, film_id: str, user_id: str) -> tuple[StoredFilm | None, FilmFlags]:
        """The film (strongly consistent) and the user's flags on it, in one round trip."""
        ...

    def update(self, old: StoredFilm, new: Film, updated_at: str, quota: Quota | None = None) -> bool:
        """Store the edit ``old`` → ``new``; False when the film changed since ``old`` was read.  The owner and
        the quota are checked as by ``create``."""
        ...

    def replace_poster(self, film_id: str, expected_key: str | None, poster: Poster | None) -> bool:
        """Point the film at ``poster`` (None: no poster) if its poster key is still ``expected_key``."""
        ...


@dataclass(frozen=True)
class StoredObject:
    size: int
    #: The first bytes of the object (enough to tell an image format).
    head: bytes


@dataclass(frozen=True)
class PresignedUpload:
    """A browser uploads with an HTML form POST of ``fields`` plus the file to ``url``."""

    url: str
    fields: dict[str, str]
    key: str
    expires_in: int


class PosterStorage(Protocol):
    """Poster objects (S3); every failure is raised as ``DependencyUnavailable``."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def public_url(self, key: str) -> str: ...

    def presigned_upload(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedUpload: ...

    def peek(self, key: str, length: int) -> StoredObject | None:
        """The size and first ``length`` bytes of an object; None when there is no such object."""
        ...

    def copy(self, source: str, target: str, content_type: str) -> None:
        """Copy the object ``source`` to ``target``, to be served as ``content_type``."""
        ...


@dataclass(frozen=True)
class ExternalFilm:
    """A film as TMDB or Kinopoisk describes it, normalized: Russian title and country when available,
    genres already mapped to ours."""

    provider: str
    film_type: FilmType
    title: str
    description: str
    original_title: str | None = None
    release_year: int | None = None
    country: str | None = None
    poster_url: str | None = None
    genres: tuple[Genre, ...] = ()
    tmdb_id: int | None = None
    kinopoisk_id: int | None = None
    #: False while details (country …) still have to be fetched before an import.
    complete: bool = True
    #: The provider's vote count: how well known the film is (ranks search hits).
    popularity: int = 0


@dataclass(frozen=True)
class SourceHit:
    film_id: str
    #: The provider's description, to import the film if it is new; None for a film of our catalog.
    external: ExternalFilm | None = None
    #: Local catalog hits: how many query words the index matched.
    matched: int = 0


class FilmSource(Protocol):
    """A source of films for a title search: TMDB, Kinopoisk or our own catalog."""

    name: str

    def search(self, queries: Sequence[str], limit: int) -> list[list[SourceHit] | None]:
        """Hits for each query, best first; None for a query the provider failed to answer."""
        ...


class ExternalFilmSource(FilmSource, Protocol):
    def complete(self, film: ExternalFilm) -> ExternalFilm:
        """The film with its details filled in; the film as given when they cannot be had."""
        ...


@dataclass(frozen=True)
class TitleCandidate:
    title: str
    year: int | None
    confidence: float


class TitleSuggester(Protocol):
    def suggest(self, description: str, title: str | None, limit: int) -> list[TitleCandidate]:
        """Films that ``description`` may be about, most likely first; raises on any failure."""
        ...


@dataclass(frozen=True)
class Postings:
    """The best-ranked films listed under each index token (film id → rank: whole-word matches above
    prefix-only ones, then the more popular): title prefixes and description keyword stems."""

    titles: dict[str, dict[str, int]]
    descriptions: dict[str, dict[str, int]]


class SearchIndex(Protocol):
    def postings(self, title_tokens: Collection[str], description_tokens: Collection[str]) -> Postings:
        """The listings of these tokens, in one round trip whatever the catalog's size (a bounded number of
        films per token: the best ranked)."""
        ...
