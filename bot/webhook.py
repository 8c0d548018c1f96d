"""The webhook: authenticate Telegram, take each update once, feed it to the one aiogram dispatcher.

Idempotency is *at most once*.  The update id is claimed (a conditional put, TTL one day) after the update
parsed and before any handler runs, and the answer is 200 whatever the handlers did.  Telegram retries an
update on any non-2xx answer or a timeout; a retry of a claimed update is acknowledged and skipped, so a
button (e.g. a list toggle) never acts twice even when the first attempt died half-way.  The price: an update
whose handling failed is not retried; the user gets an apology and presses again.  Only a failure *before* the
claim (the table unreachable, no bot token) surfaces as an error, and then Telegram's retry is what we want.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent, Update
from pydantic import ValidationError

from bot import texts
from bot.handlers import routers
from bot.services import Services
from filmhub.core.errors import TooManyRequests
from filmhub.http.observability import logger
from filmhub.settings import get_settings
from filmhub.sharing.links import base_url

SECRET_HEADER = "x-telegram-bot-api-secret-token"


def build_dispatcher(services: Services) -> Dispatcher:
    # No FSM: every conversation step is carried by a command or by callback data, so nothing needs storing.
    dispatcher = Dispatcher(disable_fsm=True, services=services)
    dispatcher.message.filter(F.chat.type == ChatType.PRIVATE)
    dispatcher.errors.register(_apologize)
    dispatcher.include_routers(*routers())
    return dispatcher


async def _apologize(event: ErrorEvent) -> None:
    """The update is claimed already: log the failure, tell the user, and let the webhook answer 200."""
    if isinstance(event.exception, TooManyRequests):
        logger.info("update %s over a request limit", event.update.update_id)
        reply = texts.too_many_requests(event.exception.retry_after_seconds)
    else:
        logger.error("update %s failed", event.update.update_id, exc_info=event.exception)
        reply = texts.SORRY
    with suppress(TelegramAPIError):  # Telegram itself may be what failed
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(reply, show_alert=True)
        elif event.update.message is not None:
            await event.update.message.answer(reply)


def _response(status: int, detail: str | None = None) -> dict[str, Any]:
    """An empty answer (Telegram reads nothing from it), or an error in the API's envelope."""
    if detail is None:
        return {"statusCode": status}
    body = json.dumps({"status_code": status, "detail": detail})
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": body}


def authentic(headers: dict[str, str]) -> bool:
    """Whether the request carries the webhook secret (constant time); never when none is configured."""
    expected = get_settings().secret("telegram_webhook_secret")
    provided = next((value for name, value in headers.items() if name.lower() == SECRET_HEADER), None)
    if not expected or provided is None:
        return False
    return hmac.compare_digest(provided.encode(), expected.encode())


def bot_api_session() -> BaseSession:
    """An HTTP session to Telegram's Bot API, or to the server ``TELEGRAM_API_URL`` names."""
    base_url = get_settings().telegram_api_url
    return AiohttpSession(api=TelegramAPIServer.from_base(base_url)) if base_url else AiohttpSession()


class Webhook:
    """Built once per container: the dispatcher and its routers.  The Bot (and its HTTP session) is built per
    invocation inside that invocation's event loop, since an aiohttp session cannot outlive its loop."""

    def __init__(
        self, services: Services | None = None, session_factory: Callable[[], BaseSession] = bot_api_session
    ) -> None:
        self.services = services or Services()
        self._session_factory = session_factory
        self._dispatcher = build_dispatcher(self.services)

    def handle(self, event: dict[str, Any]) -> dict[str, Any]:
        if not authentic(event.get("headers") or {}):
            return _response(401, "Invalid webhook secret")
        raw = event.get("body") or ""
        try:
            payload = json.loads(base64.b64decode(raw) if event.get("isBase64Encoded") else raw)
        except ValueError:
            # Only Telegram knows the secret; a body it sent that we cannot read will not improve on retry.
            logger.error("unreadable webhook body dropped")
            return _response(200)
        # Links the bot sends (a shared list's) point where this request came in, unless configured.
        public_base_url = base_url(get_settings().public_base_url, event.get("headers") or {})
        asyncio.run(self._process(payload, public_base_url))
        return _response(200)

    async def _process(self, payload: Any, public_base_url: str) -> None:
        token = get_settings().secret("telegram_bot_token")
        if not token:
            raise RuntimeError("TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_TOKEN_SECRET_ARN) is not configured")
        default = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)
        async with Bot(token, session=self._session_factory(), default=default) as bot:
            try:
                update = Update.model_validate(payload, context={"bot": bot})
            except ValidationError:
                logger.exception("malformed update dropped")
                return
            if not self.services.state().claim_update(update.update_id):
                logger.info("update %s was processed already; skipped", update.update_id)
                return
            await self._dispatcher.feed_update(bot, update, public_base_url=public_base_url)
