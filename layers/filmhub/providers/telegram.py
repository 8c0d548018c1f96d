"""Messages to a user's Telegram chat through the Bot API (``sendMessage``), outside the bot's webhook.

The bot itself answers with aiogram inside its webhook; the transfer worker only needs to send one text, so
it posts to the Bot API with httpx and does not import aiogram.
"""

from __future__ import annotations

import httpx

TELEGRAM_API_URL = "https://api.telegram.org"
TIMEOUT_SECONDS = 5.0


class TelegramMessages:
    def __init__(self, token: str, api_url: str | None = None) -> None:
        self._url = f"{(api_url or TELEGRAM_API_URL).rstrip('/')}/bot{token}/sendMessage"
        self._client = httpx.Client(timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=2.0))

    def notify(self, telegram_id: int, text: str) -> None:
        response = self._client.post(self._url, json={"chat_id": telegram_id, "text": text})
        response.raise_for_status()
        if not response.json().get("ok"):
            raise RuntimeError(f"Bot API refused the message: {response.text[:200]}")
