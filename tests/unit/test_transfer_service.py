"""The transfer service and worker over in-memory fakes of their ports: chunking, counting once, finishing once."""

from __future__ import annotations

import json
from datetime import date

from filmhub.core.palette import PaletteGradients
from filmhub.transfer.formats import Action, ExportFormat, HistoryRow, RowProblem
from filmhub.transfer.matching import NOT_FOUND
from filmhub.transfer.ports import (
    JobState,
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
from tests.support.fakes.transfer import (
    STALKER,
    FixedMatcher,
    InMemoryJobRepository,
    InMemoryTransferQueue,
    InMemoryTransferStorage,
    RecordingHistory,
    RecordingNotifier,
)

LETTERBOXD = ExportFormat.LETTERBOXD
SQS_LIMIT = 256 * 1024


def pipeline() -> tuple[
    TransferService,
    TransferWorker,
    InMemoryJobRepository,
    InMemoryTransferStorage,
    InMemoryTransferQueue,
    RecordingHistory,
    RecordingNotifier,
]:
    jobs, storage, queue = InMemoryJobRepository(), InMemoryTransferStorage(), InMemoryTransferQueue()
    history, notifier = RecordingHistory(), RecordingNotifier()
    service = TransferService(jobs, storage, queue, clock=lambda: "2026-01-01T00:00:00+00:00")
    worker = TransferWorker(jobs, storage, queue, FixedMatcher, history, history, notifier, PaletteGradients(),
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
