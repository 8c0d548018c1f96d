"""What the transfer service talks to: import and export jobs, the uploads bucket, the queue, the account's
history (written by imports, read by exports), IMDb id lookups and the user's Telegram chat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from filmhub.core.entities import Film, User
    from filmhub.films.ports import ExternalFilm
    from filmhub.watchlists.ports import Watchlist

FlagKind = Literal["liked", "wish", "watched"]


class Direction(StrEnum):
    IMPORT = "import"
    EXPORT = "export"


class JobState(StrEnum):
    #: An import waits for its file; an export never is in this state.
    WAITING_UPLOAD = "waiting_upload"
    #: The file is read and its rows are queued (an export: the job is queued).
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED = (JobState.DONE, JobState.FAILED)


@dataclass(frozen=True)
class Unmatched:
    """A row that was not applied: where it is in the file, what it names and why."""

    line: str
    title: str
    year: int | None
    reason: str


@dataclass(frozen=True)
class TransferJob:
    id: str
    user_id: str
    direction: Direction
    state: JobState
    created_at: str
    updated_at: str
    #: Imports: ``letterboxd`` or ``imdb``; exports: ``zip``.
    format: str
    filename: str = ""
    #: Rows of the file (every history row and every row problem); set when the file has been read.
    total: int = 0
    processed: int = 0
    matched: int = 0
    #: Messages the rows were sent in (an import) — how many chunk markers complete it.
    chunks: int = 0
    #: Why the whole job failed (a file that is not what its format says, too many rows …).
    error: str | None = None
    #: The export's archive in the bucket, once done.
    object_key: str | None = None
    #: The first unmatched rows, in file order (at most ``MAX_REPORTED_UNMATCHED``).
    unmatched: tuple[Unmatched, ...] = ()

    @property
    def percent(self) -> int:
        if self.state is JobState.DONE:
            return 100
        return 0 if not self.total else min(99, self.processed * 100 // self.total)


@dataclass(frozen=True)
class ChunkOutcome:
    """What applying one chunk of rows did: added to the job's counters once, with the chunk's marker."""

    number: int
    processed: int
    matched: int
    unmatched: tuple[Unmatched, ...]


class JobRepository(Protocol):
    def create(self, job: TransferJob, expires_at: int) -> None: ...

    def get(self, job_id: str, unmatched_limit: int) -> TransferJob | None:
        """The job with its first ``unmatched_limit`` unmatched rows, strongly consistent, in one Query."""
        ...

    def user_jobs(self, user_id: str, direction: Direction, limit: int) -> list[TransferJob]:
        """The user's jobs of one direction, newest first (without their unmatched rows)."""
        ...

    def start(self, job_id: str, from_states: Sequence[JobState], to_state: JobState, total: int, chunks: int,
              at: str) -> bool:  # fmt: skip
        """Move the job to ``to_state`` with its totals if it is in one of ``from_states``; False otherwise."""
        ...

    def record_chunk(self, job_id: str, outcome: ChunkOutcome, at: str, expires_at: int) -> bool:
        """Write the chunk's marker and add its counts to the job in one transaction; False (nothing changed) when
        the marker exists: a redelivered chunk is counted once."""
        ...

    def finish(self, job_id: str, state: JobState, at: str, error: str | None = None,
               object_key: str | None = None, only_when_complete: bool = False) -> bool:  # fmt: skip
        """Mark the job finished unless it already is; with ``only_when_complete``, only once every row is
        processed. True for the one call that finished it."""
        ...


@dataclass(frozen=True)
class PresignedForm:
    """A browser uploads with an HTML form POST of ``fields`` plus the file to ``url``."""

    url: str
    fields: dict[str, str]
    expires_in: int


class TransferStorage(Protocol):
    """The uploads bucket: uploaded exports under ``imports/``, built archives under ``exports/``."""

    def upload_form(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedForm: ...

    def read(self, key: str, max_bytes: int) -> bytes | None:
        """The object's bytes; None when it does not exist; ``ValueError`` when it is larger than ``max_bytes``."""
        ...

    def put(self, key: str, data: bytes, content_type: str, filename: str) -> None: ...

    def download_url(self, key: str, expires_in: int) -> str: ...


class TransferQueue(Protocol):
    def send(self, messages: Sequence[dict[str, Any]]) -> None:
        """Queue each message (JSON, each far under SQS's 256 KB); batched by the adapter."""
        ...


class ImdbLookup(Protocol):
    """Films by IMDb id (TMDB's ``/find``)."""

    def by_imdb_id(self, imdb_id: str) -> ExternalFilm | None:
        """The film, None when nobody knows the id; raises on a provider failure."""
        ...


class Notifier(Protocol):
    def notify(self, telegram_id: int, text: str) -> None:
        """Send ``text`` to the user's Telegram chat; raises on failure (the caller logs and moves on)."""
        ...


# --- the account's history ---------------------------------------------------------------------


@dataclass(frozen=True)
class FilmMarks:
    """One user's marks on one film: the three flags (with when each was set) and the score."""

    film_id: str
    liked_at: str | None = None
    wish_at: str | None = None
    watched_at: str | None = None
    rating: float | None = None


@dataclass(frozen=True)
class ListSnapshot:
    id: str
    title: str
    created_at: str
    #: In the list's order.
    film_ids: tuple[str, ...]
    #: The owner's notes by film id.
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DiaryRecord:
    entry_id: str
    film_id: str
    watched_on: str
    rewatch: bool = False
    rating: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReviewRecord:
    film_id: str
    text: str
    spoiler: bool
    updated_at: str


@dataclass(frozen=True)
class AccountHistory:
    """Everything an account holds, for its export."""

    user: User
    marks: tuple[FilmMarks, ...] = ()
    lists: tuple[ListSnapshot, ...] = ()
    diary: tuple[DiaryRecord, ...] = ()
    reviews: tuple[ReviewRecord, ...] = ()


class HistoryWriter(Protocol):
    """How an import writes: every call is idempotent, so a row applied twice changes nothing twice."""

    def set_flag(self, user_id: str, kind: FlagKind, film: Film, at: str) -> None:
        """Set the flag (an existing one keeps its first date)."""
        ...

    def ensure_list(self, watchlist: Watchlist) -> None:
        """Create the custom list unless it exists."""
        ...

    def put_list_entry(self, user_id: str, list_id: str, film_id: str, position: int, added_at: str) -> None:
        """The film at ``position`` (1-based) of the list; putting it again changes nothing."""
        ...

    def rate(self, user_id: str, film: Film, rating: float, at: str) -> None: ...

    def review(self, user_id: str, film: Film, text: str, spoiler: bool, at: str) -> None: ...

    def log_diary(self, user_id: str, entry_id: str, film: Film, watched_on: str, rewatch: bool,
                  rating: float | None, at: str) -> None:  # fmt: skip
        """Log a watch under a given id; an entry with that id already there is left as it is."""
        ...


class HistoryReader(Protocol):
    def history(self, user_id: str) -> AccountHistory | None:
        """Everything the account holds; None when there is no such user."""
        ...

    def films(self, film_ids: Sequence[str]) -> dict[str, Film]: ...

    def telegram_id(self, user_id: str) -> int | None:
        """The user's linked Telegram account, if any."""
        ...
