"""The transfer worker: the queue's messages are S3 upload events (an import's file arrived), chunks of an
import's rows, and exports.  Not behind API Gateway; SQS invokes it with batches.

Each record succeeds or fails on its own (Powertools' ``BatchProcessor``, reported as ``batchItemFailures``): a
failed record is redelivered after its visibility timeout, and after a few failures it moves to the dead-letter
queue, while the rest of the batch is done.  Redelivery is safe: a chunk's counts are recorded once, and every
write a row makes is idempotent.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from filmhub.wiring import transfer_worker

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def handle_record(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if "Records" in body:
        for s3_record in body["Records"]:
            if str(s3_record.get("eventName", "")).startswith("ObjectCreated:"):
                # Keys in S3 events are URL-encoded (a space is "+").
                transfer_worker().on_upload(unquote_plus(s3_record["s3"]["object"]["key"]))
        return
    if body.get("Event") == "s3:TestEvent":  # S3 checks a new notification with this message
        return
    transfer_worker().handle(body)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
