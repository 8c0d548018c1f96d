"""What the accounts service talks to: the account store and password hashing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from filmhub.core.entities import AuthKey, AuthKeyState, User
from filmhub.limits.ports import CounterKey, Quota


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
    #: The registering client's window, counted in the same transaction if it has room.
    quota: Quota | None = None


class SignupOutcome(StrEnum):
    CREATED = "created"
    EMAIL_TAKEN = "email_taken"
    #: Another confirmation linked this Telegram account first; ``Signup.existing_user_id`` is its user.
    TELEGRAM_TAKEN = "telegram_taken"
    #: The key to activate was no longer pending (or had expired): nothing was written.
    KEY_UNAVAILABLE = "key_unavailable"
    #: The quota had no room (concurrent registrations filled it): nothing was written.
    QUOTA_EXHAUSTED = "quota_exhausted"


@dataclass(frozen=True)
class Signup:
    outcome: SignupOutcome
    existing_user_id: str | None = None


@dataclass(frozen=True)
class EmailLookup:
    #: The user owning the email, or None when no account has it.
    user_id: str | None
    #: The counts of the counters asked for (failed logins of the email, the client's requests or registrations);
    #: absent when 0.
    counts: dict[CounterKey, int]


@dataclass(frozen=True)
class PasswordRehash:
    user_id: str
    old_hash: str
    new_hash: str


@dataclass(frozen=True)
class AttemptRecord:
    """What one login or refused registration writes, in one round trip: counters to add one to (the client's
    requests, the email's failed logins) and, after a right password with outdated parameters, its stronger hash."""

    counters: tuple[CounterKey, ...] = ()
    rehash: PasswordRehash | None = None


class AccountRepository(Protocol):
    def create_account(self, account: NewAccount, now: int) -> Signup:
        """The user, its email / Telegram claims and its three built-in lists (and the key activation,
        when asked): all or nothing, in one transaction."""
        ...

    def get_account(self, user_id: str) -> Account | None: ...

    def email_lookup(self, email: str, counters: Sequence[CounterKey]) -> EmailLookup:
        """Who owns ``email`` and the counts of ``counters``, in one round trip."""
        ...

    def record_attempt(self, record: AttemptRecord) -> None:
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
