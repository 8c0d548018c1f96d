"""The Powertools resolver every API function is built on, and its Lambda entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from filmhub.http.errors import register_error_handlers
from filmhub.http.observability import logger, metrics, tracer

API_PREFIX = "/api/v1"

#: Russian text stays readable in responses (UTF-8, not \\u escapes).
json_dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"), default=str)

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def create_app(*routers: APIGatewayHttpRouter) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(strip_prefixes=[API_PREFIX], enable_validation=True, serializer=json_dumps)
    register_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


def lambda_entry_point(app: APIGatewayHttpResolver) -> LambdaHandler:
    """The function's handler: correlation id, tracing and metrics around ``app.resolve``."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(raise_on_empty_metrics=False)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return handler
