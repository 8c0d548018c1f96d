"""The Telegram login over real HTTP: the web app's key endpoints, the bot's webhook route of the local
gateway, and the Bot API calls the bot makes (to a fake Bot API server, over HTTP too)."""

from __future__ import annotations

import random
from typing import Any

from aiogram.types import Message

from bot import texts
from tests.support.e2e import WEBHOOK_SECRET
from tests.support.fake_bot_api import FakeBotApi
from tests.support.local_stack import HttpResponse, LocalStackProcess
from tests.support.telegram import SECRET_HEADER, callback_update, message_update


def deliver(stack: LocalStackProcess, update: dict[str, Any], secret: str = WEBHOOK_SECRET) -> HttpResponse:
    return stack.request("POST", "/api/v1/telegram/webhook", json_body=update, headers={SECRET_HEADER: secret})


def test_login_through_the_bot(stack: LocalStackProcess, bot_api: FakeBotApi) -> None:
    user = {"id": random.randrange(10**9, 2 * 10**9), "is_bot": False, "first_name": "Анна", "username": "anna_e2e"}
    update_ids = iter(range(random.randrange(10**8), 10**9))
    key = stack.request("POST", "/api/v1/auth/telegram/get_auth_key").json["auth_key"]

    assert deliver(stack, message_update(next(update_ids), user, f"/start auth_{key}")).status == 200
    [prompt] = bot_api.of("sendMessage", user["id"])
    buttons = [button for row in prompt.params["reply_markup"]["inline_keyboard"] for button in row]
    assert [button["text"] for button in buttons] == [texts.CONFIRM, texts.DECLINE]
    check = stack.request("POST", "/api/v1/auth/telegram/check_auth_key", json_body={"tg_code": key})
    assert check.json == {"is_confirmed": False}

    message = Message.model_validate(prompt.result)
    confirm = callback_update(next(update_ids), user, message, buttons[0]["callback_data"])
    assert deliver(stack, confirm, secret="wrong secret").status == 401  # not from Telegram: nothing happens
    assert stack.request("POST", "/api/v1/auth/telegram/check_auth_key", json_body={"tg_code": key}).json == {
        "is_confirmed": False
    }
    assert deliver(stack, confirm).status == 200
    [edit] = bot_api.of("editMessageText", user["id"])
    assert edit.params["message_id"] == str(message.message_id)
    assert edit.params["text"].startswith("✅ Готово!")
    assert "reply_markup" not in edit.params  # the buttons are gone
    assert any(
        call.params["callback_query_id"] == confirm["callback_query"]["id"]
        for call in bot_api.of("answerCallbackQuery")
    )

    login = stack.request("POST", "/api/v1/auth/telegram/login", json_body={"tg_code": key})
    assert login.status == 201
    assert (login.json["telegram_id"], login.json["username"]) == (user["id"], "anna_e2e")
    me = stack.request("GET", "/api/v1/me", token=login.json["token"])
    assert me.json["id"] == login.json["id"]
    again = stack.request("POST", "/api/v1/auth/telegram/login", json_body={"tg_code": key})
    assert again.status == 401  # a key logs in once
