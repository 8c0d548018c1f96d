"""The table's stream in tests: the local stack's poller over in-process moto, drained on demand."""

from __future__ import annotations

import boto3

from filmhub.settings import get_settings
from local.streams import StreamPoller, rating_stream_poller


def rating_stream() -> StreamPoller:
    """A poller feeding the rating aggregator's handler, from the start of the current table's stream.

    botocore addresses DynamoDB Streams at an account endpoint that moto's in-process mock does not recognise,
    so the client names the regional endpoint explicitly."""
    region = get_settings().aws_region
    streams = boto3.client(
        "dynamodbstreams", region_name=region, endpoint_url=f"https://streams.dynamodb.{region}.amazonaws.com"
    )
    return rating_stream_poller(
        boto3.client("dynamodb", region_name=region), streams, get_settings().table_name, region
    )
