"""DynamoDB adapter of sharing (TABLE.md: share item, list header's ``share_slug``)."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import TransactWriteError

from filmhub.core.entities import Film
from filmhub.core.errors import NotFound
from filmhub.films.dynamo import film_from_item
from filmhub.limits.dynamo import counter_keys
from filmhub.limits.ports import CounterKey
from filmhub.sharing.ports import Share
from filmhub.table.collections import live_header
from filmhub.table.models import CounterItem, FilmItem, ShareItem, UserItem, WatchlistItem
from filmhub.table.operations import batch_get, cancelled_by_condition, transaction
from filmhub.watchlists.dynamo import watchlist_from_item
from filmhub.watchlists.ports import Watchlist

#: Why DynamoDB cancels a transaction that raced another on the same item.
TRANSACTION_CONFLICT = "TransactionConflict"


def share_from_item(item: ShareItem) -> Share:
    return Share(
        slug=item.slug,
        list_id=item.list_id,
        user_id=item.user_id,
        list_type=item.list_type,  # type: ignore[arg-type]
        username=item.username,
        created_at=item.created_at,
    )


def _lost_race(error: TransactWriteError) -> bool:
    """The header's condition failed, or DynamoDB cancelled us for another transaction on it."""
    reasons = error.cancellation_reasons or []
    conflicted = any(reason is not None and reason.code == TRANSACTION_CONFLICT for reason in reasons)
    return cancelled_by_condition(error, 1) or conflicted


class DynamoSharingRepository:
    def list_and_username(self, list_id: str, user_id: str) -> tuple[Watchlist | None, str | None]:
        items = batch_get([WatchlistItem.key(list_id), UserItem.key(user_id)], consistent_read=True)
        header = next((watchlist_from_item(i) for i in items if isinstance(i, WatchlistItem)), None)
        username = next((i.username for i in items if isinstance(i, UserItem)), None)
        return header, username

    def create(self, share: Share) -> Share:
        item = ShareItem(
            *ShareItem.key(share.slug),
            slug=share.slug,
            list_id=share.list_id,
            user_id=share.user_id,
            list_type=share.list_type,
            username=share.username,
            created_at=share.created_at,
        )
        header = WatchlistItem(*WatchlistItem.key(share.list_id))
        unshared_and_owned = (
            live_header(WatchlistItem)
            & WatchlistItem.share_slug.does_not_exist()
            & (WatchlistItem.user_id == share.user_id)
        )
        try:
            with transaction() as tx:
                tx.save(item, condition=ShareItem.PK.does_not_exist())
                tx.update(header, actions=[WatchlistItem.share_slug.set(share.slug)], condition=unshared_and_owned)
        except TransactWriteError as error:
            if not _lost_race(error):
                raise
            # Another call shared the list first (or it was deleted meanwhile): its link is the one.
            winner = WatchlistItem.get(*WatchlistItem.key(share.list_id), consistent_read=True)
            if winner.deleting or not winner.share_slug or winner.user_id != share.user_id:
                raise NotFound("Watchlist not found") from error
            return Share(**{**share.__dict__, "slug": winner.share_slug})
        return share

    def revoke(self, list_id: str, slug: str) -> None:
        try:
            with transaction() as tx:
                tx.delete(ShareItem(*ShareItem.key(slug)), condition=ShareItem.list_id == list_id)
                tx.update(
                    WatchlistItem(*WatchlistItem.key(list_id)),
                    actions=[WatchlistItem.share_slug.remove()],
                    condition=WatchlistItem.share_slug == slug,
                )
        except TransactWriteError as error:
            if not cancelled_by_condition(error):
                raise
            # Revoked by a concurrent call (or the list is being deleted, which revokes it): nothing left to do.

    def find(self, slug: str, counter: CounterKey | None) -> tuple[Share | None, int]:
        keys = [ShareItem.key(slug)] + ([counter_keys(counter)] if counter is not None else [])
        items = batch_get(keys, consistent_read=True)  # a link shared a moment ago opens
        share = next((share_from_item(i) for i in items if isinstance(i, ShareItem)), None)
        count = next((int(i.count) for i in items if isinstance(i, CounterItem)), 0)
        return share, count

    def films_and_header(self, film_ids: Sequence[str], list_id: str) -> tuple[dict[str, Film], Watchlist | None]:
        # Strongly consistent: a link revoked a moment ago must not show (the films come along at no extra call).
        items = batch_get([*(FilmItem.key(film_id) for film_id in film_ids), WatchlistItem.key(list_id)], True)
        films = {i.id: film_from_item(i) for i in items if isinstance(i, FilmItem)}
        header = next((watchlist_from_item(i) for i in items if isinstance(i, WatchlistItem)), None)
        return films, header
