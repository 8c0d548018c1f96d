"""moto-backed AWS for integration tests, a counter of DynamoDB calls made at the botocore level, and
faults injected below botocore's retries."""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import boto3
import botocore.client
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from filmhub import wiring
from filmhub.settings import get_settings
from filmhub.table.definition import create_table_kwargs
from local import moto_patches
from local.queues import create_transfer_pipeline
from local.stack import expire_unconfirmed_uploads


@contextlib.contextmanager
def mocked_aws(seed: bool = False) -> Iterator[None]:
    """A fresh table and bucket in moto; optionally seeded with the demo catalog."""
    moto_patches.install()
    settings = get_settings()
    with mock_aws():
        boto3.client("dynamodb", region_name=settings.aws_region).create_table(
            **create_table_kwargs(settings.table_name)
        )
        s3 = boto3.client("s3", region_name=settings.aws_region)
        s3.create_bucket(
            Bucket=settings.posters_bucket, CreateBucketConfiguration={"LocationConstraint": settings.aws_region}
        )
        expire_unconfirmed_uploads(s3, settings.posters_bucket)
        sqs = boto3.client("sqs", region_name=settings.aws_region)
        assert settings.uploads_bucket
        assert settings.transfer_queue_url
        pipeline = create_transfer_pipeline(
            s3, sqs, settings.uploads_bucket, settings.transfer_queue_url.rsplit("/", 1)[1], settings.aws_region
        )
        assert pipeline.queue_url == settings.transfer_queue_url
        wiring.reset()
        if seed:
            from filmhub.seed.seeder import seed as run_seed

            run_seed()
        yield
        wiring.reset()


class DynamoCallCounter:
    """Counts DynamoDB API calls (each retry of a call is the same round trip to the caller), keeping each
    call's parameters and result (empty when it failed) for whoever wants to look closer (the benchmarks)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.records: list[tuple[str, dict, dict]] = []

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    @contextlib.contextmanager
    def counting(self) -> Iterator[DynamoCallCounter]:
        original = botocore.client.BaseClient._make_api_call

        def counted(client: botocore.client.BaseClient, operation: str, params: dict) -> dict:
            if client.meta.service_model.service_name != "dynamodb":
                return original(client, operation, params)
            self.calls[operation] += 1
            result: dict = {}
            try:
                result = original(client, operation, params)
            finally:
                self.records.append((operation, params, result))
            return result

        with mock.patch.object(botocore.client.BaseClient, "_make_api_call", counted):
            yield self


Failure = Callable[[], AWSResponse | Exception]


class _Body(io.BytesIO):
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def dynamodb_error(code: str, status: int = 400, **fields: Any) -> Failure:
    """DynamoDB's answer with error ``code`` and any modeled ``fields`` (JSON protocol)."""
    error = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected", **fields}
    body = json.dumps(error).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    return lambda: AWSResponse("https://dynamodb.test", status, headers, _Body(body))


def s3_error(code: str, status: int = 500) -> Failure:
    """S3's answer with error ``code`` (REST-XML protocol)."""
    body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
    return lambda: AWSResponse("https://s3.test", status, {"Content-Type": "application/xml"}, _Body(body))


@contextlib.contextmanager
def failing_attempts(
    client: Any, failure: Failure, times: int | None = None, operation: str | None = None
) -> Iterator[list[str]]:
    """The client's first ``times`` attempts (every one when None), of ``operation`` or of any call, get
    ``failure`` instead of reaching the service.

    Injected at ``before-send``, below botocore's retry loop: each retried attempt fails again, exactly as a
    throttled or flaky service would.  Yields the operation name of every failed attempt.
    """
    service = client.meta.service_model.service_id.hyphenize()
    failed: list[str] = []
    intercept = _interceptor(failure, times, operation, failed)
    client.meta.events.register_first(f"before-send.{service}", intercept)
    try:
        yield failed
    finally:
        client.meta.events.unregister(f"before-send.{service}", intercept)


@contextlib.contextmanager
def failing_dynamodb(failure: Failure, times: int | None = None, operation: str | None = None) -> Iterator[list[str]]:
    """``failing_attempts`` for every DynamoDB client at once: PynamoDB keeps a client per model class.

    Hooked where moto answers botocore's ``before-send`` event, which every client created under moto emits."""
    failed: list[str] = []
    intercept = _interceptor(failure, times, operation, failed)
    answer = BotocoreStubber.__call__

    def failing_first(stubber: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> AWSResponse | None:
        if event_name.startswith("before-send.dynamodb."):
            injected = intercept(event_name)
            if injected is not None:
                return injected
        return answer(stubber, event_name, request, **kwargs)

    with mock.patch.object(BotocoreStubber, "__call__", failing_first):
        yield failed


def _interceptor(
    failure: Failure, times: int | None, operation: str | None, failed: list[str]
) -> Callable[..., AWSResponse | None]:
    def intercept(event_name: str, **_: Any) -> AWSResponse | None:
        name = event_name.rsplit(".", 1)[-1]
        if (times is not None and len(failed) >= times) or operation not in (None, name):
            return None
        failed.append(name)
        outcome = failure()
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return intercept
