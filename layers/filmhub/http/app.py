"""The Powertools resolver every API function is built on, and its Lambda entry point."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from functools import partial
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from filmhub.http.bodies import json_loads
from filmhub.http.errors import MALFORMED_JSON, error_response, register_error_handlers
from filmhub.http.observability import logger, metrics, tracer

API_PREFIX = "/api/v1"
#: Request bodies are refused unread above this size (413), except a poster's multipart form: its route
#: has its own, larger limit.
MAX_BODY_BYTES = 1024 * 1024
MULTIPART = "multipart/form-data"
BODY_TOO_LARGE = "Request body is larger than 1 MB"
NOT_UTF8 = "Request body is not UTF-8 text"

#: Russian text stays readable in responses (UTF-8, not \\u escapes).
json_dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"), default=str)

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def create_app(*routers: APIGatewayHttpRouter) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(
        strip_prefixes=[API_PREFIX], enable_validation=True, serializer=json_dumps, json_body_deserializer=json_loads
    )
    register_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


def refuse_body(event: dict[str, Any]) -> Response | None:
    """The answer to a body no route should read: too large (413) or not text (400); None for an acceptable one.

    Checked before routing, so such a body is never decoded or parsed.  A poster's multipart form is its
    route's business (binary, up to 5 MB)."""
    body = event.get("body")
    content_type = str((event.get("headers") or {}).get("content-type", "")).lower()
    if not body or content_type.startswith(MULTIPART):
        return None
    if not event.get("isBase64Encoded"):
        too_large = len(body.encode(errors="surrogatepass")) > MAX_BODY_BYTES
        return error_response(413, BODY_TOO_LARGE) if too_large else None
    try:
        raw = base64.b64decode(body, validate=True)
    except binascii.Error:
        return error_response(400, NOT_UTF8)
    if len(raw) > MAX_BODY_BYTES:
        return error_response(413, BODY_TOO_LARGE)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        is_json = not content_type or "json" in content_type
        return error_response(400, MALFORMED_JSON if is_json else NOT_UTF8)
    return None


def normalize_content_type(event: dict[str, Any]) -> None:
    """Lower-case the media type of ``Content-Type`` (case-insensitive, RFC 9110), keeping its parameters as sent:
    Powertools compares it case-sensitively, and a multipart boundary is case-sensitive."""
    headers = event.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == "content-type" and isinstance(value, str):
            media_type, separator, parameters = value.partition(";")
            headers[name] = media_type.strip().lower() + separator + parameters


#: On every answer: a browser must never guess a type from the body (a film title may hold HTML), and a JSON
#: answer opened as a page may run, load and frame nothing.  An HTML route (Swagger UI) sets its own policy.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


def with_security_headers(result: dict[str, Any]) -> dict[str, Any]:
    result["headers"] = {**SECURITY_HEADERS, **(result.get("headers") or {})}
    return result


def proxy_result(response: Response) -> dict[str, Any]:
    """A response built outside the resolver, in API Gateway's proxy format."""
    return {
        "statusCode": response.status_code,
        "headers": response.headers,
        "body": response.body,
        "isBase64Encoded": False,
    }


def lambda_entry_point(app: APIGatewayHttpResolver) -> LambdaHandler:
    """The function's handler: correlation id, tracing and metrics around ``app.resolve``."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(raise_on_empty_metrics=False)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        normalize_content_type(event)
        refused = refuse_body(event)
        if refused is not None:
            return with_security_headers(proxy_result(refused))
        return with_security_headers(app.resolve(event, context))

    return handler
