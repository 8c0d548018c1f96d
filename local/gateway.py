"""A local stand-in for API Gateway (HTTP API, payload format 2.0).

It serves the route table of ``filmhub.routes``: each HTTP request becomes the event the deployed
function would receive (route key, path parameters, comma-joined repeated query parameters,
lower-cased headers, base64 bodies for binary content), the function runs (in worker processes,
``local/workers.py``, when the local stack serves; in-process for the integration tests' client),
and its response is written back.  Unknown routes answer 404 without calling any
function, and CORS preflights are answered here, as API Gateway does.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from filmhub.routes import FUNCTIONS, ROUTES, Route
from local.worker import LambdaContext as LambdaContextStub
from local.workers import InvocationFailed

#: API Gateway's own limit on a request payload.
MAX_BODY_BYTES = 10 * 1024 * 1024
TEXT_CONTENT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded", "application/xml")
CORS_ALLOW_HEADERS = "authorization,content-type,x-requested-with"
CORS_ALLOW_METHODS = "GET,POST,PUT,PATCH,DELETE,OPTIONS"
CORS_EXPOSE_HEADERS = "x-next-cursor,link,retry-after"
#: Characters a request target keeps as they are (reserved ones and "%" of existing escapes).
URL_SAFE_CHARACTERS = "/?&=%:+,;@!$'()*~#[]"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class CompiledRoute:
    route: Route
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, route: Route) -> CompiledRoute:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.path))
        return cls(route, re.compile(f"^{regex}$"))


class RouteTable:
    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [CompiledRoute.of(route) for route in routes]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # API Gateway prefers the most specific route: literal segments beat {parameters}.
        candidates = []
        for compiled in self._routes:
            if compiled.route.method != method:
                continue
            found = compiled.pattern.match(path)
            if found:
                literal_chars = len(re.sub(r"\{\w+\}", "", compiled.route.path))
                candidates.append((literal_chars, compiled.route, found.groupdict()))
        if not candidates:
            return None
        _, route, params = max(candidates, key=lambda candidate: candidate[0])
        return route, {name: unquote(value) for name, value in params.items()}

    def knows_path(self, path: str) -> bool:
        return any(compiled.pattern.match(path) for compiled in self._routes)


def is_text(content_type: str) -> bool:
    content_type = content_type.lower()
    return any(content_type.startswith(prefix) for prefix in TEXT_CONTENT_TYPES) or "+json" in content_type


def build_event(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    route: Route,
    path_parameters: dict[str, str],
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event for one request."""
    merged_headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        merged_headers[key] = f"{merged_headers[key]},{value}" if key in merged_headers else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": merged_headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": merged_headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged_headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        if is_text(merged_headers.get("content-type", "")):
            try:
                event["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"] = base64.b64encode(body).decode("ascii")
                event["isBase64Encoded"] = True
        else:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


class FunctionRegistry:
    """Calls each function in this process, importing its handler on first use.

    For the integration tests' in-process client (moto's in-process mock and respx reach the
    function only here).  One "container" per function, one request at a time (Powertools keeps
    the current request on the app object, so two threads in one app would mix their answers);
    ``tests/support/containers.py`` adds containers.  The local stack uses ``WorkerFunctions``.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._busy: dict[str, threading.Lock] = {}

    def invoke(self, function: str, event: dict[str, Any], context: Any) -> dict[str, Any]:
        handler = self.handler(function)
        with self._lock:
            busy = self._busy.setdefault(function, threading.Lock())
        with busy:
            return handler(event, context)

    def handler(self, function: str) -> Handler:
        with self._lock:
            if function not in self._handlers:
                spec = FUNCTIONS[function]
                module_name, attribute = spec.handler.rsplit(".", 1)
                self._handlers[function] = getattr(importlib.import_module(module_name), attribute)
            return self._handlers[function]


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class LocalGateway:
    def __init__(self, cors_origins: Iterable[str], routes: Iterable[Route] = ROUTES, functions: Any = None) -> None:
        self.routes = RouteTable(routes)
        #: ``invoke(function, event, context) -> response``: in-process, or ``local.workers.WorkerFunctions``.
        self.functions = functions if functions is not None else FunctionRegistry()
        self.cors_origins = set(cors_origins)

    def _cors_headers(self, origin: str | None) -> list[tuple[str, str]]:
        if not origin or origin not in self.cors_origins:
            return []
        return [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS),
            ("Vary", "Origin"),
        ]

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str = "127.0.0.1"
    ) -> GatewayResponse:
        received_at = time.monotonic()
        split = urlsplit(target)
        path = split.path or "/"
        origin = next((value for name, value in headers if name.lower() == "origin"), None)
        cors = self._cors_headers(origin)
        if method == "OPTIONS" and self.routes.knows_path(path):
            preflight = []
            if cors:
                preflight = [
                    *cors,
                    ("Access-Control-Allow-Methods", CORS_ALLOW_METHODS),
                    ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS),
                    ("Access-Control-Max-Age", "600"),
                ]
            return GatewayResponse(204, preflight, b"")
        matched = self.routes.match(method, path)
        if matched is None:
            return self._gateway_error(404, "Not Found", cors)
        if len(body) > MAX_BODY_BYTES:
            return self._gateway_error(413, "Request Entity Too Large", cors)
        route, path_parameters = matched
        event = build_event(method, path, split.query, headers, body, route, path_parameters, source_ip)
        context = LambdaContextStub(function_name=f"filmhub-{route.function}", aws_request_id=str(uuid.uuid4()))
        context.received_at = received_at  # type: ignore[attr-defined]  # when API Gateway's 30 s began
        try:
            result = self.functions.invoke(route.function, event, context)
        except InvocationFailed as failed:  # the integration failed: API Gateway answers for the function
            return self._gateway_error(failed.status, failed.message, cors)
        return self._response(result, cors)

    @staticmethod
    def _gateway_error(status: int, message: str, cors: list[tuple[str, str]]) -> GatewayResponse:
        body = json.dumps({"message": message}).encode()
        return GatewayResponse(status, [("Content-Type", "application/json"), *cors], body)

    @staticmethod
    def _response(result: dict[str, Any], cors: list[tuple[str, str]]) -> GatewayResponse:
        headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers.extend((name, str(value)) for value in values)
        headers.extend(("Set-Cookie", cookie) for cookie in result.get("cookies") or [])
        raw = result.get("body") or ""
        body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
        return GatewayResponse(int(result.get("statusCode", 200)), headers + cors, body)


def make_request_handler(gateway: LocalGateway, log: Callable[[str], None]) -> type[BaseHTTPRequestHandler]:
    class GatewayRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FilmHubLocalGateway/1.0"

        def _serve(self) -> None:
            started = time.perf_counter()
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._write(
                    GatewayResponse(
                        413, [("Content-Type", "application/json")], b'{"message":"Request Entity Too Large"}'
                    ),
                    close=True,
                )
                return
            body = self.rfile.read(length) if length else b""
            # http.server decodes the request line as Latin-1; clients like curl send raw UTF-8, which
            # API Gateway would receive percent-encoded: restore the bytes and encode what is not ASCII.
            target = quote(self.path.encode("latin-1"), safe=URL_SAFE_CHARACTERS)
            try:
                response = gateway.handle(
                    self.command, target, list(self.headers.items()), body, self.client_address[0]
                )
            except Exception as error:  # the function itself crashed: Lambda would answer 500
                log(f"function error: {error!r}")
                response = GatewayResponse(
                    500, [("Content-Type", "application/json")], b'{"message":"Internal Server Error"}'
                )
            self._write(response)
            elapsed_ms = (time.perf_counter() - started) * 1000
            log(f"{self.command} {unquote(target)} -> {response.status} ({elapsed_ms:.0f} ms)")

        def _write(self, response: GatewayResponse, close: bool = False) -> None:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
            return

    return GatewayRequestHandler


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    #: socketserver's default backlog of 5 resets the connections of a burst (25 clients at once did).
    request_queue_size = 128


def serve(gateway: LocalGateway, host: str, port: int, log: Callable[[str], None]) -> ThreadingHTTPServer:
    server = GatewayServer((host, port), make_request_handler(gateway, log))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="local-gateway", daemon=True).start()
    return server
