"""The webhook's contract without AWS: the secret, at-most-once updates, poison bodies, failures around the claim."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Chat, Message

import bot.webhook
from bot import texts
from bot.keyboards import moods_keyboard
from bot.services import Services
from filmhub.core.entities import Mood
from filmhub.settings import get_settings
from tests.support.api import ApiClient
from tests.support.fakes.bot_state import InMemoryBotState
from tests.support.telegram import IVAN, RecordingSession, TelegramChat, message_update, telegram_bot


@pytest.fixture
def state() -> InMemoryBotState:
    return InMemoryBotState()


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch, state: InMemoryBotState) -> Iterator[RecordingSession]:
    with telegram_bot(monkeypatch, Services(state=lambda: state)) as recording:
        yield recording


@pytest.fixture
def chat(session: RecordingSession) -> TelegramChat:
    return TelegramChat(ApiClient(), session)


def test_help_answers_with_the_commands(chat: TelegramChat, state: InMemoryBotState) -> None:
    chat.send("/help")
    [sent] = chat.session.of(SendMessage)
    assert sent.chat_id == IVAN["id"]
    assert sent.text == texts.HELP
    assert all(f"/{command} — " in sent.text for command, _ in texts.COMMANDS)
    assert len(state.claimed) == 1


def test_plain_start_greets_and_lists_the_commands(chat: TelegramChat) -> None:
    chat.send("/start")
    [sent] = chat.session.of(SendMessage)
    assert sent.text.startswith("Привет!")
    assert "/recommend — подобрать фильм под настроение" in sent.text


def test_unknown_command_points_to_help(chat: TelegramChat) -> None:
    chat.send("/nonsense")
    assert [call.text for call in chat.session.of(SendMessage)] == [texts.UNKNOWN_COMMAND]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", "test_webhook_secret-012345678"])
def test_a_missing_or_wrong_secret_is_401_and_processes_nothing(
    chat: TelegramChat, state: InMemoryBotState, secret: str | None
) -> None:
    response = chat.deliver(message_update(1, IVAN, "/help"), secret=secret)
    assert response.status == 401
    assert response.json == {"status_code": 401, "detail": "Invalid webhook secret"}
    assert chat.session.calls == []
    assert state.claimed == []


def test_without_a_configured_secret_every_request_is_401(
    chat: TelegramChat, state: InMemoryBotState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET")
    get_settings.cache_clear()
    for secret in ("", "None", "test_webhook_secret-0123456789"):
        assert chat.deliver(message_update(1, IVAN, "/help"), secret=secret).status == 401
    assert chat.session.calls == []
    assert state.claimed == []


def test_the_secret_is_compared_in_constant_time(chat: TelegramChat, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[Any, Any]] = []
    compare_digest = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return compare_digest(a, b)

    monkeypatch.setattr(bot.webhook.hmac, "compare_digest", spy)
    chat.send("/help")
    assert compared == [(b"test_webhook_secret-0123456789", b"test_webhook_secret-0123456789")]


def test_a_repeated_update_id_is_acknowledged_and_skipped(chat: TelegramChat, state: InMemoryBotState) -> None:
    update = message_update(77, IVAN, "/help")
    for _ in range(3):
        assert chat.deliver(update).status == 200
    assert len(chat.session.of(SendMessage)) == 1
    assert state.claimed == [77]


DEEP = 100_000


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"update_id": "seventy"}',
        b"[]",
        b"[" * DEEP + b"]" * DEEP,  # was 500: a RecursionError, and Telegram resends a 5xx for hours
        b'{"update_id": 5, "message": ' + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}",
        b'{"update_id": 1' + b"0" * 5000 + b"}",  # was 500: over Python's 4,300 digits
        b'{"update_id": NaN}',
        b'{"update_id": 7, "message": {"text": "\\ud800"}}',
    ],
    ids=["not json", "not a number", "a list", "deeply nested", "deep update", "5000 digits", "NaN", "surrogate"],
)
def test_an_unreadable_update_is_acknowledged_and_dropped(
    chat: TelegramChat, state: InMemoryBotState, body: bytes
) -> None:
    response = chat.api.post(
        "/telegram/webhook",
        body=body,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "test_webhook_secret-0123456789"},
    )
    assert response.status == 200  # a non-2xx answer would make Telegram resend it forever
    assert chat.session.calls == []
    assert state.claimed == []


def test_a_failing_claim_fails_the_request_before_any_handler_runs(
    monkeypatch: pytest.MonkeyPatch, session: RecordingSession
) -> None:
    class Unreachable(InMemoryBotState):
        def claim_update(self, update_id: int) -> bool:
            raise ConnectionError("table unreachable")

    with telegram_bot(monkeypatch, Services(state=Unreachable)) as failing:
        chat = TelegramChat(ApiClient(), failing)
        with pytest.raises(ConnectionError):  # Lambda reports an error and Telegram retries later
            chat.deliver(message_update(5, IVAN, "/help"))
        assert failing.calls == []


def test_a_failing_handler_still_answers_200_with_an_apology_and_is_not_retried(
    monkeypatch: pytest.MonkeyPatch, state: InMemoryBotState
) -> None:
    def broken_search() -> Any:
        raise RuntimeError("search is down")

    services = Services(state=lambda: state, search=broken_search, telegram_login=lambda: _Accounts())
    with telegram_bot(monkeypatch, services) as session:
        chat = TelegramChat(ApiClient(), session)
        update = message_update(9, IVAN, "/search Брат")
        assert chat.deliver(update).status == 200
        assert chat.deliver(update).status == 200  # Telegram's retry: skipped, at most once
    assert [call.text for call in session.of(SendMessage)] == [texts.SORRY]
    assert state.claimed == [9]


def test_a_failing_button_answers_the_press_with_an_apology(
    monkeypatch: pytest.MonkeyPatch, state: InMemoryBotState
) -> None:
    def broken_recommender() -> Any:
        raise RuntimeError("recommendations are down")

    services = Services(state=lambda: state, telegram_login=lambda: _Accounts(), recommendations=broken_recommender)
    moods = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=IVAN["id"], type="private"),
        text=texts.ASK_MOOD,
        reply_markup=moods_keyboard([Mood(id=str(uuid.uuid4()), name="Весёлое, позитивное")]),
    )
    with telegram_bot(monkeypatch, services) as session:
        TelegramChat(ApiClient(), session).press("Весёлое, позитивное", moods)
    [answer] = session.of(AnswerCallbackQuery)
    assert (answer.text, answer.show_alert) == (texts.SORRY, True)
    assert session.of(SendMessage) == []


def test_group_chats_are_ignored(chat: TelegramChat, state: InMemoryBotState) -> None:
    update = message_update(11, IVAN, "/help")
    update["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Киноклуб"}
    assert chat.deliver(update).status == 200
    assert chat.session.calls == []
    assert state.claimed == [11]


class _Accounts:
    def telegram_user_id(self, telegram_id: int, username: str | None) -> str:
        return "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize("name", ["telegram_bot_token", "telegram_webhook_secret", "jwt_secret"])
def test_the_bots_secrets_come_from_the_arns_the_stack_sets(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    # CDK gives the function ``<NAME>_SECRET_ARN`` (infra/function_settings.py); Settings must look there.
    settings = get_settings().from_environ({f"{name.upper()}_SECRET_ARN": f"arn:aws:secretsmanager:{name}"})
    monkeypatch.setattr("filmhub.settings._fetch_secret", lambda arn: f"value of {arn}")
    assert settings.secret(name) == f"value of arn:aws:secretsmanager:{name}"


def test_without_a_bot_token_the_update_fails_before_it_is_claimed(
    chat: TelegramChat, state: InMemoryBotState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    get_settings.cache_clear()
    with pytest.raises(RuntimeError, match="TELEGRAM_BOT_TOKEN"):  # an error: Telegram retries once it is set
        chat.deliver(message_update(3, IVAN, "/help"))
    assert state.claimed == []
    assert chat.session.calls == []
