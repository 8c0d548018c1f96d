"""A Bot API server on 127.0.0.1 for the end-to-end tests: the bot in the local stack calls it over real HTTP
(``TELEGRAM_API_URL``), it records each call and answers as Telegram would, shaped enough for aiogram."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_TOKEN = "123456:E2E-bot-token"


@dataclass(frozen=True)
class BotApiCall:
    method: str
    params: dict[str, Any]
    result: Any


class FakeBotApi:
    def __init__(self) -> None:
        self.calls: list[BotApiCall] = []
        self._message_ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def of(self, method: str, chat_id: int | None = None) -> list[BotApiCall]:
        """The calls of one method (in one chat, when given), oldest first."""
        with self._lock:
            calls = [call for call in self.calls if call.method == method]
        return [call for call in calls if chat_id is None or call.params.get("chat_id") == str(chat_id)]

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        result: Any = True
        if method == "sendMessage":
            chat = {"id": int(params["chat_id"]), "type": "private"}
            result = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": chat,
                "text": params["text"],
            }
        elif method == "getMe":
            result = {"id": 123456, "is_bot": True, "first_name": "FilmHub", "username": "filmhub_bot"}
        elif method == "getWebhookInfo":
            webhooks = self.of("setWebhook")
            result = {"url": webhooks[-1].params["url"] if webhooks else "", "pending_update_count": 0}
        with self._lock:
            self.calls.append(BotApiCall(method, params, result))
        return result

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                token, _, method = self.path.removeprefix("/bot").partition("/")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if token != BOT_TOKEN:
                    reply: dict[str, Any] = {"ok": False, "error_code": 401, "description": "Unauthorized"}
                else:
                    params = _params(body, self.headers.get("Content-Type") or "")
                    reply = {"ok": True, "result": fake._answer(method, params)}
                payload = json.dumps(reply).encode()
                self.send_response(200 if reply["ok"] else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the http.server API)
                """Quiet: the calls are recorded."""

        return Handler


def _params(body: str, content_type: str) -> dict[str, Any]:
    """aiogram posts a form; a script may post JSON."""
    if content_type.startswith("application/json"):
        return json.loads(body or "{}")
    return {name: _decoded(value) for name, value in parse_qsl(body)}


def _decoded(value: str) -> Any:
    """aiogram sends nested objects (reply_markup …) as JSON strings."""
    if value[:1] in "{[":
        return json.loads(value)
    return value
