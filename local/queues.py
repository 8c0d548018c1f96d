"""The transfer pipeline locally, as AWS wires it: the uploads bucket notifies the queue, and a poller invokes the
queue's worker with the SQS event Lambda's event source mapping would send.

moto delivers S3 ``ObjectCreated`` notifications to an SQS queue of the same server itself, so only the event
source mapping is emulated here: receive a batch, invoke the worker with it, delete the records it did not report
in ``batchItemFailures``, and let the failed ones come back after a short delay; after ``MAX_RECEIVES`` receipts
the queue's redrive policy moves a record to the dead-letter queue, as on AWS.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: Receipts of a message before the queue moves it to the dead-letter queue (the stack deploys the same).
MAX_RECEIVES = 3
#: Records per invocation (the event source mapping's batch size).
BATCH_SIZE = 5
UPLOADS_PREFIX = "imports/"


@dataclass(frozen=True)
class TransferPipeline:
    queue_url: str
    queue_arn: str
    dead_letter_url: str


def queue_arn(sqs: Any, queue_url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def create_transfer_pipeline(
    s3: Any, sqs: Any, bucket: str, queue_name: str, region: str, visibility_seconds: int = 600
) -> TransferPipeline:
    """The uploads bucket, the queue with its dead-letter queue, and the bucket's notification of new uploads."""
    dead_letter_url = sqs.create_queue(QueueName=f"{queue_name}-dlq")["QueueUrl"]
    redrive = {"deadLetterTargetArn": queue_arn(sqs, dead_letter_url), "maxReceiveCount": str(MAX_RECEIVES)}
    queue_url = sqs.create_queue(
        QueueName=queue_name,
        Attributes={"VisibilityTimeout": str(visibility_seconds), "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    arn = queue_arn(sqs, queue_url)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": UPLOADS_PREFIX}]}},
                }
            ]
        },
    )
    return TransferPipeline(queue_url, arn, dead_letter_url)


def sqs_event(messages: list[dict[str, Any]], source_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping sends for these received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": source_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


class QueuePoller:
    """One event source mapping: batches from the queue into ``invoke(event) -> response``."""

    def __init__(
        self,
        sqs: Any,
        pipeline: TransferPipeline,
        region: str,
        invoke: Callable[[dict[str, Any]], dict[str, Any]],
        retry_delay_seconds: int = 1,
        wait_seconds: int = 1,
    ) -> None:
        self._sqs = sqs
        self._pipeline = pipeline
        self._region = region
        self._invoke = invoke
        self._retry_delay = retry_delay_seconds
        self._wait = wait_seconds

    def poll_once(self) -> int:
        """Receive one batch and hand it to the worker; returns how many records it received."""
        received = self._sqs.receive_message(
            QueueUrl=self._pipeline.queue_url,
            MaxNumberOfMessages=BATCH_SIZE,
            WaitTimeSeconds=self._wait,
            AttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return 0
        try:
            response = self._invoke(sqs_event(received, self._pipeline.queue_arn, self._region)) or {}
            failed = {failure["itemIdentifier"] for failure in response.get("batchItemFailures", [])}
        except Exception as error:  # the function failed as a whole: every record comes back
            log.warning("transfer worker failed: %s", error)
            failed = {message["MessageId"] for message in received}
        for message in received:
            if message["MessageId"] in failed:
                self._sqs.change_message_visibility(
                    QueueUrl=self._pipeline.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self._retry_delay,
                )
            else:
                self._sqs.delete_message(QueueUrl=self._pipeline.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(received)

    def drain(self, timeout_seconds: float = 60.0) -> None:
        """Poll until the queue stays empty (tests, benchmarks)."""
        deadline = time.monotonic() + timeout_seconds
        idle = 0
        while time.monotonic() < deadline:
            idle = 0 if self.poll_once() else idle + 1
            if idle >= 2 and not self._in_flight():
                return
        raise TimeoutError("the transfer queue did not drain")

    def _in_flight(self) -> bool:
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self._pipeline.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return any(int(value) for value in attributes.values())

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.poll_once()
            except Exception:  # the poller outlives a bad moment of the queue, as the event source mapping does
                log.warning("transfer queue poll failed", exc_info=True)
                stop.wait(1.0)


def start_pollers(
    sqs: Any, pipeline: TransferPipeline, region: str, invoke: Callable[[dict[str, Any]], dict[str, Any]], count: int
) -> threading.Event:
    """``count`` pollers in daemon threads (concurrent batches, as Lambda scales a queue's consumers)."""
    stop = threading.Event()
    for number in range(count):
        poller = QueuePoller(sqs, pipeline, region, invoke)
        threading.Thread(target=poller.run, args=(stop,), name=f"local-queue-{number}", daemon=True).start()
    return stop
