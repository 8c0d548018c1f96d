"""The diary's DynamoDB adapter (see TABLE.md: diary entry, diary year stats, diary year film, film state).

A diary change is one TransactWriteItems: the entry (conditioned on the version it replaces), ADD on the
year's counters, the per-(year, film) counts (conditioned on the count read), and for a new entry the
watched flag (the watched list's own write) and a check that the film exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from filmhub.accounts.write_guard import CallerGuard, commit_guarded
from filmhub.core.entities import NO_FLAGS, Film, FilmFlags
from filmhub.diary.ports import Counters, DiaryEntry, DiaryWrite, Position, YearFilm, YearFilmChange
from filmhub.films.dynamo import film_from_item, flags_from_state
from filmhub.table.definition import PARTITION_KEY, SORT_KEY
from filmhub.table.models import DiaryEntryItem, DiaryYearFilm, DiaryYearStats, FilmItem, FilmState, TableItem
from filmhub.table.operations import batch_get, cancelled_by_condition, table_connection
from filmhub.watchlists.dynamo import set_flag_actions

#: Attributes of a stats item that are not counters.
_NOT_COUNTERS = {PARTITION_KEY, SORT_KEY, "kind", "year"}


def entry_to_item(entry: DiaryEntry) -> DiaryEntryItem:
    item = DiaryEntryItem(
        *DiaryEntryItem.key(entry.user_id, entry.id),
        id=entry.id,
        user_id=entry.user_id,
        film_id=entry.film_id,
        watched_on=entry.watched_on,
        rewatch=entry.rewatch,
        half_points=entry.half_points,
        note=entry.note,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )
    item.LSI1SK = DiaryEntryItem.date_order_key(entry.watched_on, entry.created_at, entry.id)
    return item


def entry_from_item(item: DiaryEntryItem) -> DiaryEntry:
    return DiaryEntry(
        id=item.id,
        user_id=item.user_id,
        film_id=item.film_id,
        watched_on=item.watched_on,
        rewatch=bool(item.rewatch),
        half_points=int(item.half_points) if item.half_points is not None else None,
        note=item.note,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _counter_update(tx: TransactWrite, user_id: str, year: int, counters: Counters) -> None:
    # Counters are top-level attributes named on the fly: ADD creates them, where it cannot create map members.
    actions = [NumberAttribute(attr_name=name).add(value) for name, value in sorted(counters.items())]
    stats = DiaryYearStats(*DiaryYearStats.key(user_id, year))
    tx.update(stats, actions=[DiaryYearStats.kind.set(DiaryYearStats), DiaryYearStats.year.set(year), *actions])


def _year_film_write(tx: TransactWrite, user_id: str, change: YearFilmChange) -> None:
    item = DiaryYearFilm(*DiaryYearFilm.key(user_id, change.year, change.film_id))
    if change.before == 0:
        created = DiaryYearFilm(
            *DiaryYearFilm.key(user_id, change.year, change.film_id),
            film_id=change.film_id,
            year=change.year,
            entries=change.after,
            genre_ids=list(change.genre_ids),
        )
        tx.save(created, condition=DiaryYearFilm.PK.does_not_exist())
    elif change.after == 0:
        tx.delete(item, condition=DiaryYearFilm.entries == change.before)
    else:
        tx.update(
            item, actions=[DiaryYearFilm.entries.set(change.after)], condition=DiaryYearFilm.entries == change.before
        )


class DynamoDiaryRepository:
    def film_context(
        self, user_id: str, film_id: str, years: Sequence[int]
    ) -> tuple[Film | None, FilmFlags, dict[int, YearFilm]]:
        keys = [FilmItem.key(film_id), FilmState.key(user_id, film_id)]
        keys += [DiaryYearFilm.key(user_id, year, film_id) for year in years]
        items = batch_get(keys, consistent_read=True)
        film = next((film_from_item(item) for item in items if isinstance(item, FilmItem)), None)
        flags = next((flags_from_state(item) for item in items if isinstance(item, FilmState)), NO_FLAGS)
        counts = {
            int(item.year): YearFilm(int(item.year), item.film_id, int(item.entries), tuple(item.genre_ids or ()))
            for item in items
            if isinstance(item, DiaryYearFilm)
        }
        return film, flags, counts

    def get(self, user_id: str, entry_id: str) -> DiaryEntry | None:
        try:
            return entry_from_item(DiaryEntryItem.get(*DiaryEntryItem.key(user_id, entry_id), consistent_read=True))
        except DiaryEntryItem.DoesNotExist:
            return None

    def commit(self, user_id: str, write: DiaryWrite, at: str) -> bool:
        def writes(tx: TransactWrite) -> None:
            if write.put is not None:
                unchanged = (
                    DiaryEntryItem.updated_at == write.previous.updated_at
                    if write.previous is not None
                    else DiaryEntryItem.PK.does_not_exist()
                )
                tx.save(entry_to_item(write.put), condition=unchanged)
            elif write.previous is not None:
                previous = entry_to_item(write.previous)
                tx.delete(previous, condition=DiaryEntryItem.updated_at == write.previous.updated_at)
            for year, counters in sorted(write.counters.items()):
                _counter_update(tx, user_id, year, counters)
            for change in write.year_films:
                _year_film_write(tx, user_id, change)
            if write.watched is not None:
                tx.condition_check(FilmItem, *FilmItem.key(write.watched.id), condition=FilmItem.PK.exists())
                state = FilmState(*FilmState.key(user_id, write.watched.id))
                tx.update(state, actions=set_flag_actions(user_id, "watched", write.watched, at))

        try:
            # The guard refuses a caller whose account is gone (UnknownCaller) before anything is written.
            commit_guarded(CallerGuard(user_id), writes)
        except TransactWriteError as error:
            if cancelled_by_condition(error):
                return False
            raise
        return True

    def page(
        self, user_id: str, since: str, until: str, limit: int, start: Position
    ) -> tuple[list[DiaryEntry], Position]:
        pk, _ = DiaryEntryItem.key(user_id, "")
        # "~" sorts after every "<created_at>#<id>" suffix, so the last day is included whole.
        low, high = DiaryEntryItem.date_order_key(since, "", ""), DiaryEntryItem.date_order_key(until, "~", "")
        results = TableItem.lsi1.query(
            pk,
            TableItem.LSI1SK.between(low, high),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
        )
        entries = [entry_from_item(item) for item in results if isinstance(item, DiaryEntryItem)]
        return entries, results.last_evaluated_key

    def year_counters(self, user_id: str, year: int) -> Counters:
        # Read raw: a model keeps only the attributes it declares, and counters are named by their data.
        pk, sk = DiaryYearStats.key(user_id, year)
        key = {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": sk}}
        answer = table_connection().client.get_item(TableName=DiaryYearStats.Meta.table_name, Key=key)
        item = answer.get("Item") or {}
        return {
            name: int(Decimal(value["N"])) for name, value in item.items() if name not in _NOT_COUNTERS and "N" in value
        }
