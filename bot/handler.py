"""Lambda entry point of the Telegram webhook, ``POST /api/v1/telegram/webhook`` (see ``bot.webhook``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bot.webhook import Webhook
from filmhub.http.observability import logger, metrics, tracer


@cache
def webhook() -> Webhook:
    """One dispatcher per container; tests replace this function to inject fakes."""
    return Webhook()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return webhook().handle(event)
