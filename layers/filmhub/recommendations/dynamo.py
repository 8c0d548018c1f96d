"""DynamoDB side of recommendations: the user's partition, catalog sampling, records and hidden films."""

from __future__ import annotations

import operator
from collections.abc import Collection
from datetime import UTC, datetime
from functools import reduce
from typing import get_args

from pynamodb.exceptions import TransactWriteError

from filmhub.accounts.write_guard import CallerGuard, commit_guarded
from filmhub.core.entities import Film, FilmFlags, FilmType
from filmhub.core.errors import NotFound
from filmhub.films.dynamo import film_from_item, flags_from_state, read_head_items
from filmhub.films.index import type_partition
from filmhub.recommendations.ports import SamplePivot, UserHistory, WishedFilm
from filmhub.recommendations.service import RECENT_SECONDS
from filmhub.table.models import FilmItem, FilmState, GenreMembership, HiddenFilm, Recommendation, TableItem
from filmhub.table.operations import cancelled_by_condition

#: Items one sampling Query reads (before the genre filter): whole films, one page of ~75 KB at most
#: (~10 RRU), so the answer needs no GetItem; or genre memberships (~120 bytes each, 1 RRU).
SAMPLE_READ = 50


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


class DynamoRecommendationRepository:
    def history(self, user_id: str, recent_since: float) -> UserHistory:
        pk, _ = FilmState.key(user_id, "")
        wish: list[WishedFilm] = []
        excluded: set[str] = set()
        flags: dict[str, FilmFlags] = {}
        recent_since_iso = _iso(recent_since)
        # One Query over the user's partition: hidden films, recommendations and film states.
        for item in TableItem.query(pk, TableItem.SK.between("HIDDEN#", "STATE#\uffff")):
            if isinstance(item, HiddenFilm):
                excluded.add(item.film_id)
            elif isinstance(item, Recommendation):
                if item.recommended_at >= recent_since_iso:  # TTL deletion is lazy: filter on time too
                    excluded.add(item.film_id)
            elif isinstance(item, FilmState):
                flags[item.film_id] = flags_from_state(item)
                if item.watched_at:
                    excluded.add(item.film_id)
                if item.wish_at:
                    wish.append(WishedFilm(item.film_id, frozenset(item.genre_ids or ()), item.film_type))
        return UserHistory(wish=wish, excluded=excluded, flags=flags)

    def sample(
        self, film_type: FilmType | None, genre_ids: Collection[str], pivot: SamplePivot, after: bool
    ) -> list[Film]:
        pk, position = FilmItem.sampling_key(*pivot)  # the random id's shard, and the point in it
        # "!" and "~" sort before and after every character of a type or an id.
        first, last = (f"{film_type}#", f"{film_type}#~") if film_type else ("!", "~")
        id_range = TableItem.GSI5SK.between(position, last) if after else TableItem.GSI5SK.between(first, position)
        any_genre = [FilmItem.genre_ids.contains(genre_id) for genre_id in sorted(genre_ids)]
        genre_filter = reduce(operator.or_, any_genre) if any_genre else None
        results = TableItem.gsi5.query(
            pk, id_range, genre_filter, scan_index_forward=after, limit=SAMPLE_READ, page_size=SAMPLE_READ
        )
        # Only the first page: with a filter, iterating on would read on past the budget.
        page = next(results.page_iter)
        items = (TableItem.from_raw_data(raw) for raw in page.get("Items", []))
        return [film_from_item(item) for item in items if isinstance(item, FilmItem)]

    def small_types(self) -> dict[FilmType, frozenset[str]]:
        film_types: tuple[FilmType, ...] = get_args(FilmType)
        heads = read_head_items(type_partition(film_type) for film_type in film_types)
        listed: dict[FilmType, frozenset[str]] = {}
        for film_type in film_types:
            head = heads.get(type_partition(film_type))
            if head is None:
                listed[film_type] = frozenset()  # no film of the type yet: every film write lists itself
            elif not head.over:
                listed[film_type] = frozenset(head.ranks)
        return listed

    def genre_sample(self, genre_id: str, film_type: FilmType | None, pivot: SamplePivot) -> list[str]:
        pivot_type, pivot_id = pivot
        pk, start = GenreMembership.sampling_key(genre_id, pivot_type, 0, pivot_id)
        forward = True
        if film_type is not None:
            # The type's first copy from the pivot on, then its second copy up to the pivot: the whole circle.
            _, end = GenreMembership.sampling_key(genre_id, film_type, 1, pivot_id)
            id_range = TableItem.GSI5SK.between(start, end)
        elif pivot_type == "movie":
            # Both types: from the pivot through everything after it ("~" sorts after every key) …
            id_range = TableItem.GSI5SK.between(start, "~")
        else:
            # … or, from a series pivot, backwards through everything before it ("!" sorts before every key).
            _, end = GenreMembership.sampling_key(genre_id, pivot_type, 1, pivot_id)
            id_range = TableItem.GSI5SK.between("!", end)
            forward = False
        results = TableItem.gsi5.query(
            pk, id_range, scan_index_forward=forward, limit=SAMPLE_READ, page_size=SAMPLE_READ
        )
        page = next(results.page_iter)
        items = (TableItem.from_raw_data(raw) for raw in page.get("Items", []))
        return list(dict.fromkeys(item.film_id for item in items if isinstance(item, GenreMembership)))

    def record(self, user_id: str, film: Film, now: float) -> None:
        record = Recommendation(*Recommendation.key(user_id, film.id), film_id=film.id, recommended_at=_iso(now))
        record.expires_at = datetime.fromtimestamp(now + RECENT_SECONDS, UTC)
        try:
            # The user and the film must still exist when the recommendation is written: one transaction.
            commit_guarded(
                CallerGuard(user_id),
                lambda tx: tx.condition_check(FilmItem, *FilmItem.key(film.id), condition=FilmItem.PK.exists()),
                lambda tx: tx.save(record),
            )
        except TransactWriteError as error:
            if cancelled_by_condition(error, 1):
                raise NotFound("Film not found") from error
            raise  # throttled or failed: the error mapping answers 503 with Retry-After

    def hide(self, user_id: str, film_id: str, now: float) -> None:
        hidden = HiddenFilm(*HiddenFilm.key(user_id, film_id), film_id=film_id, hidden_at=_iso(now))
        commit_guarded(CallerGuard(user_id), lambda tx: tx.save(hidden))

    def unhide(self, user_id: str, film_id: str) -> None:
        commit_guarded(CallerGuard(user_id), lambda tx: tx.delete(HiddenFilm(*HiddenFilm.key(user_id, film_id))))
