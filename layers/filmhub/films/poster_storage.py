"""Poster objects in S3 (``PosterStorage``): a private bucket, objects served from a public base URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from filmhub.core.errors import DependencyUnavailable
from filmhub.films.ports import PresignedUpload, StoredObject
from filmhub.settings import Settings

STORAGE_UNAVAILABLE = "Poster storage is temporarily unavailable"
#: Browsers and CDNs may keep a poster for a year: every upload gets a new key, so none goes stale.
CACHE_CONTROL = "public, max-age=31536000, immutable"
_MISSING = {"404", "NoSuchKey", "NotFound"}


def s3_client(settings: Settings) -> Any:
    config = Config(
        connect_timeout=2,
        read_timeout=10,
        retries={"mode": "standard", "max_attempts": 3},
        # Path style for the moto server and LocalStack; on AWS virtual hosting, which also makes presigned
        # forms point at the bucket's regional endpoint (the global one redirects, which breaks CORS).
        s3={"addressing_style": "path" if settings.s3_endpoint_url else "virtual"},
        signature_version="s3v4",
    )
    return boto3.client("s3", region_name=settings.aws_region, endpoint_url=settings.s3_endpoint_url, config=config)


@contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise DependencyUnavailable(STORAGE_UNAVAILABLE) from error


class S3PosterStorage:
    def __init__(self, settings: Settings) -> None:
        self._bucket = settings.posters_bucket
        self._base_url = (
            settings.posters_base_url or f"https://{settings.posters_bucket}.s3.{settings.aws_region}.amazonaws.com"
        ).rstrip("/")
        self._settings = settings

    @cached_property
    def _client(self) -> Any:
        # Created on first use: reading or editing a film never pays for an S3 client.
        return s3_client(self._settings)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        with _unavailable_on_failure():
            self._client.put_object(
                Bucket=self._bucket, Key=key, Body=data, ContentType=content_type, CacheControl=CACHE_CONTROL
            )

    def delete(self, key: str) -> None:
        with _unavailable_on_failure():
            self._client.delete_object(Bucket=self._bucket, Key=key)

    def copy(self, source: str, target: str, content_type: str) -> None:
        with _unavailable_on_failure():
            self._client.copy_object(
                Bucket=self._bucket,
                Key=target,
                CopySource={"Bucket": self._bucket, "Key": source},
                # The type the bytes proved, not the one the uploader declared.
                MetadataDirective="REPLACE",
                ContentType=content_type,
                CacheControl=CACHE_CONTROL,
            )

    def public_url(self, key: str) -> str:
        return f"{self._base_url}/{key}"

    def presigned_upload(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedUpload:
        with _unavailable_on_failure():
            post = self._client.generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": content_type, "Cache-Control": CACHE_CONTROL},
                Conditions=[
                    {"Content-Type": content_type},
                    {"Cache-Control": CACHE_CONTROL},
                    ["content-length-range", 1, max_bytes],
                ],
                ExpiresIn=expires_in,
            )
        return PresignedUpload(url=post["url"], fields=dict(post["fields"]), key=key, expires_in=expires_in)

    def peek(self, key: str, length: int) -> StoredObject | None:
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=key, Range=f"bytes=0-{length - 1}")
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _MISSING:
                return None
            raise DependencyUnavailable(STORAGE_UNAVAILABLE) from error
        except BotoCoreError as error:
            raise DependencyUnavailable(STORAGE_UNAVAILABLE) from error
        with _unavailable_on_failure():
            head = response["Body"].read()
        # "bytes 0-15/12345": the total size follows the slash (no Content-Range for an empty object).
        content_range = response.get("ContentRange") or ""
        size = int(content_range.rsplit("/", 1)[1]) if "/" in content_range else int(response["ContentLength"])
        return StoredObject(size=size, head=head)
