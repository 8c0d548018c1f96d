"""The uploads bucket (``TransferStorage``) and the transfer queue (``TransferQueue``) on S3 and SQS."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from filmhub.core.errors import DependencyUnavailable
from filmhub.films.poster_storage import s3_client
from filmhub.settings import Settings
from filmhub.transfer.ports import PresignedForm

STORAGE_UNAVAILABLE = "Import storage is temporarily unavailable"
QUEUE_UNAVAILABLE = "The import queue is temporarily unavailable"
_MISSING = {"404", "NoSuchKey", "NotFound"}
#: SendMessageBatch takes 10 messages and 256 KB in all.
BATCH_MESSAGES = 10
BATCH_BYTES = 250 * 1024


class S3TransferStorage:
    def __init__(self, settings: Settings) -> None:
        if not settings.uploads_bucket:
            raise RuntimeError("UPLOADS_BUCKET is not configured")
        self._bucket = settings.uploads_bucket
        self._settings = settings

    @cached_property
    def _client(self) -> Any:
        return s3_client(self._settings)

    def upload_form(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedForm:
        try:
            post = self._client.generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
                ExpiresIn=expires_in,
            )
        except (ClientError, BotoCoreError) as error:
            raise DependencyUnavailable(STORAGE_UNAVAILABLE) from error
        return PresignedForm(url=post["url"], fields=dict(post["fields"]), expires_in=expires_in)

    def read(self, key: str, max_bytes: int) -> bytes | None:
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _MISSING:
                return None
            raise
        if int(response["ContentLength"]) > max_bytes:
            response["Body"].close()
            raise ValueError(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
        return bytes(response["Body"].read(max_bytes + 1))

    def put(self, key: str, data: bytes, content_type: str, filename: str) -> None:
        self._client.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ContentDisposition=f"attachment; filename*=UTF-8''{quote(filename)}",
        )

    def download_url(self, key: str, expires_in: int) -> str:
        return str(
            self._client.generate_presigned_url(
                "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in
            )
        )


class SqsTransferQueue:
    def __init__(self, settings: Settings) -> None:
        if not settings.transfer_queue_url:
            raise RuntimeError("TRANSFER_QUEUE_URL is not configured")
        self._url = settings.transfer_queue_url
        self._settings = settings

    @cached_property
    def _client(self) -> Any:
        config = Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})
        return boto3.client(
            "sqs", region_name=self._settings.aws_region, endpoint_url=self._settings.sqs_endpoint_url, config=config
        )

    def send(self, messages: Sequence[dict[str, Any]]) -> None:
        bodies = [json.dumps(message, ensure_ascii=False, separators=(",", ":")) for message in messages]
        try:
            for batch in _batches(bodies):
                entries = [{"Id": str(number), "MessageBody": body} for number, body in enumerate(batch)]
                pending = entries
                # Entries the queue refused (throttled, internal error) are sent again; the rest is done.
                for _ in range(3):
                    failed = self._client.send_message_batch(QueueUrl=self._url, Entries=pending).get("Failed", [])
                    failed_ids = {failure["Id"] for failure in failed}
                    pending = [entry for entry in pending if entry["Id"] in failed_ids]
                    if not pending:
                        break
                if pending:
                    raise DependencyUnavailable(QUEUE_UNAVAILABLE)
        except (ClientError, BotoCoreError) as error:
            raise DependencyUnavailable(QUEUE_UNAVAILABLE) from error


def _batches(bodies: Sequence[str]) -> list[list[str]]:
    batches: list[list[str]] = [[]]
    size = 0
    for body in bodies:
        body_size = len(body.encode())
        if batches[-1] and (len(batches[-1]) == BATCH_MESSAGES or size + body_size > BATCH_BYTES):
            batches.append([])
            size = 0
        batches[-1].append(body)
        size += body_size
    return [batch for batch in batches if batch]
