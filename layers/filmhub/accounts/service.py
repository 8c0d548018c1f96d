"""Accounts: registration, password login with throttling, the caller's account and role.

Telegram login keys are ``filmhub.accounts.telegram_login``.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

from filmhub.accounts.ports import (
    AccountRepository,
    LoginRecord,
    NewAccount,
    PasswordHashing,
    PasswordRehash,
    SignupOutcome,
)
from filmhub.core.entities import Gradient, ListType, User
from filmhub.core.errors import Conflict, Forbidden, TooManyRequests, Unauthorized
from filmhub.core.ids import new_id
from filmhub.limits.ports import CounterKey
from filmhub.limits.service import FixedWindowLimit

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
ADMINS_ONLY = "Admins only"
USER_GONE = "User no longer exists"

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


@dataclass(frozen=True)
class SlidingWindowLimit:
    """At most ``limit`` events in any ``window_seconds``, estimated from two fixed-window counters.

    The estimate is the current window's count plus the previous window's count weighted by how
    much of it the sliding window still covers: two small items per subject, no per-event log, and
    no burst of twice the limit across a window boundary as a single fixed window would allow.
    """

    limit: int
    window_seconds: int

    def windows(self, now: float) -> tuple[int, int]:
        """The previous and the current window numbers."""
        current = int(now // self.window_seconds)
        return current - 1, current

    def expires_at(self, window: int) -> int:
        """A window's counter is read until the end of the next window."""
        return (window + 2) * self.window_seconds

    def retry_after(self, counts: Mapping[int, int], now: float) -> int | None:
        """Whole seconds until the estimate drops below the limit (no new events), or None when below it now."""
        previous_window, current_window = self.windows(now)
        previous, current = counts.get(previous_window, 0), counts.get(current_window, 0)
        elapsed = Fraction(now) - current_window * self.window_seconds
        # previous * (1 - elapsed / width) + current < limit once ``elapsed`` passes ``threshold``
        # (a point in the next window when this one alone has reached the limit).  Exact arithmetic:
        # the answer is right to the second at window boundaries.
        if current >= self.limit:
            threshold = self.window_seconds * (1 + Fraction(current - self.limit, current))
        elif previous:
            threshold = self.window_seconds * Fraction(previous + current - self.limit, previous)
        else:
            return None
        if elapsed > threshold:
            return None
        return math.floor(threshold - elapsed) + 1


LOGIN_FAILURES = SlidingWindowLimit(LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_SECONDS)
LOGIN_FAILURES_SCOPE = "login"


def _failure_key(email: str, window: int) -> CounterKey:
    return CounterKey(LOGIN_FAILURES_SCOPE, email, window, LOGIN_FAILURES.expires_at(window))


class AccountService:
    def __init__(
        self,
        repository: AccountRepository,
        passwords: PasswordHashing,
        clock: Callable[[], float] = time.time,
        login_requests: FixedWindowLimit | None = None,
    ) -> None:
        self._repository = repository
        self._passwords = passwords
        self._clock = clock
        #: Password logins per client and window (an abuse limit on top of the per-email failure throttle).
        self._login_requests = login_requests

    # --- email and password ---------------------------------------------------------------

    def register(self, email: str, password: str, username: str) -> User:
        """A new user with its built-in lists; ``email`` must be valid (the request schema checks)."""
        user = User(id=new_id(), username=username, email=normalize_email(email))
        password_hash = self._passwords.hash(password)
        now = self._clock()
        signup = self._repository.create_account(
            NewAccount(user, timestamp(now), password_hash=password_hash), int(now)
        )
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
        previous, current = (_failure_key(email, window) for window in LOGIN_FAILURES.windows(now))
        lookup = self._repository.login_lookup(email, [previous, current, *requests])
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
            self._repository.record_login(LoginRecord(requests, rehash))
            return account.user
        self._repository.record_login(LoginRecord((*requests, current)))
        raise Unauthorized(INVALID_LOGIN)

    def current_user(self, user_id: str) -> User:
        """The caller of a valid token; a deleted user's token no longer authenticates."""
        account = self._repository.get_account(user_id)
        if account is None:
            raise Unauthorized(USER_GONE)
        return account.user

    def require_admin(self, user_id: str) -> User:
        """The caller, if an admin now: the role is read on every request, so a demotion bites at once."""
        user = self.current_user(user_id)
        if user.role != "admin":
            raise Forbidden(ADMINS_ONLY)
        return user


def timestamp(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).isoformat()
