"""The table's stream, read locally the way Lambda's event source mapping reads it on AWS.

moto keeps a DynamoDB stream for a table created with a ``StreamSpecification`` and answers DescribeStream,
GetShardIterator and GetRecords.  ``StreamPoller`` reads every shard from where it stopped, keeps the
records that the deployed mapping's filter (``filmhub.ratings.stream.STREAM_FILTER``) keeps, and calls the
aggregator's own Lambda handler with the same event shape; a batch that reports failures is read again from
its lowest failed sequence number, as Lambda does.  The local stack polls in a thread; tests call ``drain``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from filmhub.ratings.stream import STREAM_FILTER
from local.gateway import LambdaContextStub

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
#: Lambda's default batch size for DynamoDB streams.
BATCH_SIZE = 100
AGGREGATOR_NAME = "filmhub-rating-aggregator"


def matches(pattern: Any, value: Any) -> bool:
    """The subset of Lambda's event filter syntax the filters here use: nested keys, ``prefix`` and exact values."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(key in value and matches(pattern[key], value[key]) for key in pattern)
    if isinstance(pattern, list):
        return any(
            isinstance(value, str) and value.startswith(rule["prefix"])
            if isinstance(rule, dict) and "prefix" in rule
            else value == rule
            for rule in pattern
        )
    return bool(pattern == value)


class StreamPoller:
    def __init__(
        self,
        dynamodb: Any,
        streams: Any,
        table_name: str,
        handler: Handler,
        start_at: str = "TRIM_HORIZON",
        region: str = "",
    ) -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._table_name = table_name
        self._handler = handler
        self._start_at = start_at
        self._region = region
        self._iterators: dict[str, str] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()

    @property
    def stream_arn(self) -> str:
        return str(self._dynamodb.describe_table(TableName=self._table_name)["Table"]["LatestStreamArn"])

    def start_from_latest(self) -> None:
        """Skip whatever is in the stream now (e.g. the writes that restored a snapshot)."""
        with self._lock:
            self._start_at = "LATEST"
            self._iterators.clear()
            self._shard_iterators(self.stream_arn)

    def drain(self) -> int:
        """Hand every new record to the handler, batch by batch; returns how many matched the filter."""
        with self._lock:
            arn = self.stream_arn
            delivered = 0
            for shard_id, iterator in self._shard_iterators(arn).items():
                delivered += self._drain_shard(arn, shard_id, iterator)
            return delivered

    def _shard_iterators(self, arn: str) -> dict[str, str]:
        shards = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType=self._start_at
                )["ShardIterator"]
        return dict(self._iterators)

    def _drain_shard(self, arn: str, shard_id: str, iterator: str) -> int:
        delivered = 0
        while True:
            page = self._streams.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
            records = [self._as_lambda_record(arn, record) for record in page["Records"]]
            batch = [record for record in records if matches(STREAM_FILTER, record)]
            if batch:
                context = LambdaContextStub(function_name=AGGREGATOR_NAME, aws_request_id=str(uuid.uuid4()))
                failures = self._handler({"Records": batch}, context).get("batchItemFailures") or []
                if failures:
                    lowest = min((str(f["itemIdentifier"]) for f in failures), key=int)
                    log.warning("rating aggregator reported %d failures; retrying from %s", len(failures), lowest)
                    self._iterators[shard_id] = self._streams.get_shard_iterator(
                        StreamArn=arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=lowest
                    )["ShardIterator"]
                    return delivered
                delivered += len(batch)
            iterator = page["NextShardIterator"]
            self._iterators[shard_id] = iterator
            if not page["Records"]:
                return delivered

    def _as_lambda_record(self, arn: str, record: dict[str, Any]) -> dict[str, Any]:
        """What Lambda adds to a stream record: the stream's ARN and the region."""
        return {**record, "eventSource": "aws:dynamodb", "eventSourceARN": arn, "awsRegion": self._region}

    def run(self, interval_seconds: float) -> threading.Thread:
        """Poll in a daemon thread until ``stop``."""

        def loop() -> None:
            while not self._stop.wait(interval_seconds):
                try:
                    self.drain()
                except Exception:  # the next poll tries again, as Lambda would
                    log.exception("stream poll failed")

        thread = threading.Thread(target=loop, name="local-stream-poller", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def rating_stream_poller(dynamodb: Any, streams: Any, table_name: str, region: str) -> StreamPoller:
    """A poller that feeds the rating aggregator's Lambda handler."""
    from rating_aggregator.handler import lambda_handler

    return StreamPoller(dynamodb, streams, table_name, lambda_handler, region=region)
