"""Transactions cancelled only by concurrent transactions (``TransactionConflict``) are retried.

moto serializes writes, so it never reports a conflict; DynamoDB does, under exactly the load the
duplicate-registration race creates.  Here the conflict is injected.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError
from pynamodb.transactions import TransactWrite

from filmhub.accounts import dynamo as account_store
from filmhub.accounts.ports import NewAccount, SignupOutcome
from filmhub.core.entities import User
from filmhub.table.operations import table_connection
from tests.support.aws import mocked_aws


def cancelled(*codes: str) -> TransactWriteError:
    reasons = [CancellationReason(code=code) if code != "None" else None for code in codes]
    error = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
    return TransactWriteError("Failed", VerboseClientError(error, "TransactWriteItems", cancellation_reasons=reasons))


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[TransactWriteError | None]]:
    """Each transaction pops its fate from the list: an error to raise instead of committing, or None."""
    fates: list[TransactWriteError | None] = []
    real = account_store.transaction

    @contextlib.contextmanager
    def scripted() -> Iterator[TransactWrite]:
        fate = fates.pop(0) if fates else None
        if fate is None:
            with real() as tx:
                yield tx
            return
        yield TransactWrite(connection=table_connection())  # collected, never sent
        raise fate

    monkeypatch.setattr(account_store, "transaction", scripted)
    monkeypatch.setattr(account_store.time, "sleep", lambda _seconds: None)
    with mocked_aws():
        yield fates


def new_account() -> NewAccount:
    user = User(id=str(uuid.uuid4()), username="u", email=f"{uuid.uuid4().hex}@example.com")
    return NewAccount(user, "2026-01-01T00:00:00+00:00", password_hash="$argon2id$stub")


def test_a_conflict_is_retried(attempts: list[TransactWriteError | None]) -> None:
    attempts.extend([cancelled("None", "TransactionConflict"), cancelled("TransactionConflict")])
    account = new_account()
    assert account_store.DynamoAccountRepository().create_account(account, 0).outcome is SignupOutcome.CREATED
    assert attempts == []
    assert account_store.DynamoAccountRepository().get_account(account.user.id) is not None


def test_conflicts_give_up_after_three_attempts(attempts: list[TransactWriteError | None]) -> None:
    attempts.extend([cancelled("TransactionConflict")] * 3)
    with pytest.raises(TransactWriteError):
        account_store.DynamoAccountRepository().create_account(new_account(), 0)


def test_other_cancellations_are_not_retried(attempts: list[TransactWriteError | None]) -> None:
    attempts.extend([cancelled("ValidationError", "TransactionConflict"), None])
    with pytest.raises(TransactWriteError):
        account_store.DynamoAccountRepository().create_account(new_account(), 0)
    assert attempts == [None]


def test_a_failed_condition_wins_over_a_conflict(attempts: list[TransactWriteError | None]) -> None:
    attempts.append(cancelled("TransactionConflict", "ConditionalCheckFailed"))
    # No old item came back with the failure: read as the key that could not be activated.
    signup = account_store.DynamoAccountRepository().create_account(new_account(), 0)
    assert signup.outcome is SignupOutcome.KEY_UNAVAILABLE
