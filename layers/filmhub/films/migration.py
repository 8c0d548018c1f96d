"""Upgrade a table to the current film index: a resumable, idempotent job (not a request path: it Scans).

For every film: its index entries are merged into the heads (``films/index.py``) and into its type's head,
its genre memberships are written and its sampling keys are moved to its shard's partition (``FILMS#<shard>``:
index 3 kept every film in one ``FILMS`` partition).  Every token head the Scan meets is rewritten with compact
entry names and trimmed to ``HEAD_SIZE`` (heads of index 2 held up to 128 films under their full ids: up to
6 KB), or deleted when its key is no longer one the index writes
(index 2 kept a title token of four letters or more in one head, index 3 in ``TITLE_SHARDS``).  The old
one-item-per-token postings (``TOKEN#``, ``DTOKEN#``) are deleted as the Scan meets them.  Progress (the Scan
position after each page) is kept in a marker item, so an interrupted run resumes where it stopped, from any
machine; a finished run is recorded and a later one is skipped unless asked to run again (every step writes
what is already there: repeating changes nothing).

The heads of each page are merged with one BatchGetItem and written back with puts: a film written by the
API between that read and the put may be dropped from one of those heads (it stays findable by its other
words).  Run the job once more after a migration that overlapped live traffic (``--again``).
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import UpdateError

from filmhub.films.dynamo import film_from_item, genre_memberships, merge_into_heads
from filmhub.films.index import TYPE_PREFIX, film_entries, is_head_partition
from filmhub.settings import get_settings
from filmhub.table.models import FilmItem, IndexMarker, TableItem
from filmhub.table.operations import condition_failed

log = logging.getLogger(__name__)

#: Index 4: heads under 1 KB (compact names, 24 films), long title words in ``TITLE_SHARDS`` heads, films
#: sampled from ``SAMPLING_SHARDS`` partitions, small types listed whole in their type's head.
INDEX_VERSION = "film-index-4"
#: Partition key prefixes of the one-item-per-token postings this index replaces.
OLD_POSTINGS = ("TOKEN#", "DTOKEN#")
PAGE_SIZE = 200
#: Sampling keys are moved with one UpdateItem per film: this many at a time.
CONCURRENT_UPDATES = 8


@dataclass(frozen=True)
class MigrationReport:
    skipped: bool
    films: int = 0
    removed: int = 0
    pages: int = 0
    done: bool = False


def _marker() -> IndexMarker:
    try:
        return IndexMarker.get(*IndexMarker.key(INDEX_VERSION), consistent_read=True)
    except IndexMarker.DoesNotExist:
        return IndexMarker(*IndexMarker.key(INDEX_VERSION))


def is_current() -> bool:
    """Whether the table was upgraded to this index (or never held an older one)."""
    return bool(_marker().done)


def mark_current() -> None:
    """Record a table that never held the old index (a new one) as migrated."""
    marker = _marker()
    if not marker.done:
        marker.done = True
        marker.save()


def migrate(again: bool = False, max_pages: int | None = None, page_size: int = PAGE_SIZE) -> MigrationReport:
    """Run (or resume) the upgrade; ``max_pages`` stops early, leaving the position saved for the next run."""
    marker = _marker()
    if marker.done and not again:
        return MigrationReport(skipped=True, done=True)
    if marker.done:
        marker = IndexMarker(*IndexMarker.key(INDEX_VERSION))
    position = json.loads(marker.position) if marker.position else None
    pages = 0
    while max_pages is None or pages < max_pages:
        page = _scan_page(page_size, position)
        films, removed = _upgrade(page.get("Items", []))
        marker.films = int(marker.films or 0) + films
        marker.removed = int(marker.removed or 0) + removed
        position = page.get("LastEvaluatedKey")
        pages += 1
        marker.position = json.dumps(position) if position else None
        marker.done = position is None
        marker.save()
        if marker.done:
            break
    return MigrationReport(
        skipped=False, films=int(marker.films), removed=int(marker.removed), pages=pages, done=bool(marker.done)
    )


def _scan_page(page_size: int, position: dict[str, Any] | None) -> dict[str, Any]:
    """One raw Scan page (the old postings' kinds are no longer models PynamoDB could load)."""
    import boto3  # a maintenance job: the request paths never Scan

    settings = get_settings()
    client = boto3.client("dynamodb", region_name=settings.aws_region, endpoint_url=settings.dynamodb_endpoint_url)
    arguments: dict[str, Any] = {"TableName": settings.table_name, "Limit": page_size, "ConsistentRead": True}
    if position:
        arguments["ExclusiveStartKey"] = position
    return client.scan(**arguments)


def _upgrade(raw_items: list[dict[str, Any]]) -> tuple[int, int]:
    """One Scan page: (films upgraded, old postings and heads deleted)."""
    film_items: list[FilmItem] = []
    stale = []
    # Heads met are rewritten (merged with nothing: read, trimmed, put back in the compact form).
    added: dict[str, dict[str, int]] = {}
    for raw in raw_items:
        partition = raw["PK"]["S"]
        kind = raw.get("kind", {}).get("S")
        if partition.startswith(OLD_POSTINGS):
            stale.append(TableItem(partition, raw["SK"]["S"]))
        elif kind == "film":
            item = TableItem.from_raw_data(raw)
            assert isinstance(item, FilmItem)
            film_items.append(item)
        elif partition.startswith(TYPE_PREFIX):
            continue  # a type head: its films are merged into it as the Scan meets them
        elif kind == "index_head" and not is_head_partition(partition):
            stale.append(TableItem(partition, raw["SK"]["S"]))  # an unsharded head: its films are merged anew
        elif kind == "index_head":
            added.setdefault(partition, {})
    films = [film_from_item(item) for item in film_items]
    with TableItem.batch_write() as batch:
        for item in stale:
            batch.delete(item)
        for film in films:
            for membership in genre_memberships(film):
                batch.save(membership)
            for partition, rank in film_entries(film).items():
                added.setdefault(partition, {})[film.id] = rank
    with ThreadPoolExecutor(CONCURRENT_UPDATES) as pool:
        list(pool.map(_move_sampling_keys, film_items))
    merge_into_heads(added, films)
    return len(films), len(stale)


def _move_sampling_keys(item: FilmItem) -> None:
    """The film's GSI5 keys in its shard's partition: an update of those two attributes only, so that an edit or
    a rating folded meanwhile is kept (and a film deleted meanwhile is not brought back)."""
    pk, sk = FilmItem.sampling_key(item.film_type, item.id)
    if (pk, sk) == (item.GSI5PK, item.GSI5SK):
        return
    try:
        item.update(actions=[FilmItem.GSI5PK.set(pk), FilmItem.GSI5SK.set(sk)], condition=FilmItem.PK.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise
