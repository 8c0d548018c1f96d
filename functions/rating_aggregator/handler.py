"""The rating aggregator Lambda: batches of rating changes from the table's stream → each film's average and count.

Not an API function (no route): CDK subscribes it to the table's stream (``infra/ratings.py``) and the local
stack's stream poller (``local/streams.py``) calls it with the same events.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from filmhub.http.observability import logger, tracer
from filmhub.ratings.stream import handle_stream_event
from filmhub.wiring import rating_aggregator


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_stream_event(event, rating_aggregator())
