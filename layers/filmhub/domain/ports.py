"""Interfaces the domain talks to; ``filmhub.data`` implements them over DynamoDB."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from filmhub.domain.entities import AuthKey, AuthKeyState, Film, FilmFlags, FilmType, Genre, Mix, Mood, User
from filmhub.domain.rate_limits import CounterKey


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

    def get_many_with_flags(
        self, film_ids: Sequence[str], user_id: str
    ) -> tuple[dict[str, Film], dict[str, FilmFlags]]:
        """Films by id and one user's flags on them (absent: no flags), in one BatchGetItem per 50 ids."""
        ...


class FilmStateRepository(Protocol):
    def flags(self, user_id: str, film_ids: Iterable[str]) -> dict[str, FilmFlags]:
        """Flags of the given films for one user; one BatchGetItem per 100 films."""
        ...


# --- accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A user with its stored password hash (None for accounts created through Telegram)."""

    user: User
    password_hash: str | None


@dataclass(frozen=True)
class NewAccount:
    user: User
    created_at: str
    password_hash: str | None = None
    #: A pending Telegram login key to activate for this user in the same transaction.
    activates_key: str | None = None


class SignupOutcome(StrEnum):
    CREATED = "created"
    EMAIL_TAKEN = "email_taken"
    #: Another confirmation linked this Telegram account first; ``Signup.existing_user_id`` is its user.
    TELEGRAM_TAKEN = "telegram_taken"
    #: The key to activate was no longer pending (or had expired): nothing was written.
    KEY_UNAVAILABLE = "key_unavailable"


@dataclass(frozen=True)
class Signup:
    outcome: SignupOutcome
    existing_user_id: str | None = None


@dataclass(frozen=True)
class LoginLookup:
    #: The user owning the email, or None when no account has it.
    user_id: str | None
    #: The counts of the counters asked for (failed logins of the email, the client's requests); 0 when absent.
    counts: dict[CounterKey, int]


@dataclass(frozen=True)
class PasswordRehash:
    user_id: str
    old_hash: str
    new_hash: str


@dataclass(frozen=True)
class LoginRecord:
    """What one login attempt writes, in one round trip: counters to add one to (the client's requests, the
    email's failed logins) and, after a right password with outdated parameters, its stronger hash."""

    counters: tuple[CounterKey, ...] = ()
    rehash: PasswordRehash | None = None


class AccountRepository(Protocol):
    def create_account(self, account: NewAccount, now: int) -> Signup:
        """The user, its email / Telegram claims and its three built-in lists (and the key activation,
        when asked): all or nothing, in one transaction."""
        ...

    def get_account(self, user_id: str) -> Account | None: ...

    def login_lookup(self, email: str, counters: Sequence[CounterKey]) -> LoginLookup:
        """Who owns ``email`` and the counts of ``counters``, in one round trip."""
        ...

    def record_login(self, record: LoginRecord) -> None:
        """Write ``record`` in one round trip (none when it is empty).  The rehash is stored unless the hash
        is no longer ``old_hash`` (a concurrent change wins; the counters may then go uncounted)."""
        ...

    def put_auth_key(self, auth_key: AuthKey, created_at: str) -> None: ...

    def get_auth_key(self, key: str) -> AuthKey | None:
        """The key as stored (strongly consistent), expired or not; None when unknown."""
        ...

    def auth_key_and_telegram_owner(self, key: str, telegram_id: int) -> tuple[AuthKey | None, str | None]:
        """The key and the id of the user linked to ``telegram_id`` (either may be None), in one round trip."""
        ...

    def telegram_owner(self, telegram_id: int) -> str | None:
        """The id of the user linked to ``telegram_id``, or None; one strongly consistent read."""
        ...

    def transition_auth_key(
        self, key: str, expected: AuthKeyState, new: AuthKeyState, now: int, user_id: str | None = None
    ) -> AuthKey | None:
        """Move the key from ``expected`` to ``new`` (recording ``user_id`` when given) if it is in
        ``expected`` and unexpired at ``now``, atomically; the changed key, or None when it was not."""
        ...


class PasswordHashing(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    def waste_time(self, password: str) -> None:
        """Cost what ``verify`` costs: an unknown email must not answer faster than a wrong password."""
        ...


# --- films --------------------------------------------------------------------------------


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


class FilmStore(Protocol):
    """Writes of films, and the strongly consistent reads an edit starts from."""

    def create(self, film: Film, created_at: str, external: ExternalRef | None = None) -> bool:
        """Write a new film with its index entries; False (nothing written) when ``external`` is taken."""
        ...

    def get_with_flags(self, film_id: str, user_id: str) -> tuple[StoredFilm | None, FilmFlags]:
        """The film and the user's flags on it, in one round trip."""
        ...

    def get(self, film_id: str) -> StoredFilm | None: ...

    def update(self, old: StoredFilm, new: Film, updated_at: str) -> bool:
        """Store the edit ``old`` → ``new``; False when the film changed since ``old`` was read."""
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


@dataclass(frozen=True)
class CatalogHit:
    film_id: str
    #: The provider's description, to import the film if it is new; None for a film of our catalog.
    external: ExternalFilm | None = None
    #: Local catalog hits: how many query words the index matched.
    matched: int = 0


class CatalogProvider(Protocol):
    """A source of films for a title search: TMDB, Kinopoisk or our own catalog."""

    name: str

    def search(self, queries: Sequence[str], limit: int) -> list[list[CatalogHit] | None]:
        """Hits for each query, best first; None for a query the provider failed to answer."""
        ...


class ExternalCatalog(CatalogProvider, Protocol):
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
    """Film ids by index token: title prefixes and description keyword stems."""

    titles: dict[str, set[str]]
    descriptions: dict[str, set[str]]


class SearchIndex(Protocol):
    def postings(self, title_tokens: Collection[str], description_tokens: Collection[str]) -> Postings:
        """The posting lists of these tokens, in one round trip."""
        ...
