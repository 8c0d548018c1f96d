"""Cheap reachability probes: one GetItem of a sentinel item, one HeadBucket."""

from __future__ import annotations

from functools import cache
from typing import Any

from filmhub.films.poster_storage import s3_client
from filmhub.settings import get_settings
from filmhub.table.models import HealthSentinel


def probe_table() -> None:
    # A missing sentinel still proves the table answered: only an error fails the probe.
    try:
        HealthSentinel.get(*HealthSentinel.key())
    except HealthSentinel.DoesNotExist:
        return


@cache
def _s3() -> Any:
    return s3_client(get_settings())


def probe_bucket() -> None:
    _s3().head_bucket(Bucket=get_settings().posters_bucket)
