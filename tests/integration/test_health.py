"""GET /health reflects real reachability of the table and the bucket."""

from __future__ import annotations

import json

import boto3
import pytest

from filmhub.settings import get_settings
from tests.support.api import ApiClient

pytestmark = pytest.mark.usefixtures("aws")


def test_healthy(api: ApiClient) -> None:
    response = api.get("/health")
    assert response.status == 200
    assert response.json == {"status": "ok", "version": get_settings().service_version,
                             "checks": {"table": "ok", "bucket": "ok"}}  # fmt: skip


def test_bucket_gone_is_503_with_the_failing_check(api: ApiClient) -> None:
    boto3.client("s3", region_name=get_settings().aws_region).delete_bucket(Bucket=get_settings().posters_bucket)
    response = api.get("/health")
    assert response.status == 503
    assert response.json["checks"] == {"table": "ok", "bucket": "error"}
    assert response.json["status"] == "unavailable"


def test_table_gone_is_503_with_the_failing_check(api: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    boto3.client("dynamodb", region_name=get_settings().aws_region).delete_table(TableName=get_settings().table_name)
    response = api.get("/health")
    assert response.status == 503
    assert response.json["checks"] == {"table": "error", "bucket": "ok"}
    [record] = [record for record in caplog.records if record.getMessage() == "health check failed"]
    assert record.levelname == "WARNING"
    failures = record.__dict__["failures"]
    assert failures.keys() == {"table"}
    # The exception's class and message say what failed; no secret rides along.
    assert failures["table"].startswith("GetError: ")
    assert "ResourceNotFoundException" in failures["table"]
    assert get_settings().secret("jwt_secret") not in json.dumps(record.__dict__, default=str)
