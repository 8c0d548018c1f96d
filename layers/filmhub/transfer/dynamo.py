"""DynamoDB side of imports and exports: jobs with their chunk markers, and the account's history as the
features store it (see TABLE.md: transfer job, transfer chunk)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError

from filmhub.accounts.write_guard import CallerGuard, commit_guarded
from filmhub.core.entities import Film, User, half_points_to_score, score_to_half_points
from filmhub.core.errors import NotFound
from filmhub.diary.service import DiaryService, EntryDraft
from filmhub.films.dynamo import DynamoFilmRepository
from filmhub.ratings.service import RatingService
from filmhub.table.collections import EntryAdded, add_entry
from filmhub.table.models import (
    MAX_RANKED_ENTRIES,
    DiaryEntryItem,
    FilmRating,
    FilmState,
    TableItem,
    TransferChunkItem,
    TransferJobItem,
    UserItem,
    WatchlistEntry,
    WatchlistItem,
)
from filmhub.table.operations import batch_get, cancelled_by_condition, condition_failed, transaction
from filmhub.transfer.ports import (
    AccountHistory,
    ChunkOutcome,
    DiaryRecord,
    Direction,
    FilmMarks,
    FlagKind,
    JobState,
    ListSnapshot,
    ReviewRecord,
    TransferJob,
    Unmatched,
)
from filmhub.watchlists.dynamo import DynamoWatchlistRepository
from filmhub.watchlists.ports import Watchlist


def _job(item: TransferJobItem, unmatched: Sequence[Unmatched] = ()) -> TransferJob:
    return TransferJob(
        id=item.id, user_id=item.user_id, direction=Direction(item.direction), state=JobState(item.state),
        created_at=item.created_at, updated_at=item.updated_at, format=item.format, filename=item.filename,
        total=int(item.total), processed=int(item.processed), matched=int(item.matched), chunks=int(item.chunks),
        error=item.error, object_key=item.object_key, unmatched=tuple(unmatched),
    )  # fmt: skip


def _expiry(unix_seconds: int) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC)


def _unmatched(item: TransferChunkItem) -> list[Unmatched]:
    return [Unmatched(*fields) for fields in json.loads(item.unmatched or "[]")]


class DynamoJobRepository:
    def create(self, job: TransferJob, expires_at: int) -> None:
        item = TransferJobItem(
            *TransferJobItem.key(job.id), id=job.id, user_id=job.user_id, direction=job.direction.value,
            state=job.state.value, format=job.format, filename=job.filename, created_at=job.created_at,
            updated_at=job.updated_at, expires_at=_expiry(expires_at),
        )  # fmt: skip
        item.GSI1PK, item.GSI1SK = TransferJobItem.index_key(job.user_id, job.direction.value, job.created_at, job.id)
        # No job for an account that is gone (UnknownCaller): nothing would ever read or expire its upload form.
        commit_guarded(CallerGuard(job.user_id), lambda tx: tx.save(item, TransferJobItem.PK.does_not_exist()))

    def get(self, job_id: str, unmatched_limit: int) -> TransferJob | None:
        pk, sk = TransferJobItem.key(job_id)
        if unmatched_limit <= 0:
            try:
                return _job(TransferJobItem.get(pk, sk, consistent_read=True))
            except TransferJobItem.DoesNotExist:
                return None
        # "JOB" sorts before "ROWS#…": the job comes first, then its chunks in file order until enough rows.
        job: TransferJobItem | None = None
        unmatched: list[Unmatched] = []
        for item in TableItem.query(pk, consistent_read=True):
            if isinstance(item, TransferJobItem):
                job = item
            elif isinstance(item, TransferChunkItem):
                unmatched += _unmatched(item)
                if len(unmatched) >= unmatched_limit:
                    break
        return None if job is None else _job(job, unmatched[:unmatched_limit])

    def user_jobs(self, user_id: str, direction: Direction, limit: int) -> list[TransferJob]:
        pk, _ = TransferJobItem.index_key(user_id, direction.value, "", "")
        found = TableItem.gsi1.query(pk, scan_index_forward=False, limit=limit, page_size=limit)
        return [_job(item) for item in found if isinstance(item, TransferJobItem)]

    def start(self, job_id: str, from_states: Sequence[JobState], to_state: JobState, total: int, chunks: int,
              at: str) -> bool:  # fmt: skip
        actions = [TransferJobItem.state.set(to_state.value), TransferJobItem.updated_at.set(at)]
        if chunks:
            actions += [TransferJobItem.total.set(total), TransferJobItem.chunks.set(chunks)]
        return self._update(job_id, actions, TransferJobItem.state.is_in(*(state.value for state in from_states)))

    def record_chunk(self, job_id: str, outcome: ChunkOutcome, at: str, expires_at: int) -> bool:
        marker = TransferChunkItem(*TransferChunkItem.key(job_id, outcome.number), number=outcome.number,
                                   expires_at=_expiry(expires_at))  # fmt: skip
        if outcome.unmatched:
            rows = [[u.line, u.title, u.year, u.reason] for u in outcome.unmatched]
            marker.unmatched = json.dumps(rows, ensure_ascii=False)
        try:
            with transaction() as tx:
                tx.save(marker, condition=TransferChunkItem.PK.does_not_exist())
                tx.update(
                    TransferJobItem(*TransferJobItem.key(job_id)),
                    actions=[
                        TransferJobItem.processed.add(outcome.processed),
                        TransferJobItem.matched.add(outcome.matched),
                        TransferJobItem.state.set(JobState.RUNNING.value),
                        TransferJobItem.updated_at.set(at),
                    ],
                    condition=TransferJobItem.state.is_in(JobState.QUEUED.value, JobState.RUNNING.value),
                )
        except TransactWriteError as error:
            if cancelled_by_condition(error):
                return False
            raise
        return True

    def finish(self, job_id: str, state: JobState, at: str, error: str | None = None,
               object_key: str | None = None, only_when_complete: bool = False) -> bool:  # fmt: skip
        actions: list[Any] = [TransferJobItem.state.set(state.value), TransferJobItem.updated_at.set(at)]
        if error is not None:
            actions.append(TransferJobItem.error.set(error))
        if object_key is not None:
            actions.append(TransferJobItem.object_key.set(object_key))
        condition = ~TransferJobItem.state.is_in(JobState.DONE.value, JobState.FAILED.value)
        if only_when_complete:
            condition &= TransferJobItem.processed >= TransferJobItem.total
        return self._update(job_id, actions, condition)

    @staticmethod
    def _update(job_id: str, actions: list[Any], condition: Any) -> bool:
        try:
            TransferJobItem(*TransferJobItem.key(job_id)).update(
                actions=actions, condition=TransferJobItem.PK.exists() & condition
            )
        except UpdateError as error:
            if condition_failed(error):
                return False
            raise
        return True


def imported_order_key(position: int, film_id: str) -> str:
    """An imported list's entry in the list's order: ranked (as ``PUT …/items/order`` ranks) up to the ranks a list
    has, then after them in position order, as films added to an ordered list go to the end."""
    if position <= MAX_RANKED_ENTRIES:
        return WatchlistEntry.ranked_key(position - 1, film_id)
    return WatchlistEntry.appended_key(position, film_id)


#: Attempts of a transaction that DynamoDB cancelled for a concurrent write to one of its items.
CONFLICT_ATTEMPTS = 5


def _past_conflicts(write: Callable[[], object]) -> None:
    """Run a transactional write, again (after a short random pause) while DynamoDB cancels it with
    ``TransactionConflict``: chunks of one user's import run at the same time and write the same items (the year's
    diary counters, a film's state), which botocore does not retry."""
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            write()
            return
        except TransactWriteError as error:
            reasons = [reason for reason in error.cancellation_reasons or [] if reason is not None]
            conflict = bool(reasons) and all(reason.code in ("TransactionConflict", "None") for reason in reasons)
            if not conflict or attempt == CONFLICT_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))


class DynamoHistory:
    """The account's history where each feature keeps it: flags (and the score's copy) on film states, custom lists
    with their entries, diary entries in the user's partition, ratings and reviews in the films' partitions.

    Ratings, reviews and diary entries are written through their services, which keep the film's aggregate and
    the diary's yearly counters in step."""

    def __init__(self, ratings: RatingService, diary: DiaryService) -> None:
        self._watchlists = DynamoWatchlistRepository()
        self._films = DynamoFilmRepository()
        self._ratings = ratings
        self._diary = diary

    # --- writing (imports) -------------------------------------------------------------------

    def set_flag(self, user_id: str, kind: FlagKind, film: Film, at: str) -> None:
        self._watchlists.set_flag(user_id, kind, film, at)

    def ensure_list(self, watchlist: Watchlist) -> None:
        try:
            self._watchlists.create(watchlist)
        except TransactWriteError as error:
            # Action 0 is the caller guard, 1 the header: a list that exists was created by this import before.
            if not cancelled_by_condition(error, 1):
                raise

    def put_list_entry(self, user_id: str, list_id: str, film_id: str, position: int, added_at: str) -> None:
        entry = WatchlistEntry(*WatchlistEntry.key(list_id, film_id), film_id=film_id, user_id=user_id,
                               added_at=added_at)  # fmt: skip
        entry.LSI1SK = imported_order_key(position, film_id)
        if add_entry(WatchlistItem, WatchlistItem.key(list_id), entry) is EntryAdded.NO_HEADER:
            raise NotFound("Watchlist not found")

    def rate(self, user_id: str, film: Film, rating: float, at: str) -> None:
        _past_conflicts(lambda: self._ratings.rate(user_id, film.id, rating))

    def review(self, user_id: str, film: Film, text: str, spoiler: bool, at: str) -> None:
        self._ratings.review(user_id, film.id, text, spoiler)

    def log_diary(self, user_id: str, entry_id: str, film: Film, watched_on: str, rewatch: bool,
                  rating: float | None, at: str) -> None:  # fmt: skip
        half_points = None if rating is None else score_to_half_points(rating)
        draft = EntryDraft(watched_on=date.fromisoformat(watched_on), rewatch=rewatch, half_points=half_points)
        _past_conflicts(lambda: self._diary.log_once(user_id, entry_id, film.id, draft))

    # --- reading (exports) -------------------------------------------------------------------

    def history(self, user_id: str) -> AccountHistory | None:
        user_pk, _ = UserItem.key(user_id)
        user: User | None = None
        marks: list[FilmMarks] = []
        diary: list[DiaryRecord] = []
        # The user's partition holds the profile, one state item per flagged or rated film and the diary.
        for item in TableItem.query(user_pk, consistent_read=True):
            if isinstance(item, UserItem):
                user = User(item.id, item.username, item.email, item.telegram_id, item.role)  # type: ignore[arg-type]
            elif isinstance(item, FilmState):
                rating = None if item.my_half_points is None else half_points_to_score(int(item.my_half_points))
                if item.liked_at or item.wish_at or item.watched_at or rating is not None:
                    marks.append(FilmMarks(item.film_id, item.liked_at, item.wish_at, item.watched_at, rating))
            elif isinstance(item, DiaryEntryItem):
                score = None if item.half_points is None else half_points_to_score(int(item.half_points))
                diary.append(DiaryRecord(item.id, item.film_id, item.watched_on, bool(item.rewatch), score, item.note))
        if user is None:
            return None
        lists = []
        for header in self._watchlists.user_lists(user_id):
            if header.list_type == "custom" and not header.deleting:
                entries = self._list_entries(header.id)
                notes = {entry.film_id: entry.note for entry in entries if entry.note}
                film_ids = tuple(entry.film_id for entry in entries)
                lists.append(ListSnapshot(header.id, header.title, header.created_at, film_ids, notes))
        lists.sort(key=lambda listed: listed.created_at)
        diary.sort(key=lambda entry: (entry.watched_on, entry.entry_id))
        reviewed = {mark.film_id for mark in marks} | {entry.film_id for entry in diary}
        return AccountHistory(user, tuple(marks), tuple(lists), tuple(diary), tuple(self._reviews(user_id, reviewed)))

    @staticmethod
    def _reviews(user_id: str, film_ids: set[str]) -> list[ReviewRecord]:
        """The user's reviews of these films: a rating item lives in its film's partition, so it is read by key."""
        items = batch_get([FilmRating.key(film_id, user_id) for film_id in sorted(film_ids)])
        return sorted(
            (
                ReviewRecord(item.film_id, item.review_text, bool(item.spoiler), item.review_updated_at or "")
                for item in items
                if isinstance(item, FilmRating) and item.review_text
            ),
            key=lambda review: review.updated_at,
        )

    @staticmethod
    def _list_entries(list_id: str) -> list[WatchlistEntry]:
        """The list's entries in its order (ranked, then appended, else newest first: LSI1 descending)."""
        pk, _ = WatchlistItem.key(list_id)
        return [
            item
            for item in TableItem.lsi1.query(pk, scan_index_forward=False, consistent_read=True)
            if isinstance(item, WatchlistEntry)
        ]

    def films(self, film_ids: Sequence[str]) -> dict[str, Film]:
        return self._films.get_many(film_ids)

    def telegram_id(self, user_id: str) -> int | None:
        try:
            item = UserItem.get(*UserItem.key(user_id))
        except UserItem.DoesNotExist:
            return None
        return int(item.telegram_id) if item.telegram_id is not None else None
