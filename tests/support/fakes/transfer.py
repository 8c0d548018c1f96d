"""The transfer pipeline's ports in memory: jobs and their chunk markers, the bucket, the queue, a matcher that
knows one film, and a history and a notifier that record what they were asked to do."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from filmhub.core.entities import Film, User
from filmhub.transfer.matching import NOT_FOUND, FilmQuery, Match
from filmhub.transfer.ports import (
    FINISHED,
    AccountHistory,
    ChunkOutcome,
    Direction,
    JobState,
    PresignedForm,
    TransferJob,
)
from filmhub.watchlists.ports import Watchlist

STALKER = Film("f-stalker", "Сталкер", "", release_year=1979, original_title="Stalker")


class InMemoryJobRepository:
    def __init__(self) -> None:
        self.jobs: dict[str, TransferJob] = {}
        self.markers: dict[tuple[str, int], ChunkOutcome] = {}

    def create(self, job: TransferJob, expires_at: int) -> None:
        self.jobs[job.id] = job

    def get(self, job_id: str, unmatched_limit: int) -> TransferJob | None:
        job = self.jobs.get(job_id)
        if job is None:
            return None
        rows = [u for (jid, _), outcome in sorted(self.markers.items()) if jid == job_id for u in outcome.unmatched]
        return replace(job, unmatched=tuple(rows[:unmatched_limit]))

    def user_jobs(self, user_id: str, direction: Direction, limit: int) -> list[TransferJob]:
        return [job for job in self.jobs.values() if job.user_id == user_id and job.direction is direction][:limit]

    def start(self, job_id: str, from_states: Sequence[JobState], to_state: JobState, total: int, chunks: int,
              at: str) -> bool:  # fmt: skip
        job = self.jobs[job_id]
        if job.state not in from_states:
            return False
        self.jobs[job_id] = replace(job, state=to_state, total=total or job.total, chunks=chunks or job.chunks)
        return True

    def record_chunk(self, job_id: str, outcome: ChunkOutcome, at: str, expires_at: int) -> bool:
        job = self.jobs[job_id]
        if (job_id, outcome.number) in self.markers or job.state in FINISHED:
            return False
        self.markers[(job_id, outcome.number)] = outcome
        self.jobs[job_id] = replace(job, state=JobState.RUNNING, processed=job.processed + outcome.processed,
                                    matched=job.matched + outcome.matched)  # fmt: skip
        return True

    def finish(self, job_id: str, state: JobState, at: str, error: str | None = None,
               object_key: str | None = None, only_when_complete: bool = False) -> bool:  # fmt: skip
        job = self.jobs[job_id]
        if job.state in FINISHED or (only_when_complete and job.processed < job.total):
            return False
        self.jobs[job_id] = replace(job, state=state, error=error, object_key=object_key)
        return True


class InMemoryTransferStorage:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def upload_form(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedForm:
        return PresignedForm("https://bucket.test", {"key": key, "Content-Type": content_type}, expires_in)

    def read(self, key: str, max_bytes: int) -> bytes | None:
        return self.objects.get(key)

    def put(self, key: str, data: bytes, content_type: str, filename: str) -> None:
        self.objects[key] = data

    def download_url(self, key: str, expires_in: int) -> str:
        return f"https://bucket.test/{key}"


class InMemoryTransferQueue:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, messages: Sequence[dict[str, Any]]) -> None:
        self.sent.extend(json.loads(json.dumps(message)) for message in messages)


class FixedMatcher:
    """Knows one film, by its Russian or original title."""

    film: Film = STALKER

    def match(self, queries: Sequence[FilmQuery]) -> dict[FilmQuery, Match]:
        titles = (self.film.title, self.film.original_title)
        return {query: self.film if query.title in titles else NOT_FOUND for query in queries}


class RecordingHistory:
    """Both sides of the account's history: records each write; reads back an empty account."""

    def __init__(self) -> None:
        self.writes: list[tuple[Any, ...]] = []

    def set_flag(self, user_id: str, kind: str, film: Film, at: str) -> None:
        self.writes.append(("flag", kind, film.id, at[:10]))

    def ensure_list(self, watchlist: Watchlist) -> None:
        self.writes.append(("list", watchlist.id, watchlist.title, watchlist.ordered))

    def put_list_entry(self, user_id: str, list_id: str, film_id: str, position: int, added_at: str) -> None:
        self.writes.append(("entry", list_id, film_id, position))

    def rate(self, user_id: str, film: Film, rating: float, at: str) -> None:
        self.writes.append(("rate", film.id, rating))

    def review(self, user_id: str, film: Film, text: str, spoiler: bool, at: str) -> None:
        self.writes.append(("review", film.id, text, spoiler))

    def log_diary(self, user_id: str, entry_id: str, film: Film, watched_on: str, rewatch: bool,
                  rating: float | None, at: str) -> None:  # fmt: skip
        self.writes.append(("diary", entry_id, watched_on, rewatch, rating))

    def history(self, user_id: str) -> AccountHistory | None:
        return AccountHistory(User(user_id, "me"))

    def films(self, film_ids: Sequence[str]) -> dict[str, Film]:
        return {}

    def telegram_id(self, user_id: str) -> int | None:
        return 42


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def notify(self, telegram_id: int, text: str) -> None:
        self.sent.append((telegram_id, text))
