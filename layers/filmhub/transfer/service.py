"""Imports from Letterboxd and IMDb and exports of everything, as jobs that a queue worker runs.

An import is a job waiting for its file; the browser uploads the file straight to the bucket with a presigned
form, the bucket's ``ObjectCreated`` event reaches the worker through the queue, and the worker reads the file,
records its row count and sends the rows back to the queue in chunks of bounded size.  Each chunk is matched and
applied on its own; its counts are added to the job once, together with a marker of the chunk, so a redelivered
chunk changes nothing twice, and every write a row makes is idempotent (deterministic ids, first dates kept), so
importing the same file twice creates nothing twice.  The chunk that completes the count finishes the job and
tells the user on Telegram.  An export is a job the worker runs in one go: it reads the account, writes a ZIP to
the bucket and finishes with a presigned link.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from functools import partial
from typing import Any

from filmhub.core.clock import utc_now
from filmhub.core.concurrency import concurrently
from filmhub.core.entities import Film
from filmhub.core.errors import DomainError, NotFound
from filmhub.core.ids import new_id, stable_id
from filmhub.core.palette import GradientPicker
from filmhub.transfer.archive import build_archive, history_film_ids
from filmhub.transfer.formats import (
    MAX_UPLOAD_BYTES,
    Action,
    ExportFormat,
    HistoryRow,
    ImportFileError,
    ParsedRow,
    RowProblem,
    read_export,
)
from filmhub.transfer.matching import FilmMatcher, FilmQuery, title_key
from filmhub.transfer.ports import (
    FINISHED,
    ChunkOutcome,
    Direction,
    HistoryReader,
    HistoryWriter,
    JobRepository,
    JobState,
    Notifier,
    PresignedForm,
    TransferJob,
    TransferQueue,
    TransferStorage,
    Unmatched,
)
from filmhub.watchlists.ports import Watchlist

log = logging.getLogger(__name__)

#: Unmatched rows a job reports (the rest are counted only).
MAX_REPORTED_UNMATCHED = 100
#: Rows per queue message, and the JSON size a message stops growing at: far under SQS's 256 KB, with room for
#: one more row of the largest kind (a 10,000-character review).
CHUNK_ROWS = 100
CHUNK_BYTES = 96 * 1024
UPLOAD_FORM_SECONDS = 15 * 60
DOWNLOAD_LINK_SECONDS = 15 * 60
#: Jobs and their chunk markers are kept this long, then expire (TTL).
JOB_RETENTION_SECONDS = 90 * 24 * 3600
JOBS_LISTED = 50
ZIP = "application/zip"
#: Content types a presigned form accepts: the policy fixes the one the job was created for.
UPLOAD_CONTENT_TYPES = {".zip": ZIP, ".csv": "text/csv"}

IMPORT_ROWS = "import_rows"
EXPORT = "export"
NOT_APPLIED = "could not be applied: "


def import_key(user_id: str, import_id: str) -> str:
    return f"imports/{user_id}/{import_id}"


def parse_import_key(key: str) -> tuple[str, str] | None:
    """(user id, import id) of an upload's key; None for any other key."""
    parts = key.split("/")
    return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "imports" and all(parts[1:]) else None


def export_key(user_id: str, export_id: str) -> str:
    return f"exports/{user_id}/{export_id}.zip"


def upload_content_type(filename: str) -> str:
    return UPLOAD_CONTENT_TYPES[".zip" if filename.lower().endswith(".zip") else ".csv"]


def imported_list_id(user_id: str, list_name: str) -> str:
    """The custom list an imported list becomes: the same name imported again lands in the same list."""
    return stable_id("imported-list", f"{user_id}:{list_name}")


def diary_entry_id(user_id: str, film_id: str, watched_on: date, occurrence: int) -> str:
    """A diary entry's id from what the row says: importing the same file twice logs each watch once, and two
    watches of one film on one day (``occurrence`` 0, 1 …) stay two."""
    return stable_id("imported-diary", f"{user_id}:{film_id}:{watched_on.isoformat()}:{occurrence}")


def _at(day: date | None, default: str) -> str:
    return datetime.combine(day, time(), UTC).isoformat() if day else default


class TransferService:
    """The API side: create jobs, report them."""

    def __init__(
        self,
        jobs: JobRepository,
        storage: TransferStorage,
        queue: TransferQueue,
        clock: Callable[[], str] = utc_now,
        now_seconds: Callable[[], float] = lambda: datetime.now(UTC).timestamp(),
    ) -> None:
        self._jobs = jobs
        self._storage = storage
        self._queue = queue
        self._clock = clock
        self._now_seconds = now_seconds

    def create_import(
        self, user_id: str, export_format: ExportFormat, filename: str
    ) -> tuple[TransferJob, PresignedForm]:
        at = self._clock()
        job = TransferJob(new_id(), user_id, Direction.IMPORT, JobState.WAITING_UPLOAD, at, at,
                          format=export_format.value, filename=filename)  # fmt: skip
        self._jobs.create(job, self._expires_at())
        form = self._storage.upload_form(
            import_key(user_id, job.id), upload_content_type(filename), MAX_UPLOAD_BYTES, UPLOAD_FORM_SECONDS
        )
        return job, form

    def create_export(self, user_id: str) -> TransferJob:
        at = self._clock()
        job = TransferJob(new_id(), user_id, Direction.EXPORT, JobState.QUEUED, at, at, format="zip")
        self._jobs.create(job, self._expires_at())
        self._queue.send([{"kind": EXPORT, "user_id": user_id, "export_id": job.id}])
        return job

    def job(self, user_id: str, direction: Direction, job_id: str) -> TransferJob:
        """The caller's job; someone else's is as unknown as a missing one."""
        job = self._jobs.get(job_id, MAX_REPORTED_UNMATCHED)
        if job is None or job.user_id != user_id or job.direction is not direction:
            raise NotFound(f"{direction.value.capitalize()} not found")
        return job

    def jobs(self, user_id: str, direction: Direction) -> list[TransferJob]:
        return self._jobs.user_jobs(user_id, direction, JOBS_LISTED)

    def download_url(self, job: TransferJob) -> str | None:
        if job.state is not JobState.DONE or job.object_key is None:
            return None
        return self._storage.download_url(job.object_key, DOWNLOAD_LINK_SECONDS)

    def _expires_at(self) -> int:
        return int(self._now_seconds()) + JOB_RETENTION_SECONDS


@dataclass(frozen=True)
class QueuedRow:
    """A row as a chunk message carries it; ``occurrence`` tells repeated diary rows apart."""

    row: ParsedRow
    occurrence: int = 0

    def to_json(self) -> dict[str, Any]:
        fields = {key: value for key, value in asdict(self.row).items() if value not in (None, False)}
        if isinstance(self.row, HistoryRow):
            fields["action"] = self.row.action.value
            if self.row.on is not None:
                fields["on"] = self.row.on.isoformat()
        else:
            fields["problem"] = True
        if self.occurrence:
            fields["occurrence"] = self.occurrence
        return fields

    @staticmethod
    def from_json(fields: dict[str, Any]) -> QueuedRow:
        values = dict(fields)
        occurrence = int(values.pop("occurrence", 0))
        if values.pop("problem", False):
            return QueuedRow(RowProblem(values["line"], values.get("title", ""), values.get("year"), values["reason"]))
        values["action"] = Action(values["action"])
        if "on" in values:
            values["on"] = date.fromisoformat(values["on"])
        return QueuedRow(HistoryRow(**values), occurrence)


def chunk_messages(user_id: str, import_id: str, rows: Iterable[ParsedRow]) -> list[dict[str, Any]]:
    """The rows in messages of at most ``CHUNK_ROWS`` rows and about ``CHUNK_BYTES``, numbered in file order."""
    seen: Counter[tuple[str, int | None, date | None]] = Counter()
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for row in rows:
        occurrence = 0
        if isinstance(row, HistoryRow) and row.action is Action.DIARY:
            watch = (title_key(row.title), row.year, row.on)
            occurrence = seen[watch]
            seen[watch] += 1
        encoded = QueuedRow(row, occurrence).to_json()
        row_size = len(json.dumps(encoded, ensure_ascii=False).encode())
        if chunks[-1] and (len(chunks[-1]) >= CHUNK_ROWS or size + row_size > CHUNK_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append(encoded)
        size += row_size
    return [
        {"kind": IMPORT_ROWS, "user_id": user_id, "import_id": import_id, "chunk": number, "rows": rows}
        for number, rows in enumerate(chunk for chunk in chunks if chunk)
    ]


def _run_lane(lane: Sequence[tuple[HistoryRow, Callable[[], str | None]]]) -> list[tuple[HistoryRow, str | None]]:
    return [(row, apply()) for row, apply in lane]


def _query(row: HistoryRow) -> FilmQuery:
    return FilmQuery(row.title, row.year, row.imdb_id, row.tmdb_id)


class TransferWorker:
    """The queue side: read uploads, apply chunks of rows, build exports."""

    def __init__(
        self,
        jobs: JobRepository,
        storage: TransferStorage,
        queue: TransferQueue,
        matcher: Callable[[], FilmMatcher],
        writer: HistoryWriter,
        reader: HistoryReader,
        notifier: Notifier | None,
        gradients: GradientPicker,
        clock: Callable[[], str] = utc_now,
        now_seconds: Callable[[], float] = lambda: datetime.now(UTC).timestamp(),
    ) -> None:
        self._jobs = jobs
        self._storage = storage
        self._queue = queue
        self._gradients = gradients
        #: Built on first use: an export never needs the providers.
        self._matcher = matcher
        self._writer = writer
        self._reader = reader
        self._notifier = notifier
        self._clock = clock
        self._now_seconds = now_seconds

    def handle(self, message: dict[str, Any]) -> None:
        """One message of the queue: a chunk of rows or an export (uploads arrive as S3 events: ``on_upload``)."""
        if message.get("kind") == IMPORT_ROWS:
            self.on_rows(message)
        elif message.get("kind") == EXPORT:
            self.on_export(str(message["user_id"]), str(message["export_id"]))
        else:
            log.warning("unknown message %r dropped", message.get("kind"))

    # --- imports -------------------------------------------------------------------------------

    def on_upload(self, key: str) -> None:
        """An uploaded export: read it, record its size, queue its rows; a file that cannot be read fails the job."""
        ids = parse_import_key(key)
        job = self._jobs.get(ids[1], 0) if ids else None
        if ids is None or job is None or job.user_id != ids[0] or job.direction is not Direction.IMPORT:
            log.warning("upload %s belongs to no import", key)
            return
        if job.state in FINISHED:
            return
        try:
            data = self._storage.read(key, MAX_UPLOAD_BYTES)
            if data is None:
                log.warning("upload %s is gone", key)
                return
            rows = list(read_export(ExportFormat(job.format), job.filename, data))
        except (ImportFileError, ValueError) as error:
            self._finish(job, JobState.FAILED, error=str(error))
            return
        messages = chunk_messages(job.user_id, job.id, rows)
        # A redelivered event queues the same chunks again: their markers make the second copy a no-op.
        self._jobs.start(job.id, (JobState.WAITING_UPLOAD,), JobState.QUEUED, len(rows), len(messages), self._clock())
        if not messages:
            self._finish(job, JobState.DONE, only_when_complete=True)
            return
        self._queue.send(messages)

    def on_rows(self, message: dict[str, Any]) -> None:
        import_id, number = str(message["import_id"]), int(message["chunk"])
        job = self._jobs.get(import_id, 0)
        if job is None or job.state in FINISHED or job.direction is not Direction.IMPORT:
            return
        rows = [QueuedRow.from_json(fields) for fields in message["rows"]]
        outcome = self._apply(job.user_id, number, rows)
        self._jobs.record_chunk(import_id, outcome, self._clock(), self._expires_at())
        # Also after a redelivered chunk: the first delivery may have stopped between counting and finishing.
        self._finish(job, JobState.DONE, only_when_complete=True)

    def _apply(self, user_id: str, number: int, queued: Sequence[QueuedRow]) -> ChunkOutcome:
        history = [item for item in queued if isinstance(item.row, HistoryRow)]
        matches = self._matcher().match([_query(item.row) for item in history]) if history else {}  # type: ignore[arg-type]
        unmatched: list[Unmatched] = []
        #: Rows by lane: diary rows one after another (each commits the user's year counters, so two at once
        #: would conflict), every other row on a lane of its own.
        lanes: dict[object, list[tuple[HistoryRow, Callable[[], str | None]]]] = {}
        lists: dict[str, str] = {}
        for item in queued:
            row = item.row
            if isinstance(row, RowProblem):
                unmatched.append(Unmatched(row.line, row.title, row.year, row.reason))
                continue
            assert isinstance(row, HistoryRow)
            found = matches[_query(row)]
            if isinstance(found, str):
                unmatched.append(Unmatched(row.line, row.title, row.year, found))
                continue
            if row.action is Action.LIST_ENTRY and row.list_name:
                lists[imported_list_id(user_id, row.list_name)] = row.list_name
            lane = Action.DIARY if row.action is Action.DIARY else len(lanes) + 1
            lanes.setdefault(lane, []).append((row, partial(self._apply_row, user_id, row, found, item.occurrence)))
        now = self._clock()
        for list_id, title in lists.items():
            gradient = self._gradients.pick(title)
            self._writer.ensure_list(Watchlist(list_id, user_id, title, "custom", gradient, now, ordered=True))
        results = concurrently([partial(_run_lane, lane) for lane in lanes.values()])
        for row, problem in (outcome for lane in results for outcome in lane):
            if problem is not None:
                unmatched.append(Unmatched(row.line, row.title, row.year, NOT_APPLIED + problem))
        unmatched.sort(key=lambda u: [int(part) if part.isdigit() else part for part in u.line.rsplit(":", 1)])
        return ChunkOutcome(number, len(queued), len(queued) - len(unmatched), tuple(unmatched))

    def _apply_row(self, user_id: str, row: HistoryRow, film: Film, occurrence: int) -> str | None:
        """Apply one matched row; what the domain refuses is the row's problem, anything else fails the chunk
        (which the queue retries)."""
        at = _at(row.on, self._clock())
        writer = self._writer
        try:
            match row.action:
                case Action.WATCHED | Action.WISH | Action.LIKE:
                    kind = {Action.WATCHED: "watched", Action.WISH: "wish", Action.LIKE: "liked"}[row.action]
                    writer.set_flag(user_id, kind, film, at)  # type: ignore[arg-type]
                case Action.RATING:
                    assert row.rating is not None
                    writer.rate(user_id, film, row.rating, at)
                case Action.REVIEW:
                    assert row.review is not None
                    writer.review(user_id, film, row.review, row.spoiler, at)
                case Action.DIARY:
                    # The flag first: it keeps its first date, the watch's, not the moment of the import.
                    writer.set_flag(user_id, "watched", film, at)
                    if row.on is not None:
                        entry_id = diary_entry_id(user_id, film.id, row.on, occurrence)
                        writer.log_diary(user_id, entry_id, film, row.on.isoformat(), row.rewatch, row.rating, at)
                case Action.LIST_ENTRY:
                    assert row.list_name is not None
                    position = row.position or int(row.line.rsplit(":", 1)[1])
                    writer.put_list_entry(user_id, imported_list_id(user_id, row.list_name), film.id, position, at)
        except DomainError as error:
            return error.detail
        return None

    # --- exports -------------------------------------------------------------------------------

    def on_export(self, user_id: str, export_id: str) -> None:
        job = self._jobs.get(export_id, 0)
        if job is None or job.user_id != user_id or job.direction is not Direction.EXPORT or job.state in FINISHED:
            return
        self._jobs.start(export_id, (JobState.QUEUED,), JobState.RUNNING, 0, 0, self._clock())
        history = self._reader.history(user_id)
        if history is None:
            self._finish(job, JobState.FAILED, error="the account no longer exists")
            return
        films = self._reader.films(sorted(history_film_ids(history)))
        key = export_key(user_id, export_id)
        exported_at = self._clock()
        self._storage.put(key, build_archive(history, films, exported_at), ZIP, f"filmhub-{exported_at[:10]}.zip")
        self._finish(job, JobState.DONE, object_key=key)

    # --- both ------------------------------------------------------------------------------------

    def _finish(self, job: TransferJob, state: JobState, error: str | None = None, object_key: str | None = None,
                only_when_complete: bool = False) -> None:  # fmt: skip
        if not self._jobs.finish(job.id, state, self._clock(), error, object_key, only_when_complete):
            return
        finished = self._jobs.get(job.id, 0) or job
        self._tell(finished)

    def _tell(self, job: TransferJob) -> None:
        """Tell the user on Telegram, if the account is linked; a failure to tell never fails the job."""
        if self._notifier is None:
            return
        try:
            telegram_id = self._reader.telegram_id(job.user_id)
            if telegram_id is not None:
                self._notifier.notify(telegram_id, finished_message(job))
        except Exception:
            log.warning("could not tell user %s that job %s finished", job.user_id, job.id, exc_info=True)

    def _expires_at(self) -> int:
        return int(self._now_seconds()) + JOB_RETENTION_SECONDS


_SOURCES = {"letterboxd": "Letterboxd", "imdb": "IMDb"}


def finished_message(job: TransferJob) -> str:
    """What the bot says when a job ends (in Russian, like every bot message)."""
    if job.direction is Direction.EXPORT:
        if job.state is JobState.DONE:
            return "Экспорт готов: скачайте архив в приложении (ссылка действует 15 минут после запроса)."
        return f"Экспорт не удался: {job.error}"
    source = _SOURCES.get(job.format, job.format)
    if job.state is JobState.FAILED:
        return f"Импорт из {source} не удался: {job.error}"
    missed = job.total - job.matched
    text = f"Импорт из {source} завершён: перенесено {job.matched} из {job.total}."
    return text + (f" Не найдено или с ошибкой: {missed} — список есть в приложении." if missed else "")
