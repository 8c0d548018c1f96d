"""In-memory public links of shared lists, over the shared memory table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from filmhub.core.entities import Film
from filmhub.core.errors import NotFound
from filmhub.limits.ports import CounterKey
from filmhub.sharing.ports import Share
from filmhub.watchlists.ports import Watchlist
from tests.support.fakes.table import MemoryTable


class InMemorySharingRepository:
    def __init__(self, table: MemoryTable) -> None:
        self._table = table

    def list_and_username(self, list_id: str, user_id: str) -> tuple[Watchlist | None, str | None]:
        self._table.call("sharing.list_and_username")
        account = self._table.accounts.get(user_id)
        return self._table.lists.get(list_id), None if account is None else account.user.username

    def create(self, share: Share) -> Share:
        self._table.call("sharing.create")
        header = self._table.lists.get(share.list_id)
        if header is None or header.deleting or header.user_id != share.user_id:
            raise NotFound("Watchlist not found")
        if header.share_slug is not None:  # the live link, whoever created it
            return self._table.shares[header.share_slug]
        self._table.shares[share.slug] = share
        self._table.lists[share.list_id] = replace(header, share_slug=share.slug)
        return share

    def revoke(self, list_id: str, slug: str) -> None:
        self._table.call("sharing.revoke")
        self._table.shares.pop(slug, None)
        header = self._table.lists.get(list_id)
        if header is not None and header.share_slug == slug:
            self._table.lists[list_id] = replace(header, share_slug=None)

    def find(self, slug: str, counter: CounterKey | None) -> tuple[Share | None, int]:
        self._table.call("sharing.find")
        return self._table.shares.get(slug), 0 if counter is None else self._table.counters.get(counter, 0)

    def films_and_header(self, film_ids: Sequence[str], list_id: str) -> tuple[dict[str, Film], Watchlist | None]:
        self._table.call("sharing.films_and_header")
        films = {film_id: self._table.films[film_id].film for film_id in film_ids if film_id in self._table.films}
        return films, self._table.lists.get(list_id)
