"""Accounts in memory: users with their claims and built-in lists, login keys, and a fast password scheme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from filmhub.accounts.ports import Account, AttemptRecord, EmailLookup, NewAccount, Signup, SignupOutcome
from filmhub.accounts.service import BUILTIN_LISTS
from filmhub.core.entities import AuthKey, AuthKeyState
from filmhub.core.ids import builtin_list_id
from filmhub.limits.ports import CounterKey
from filmhub.watchlists.ports import Watchlist
from tests.support.fakes.table import ConditionFailed, MemoryTable


class InMemoryAccountRepository:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def create_account(self, account: NewAccount, now: int) -> Signup:
        self._table.call("accounts.create_account")
        table, user = self._table, account.user
        if user.id in table.accounts:
            raise ConditionFailed(f"user {user.id} exists")
        # All or nothing, and the same precedence as the transaction's failures: the key, Telegram, the email.
        key = account.activates_key
        if key is not None and self._live_key(key, AuthKeyState.PENDING, now) is None:
            return Signup(SignupOutcome.KEY_UNAVAILABLE)
        if user.telegram_id is not None and user.telegram_id in table.telegram_owners:
            return Signup(SignupOutcome.TELEGRAM_TAKEN, existing_user_id=table.telegram_owners[user.telegram_id])
        if user.email is not None and user.email in table.email_owners:
            return Signup(SignupOutcome.EMAIL_TAKEN)
        table.accounts[user.id] = Account(user, account.password_hash)
        if user.email is not None:
            table.email_owners[user.email] = user.id
        if user.telegram_id is not None:
            table.telegram_owners[user.telegram_id] = user.id
        for builtin in BUILTIN_LISTS:
            list_id = builtin_list_id(user.id, builtin.list_type)
            header = Watchlist(list_id, user.id, builtin.title, builtin.list_type, builtin.gradient, account.created_at)
            table.lists[list_id] = header
        if key is not None:
            table.auth_keys[key] = replace(table.auth_keys[key], state=AuthKeyState.ACTIVATED, user_id=user.id)
        return Signup(SignupOutcome.CREATED)

    def get_account(self, user_id: str) -> Account | None:
        self._table.call("accounts.get_account")
        return self._table.accounts.get(user_id)

    def email_lookup(self, email: str, counters: Sequence[CounterKey]) -> EmailLookup:
        self._table.call("accounts.email_lookup")
        counts = {key: self._table.counters[key] for key in counters if key in self._table.counters}
        return EmailLookup(user_id=self._table.email_owners.get(email), counts=counts)

    def record_attempt(self, record: AttemptRecord) -> None:
        if not record.counters and record.rehash is None:
            return
        self._table.call("accounts.record_attempt")
        rehash = record.rehash
        if rehash is not None:
            account = self._table.accounts.get(rehash.user_id)
            if account is None or account.password_hash != rehash.old_hash:
                return  # a concurrent change won; the failed condition cancels the counters written with it
            self._table.accounts[rehash.user_id] = replace(account, password_hash=rehash.new_hash)
        self._table.counters.update(record.counters)

    def put_auth_key(self, auth_key: AuthKey, created_at: str) -> None:
        self._table.call("accounts.put_auth_key")
        if auth_key.key in self._table.auth_keys:
            raise ConditionFailed(f"auth key {auth_key.key} exists")
        self._table.auth_keys[auth_key.key] = auth_key

    def get_auth_key(self, key: str) -> AuthKey | None:
        self._table.call("accounts.get_auth_key")
        return self._table.auth_keys.get(key)

    def auth_key_and_telegram_owner(self, key: str, telegram_id: int) -> tuple[AuthKey | None, str | None]:
        self._table.call("accounts.auth_key_and_telegram_owner")
        return self._table.auth_keys.get(key), self._table.telegram_owners.get(telegram_id)

    def telegram_owner(self, telegram_id: int) -> str | None:
        self._table.call("accounts.telegram_owner")
        return self._table.telegram_owners.get(telegram_id)

    def transition_auth_key(
        self, key: str, expected: AuthKeyState, new: AuthKeyState, now: int, user_id: str | None = None
    ) -> AuthKey | None:
        self._table.call("accounts.transition_auth_key")
        current = self._live_key(key, expected, now)
        if current is None:
            return None
        moved = replace(current, state=new, user_id=user_id or current.user_id)
        self._table.auth_keys[key] = moved
        return moved

    def _live_key(self, key: str, state: AuthKeyState, now: int) -> AuthKey | None:
        """The key if it is in ``state`` and unexpired at ``now`` (every transition's condition)."""
        current = self._table.auth_keys.get(key)
        return current if current is not None and current.state is state and current.expires_at > now else None


@dataclass
class FastPasswordHashing:
    """A reversible "hash" tagged with its scheme: instant, and ``scheme`` older than ``current`` needs a rehash."""

    current: str = "fast-v2"
    #: Passwords ``waste_time`` was given (an unknown email must cost a verification too).
    wasted: int = 0

    def hash(self, password: str) -> str:
        return f"{self.current}${password[::-1]}"

    def verify(self, password_hash: str, password: str) -> bool:
        _, _, reversed_password = password_hash.partition("$")
        return reversed_password == password[::-1]

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"{self.current}$")

    def waste_time(self, password: str) -> None:
        self.wasted += 1
