"""The table's stream in tests: the local stack's poller over in-process moto, drained on demand."""

from __future__ import annotations

import json
from typing import Any

import boto3

from filmhub.settings import get_settings
from local.streams import StreamPoller


def _aggregator(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The aggregator's handler, given the event as its worker process would get it: through JSON."""
    from rating_aggregator.handler import lambda_handler

    return lambda_handler(json.loads(json.dumps(event)), context)


def rating_stream() -> StreamPoller:
    """A poller feeding the rating aggregator's handler, from the start of the current table's stream.

    botocore addresses DynamoDB Streams at an account endpoint that moto's in-process mock does not recognise,
    so the client names the regional endpoint explicitly."""
    region = get_settings().aws_region
    streams = boto3.client(
        "dynamodbstreams", region_name=region, endpoint_url=f"https://streams.dynamodb.{region}.amazonaws.com"
    )
    dynamodb = boto3.client("dynamodb", region_name=region)
    return StreamPoller(dynamodb, streams, get_settings().table_name, _aggregator, region=region)
