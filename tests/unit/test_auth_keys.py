"""The Telegram login-key state machine, over the real repository on moto with a controllable clock.

pending -> activated (confirm, by the bot) -> consumed (telegram/login), or pending -> declined;
each move happens at most once, and a key is dead 10 minutes after it was made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from filmhub.accounts.dynamo import DynamoAccountRepository
from filmhub.accounts.service import BUILTIN_LISTS, MAX_USERNAME_LENGTH
from filmhub.accounts.telegram_login import AUTH_KEY_TTL_SECONDS, AuthKeyProblem, AuthKeyRejected, TelegramLogin
from filmhub.core.entities import AuthKey, AuthKeyState
from filmhub.core.errors import Unauthorized
from filmhub.core.ids import builtin_list_id
from filmhub.table.models import TelegramClaim, UserItem, WatchlistItem
from tests.support.aws import mocked_aws
from tests.support.fakes.clock import FrozenClock

TELEGRAM_ID = 777_000_111


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def accounts(clock: FrozenClock) -> Iterator[TelegramLogin]:
    with mocked_aws():
        yield TelegramLogin(DynamoAccountRepository(), clock=clock)


def rejected(problem: AuthKeyProblem) -> pytest.RaisesExc[AuthKeyRejected]:
    return pytest.raises(AuthKeyRejected, check=lambda error: error.problem is problem)


def test_keys_are_long_random_and_url_safe(accounts: TelegramLogin) -> None:
    keys = {accounts.new_auth_key() for _ in range(20)}
    assert len(keys) == 20
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)  # 256 bits
        assert len(f"auth_{key}") <= 64  # Telegram's deep-link start parameter


def test_a_new_key_is_pending(accounts: TelegramLogin) -> None:
    assert accounts.auth_key_confirmed(accounts.new_auth_key()) is False


def test_confirm_creates_the_telegram_user_with_its_lists(accounts: TelegramLogin) -> None:
    key = accounts.new_auth_key()
    user_id = accounts.confirm_auth_key(key, TELEGRAM_ID, "cinephile")
    assert accounts.auth_key_confirmed(key) is True
    user = UserItem.get(*UserItem.key(user_id))
    assert (user.username, user.email, user.telegram_id, user.password_hash) == ("cinephile", None, TELEGRAM_ID, None)
    assert TelegramClaim.get(*TelegramClaim.key(TELEGRAM_ID)).user_id == user_id
    for builtin in BUILTIN_LISTS:
        header = WatchlistItem.get(*WatchlistItem.key(builtin_list_id(user_id, builtin.list_type)))
        assert (header.user_id, header.list_type, header.title) == (user_id, builtin.list_type, builtin.title)


def test_the_same_telegram_account_always_maps_to_the_same_user(accounts: TelegramLogin) -> None:
    first = accounts.confirm_auth_key(accounts.new_auth_key(), TELEGRAM_ID, "cinephile")
    second = accounts.confirm_auth_key(accounts.new_auth_key(), TELEGRAM_ID, "renamed")
    assert first == second
    assert UserItem.get(*UserItem.key(first)).username == "cinephile"


def test_username_falls_back_and_is_capped(accounts: TelegramLogin) -> None:
    anonymous = accounts.confirm_auth_key(accounts.new_auth_key(), 1, None)
    blank = accounts.confirm_auth_key(accounts.new_auth_key(), 2, "   ")
    long = accounts.confirm_auth_key(accounts.new_auth_key(), 3, "я" * 300)
    assert UserItem.get(*UserItem.key(anonymous)).username == "telegram_1"
    assert UserItem.get(*UserItem.key(blank)).username == "telegram_2"
    assert UserItem.get(*UserItem.key(long)).username == "я" * MAX_USERNAME_LENGTH


def test_telegram_login_consumes_the_key_once(accounts: TelegramLogin) -> None:
    key = accounts.new_auth_key()
    user_id = accounts.confirm_auth_key(key, TELEGRAM_ID, "cinephile")
    user = accounts.telegram_login(key)
    assert (user.id, user.telegram_id, user.email) == (user_id, TELEGRAM_ID, None)
    with pytest.raises(Unauthorized, match="Invalid or inactive authentication token"):
        accounts.telegram_login(key)
    with rejected(AuthKeyProblem.USED):
        accounts.auth_key_confirmed(key)
    with rejected(AuthKeyProblem.USED):
        accounts.confirm_auth_key(key, TELEGRAM_ID, "cinephile")
    with rejected(AuthKeyProblem.USED):
        accounts.decline_auth_key(key)


def test_a_pending_key_cannot_log_in(accounts: TelegramLogin) -> None:
    key = accounts.new_auth_key()
    with pytest.raises(Unauthorized):
        accounts.telegram_login(key)
    assert accounts.auth_key_confirmed(key) is False  # and it stays usable


def test_decline_is_final(accounts: TelegramLogin) -> None:
    key = accounts.new_auth_key()
    accounts.decline_auth_key(key)
    with rejected(AuthKeyProblem.DECLINED):
        accounts.auth_key_confirmed(key)
    with rejected(AuthKeyProblem.DECLINED):
        accounts.confirm_auth_key(key, TELEGRAM_ID, "cinephile")
    with rejected(AuthKeyProblem.DECLINED):
        accounts.decline_auth_key(key)
    with pytest.raises(Unauthorized):
        accounts.telegram_login(key)


def test_confirm_is_final(accounts: TelegramLogin) -> None:
    key = accounts.new_auth_key()
    accounts.confirm_auth_key(key, TELEGRAM_ID, "cinephile")
    with rejected(AuthKeyProblem.USED):
        accounts.confirm_auth_key(key, TELEGRAM_ID + 1, "someone else")
    with rejected(AuthKeyProblem.USED):
        accounts.decline_auth_key(key)
    with pytest.raises(TelegramClaim.DoesNotExist):  # no user was made for the loser
        TelegramClaim.get(*TelegramClaim.key(TELEGRAM_ID + 1))


def test_unknown_keys(accounts: TelegramLogin) -> None:
    for key in ("no-such-key", "", "a" * 128):
        with rejected(AuthKeyProblem.UNKNOWN):
            accounts.auth_key_confirmed(key)
        with rejected(AuthKeyProblem.UNKNOWN):
            accounts.confirm_auth_key(key, TELEGRAM_ID, "cinephile")
        with rejected(AuthKeyProblem.UNKNOWN):
            accounts.decline_auth_key(key)
        with pytest.raises(Unauthorized):
            accounts.telegram_login(key)


def test_keys_expire_after_ten_minutes_whatever_their_state(accounts: TelegramLogin, clock: FrozenClock) -> None:
    pending, activated = accounts.new_auth_key(), accounts.new_auth_key()
    accounts.confirm_auth_key(activated, TELEGRAM_ID, "cinephile")
    clock.now += AUTH_KEY_TTL_SECONDS - 1
    assert accounts.auth_key_confirmed(pending) is False
    clock.now += 1  # the item is still in the table: moto never expires, DynamoDB's TTL is lazy
    for key in (pending, activated):
        with rejected(AuthKeyProblem.EXPIRED):
            accounts.auth_key_confirmed(key)
        with pytest.raises(Unauthorized):
            accounts.telegram_login(key)
    with rejected(AuthKeyProblem.EXPIRED):
        accounts.confirm_auth_key(pending, TELEGRAM_ID, "cinephile")
    with rejected(AuthKeyProblem.EXPIRED):
        accounts.decline_auth_key(pending)


def test_the_write_itself_refuses_an_expired_key(accounts: TelegramLogin, clock: FrozenClock) -> None:
    """Expiry is a condition of every transition, not only a check on the read before it."""
    key = accounts.new_auth_key()
    expires_at = int(clock.now) + AUTH_KEY_TTL_SECONDS
    repository = DynamoAccountRepository()
    assert repository.transition_auth_key(key, AuthKeyState.PENDING, AuthKeyState.ACTIVATED, expires_at) is None
    assert repository.transition_auth_key(key, AuthKeyState.PENDING, AuthKeyState.ACTIVATED, expires_at - 1)


class _TelegramLinkedMeanwhile(DynamoAccountRepository):
    """Reads as if no user had this Telegram account yet, as when a concurrent confirmation wins the race."""

    def auth_key_and_telegram_owner(self, key: str, telegram_id: int) -> tuple[AuthKey | None, str | None]:
        auth_key, _ = super().auth_key_and_telegram_owner(key, telegram_id)
        return auth_key, None


def test_a_confirmation_that_loses_the_signup_race_uses_the_winners_user(clock: FrozenClock) -> None:
    with mocked_aws():
        winner = TelegramLogin(DynamoAccountRepository(), clock=clock)
        loser = TelegramLogin(_TelegramLinkedMeanwhile(), clock=clock)
        user_id = winner.confirm_auth_key(winner.new_auth_key(), TELEGRAM_ID, "first")
        key = loser.new_auth_key()
        assert loser.confirm_auth_key(key, TELEGRAM_ID, "second") == user_id
        assert loser.telegram_login(key).id == user_id
