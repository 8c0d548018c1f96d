"""Telegram login keys: the web app asks for a key, the bot confirms or declines it, the web app logs in.

A key moves pending → activated → consumed, or pending → declined, each step one conditional write;
the bot's confirm / decline buttons are :meth:`TelegramLogin.confirm_auth_key` and
:meth:`TelegramLogin.decline_auth_key`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from enum import StrEnum

from filmhub.accounts.ports import AccountRepository, NewAccount, Signup, SignupOutcome
from filmhub.accounts.service import MAX_USERNAME_LENGTH
from filmhub.core.clock import utc_iso
from filmhub.core.entities import AuthKey, AuthKeyState, User
from filmhub.core.errors import InvalidInput, Unauthorized
from filmhub.core.ids import new_id

AUTH_KEY_TTL_SECONDS = 10 * 60
#: 256 random bits, 43 URL-safe characters: ``auth_<key>`` fits Telegram's 64-character start parameter.
AUTH_KEY_BYTES = 32

INVALID_TELEGRAM_LOGIN = "Invalid or inactive authentication token"


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


class TelegramLogin:
    def __init__(self, repository: AccountRepository, clock: Callable[[], float] = time.time) -> None:
        self._repository = repository
        self._clock = clock

    def new_auth_key(self) -> str:
        key = secrets.token_urlsafe(AUTH_KEY_BYTES)
        now = self._clock()
        auth_key = AuthKey(key, AuthKeyState.PENDING, expires_at=int(now) + AUTH_KEY_TTL_SECONDS)
        self._repository.put_auth_key(auth_key, utc_iso(now))
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
        account = NewAccount(user, utc_iso(now), activates_key=activates_key)
        return user, self._repository.create_account(account, int(now))

    def _rejection(self, key: str, now: float) -> AuthKeyRejected:
        """Why a conditional change from pending failed: read after the fact, only on this path."""
        return AuthKeyRejected(_problem(self._repository.get_auth_key(key), now) or AuthKeyProblem.USED)
