"""Test configuration shared by every suite: a process environment like a deployed function's."""

from __future__ import annotations

import os

# Before anything imports filmhub: settings are read once per process, as on Lambda.
TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "eu-central-1",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "STAGE": "test",
    "TABLE_NAME": "filmhub-test",
    "POSTERS_BUCKET": "filmhub-test-posters",
    "POSTERS_BASE_URL": "https://posters.example.test",
    "UPLOADS_BUCKET": "filmhub-test-uploads",
    # The URL moto gives a queue of this name (its default account), so settings can be read before it exists.
    "TRANSFER_QUEUE_URL": "https://sqs.eu-central-1.amazonaws.com/123456789012/filmhub-test-transfers",
    "JWT_SECRET": "test-secret-that-is-long-enough-for-hs256-0123456789",
    "POWERTOOLS_SERVICE_NAME": "filmhub-test",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "CATALOG_CACHE_SECONDS": "0",
    # Abuse limits stay on (their counter is part of every call budget) but out of the way of tests
    # that log in or search many times within a minute; tests/integration/test_rate_limits.py sets its own.
    "RATE_LIMIT_LOGIN": "1000",
    "RATE_LIMIT_AUTH_KEY": "1000",
    "RATE_LIMIT_SEARCH": "1000",
    "RATE_LIMIT_REGISTER": "1000",
    "RATE_LIMIT_FILM_WRITES": "1000",
    "RATE_LIMIT_SHARE_MISSES": "1000",
}
# What a developer's shell may hold that would point the tests elsewhere or make them look deployed.
for _name in (
    "DYNAMODB_ENDPOINT_URL",
    "S3_ENDPOINT_URL",
    "AWS_ENDPOINT_URL",
    "AWS_PROFILE",
    "AWS_LAMBDA_FUNCTION_NAME",
):
    os.environ.pop(_name, None)
os.environ.update(TEST_ENV)
