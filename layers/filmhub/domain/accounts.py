"""Accounts: registration, password login with throttling, and the Telegram login-key state machine.

The HTTP functions call :class:`AccountService`; so does the Telegram bot, whose confirm / decline
buttons are :meth:`AccountService.confirm_auth_key` and :meth:`AccountService.decline_auth_key`.
"""

from __future__ import annotations

import math
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from fractions import Fraction

from filmhub.domain.entities import AuthKey, AuthKeyState, Gradient, ListType, User
from filmhub.domain.errors import Conflict, Forbidden, InvalidInput, TooManyRequests, Unauthorized
from filmhub.domain.ids import new_id
from filmhub.domain.ports import (
    AccountRepository,
    LoginRecord,
    NewAccount,
    PasswordHashing,
    PasswordRehash,
    Signup,
    SignupOutcome,
)
from filmhub.domain.rate_limits import CounterKey, FixedWindowLimit

MIN_PASSWORD_LENGTH = 8
#: argon2 pre-hashes any length, but a cap keeps a request from feeding it megabytes.
MAX_PASSWORD_LENGTH = 1024
MAX_USERNAME_LENGTH = 128
MAX_EMAIL_LENGTH = 254

LOGIN_FAILURE_LIMIT = 10
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
AUTH_KEY_TTL_SECONDS = 10 * 60
#: 256 random bits, 43 URL-safe characters: ``auth_<key>`` fits Telegram's 64-character start parameter.
AUTH_KEY_BYTES = 32

EMAIL_TAKEN = "User with this email already exists"
INVALID_LOGIN = "Invalid login data"
INVALID_TELEGRAM_LOGIN = "Invalid or inactive authentication token"
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


def normalize_email(email: str) -> str:
    """The form emails are stored and compared in: trimmed, lower case."""
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    return len(email) <= MAX_EMAIL_LENGTH and _EMAIL.fullmatch(email) is not None


class AuthKeyProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    DECLINED = "declined"
    #: Already confirmed or already used to log in.
    USED = "used"


class AuthKeyRejected(InvalidInput):
    """The key cannot be used for what was asked; ``problem`` says why (the bot tells the user)."""

    def __init__(self, problem: AuthKeyProblem) -> None:
        self.problem = problem
        super().__init__("incorrect_auth_key")


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


def _problem(auth_key: AuthKey | None, now: float) -> AuthKeyProblem | None:
    """Why the key is dead, or None while it is pending or activated and unexpired."""
    if auth_key is None:
        return AuthKeyProblem.UNKNOWN
    if auth_key.expired(now):
        return AuthKeyProblem.EXPIRED
    if auth_key.state is AuthKeyState.DECLINED:
        return AuthKeyProblem.DECLINED
    if auth_key.state is AuthKeyState.CONSUMED:
        return AuthKeyProblem.USED
    return None


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
            NewAccount(user, _timestamp(now), password_hash=password_hash), int(now)
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

    # --- Telegram login keys --------------------------------------------------------------

    def new_auth_key(self) -> str:
        key = secrets.token_urlsafe(AUTH_KEY_BYTES)
        now = self._clock()
        auth_key = AuthKey(key, AuthKeyState.PENDING, expires_at=int(now) + AUTH_KEY_TTL_SECONDS)
        self._repository.put_auth_key(auth_key, _timestamp(now))
        return key

    def auth_key_confirmed(self, key: str) -> bool:
        """Whether the bot has confirmed the key yet; dead keys raise :class:`AuthKeyRejected`."""
        auth_key = self._repository.get_auth_key(key)
        problem = _problem(auth_key, self._clock())
        if problem is not None:
            raise AuthKeyRejected(problem)
        return auth_key is not None and auth_key.state is AuthKeyState.ACTIVATED

    def confirm_auth_key(self, key: str, telegram_id: int, username: str | None) -> str:
        """Activate a pending key for the user linked to ``telegram_id``, creating that user (with its
        built-in lists, in the same transaction as the activation) on first use.  Returns the user id.

        Raises :class:`AuthKeyRejected` when the key is not pending and unexpired; a key confirmed
        and declined at the same time ends in exactly one of the two states.
        """
        now = self._clock()
        auth_key, user_id = self._repository.auth_key_and_telegram_owner(key, telegram_id)
        problem = _problem(auth_key, now)
        if problem is None and auth_key is not None and auth_key.state is not AuthKeyState.PENDING:
            problem = AuthKeyProblem.USED
        if problem is not None:
            raise AuthKeyRejected(problem)
        if user_id is None:
            user, signup = self._create_telegram_user(telegram_id, username, now, activates_key=key)
            if signup.outcome is SignupOutcome.CREATED:
                return user.id
            if signup.outcome is not SignupOutcome.TELEGRAM_TAKEN or signup.existing_user_id is None:
                raise self._rejection(key, now)
            # A concurrent confirmation linked this Telegram account first: activate for that user.
            user_id = signup.existing_user_id
        pending, activated = AuthKeyState.PENDING, AuthKeyState.ACTIVATED
        if self._repository.transition_auth_key(key, pending, activated, int(now), user_id=user_id) is None:
            raise self._rejection(key, now)
        return user_id

    def telegram_user_id(self, telegram_id: int, username: str | None) -> str:
        """The user a Telegram account acts as (the bot's own features), created with its built-in lists
        on first use exactly as a first login confirmation would create it."""
        user_id = self._repository.telegram_owner(telegram_id)
        if user_id is not None:
            return user_id
        user, signup = self._create_telegram_user(telegram_id, username, self._clock())
        if signup.outcome is SignupOutcome.CREATED:
            return user.id
        # Without an email or a key to activate, only the Telegram claim can be taken: by a concurrent first use.
        if signup.existing_user_id is None:
            raise RuntimeError(f"unexpected signup outcome {signup.outcome}")
        return signup.existing_user_id

    def decline_auth_key(self, key: str) -> None:
        now = self._clock()
        if self._repository.transition_auth_key(key, AuthKeyState.PENDING, AuthKeyState.DECLINED, int(now)) is None:
            raise self._rejection(key, now)

    def telegram_login(self, key: str) -> User:
        """Consume an activated key: only the first call gets the user (and so a token)."""
        consumed = self._repository.transition_auth_key(
            key, AuthKeyState.ACTIVATED, AuthKeyState.CONSUMED, int(self._clock())
        )
        account = self._repository.get_account(consumed.user_id) if consumed and consumed.user_id else None
        if account is None:
            raise Unauthorized(INVALID_TELEGRAM_LOGIN)
        return account.user

    def _create_telegram_user(
        self, telegram_id: int, username: str | None, now: float, activates_key: str | None = None
    ) -> tuple[User, Signup]:
        """One transaction: the user linked to ``telegram_id``, its built-in lists and, if given, the key activation."""
        name = (username or "").strip()[:MAX_USERNAME_LENGTH] or f"telegram_{telegram_id}"
        user = User(id=new_id(), username=name, telegram_id=telegram_id)
        account = NewAccount(user, _timestamp(now), activates_key=activates_key)
        return user, self._repository.create_account(account, int(now))

    def _rejection(self, key: str, now: float) -> AuthKeyRejected:
        """Why a conditional change from pending failed: read after the fact, only on this path."""
        return AuthKeyRejected(_problem(self._repository.get_auth_key(key), now) or AuthKeyProblem.USED)


def _timestamp(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).isoformat()
