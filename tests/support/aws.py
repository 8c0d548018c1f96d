"""moto-backed AWS for integration tests, and a counter of DynamoDB calls made at the botocore level."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from unittest import mock

import boto3
import botocore.client
from moto import mock_aws

from filmhub import wiring
from filmhub.data.table import create_table_kwargs
from filmhub.settings import get_settings
from local import moto_patches


@contextlib.contextmanager
def mocked_aws(seed: bool = False) -> Iterator[None]:
    """A fresh table and bucket in moto; optionally seeded with the demo catalog."""
    moto_patches.install()
    settings = get_settings()
    with mock_aws():
        boto3.client("dynamodb", region_name=settings.aws_region).create_table(
            **create_table_kwargs(settings.table_name)
        )
        boto3.client("s3", region_name=settings.aws_region).create_bucket(
            Bucket=settings.posters_bucket,
            CreateBucketConfiguration={"LocationConstraint": settings.aws_region},
        )
        wiring.reset()
        if seed:
            from filmhub.seed.seeder import seed as run_seed

            run_seed()
        yield
        wiring.reset()


class DynamoCallCounter:
    """Counts DynamoDB API calls (each retry of a call is the same round trip to the caller)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    @contextlib.contextmanager
    def counting(self) -> Iterator[DynamoCallCounter]:
        original = botocore.client.BaseClient._make_api_call

        def counted(client: botocore.client.BaseClient, operation: str, params: dict) -> dict:
            if client.meta.service_model.service_name == "dynamodb":
                self.calls[operation] += 1
            return original(client, operation, params)

        with mock.patch.object(botocore.client.BaseClient, "_make_api_call", counted):
            yield self
