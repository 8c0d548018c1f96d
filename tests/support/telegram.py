"""A Telegram double for the bot's tests: real-shaped Update JSON goes in through the webhook route, Bot API calls
come out recorded by a fake aiogram session (the idea of aiogram's own ``tests/mocked_bot.py``), no network."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, User

import bot.handler
from bot.services import Services
from bot.webhook import Webhook
from filmhub.settings import get_settings
from tests.support.api import ApiClient, ApiResponse

BOT_TOKEN = "123456:TEST-bot-token"
WEBHOOK_SECRET = "test_webhook_secret-0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BOT_USER = User(id=123456, is_bot=True, first_name="FilmHub", username="filmhub_bot")
IVAN: dict[str, Any] = {
    "id": 5_550_001,
    "is_bot": False,
    "first_name": "Иван",
    "last_name": "Петров",
    "username": "ivan_petrov",
    "language_code": "ru",
}

Method = TypeVar("Method", bound=TelegramMethod[Any])


class RecordingSession(BaseSession):
    """Records every Bot API call and answers it as Telegram would, keeping the chat's messages (with edits)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.messages: dict[int, Message] = {}
        self._message_ids = itertools.count(1000)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.calls.append(method)
        if isinstance(method, SendMessage):
            message = Message(
                message_id=next(self._message_ids),
                date=datetime.now(UTC),
                chat=Chat(id=int(method.chat_id), type="private"),
                from_user=BOT_USER,
                text=method.text,
                reply_markup=method.reply_markup,
            )
            self.messages[message.message_id] = message
            return message
        if isinstance(method, EditMessageText) and method.message_id is not None:
            self._edit(method.message_id, text=method.text, reply_markup=method.reply_markup)
        elif isinstance(method, EditMessageReplyMarkup) and method.message_id is not None:
            self._edit(method.message_id, reply_markup=method.reply_markup)
        return True

    def _edit(self, message_id: int, **changes: Any) -> None:
        self.messages[message_id] = self.messages[message_id].model_copy(update=changes)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("the bot downloads no files")

    async def close(self) -> None:
        """Nothing to close: no connection was opened."""

    def of(self, method_type: type[Method]) -> list[Method]:
        return [call for call in self.calls if isinstance(call, method_type)]

    def clear(self) -> None:
        self.calls.clear()


def buttons(markup: InlineKeyboardMarkup | None) -> list[InlineKeyboardButton]:
    return [button for row in (markup.inline_keyboard if markup else []) for button in row]


def button_texts(markup: InlineKeyboardMarkup | None) -> list[str]:
    return [button.text for button in buttons(markup)]


def message_update(update_id: int, user: dict[str, Any], text: str) -> dict[str, Any]:
    """What Telegram posts when ``user`` writes ``text`` to the bot in a private chat."""
    message: dict[str, Any] = {
        "message_id": update_id,
        "from": user,
        "chat": {key: user[key] for key in ("id", "first_name", "last_name", "username") if key in user}
        | {"type": "private"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def callback_update(update_id: int, user: dict[str, Any], message: Message, data: str) -> dict[str, Any]:
    """What Telegram posts when ``user`` presses a button with ``data`` under the bot's ``message``."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": user,
            "chat_instance": "-8412345678901234567",
            "data": data,
            "message": message.model_dump(mode="json", by_alias=True, exclude_none=True),
        },
    }


class TelegramChat:
    """One person in a private chat with the bot: writes, presses buttons, reads what the bot sent."""

    def __init__(self, api: ApiClient, session: RecordingSession, user: dict[str, Any] | None = None) -> None:
        self.api = api
        self.session = session
        self.user = user or IVAN
        self._update_ids = itertools.count(int(time.time() * 1000) % 1_000_000_000)

    def deliver(self, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET) -> ApiResponse:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return self.api.post("/telegram/webhook", json_body=update, headers=headers)

    def send(self, text: str) -> ApiResponse:
        response = self.deliver(message_update(next(self._update_ids), self.user, text))
        assert response.status == 200, response.body
        return response

    def press(self, text: str, message: Message | None = None) -> ApiResponse:
        """Press the button labelled ``text`` on ``message`` (by default the newest message that has it)."""
        message = message or self.message_with(text)
        button = next(b for b in buttons(message.reply_markup) if b.text == text)
        assert button.callback_data is not None
        response = self.deliver(callback_update(next(self._update_ids), self.user, message, button.callback_data))
        assert response.status == 200, response.body
        return response

    def message_with(self, button_text: str) -> Message:
        return next(m for m in reversed(self.messages) if button_text in button_texts(m.reply_markup))

    @property
    def messages(self) -> list[Message]:
        """The bot's messages in this chat as they look now (edits applied), oldest first."""
        return [m for m in self.session.messages.values() if m.chat.id == self.user["id"]]

    @property
    def last(self) -> Message:
        return self.messages[-1]


@contextmanager
def telegram_bot(monkeypatch: pytest.MonkeyPatch, services: Services | None = None) -> Iterator[RecordingSession]:
    """The bot function configured with a token and a webhook secret, talking to a recording session."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET)
    get_settings.cache_clear()
    session = RecordingSession()
    webhook = Webhook(services, session_factory=lambda: session)
    monkeypatch.setattr(bot.handler, "webhook", lambda: webhook)
    try:
        yield session
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
