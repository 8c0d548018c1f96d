from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.api import ApiClient
from tests.support.aws import mocked_aws


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh, empty table and bucket for one test."""
    with mocked_aws():
        yield


@pytest.fixture(scope="module")
def seeded_aws() -> Iterator[None]:
    """One seeded table shared by a module's read-only tests (seeding takes about two seconds)."""
    with mocked_aws(seed=True):
        yield


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()
