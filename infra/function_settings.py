"""Per-function sizing and permissions: the one place that says what each Lambda may do.

Functions themselves come from ``filmhub.routes.FUNCTIONS``; this map only sizes them and scopes their IAM.
A function that is not listed gets :data:`DEFAULT_SETTINGS` (read-only table, the JWT secret, 512 MB) and a
synth warning, so a new function deploys safely and its author is told to give it an explicit entry.
Why each size was chosen is in ``docs/decisions.md`` (Infrastructure).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TableAccess(StrEnum):
    NONE = "none"
    READ = "read"
    #: Reads, plus UpdateItem on request-limit counters only (items whose partition key starts ``COUNTER#``).
    READ_AND_COUNT = "read_and_count"
    READ_WRITE = "read_write"


class BucketAccess(StrEnum):
    NONE = "none"
    #: HeadBucket (a reachability probe): s3:ListBucket on the bucket itself, no object access.
    HEAD = "head"
    #: Put/get/delete poster objects under :data:`POSTERS_PREFIX` only (and HEAD's ListBucket, for 404s).
    POSTERS = "posters"


class CodeScope(StrEnum):
    #: Only the handler's own top-level package (``functions/<name>/`` or ``bot/``).
    OWN_PACKAGE = "own_package"
    #: Every package in the source folder: the docs function imports every function's routes module.
    WHOLE_SOURCE_DIR = "whole_source_dir"


#: Item reads used on request paths.  Scan is deliberately absent: no request path may scan the table.
TABLE_READ_ACTIONS: tuple[str, ...] = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
)
#: Writes, including the item-level actions TransactWriteItems is authorised against.
TABLE_WRITE_ACTIONS: tuple[str, ...] = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
#: What a function that only reads may write: its request-limit counters (one UpdateItem ``ADD count``).
COUNTER_ACTIONS: tuple[str, ...] = ("dynamodb:UpdateItem",)
#: The partition keys those counters live under (``CounterItem``), for the ``dynamodb:LeadingKeys`` condition.
COUNTER_KEY_PATTERN = "COUNTER#*"
#: HeadBucket is authorised as s3:ListBucket on the bucket (which also turns a missing key's 403 into a 404).
BUCKET_HEAD_ACTIONS: tuple[str, ...] = ("s3:ListBucket",)
#: Poster objects: upload (also what a presigned POST is signed for), read back, delete the replaced one.
POSTER_ACTIONS: tuple[str, ...] = ("s3:PutObject", "s3:GetObject", "s3:DeleteObject")
#: The key prefix posters are stored under; the films function may touch nothing else in the bucket.
POSTERS_PREFIX = "posters/"


@dataclass(frozen=True)
class FunctionSettings:
    memory_mb: int = 512
    timeout_seconds: int = 10
    table: TableAccess = TableAccess.READ
    bucket: BucketAccess = BucketAccess.NONE
    #: Logical secret names, as in ``filmhub.settings`` (``jwt_secret`` → env ``JWT_SECRET_SECRET_ARN``).
    secrets: tuple[str, ...] = ()
    #: Layers beyond the shared code and dependency layers (e.g. ``bot`` for aiogram).
    extra_layers: tuple[str, ...] = ()
    code_scope: CodeScope = CodeScope.OWN_PACKAGE
    #: Lambda SnapStart (published versions, served through the ``live`` alias): for imports too slow
    #: for a cold start (docs/decisions.md § Telegram bot).
    snap_start: bool = False
    #: Reserved concurrency: at most this many executions at once (None: the account's unreserved pool).
    #: The local gateway runs at most this many workers of the function too.
    reserved_concurrency: int | None = None
    #: Why this size: kept beside the numbers it explains (the long form is in docs/decisions.md).
    rationale: str = ""
    #: Behind API Gateway (False: invoked by a queue, ``filmhub.routes.QUEUE_WORKERS``).
    api_facing: bool = True

    def __post_init__(self) -> None:
        # HTTP API integrations time out at 30 s: a longer function would keep running after the client got a 503.
        if self.api_facing and not 1 <= self.timeout_seconds <= 29:
            raise ValueError("API-facing functions must time out within 29 s")
        if not 1 <= self.timeout_seconds <= 900:
            raise ValueError("Lambda functions time out within 900 s")
        if not 128 <= self.memory_mb <= 10240:
            raise ValueError("Lambda memory is 128-10240 MB")
        if self.reserved_concurrency is not None and self.reserved_concurrency < 1:
            raise ValueError("reserved concurrency is at least 1 (0 would throttle every request)")


PROVIDER_SECRETS = ("tmdb_api_key", "kinopoisk_api_key", "llm_api_key")

DEFAULT_SETTINGS = FunctionSettings(
    memory_mb=512,
    timeout_seconds=10,
    table=TableAccess.READ,
    secrets=("jwt_secret",),
    rationale="default for a function without an entry: read-only, verifies tokens",
)

FUNCTION_SETTINGS: dict[str, FunctionSettings] = {
    "genres": FunctionSettings(
        memory_mb=512,
        timeout_seconds=5,
        table=TableAccess.READ,
        rationale="one cached Query; 512 MB buys the CPU for a ~1 s Powertools+Pydantic cold start",
    ),
    "moods": FunctionSettings(
        memory_mb=512,
        timeout_seconds=5,
        table=TableAccess.READ,
        rationale="as genres",
    ),
    "mixes": FunctionSettings(
        memory_mb=512,
        timeout_seconds=10,
        # Reads are public; the admin-only curation routes (create, fill, order, delete) write.
        table=TableAccess.READ_WRITE,
        secrets=("jwt_secret",),
        rationale="mix items: Query + BatchGetItem, optional token for the list flags; admin curation writes",
    ),
    "health": FunctionSettings(
        memory_mb=512,
        timeout_seconds=5,
        table=TableAccess.READ,
        bucket=BucketAccess.HEAD,
        rationale="one GetItem and one HeadBucket; polled by monitors, so it must stay cheap and fail fast",
    ),
    "docs": FunctionSettings(
        memory_mb=1024,
        timeout_seconds=10,
        table=TableAccess.NONE,
        code_scope=CodeScope.WHOLE_SOURCE_DIR,
        rationale="imports every router and builds the OpenAPI document once per container: CPU-bound, rare",
    ),
    "auth": FunctionSettings(
        memory_mb=1024,
        timeout_seconds=10,
        table=TableAccess.READ_WRITE,
        secrets=("jwt_secret",),
        rationale="argon2 hashing needs 64 MiB and CPU; 1024 MB keeps a login near 100 ms",
    ),
    "me": FunctionSettings(
        memory_mb=512,
        timeout_seconds=10,
        table=TableAccess.READ_WRITE,
        secrets=("jwt_secret",),
        rationale="watchlists: transactions and one BatchGetItem per page; the JWT key also signs page cursors",
    ),
    "films": FunctionSettings(
        memory_mb=1024,
        timeout_seconds=25,
        table=TableAccess.READ_WRITE,
        bucket=BucketAccess.POSTERS,
        secrets=("jwt_secret", *PROVIDER_SECRETS),
        rationale="search fans out to TMDB/Kinopoisk/LLM concurrently; posters up to 5 MB are checked in memory",
    ),
    "recommend": FunctionSettings(
        memory_mb=768,
        timeout_seconds=25,
        table=TableAccess.READ_WRITE,
        # Discovery and the import of a discovered film are TMDB's: no Kinopoisk or LLM key.
        secrets=("jwt_secret", "tmdb_api_key"),
        rationale="provider discovery + import of the chosen film; mostly waiting on HTTP",
    ),
    "public": FunctionSettings(
        memory_mb=512,
        timeout_seconds=10,
        # Reads shared lists; writes nothing but its miss counters (docs/decisions.md § Sharing).
        table=TableAccess.READ_AND_COUNT,
        # Signs the page cursors of shared lists (no token is ever verified here).
        secrets=("jwt_secret",),
        rationale="a shared list: BatchGetItem + Query + BatchGetItem and a small HTML page; I/O-bound",
    ),
    "bot": FunctionSettings(
        memory_mb=1024,
        timeout_seconds=25,
        table=TableAccess.READ_WRITE,
        # Its own two secrets, the JWT key (cursors, login keys), and the provider keys: the bot searches and
        # recommends through the same services as the API (without them it falls back to the local catalog).
        secrets=("telegram_bot_token", "telegram_webhook_secret", "jwt_secret", *PROVIDER_SECRETS),
        extra_layers=("bot",),
        snap_start=True,
        rationale="aiogram+aiohttp import is the heaviest cold start; low traffic makes the size cheap",
    ),
    "transfers": FunctionSettings(
        memory_mb=512,
        timeout_seconds=10,
        # Creates and reads jobs; its uploads-bucket and queue permissions are granted by infra/transfers.py.
        table=TableAccess.READ_WRITE,
        secrets=("jwt_secret",),
        rationale="one job write + a presigned form, or one Query of a job: I/O-bound and small",
    ),
    "transfer_worker": FunctionSettings(
        memory_mb=1024,
        timeout_seconds=300,
        table=TableAccess.READ_WRITE,
        # Matching looks films up at TMDB (/find, search) and Kinopoisk; the bot token tells the user it is done.
        secrets=("tmdb_api_key", "kinopoisk_api_key", "telegram_bot_token"),
        api_facing=False,
        rationale="holds a 20 MB upload and its parsed rows in memory; a chunk of 100 rows may wait on providers",
    ),
}


def settings_for(function_name: str) -> tuple[FunctionSettings, bool]:
    """The function's settings and whether they are the default (no explicit entry)."""
    if function_name in FUNCTION_SETTINGS:
        return FUNCTION_SETTINGS[function_name], False
    return DEFAULT_SETTINGS, True


def secret_env_var(secret_name: str) -> str:
    """``jwt_secret`` → ``JWT_SECRET_SECRET_ARN``: what ``Settings.secret(name)`` looks for."""
    return f"{secret_name.upper()}_SECRET_ARN"
