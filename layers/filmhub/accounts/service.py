"""Accounts: registration, password login with throttling, the caller's account and role.

Telegram login keys are ``filmhub.accounts.telegram_login``.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from filmhub.accounts.ports import (
    AccountRepository,
    AttemptRecord,
    NewAccount,
    PasswordHashing,
    PasswordRehash,
    SignupOutcome,
)
from filmhub.core.clock import utc_iso
from filmhub.core.entities import Gradient, ListType, User
from filmhub.core.errors import Conflict, Forbidden, TooManyRequests, Unauthorized, UnknownCaller
from filmhub.core.ids import new_id
from filmhub.limits.ports import Quota
from filmhub.limits.service import FixedWindowLimit, SlidingWindowLimit

MIN_PASSWORD_LENGTH = 8
#: argon2 pre-hashes any length, but a cap keeps a request from feeding it megabytes.
MAX_PASSWORD_LENGTH = 1024
MAX_USERNAME_LENGTH = 128
MAX_EMAIL_LENGTH = 254

LOGIN_FAILURE_LIMIT = 10
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
EMAIL_TAKEN = "User with this email already exists"
INVALID_LOGIN = "Invalid login data"
TOO_MANY_FAILED_LOGINS = "Too many failed logins, try again later"
TOO_MANY_REGISTRATIONS = "Too many registrations from this address, try again later"
ADMINS_ONLY = "Admins only"

#: One "@", no whitespace, a domain of at least two non-empty labels.  Deliverability is the
#: mail server's business; this only rejects what cannot be an address.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")


@dataclass(frozen=True)
class BuiltinList:
    list_type: ListType
    title: str
    gradient: Gradient


#: Every user gets these three lists when the account is created (API.md § Auth).
BUILTIN_LISTS: tuple[BuiltinList, ...] = (
    BuiltinList("liked", "Мои любимые", Gradient("#FF36AB", "#FF74D4", "#ED5C86")),
    BuiltinList("watched", "Просмотренные", Gradient("#31B4EA", "#6F97EB", "#B577EC")),
    BuiltinList("wish", "Хочу посмотреть", Gradient("#EE0979", "#FF6A00", "#FFF647")),
)


#: Unicode categories that show nothing or move text around: controls (NUL, BEL, newline …), formats (zero-width
#: characters, bidi controls, soft hyphen, BOM), line and paragraph separators, surrogates, private use, unassigned.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
#: Letters that render as nothing (Hangul fillers, the braille blank).
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def has_invisible_characters(text: str) -> bool:
    """Whether ``text`` holds a character a reader cannot see, or a space other than the plain one: what makes
    two identities look alike."""
    return any(
        unicodedata.category(char) in _INVISIBLE_CATEGORIES
        or char in _BLANK_LETTERS
        or (char != " " and unicodedata.category(char) == "Zs")
        for char in text
    )


def normalize_email(email: str) -> str:
    """The form emails are stored, claimed and compared in: NFKC (a fullwidth ``ｌｏｏｋ@…`` is ``look@…``),
    trimmed, lower case."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def is_valid_email(email: str) -> bool:
    return len(email) <= MAX_EMAIL_LENGTH and _EMAIL.fullmatch(email) is not None


LOGIN_FAILURES = SlidingWindowLimit(LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_SECONDS)
LOGIN_FAILURES_SCOPE = "login"
REGISTRATIONS_SCOPE = "registrations"


class AccountService:
    def __init__(
        self,
        repository: AccountRepository,
        passwords: PasswordHashing,
        clock: Callable[[], float] = time.time,
        login_requests: FixedWindowLimit | None = None,
        registrations: SlidingWindowLimit | None = None,
    ) -> None:
        self._repository = repository
        self._passwords = passwords
        self._clock = clock
        #: Password logins per client and window (an abuse limit on top of the per-email failure throttle).
        self._login_requests = login_requests
        #: Registrations per client in any window: sliding, so a script gets no double burst at a boundary.
        self._registrations = registrations

    # --- email and password ---------------------------------------------------------------

    def register(self, email: str, password: str, username: str, client: str | None = None) -> User:
        """A new user with its built-in lists; ``email`` must be valid (the request schema checks).

        ``client`` (its address) is held to the registration limit: its two windows and the email are read
        first (a throttled or taken registration costs no password hash), and the new account counts itself
        in the transaction that creates it, conditional on room left, so concurrent registrations cannot
        overshoot.  A taken email counts too: it is an attempt like any other.
        """
        user = User(id=new_id(), username=username, email=normalize_email(email))
        now = self._clock()
        limit = self._registrations
        keys = limit.keys(REGISTRATIONS_SCOPE, client, now) if limit is not None and limit.enabled and client else ()
        lookup = self._repository.email_lookup(str(user.email), keys)
        counts = {key.window: lookup.counts.get(key, 0) for key in keys}
        if limit is not None and keys:
            retry_after = limit.retry_after(counts, now)
            if retry_after is not None:
                raise TooManyRequests(retry_after, TOO_MANY_REGISTRATIONS)
        if lookup.user_id is not None:
            self._repository.record_attempt(AttemptRecord(keys[1:]))
            raise Conflict(EMAIL_TAKEN)
        quota = Quota(keys[1], limit.room(counts, now)) if limit is not None and keys else None
        password_hash = self._passwords.hash(password)
        account = NewAccount(user, utc_iso(now), password_hash=password_hash, quota=quota)
        signup = self._repository.create_account(account, int(now))
        if signup.outcome is SignupOutcome.QUOTA_EXHAUSTED and limit is not None and quota is not None:
            # Registrations in flight filled the window since it was read: at least enough to fail the condition.
            counts[quota.key.window] = max(counts[quota.key.window], math.ceil(quota.below))
            raise TooManyRequests(limit.retry_after(counts, now) or 1, TOO_MANY_REGISTRATIONS)
        if signup.outcome is not SignupOutcome.CREATED:
            raise Conflict(EMAIL_TAKEN)
        return user

    def login(self, email: str, password: str, client: str | None = None) -> User:
        """The user, if the password is right; one message for every failure (no account enumeration).

        ``client`` (who is calling: its address) is held to the login request limit.  Its window is read with
        the email and counted with the attempt's outcome, so a login stays within three round trips.
        """
        email = normalize_email(email)
        now = self._clock()
        limit = self._login_requests
        request = limit.key(client, now) if limit is not None and limit.enabled and client else None
        requests = (request,) if request else ()
        previous, current = LOGIN_FAILURES.keys(LOGIN_FAILURES_SCOPE, email, now)
        lookup = self._repository.email_lookup(email, [previous, current, *requests])
        # Both limits are checked before the password, so a throttled guesser learns nothing, not even from timing.
        if limit is not None and request is not None and not limit.admits(lookup.counts.get(request, 0) + 1):
            raise limit.rejection(now)
        failures = {key.window: lookup.counts.get(key, 0) for key in (previous, current)}
        retry_after = LOGIN_FAILURES.retry_after(failures, now)
        if retry_after is not None:
            raise TooManyRequests(retry_after, TOO_MANY_FAILED_LOGINS)
        account = self._repository.get_account(lookup.user_id) if lookup.user_id else None
        if account is None or account.password_hash is None:
            self._passwords.waste_time(password)
        elif self._passwords.verify(account.password_hash, password):
            rehash = None
            if self._passwords.needs_rehash(account.password_hash):
                new_hash = self._passwords.hash(password)
                rehash = PasswordRehash(account.user.id, account.password_hash, new_hash)
            self._repository.record_attempt(AttemptRecord(requests, rehash))
            return account.user
        self._repository.record_attempt(AttemptRecord((*requests, current)))
        raise Unauthorized(INVALID_LOGIN)

    def current_user(self, user_id: str) -> User:
        """The caller of a valid token; a deleted user's token no longer authenticates."""
        account = self._repository.get_account(user_id)
        if account is None:
            raise UnknownCaller()
        return account.user

    def require_admin(self, user_id: str) -> User:
        """The caller, if an admin now: the role is read on every request, so a demotion bites at once."""
        user = self.current_user(user_id)
        if user.role != "admin":
            raise Forbidden(ADMINS_ONLY)
        return user
