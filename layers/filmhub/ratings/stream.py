"""The rating aggregator's Lambda side: DynamoDB stream events in, partial batch failures out.

Lambda's event source mapping already filters the stream to rating items (``STREAM_FILTER``, also what the
local poller applies), so a batch holds only rating changes.  Failures are reported the way Lambda's
``ReportBatchItemFailures`` expects (the Powertools batch response shape): Lambda resumes the shard from the
lowest failed sequence number, and everything the aggregator already folded after it is recognised and
skipped.  Powertools' per-record ``BatchProcessor`` is not used because a record-at-a-time handler would write
the film once per rating, which is the contention this design exists to avoid.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBStreamEvent

from filmhub.ratings.aggregator import RatingAggregator, stream_position
from filmhub.ratings.ports import RatingChange
from filmhub.table.definition import PARTITION_KEY, SORT_KEY
from filmhub.table.models import RATING_PREFIX

FILM_PARTITION_PREFIX = "FILM#"
#: The event source mapping's filter: rating items only (``FilterCriteria`` syntax).
STREAM_FILTER = {"dynamodb": {"Keys": {SORT_KEY: {"S": [{"prefix": RATING_PREFIX}]}}}}


def _half_points(image: dict[str, Any]) -> int | None:
    value = image.get("half_points")
    return None if value is None else int(value)


def rating_changes(event: dict[str, Any]) -> list[tuple[str, RatingChange]]:
    """(sequence number, change) of every rating record of the event, in stream order."""
    changes = []
    for record in DynamoDBStreamEvent(event).records:
        stream = record.dynamodb
        if stream is None:
            continue
        keys = stream.keys or {}
        if not str(keys.get(SORT_KEY, "")).startswith(RATING_PREFIX):
            continue
        sequence = str(stream.sequence_number)
        change = RatingChange(
            film_id=str(keys[PARTITION_KEY]).removeprefix(FILM_PARTITION_PREFIX),
            position=stream_position(record.event_source_arn or "", sequence),
            before=_half_points(stream.old_image or {}),
            after=_half_points(stream.new_image or {}),
        )
        changes.append((sequence, change))
    return changes


def handle_stream_event(event: dict[str, Any], aggregator: RatingAggregator) -> dict[str, Any]:
    """Fold the batch; ``batchItemFailures`` names every record of the films that could not be written."""
    changes = rating_changes(event)
    failed = {change.position for change in aggregator.apply([change for _, change in changes])}
    return {"batchItemFailures": [{"itemIdentifier": seq} for seq, change in changes if change.position in failed]}
