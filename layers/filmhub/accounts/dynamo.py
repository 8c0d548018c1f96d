"""DynamoDB implementation of the domain's ``AccountRepository`` (PynamoDB).

Key layout: ``TABLE.md`` (user, email claim, telegram claim, auth key, counter, list header).
Every method is one round trip, except that a transaction cancelled by a *concurrent*
transaction (``TransactionConflict``, which botocore does not retry) is retried here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from pynamodb.constants import ALL_OLD
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from filmhub.accounts.ports import Account, AttemptRecord, EmailLookup, NewAccount, Signup, SignupOutcome
from filmhub.accounts.service import BUILTIN_LISTS, BuiltinList
from filmhub.core.entities import AuthKey, AuthKeyState, Role, User
from filmhub.core.ids import builtin_list_id
from filmhub.limits.dynamo import count_actions, count_in_quota, counter_item, counter_keys
from filmhub.limits.ports import CounterKey
from filmhub.table.models import AuthKeyItem, CounterItem, EmailClaim, TableItem, TelegramClaim, UserItem, WatchlistItem
from filmhub.table.operations import TRANSACTION_CANCELLED, batch_get, condition_failed, transaction
from filmhub.watchlists.dynamo import watchlist_to_item
from filmhub.watchlists.ports import Watchlist

CONFLICT_ATTEMPTS = 3
CONDITION_FAILED = "ConditionalCheckFailed"


class DynamoAccountRepository:
    def create_account(self, account: NewAccount, now: int) -> Signup:
        user = account.user

        def write(tx: TransactWrite) -> None:
            tx.save(_user_item(account), condition=UserItem.PK.does_not_exist())
            # ALL_OLD: a failed claim tells who holds it, with no extra read.
            if user.email is not None:
                claim = EmailClaim(*EmailClaim.key(user.email), user_id=user.id)
                tx.save(claim, condition=EmailClaim.PK.does_not_exist(), return_values=ALL_OLD)
            if user.telegram_id is not None:
                telegram = TelegramClaim(*TelegramClaim.key(user.telegram_id), user_id=user.id)
                tx.save(telegram, condition=TelegramClaim.PK.does_not_exist(), return_values=ALL_OLD)
            for builtin in BUILTIN_LISTS:
                tx.save(_list_header(user.id, builtin, account.created_at))
            if account.quota is not None:
                count_in_quota(tx, account.quota)
            if account.activates_key is not None:
                tx.update(
                    AuthKeyItem(*AuthKeyItem.key(account.activates_key)),
                    actions=_transition_actions(AuthKeyState.ACTIVATED, user.id),
                    condition=_in_state(AuthKeyState.PENDING, now),
                    return_values=ALL_OLD,
                )

        failed = _commit(write)
        if not failed:
            return Signup(SignupOutcome.CREATED)
        # A key that no longer exists fails without an old item; claims always come with theirs.
        if any(isinstance(item, CounterItem) for item in failed):
            return Signup(SignupOutcome.QUOTA_EXHAUSTED)
        if any(item is None or isinstance(item, AuthKeyItem) for item in failed):
            return Signup(SignupOutcome.KEY_UNAVAILABLE)
        owner = next((item.user_id for item in failed if isinstance(item, TelegramClaim)), None)
        if owner is not None:
            return Signup(SignupOutcome.TELEGRAM_TAKEN, existing_user_id=owner)
        return Signup(SignupOutcome.EMAIL_TAKEN)

    def get_account(self, user_id: str) -> Account | None:
        # Strongly consistent: a client may call /me or log in the instant it has registered.
        try:
            item = UserItem.get(*UserItem.key(user_id), consistent_read=True)
        except UserItem.DoesNotExist:
            return None
        return Account(_user(item), item.password_hash)

    def email_lookup(self, email: str, counters: Sequence[CounterKey]) -> EmailLookup:
        by_key = {counter_keys(counter): counter for counter in counters}
        items = batch_get([EmailClaim.key(email), *by_key], consistent_read=True)
        user_id = next((item.user_id for item in items if isinstance(item, EmailClaim)), None)
        counts = {by_key[item.PK, item.SK]: int(item.hits) for item in items if isinstance(item, CounterItem)}
        return EmailLookup(user_id=user_id, counts=counts)

    def record_attempt(self, record: AttemptRecord) -> None:
        updates: list[tuple[TableItem, list[Action], Condition | None]] = [
            (counter_item(key), count_actions(key), None) for key in record.counters
        ]
        if record.rehash is not None:
            rehash = record.rehash
            user = UserItem(*UserItem.key(rehash.user_id))
            updates.append(
                (user, [UserItem.password_hash.set(rehash.new_hash)], UserItem.password_hash == rehash.old_hash)
            )
        if len(updates) == 1:
            item, actions, condition = updates[0]
            try:
                item.update(actions=actions, condition=condition)
            except UpdateError as error:
                if not condition_failed(error):
                    raise
        elif updates:

            def write(tx: TransactWrite) -> None:
                for item, actions, condition in updates:
                    tx.update(item, actions=actions, condition=condition)

            # A failed rehash condition cancels the whole transaction (returned, not raised): nothing to redo.
            _commit(write)

    def put_auth_key(self, auth_key: AuthKey, created_at: str) -> None:
        item = AuthKeyItem(
            *AuthKeyItem.key(auth_key.key),
            state=auth_key.state.value,
            user_id=auth_key.user_id,
            created_at=created_at,
            expires_at=_utc(auth_key.expires_at),
        )
        item.save(condition=AuthKeyItem.PK.does_not_exist())

    def get_auth_key(self, key: str) -> AuthKey | None:
        try:
            return _auth_key(key, AuthKeyItem.get(*AuthKeyItem.key(key), consistent_read=True))
        except AuthKeyItem.DoesNotExist:
            return None

    def auth_key_and_telegram_owner(self, key: str, telegram_id: int) -> tuple[AuthKey | None, str | None]:
        items = batch_get([AuthKeyItem.key(key), TelegramClaim.key(telegram_id)], consistent_read=True)
        auth_key = next((_auth_key(key, item) for item in items if isinstance(item, AuthKeyItem)), None)
        owner = next((item.user_id for item in items if isinstance(item, TelegramClaim)), None)
        return auth_key, owner

    def telegram_owner(self, telegram_id: int) -> str | None:
        try:
            return TelegramClaim.get(*TelegramClaim.key(telegram_id), consistent_read=True).user_id
        except TelegramClaim.DoesNotExist:
            return None

    def transition_auth_key(
        self, key: str, expected: AuthKeyState, new: AuthKeyState, now: int, user_id: str | None = None
    ) -> AuthKey | None:
        item = AuthKeyItem(*AuthKeyItem.key(key))
        try:
            item.update(actions=_transition_actions(new, user_id), condition=_in_state(expected, now))
        except UpdateError as error:
            if condition_failed(error):
                return None
            raise
        return _auth_key(key, item)


def _commit(write: Callable[[TransactWrite], None]) -> list[TableItem | None]:
    """Run one transaction; the old items whose condition failed (None where the item was absent),
    or [] when it committed.  A cancellation caused only by concurrent transactions is retried."""
    attempt = 1
    while True:
        try:
            with transaction() as tx:
                write(tx)
            return []
        except TransactWriteError as error:
            reasons = [r for r in error.cancellation_reasons if r is not None] if _cancelled(error) else []
            failed = [r for r in reasons if r.code == CONDITION_FAILED]
            if failed:
                return [TableItem.from_raw_data(r.raw_item) if r.raw_item else None for r in failed]
            if not reasons or any(r.code != "TransactionConflict" for r in reasons) or attempt >= CONFLICT_ATTEMPTS:
                raise
        time.sleep(random.uniform(0.02, 0.1) * attempt)
        attempt += 1


def _cancelled(error: TransactWriteError) -> bool:
    return error.cause_response_code == TRANSACTION_CANCELLED


def _in_state(state: AuthKeyState, now: int) -> Condition:
    # Expiry is part of every transition: DynamoDB's TTL deletes expired keys late, moto never.
    return (AuthKeyItem.state == state.value) & (AuthKeyItem.expires_at > _utc(now))


def _transition_actions(state: AuthKeyState, user_id: str | None) -> list[Action]:
    actions: list[Action] = [AuthKeyItem.state.set(state.value)]
    if user_id is not None:
        actions.append(AuthKeyItem.user_id.set(user_id))
    return actions


def _utc(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)


def _user_item(account: NewAccount) -> UserItem:
    user = account.user
    return UserItem(
        *UserItem.key(user.id),
        id=user.id,
        username=user.username,
        email=user.email,
        telegram_id=user.telegram_id,
        password_hash=account.password_hash,
        created_at=account.created_at,
    )


def _list_header(user_id: str, builtin: BuiltinList, created_at: str) -> WatchlistItem:
    list_id = builtin_list_id(user_id, builtin.list_type)
    header = Watchlist(list_id, user_id, builtin.title, builtin.list_type, builtin.gradient, created_at)
    return watchlist_to_item(header)


def _user(item: UserItem) -> User:
    telegram_id = int(item.telegram_id) if item.telegram_id is not None else None
    # A stored role this code does not know grants nothing beyond a user's rights.
    role: Role = "admin" if item.role == "admin" else "user"
    return User(id=item.id, username=item.username, email=item.email, telegram_id=telegram_id, role=role)


def _auth_key(key: str, item: AuthKeyItem) -> AuthKey:
    return AuthKey(
        key=key,
        state=AuthKeyState(item.state),
        expires_at=int(item.expires_at.timestamp()) if item.expires_at is not None else 0,
        user_id=item.user_id,
    )
