"""The transfer service and worker over in-memory fakes of their ports: chunking, counting once, finishing once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from filmhub.core.entities import Film, User
from filmhub.core.palette import PaletteGradients
from filmhub.transfer.formats import Action, ExportFormat, HistoryRow, RowProblem
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
from filmhub.transfer.service import (
    CHUNK_BYTES,
    CHUNK_ROWS,
    QueuedRow,
    TransferService,
    TransferWorker,
    chunk_messages,
    import_key,
)
from filmhub.watchlists.ports import Watchlist

LETTERBOXD = ExportFormat.LETTERBOXD
SQS_LIMIT = 256 * 1024
STALKER = Film("f-stalker", "Сталкер", "", release_year=1979, original_title="Stalker")


class Jobs:
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


class Storage:
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


class Queue:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, messages: Sequence[dict[str, Any]]) -> None:
        self.sent.extend(json.loads(json.dumps(message)) for message in messages)


class Matcher:
    def match(self, queries: Sequence[FilmQuery]) -> dict[FilmQuery, Match]:
        return {q: STALKER if q.title in ("Stalker", "Сталкер") else NOT_FOUND for q in queries}


class History:
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


class Notifier:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    def notify(self, telegram_id: int, text: str) -> None:
        self.sent.append((telegram_id, text))


def pipeline() -> tuple[TransferService, TransferWorker, Jobs, Storage, Queue, History, Notifier]:
    jobs, storage, queue, history, notifier = Jobs(), Storage(), Queue(), History(), Notifier()
    service = TransferService(jobs, storage, queue, clock=lambda: "2026-01-01T00:00:00+00:00")
    worker = TransferWorker(jobs, storage, queue, Matcher, history, history, notifier, PaletteGradients(),
                            clock=lambda: "2026-01-01T00:00:00+00:00")  # fmt: skip
    return service, worker, jobs, storage, queue, history, notifier


DIARY = (
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\r\n"
    "2024-01-03,Stalker,1979,u,5,,,2024-01-02\r\n"
    "2024-01-03,Stalker,1979,u,4,Yes,,2024-01-02\r\n"
    "2024-01-03,Nothing,1979,u,4,,,2024-01-02\r\n"
)


def test_an_upload_is_queued_in_chunks_and_each_chunk_counts_once() -> None:
    service, worker, jobs, storage, queue, history, notifier = pipeline()
    job, form = service.create_import("u1", LETTERBOXD, "diary.csv")
    assert form.fields["key"] == import_key("u1", job.id)
    storage.objects[import_key("u1", job.id)] = DIARY.encode()
    worker.on_upload(import_key("u1", job.id))
    assert jobs.jobs[job.id].state is JobState.QUEUED
    [chunk] = queue.sent
    worker.handle(chunk)
    writes = list(history.writes)
    worker.handle(chunk)  # redelivered after the job finished: nothing happens
    done = jobs.get(job.id, 100)
    assert done is not None
    assert (done.state, done.total, done.processed, done.matched) == (JobState.DONE, 3, 3, 2)
    assert [u.reason for u in done.unmatched] == [NOT_FOUND]
    assert history.writes == writes
    diary = [write for write in history.writes if write[0] == "diary"]
    assert [(on, rewatch, rating) for _, _, on, rewatch, rating in diary] == [
        ("2024-01-02", False, 5.0),
        ("2024-01-02", True, 4.0),
    ]
    assert diary[0][1] != diary[1][1]  # two watches on one day: two entries
    [(chat, text)] = notifier.sent  # once, though the last chunk came twice
    assert (chat, text.split(" Не найдено")[0]) == (42, "Импорт из Letterboxd завершён: перенесено 2 из 3.")


def test_a_file_that_is_not_an_export_fails_once_and_says_why() -> None:
    service, worker, jobs, storage, queue, _, notifier = pipeline()
    job, _ = service.create_import("u1", LETTERBOXD, "photo.zip")
    storage.objects[import_key("u1", job.id)] = b"\xff\xd8\xff not a zip"
    worker.on_upload(import_key("u1", job.id))
    worker.on_upload(import_key("u1", job.id))  # the event again
    failed = jobs.jobs[job.id]
    assert (failed.state, queue.sent) == (JobState.FAILED, [])
    assert failed.error is not None
    assert "no letterboxd export file" in failed.error
    assert len(notifier.sent) == 1


def test_an_upload_under_a_foreign_key_is_ignored() -> None:
    service, worker, jobs, storage, queue, _, _ = pipeline()
    job, _ = service.create_import("u1", LETTERBOXD, "diary.csv")
    storage.objects[import_key("intruder", job.id)] = DIARY.encode()
    worker.on_upload(import_key("intruder", job.id))
    worker.on_upload("posters/x/y.png")
    assert (jobs.jobs[job.id].state, queue.sent) == (JobState.WAITING_UPLOAD, [])


def test_chunks_stay_far_under_the_sqs_limit_whatever_the_rows() -> None:
    review = 'Очень длинный отзыв, с запятыми и "кавычками". ' * 200  # ~10,000 characters, 2 bytes each
    rows = [HistoryRow(f"reviews.csv:{n}", Action.REVIEW, f"Фильм {n}", 2000, review=review[:10_000])
            for n in range(2, 60)]  # fmt: skip
    rows += [HistoryRow(f"watched.csv:{n}", Action.WATCHED, f"Film {n}", 2000) for n in range(2, 1002)]
    rows += [RowProblem("diary.csv:9", "x" * 300, None, "impossible date '2024-02-30'")]
    messages = chunk_messages("u1", "job", rows)
    sizes = [len(json.dumps(message, ensure_ascii=False).encode()) for message in messages]
    assert max(sizes) < CHUNK_BYTES + 25 * 1024 < SQS_LIMIT
    assert max(len(message["rows"]) for message in messages) == CHUNK_ROWS
    assert [message["chunk"] for message in messages] == list(range(len(messages)))
    decoded = [QueuedRow.from_json(fields).row for message in messages for fields in message["rows"]]
    assert decoded == rows


def test_list_rows_make_an_ordered_list_once_per_chunk() -> None:
    service, worker, _, storage, queue, history, _ = pipeline()
    job, _ = service.create_import("u1", ExportFormat.IMDB, "Favourites.csv")
    header = "Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type,IMDb Rating,Year"
    text = f"{header}\r\n2,tt0079944,2023-01-01,,,Stalker,,u,Movie,8,1979\r\n"
    storage.objects[import_key("u1", job.id)] = text.encode()
    worker.on_upload(import_key("u1", job.id))
    worker.handle(queue.sent[0])
    [created] = [w for w in history.writes if w[0] == "list"]
    assert created[2:] == ("Favourites", True)
    assert [w for w in history.writes if w[0] == "entry"] == [("entry", created[1], STALKER.id, 2)]


def test_rows_say_what_they_said() -> None:
    row = HistoryRow("diary.csv:2", Action.DIARY, "Сталкер", 1979, on=date(2024, 1, 2), rating=4.5, rewatch=True)
    assert QueuedRow.from_json(QueuedRow(row, 2).to_json()) == QueuedRow(row, 2)
