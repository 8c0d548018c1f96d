"""The embedded local stack: moto (DynamoDB + S3) in-process, the seeded table and the gateway.

No Docker and no AWS account: ``ThreadedMotoServer`` listens on 127.0.0.1, the table is created
from the same definition CDK uses, seeding is idempotent, and the table and the bucket are saved
to ``<data_dir>`` on shutdown (and every few seconds after a change) and loaded on the next start.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / ".local" / "data"
#: How often the stack reads the table's stream (Lambda polls a shard about four times a second; half that is
#: plenty for a person trying the API, and leaves the CPU to the functions).
STREAM_POLL_SECONDS = 0.5
#: Lambda's longest timeout: the only limit on a function no API Gateway stands in front of.
LAMBDA_MAX_SECONDS = 15 * 60.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def add_code_paths() -> None:
    """Make the layer and the functions importable exactly as Lambda lays them out."""
    for path in (ROOT / "layers", ROOT / "functions", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def expire_unconfirmed_uploads(s3: Any, bucket: str) -> None:
    """The poster bucket's lifecycle rule, as CDK sets it (infra/storage.py): direct uploads never confirmed
    expire.  moto stores the rule without acting on it; the test suites create their bucket with it too."""
    from filmhub.films.poster_keys import UNCONFIRMED_UPLOAD_DAYS, UPLOADS_PREFIX

    rule = {
        "ID": "ExpireUnconfirmedUploads",
        "Filter": {"Prefix": UPLOADS_PREFIX},
        "Status": "Enabled",
        "Expiration": {"Days": UNCONFIRMED_UPLOAD_DAYS},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": UNCONFIRMED_UPLOAD_DAYS},
    }
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})


@dataclass
class LocalStackConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    moto_port: int = 0
    data_dir: Path | None = DEFAULT_DATA_DIR
    table_name: str = "filmhub-local"
    bucket: str = "filmhub-local-posters"
    uploads_bucket: str = "filmhub-local-uploads"
    transfer_queue: str = "filmhub-local-transfers"
    region: str = "eu-central-1"
    autosave_seconds: float = 5.0
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Worker processes per function at most (lower when the function's reserved concurrency is).
    concurrency: int = 4
    #: A worker idle this long is retired (its next request is a cold start again).
    idle_seconds: float = 300.0
    #: Every function's timeout instead of its deployed one (tests use a short one).
    function_timeout: float | None = None
    #: API Gateway's integration timeout.
    integration_timeout: float = 30.0


class Snapshot:
    """Saves and restores the table's items and the bucket's objects as plain files."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.table_file = data_dir / "table.jsonl"
        self.objects_dir = data_dir / "objects"

    def save(self, items: list[dict[str, Any]], s3: Any, bucket: str) -> int:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.table_file.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            for item in items:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        temporary.replace(self.table_file)
        count = len(items)
        self.objects_dir.mkdir(parents=True, exist_ok=True)
        kept = set()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                key = entry["Key"]
                target = self.objects_dir / key.replace("/", "__")
                kept.add(target.name)
                if not target.exists():
                    obj = s3.get_object(Bucket=bucket, Key=key)
                    target.write_bytes(obj["Body"].read())
                    target.with_suffix(target.suffix + ".meta").write_text(
                        json.dumps({"key": key, "content_type": obj.get("ContentType", "application/octet-stream")})
                    )
                kept.add(target.name + ".meta")
        for stale in self.objects_dir.iterdir():
            if stale.name not in kept:
                stale.unlink()
        return count

    def restore(self, dynamodb: Any, s3: Any, table: str, bucket: str) -> int:
        count = 0
        if self.table_file.exists():
            batch: list[dict[str, Any]] = []
            with self.table_file.open(encoding="utf-8") as source:
                for line in source:
                    batch.append({"PutRequest": {"Item": json.loads(line)}})
                    if len(batch) == 25:
                        count += _write_batch(dynamodb, table, batch)
                        batch = []
            if batch:
                count += _write_batch(dynamodb, table, batch)
        if self.objects_dir.exists():
            for meta_file in self.objects_dir.glob("*.meta"):
                meta = json.loads(meta_file.read_text())
                data = meta_file.with_suffix("").read_bytes()
                s3.put_object(Bucket=bucket, Key=meta["key"], Body=data, ContentType=meta["content_type"])
        return count


def _write_batch(dynamodb: Any, table: str, batch: list[dict[str, Any]]) -> int:
    pending = {table: batch}
    while pending:
        pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(batch)


class LocalStack:
    """Starts moto, configures the process like a deployed function, seeds, and serves the API."""

    def __init__(self, config: LocalStackConfig, log: Callable[[str], None] = print) -> None:
        self.config = config
        self.log = log
        self._moto: Any = None
        self._server: Any = None
        self._functions: Any = None
        self._event_functions: Any = None
        self._streams: Any = None
        self._stop_pollers: threading.Event | None = None
        self._stop_autosave = threading.Event()
        self._dirty = threading.Event()
        self._save_lock = threading.Lock()
        self.snapshot = Snapshot(config.data_dir) if config.data_dir else None

    @property
    def api_url(self) -> str:
        return f"http://{self.config.host}:{self._server.server_address[1]}/api/v1"

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.config.moto_port}"

    def _jwt_secret(self) -> str:
        if self.config.data_dir is None:
            return secrets.token_urlsafe(48)
        secret_file = self.config.data_dir / "jwt-secret"
        if not secret_file.exists():
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.write_text(secrets.token_urlsafe(48))
            secret_file.chmod(0o600)
        return secret_file.read_text().strip()

    def configure_environment(self) -> None:
        config = self.config
        env = {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_REGION": config.region,
            "AWS_DEFAULT_REGION": config.region,
            "STAGE": "local",
            "TABLE_NAME": config.table_name,
            "POSTERS_BUCKET": config.bucket,
            "DYNAMODB_ENDPOINT_URL": self.moto_url,
            "S3_ENDPOINT_URL": self.moto_url,
            "SQS_ENDPOINT_URL": self.moto_url,
            "UPLOADS_BUCKET": config.uploads_bucket,
            "POSTERS_BASE_URL": f"{self.moto_url}/{config.bucket}",
            "POWERTOOLS_SERVICE_NAME": "filmhub-local",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        }
        if "JWT_SECRET" not in os.environ:
            env["JWT_SECRET"] = self._jwt_secret()
        env.update(config.extra_env)
        os.environ.update(env)

    def start(self) -> LocalStack:
        from moto.server import ThreadedMotoServer

        from local import moto_patches

        moto_patches.install()
        started = time.perf_counter()
        add_code_paths()
        if not self.config.moto_port:
            self.config.moto_port = free_port()
        logging.getLogger("werkzeug").disabled = True  # moto's per-request access log
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.config.moto_port, verbose=False)
        self._moto.start()
        self.configure_environment()

        import boto3

        from filmhub.films.poster_keys import POSTERS_PREFIX
        from filmhub.table.definition import create_table_kwargs

        dynamodb = boto3.client("dynamodb", endpoint_url=self.moto_url)
        s3 = boto3.client("s3", endpoint_url=self.moto_url)
        dynamodb.create_table(**create_table_kwargs(self.config.table_name))
        s3.create_bucket(
            Bucket=self.config.bucket, CreateBucketConfiguration={"LocationConstraint": self.config.region}
        )
        expire_unconfirmed_uploads(s3, self.config.bucket)
        # Posters are public, as CloudFront serves them on AWS: a browser can open the moto S3 URL.  Direct
        # uploads (uploads/) are not, until /confirm has checked them and moved them under posters/.
        public_posters = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicPosters",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{self.config.bucket}/{POSTERS_PREFIX}*",
                }
            ],
        }
        s3.put_bucket_policy(Bucket=self.config.bucket, Policy=json.dumps(public_posters))
        from local.queues import create_transfer_pipeline

        sqs = boto3.client("sqs", endpoint_url=self.moto_url)
        pipeline = create_transfer_pipeline(
            s3, sqs, self.config.uploads_bucket, self.config.transfer_queue, self.config.region
        )
        os.environ["TRANSFER_QUEUE_URL"] = pipeline.queue_url
        restored = (
            self.snapshot.restore(dynamodb, s3, self.config.table_name, self.config.bucket) if self.snapshot else 0
        )

        from filmhub.films.migration import is_current, mark_current, migrate
        from filmhub.seed.seeder import seed

        # A data folder saved by an older version: films created through the API are indexed anew too.
        upgrade = None
        if restored and not is_current():
            self.log(f"upgrading the film index of {restored} restored items (once; about a minute for the demo)")
            upgrade = migrate()
        elif not restored:
            mark_current()
        report = seed()
        self.log(
            f"table {self.config.table_name}: restored {restored} items; "
            + (f"index upgraded ({upgrade.films} films); " if upgrade and not upgrade.skipped else "")
            + "seed "
            + ("already present" if report.skipped else f"wrote {report.films} films, {report.mixes} mixes")
        )
        self._dynamodb, self._s3 = dynamodb, s3

        from filmhub.routes import FUNCTIONS, QUEUE_WORKERS
        from filmhub.settings import get_settings
        from local.gateway import LocalGateway, serve
        from local.streams import AGGREGATOR_FUNCTION, AGGREGATOR_HANDLER
        from local.workers import WorkerFunctions

        # Functions run in worker processes started on demand, with the environment configured above.
        self._functions = WorkerFunctions(
            {name: spec.handler for name, spec in FUNCTIONS.items()},
            log=self.log,
            concurrency=self.config.concurrency,
            idle_seconds=self.config.idle_seconds,
            function_timeout=self.config.function_timeout,
            integration_timeout_seconds=self.config.integration_timeout,
        )
        # Functions behind event sources (the table's stream, the transfer queue): no API Gateway in front, so only
        # their own timeouts (at most Lambda's 15 minutes) apply.
        self._event_functions = WorkerFunctions(
            {AGGREGATOR_FUNCTION: AGGREGATOR_HANDLER} | {name: spec.handler for name, spec in QUEUE_WORKERS.items()},
            log=self.log,
            concurrency=self.config.concurrency,
            idle_seconds=self.config.idle_seconds,
            function_timeout=self.config.function_timeout,
            integration_timeout_seconds=LAMBDA_MAX_SECONDS,
        )
        self._start_stream_poller(dynamodb)
        self._stop_pollers = self._start_queue_workers(sqs, pipeline)
        gateway = LocalGateway(get_settings().cors_origins, functions=self._functions)
        self._server = serve(gateway, self.config.host, self.config.port, self._log_request)
        if self.snapshot:
            if not report.skipped or (upgrade and not upgrade.skipped):
                self._dirty.set()  # saved by the autosave thread, not before serving
            threading.Thread(target=self._autosave, name="local-autosave", daemon=True).start()
        if self.config.data_dir:
            # Where tools like `make admin` find the running stack's moto server.
            self.config.data_dir.mkdir(parents=True, exist_ok=True)
            (self.config.data_dir / "moto-endpoint").write_text(self.moto_url)
        self.log(f"API      {self.api_url}  (ready in {time.perf_counter() - started:.1f} s)")
        self.log(f"Swagger  http://{self.config.host}:{self._server.server_address[1]}/api/schema/swagger")
        self.log(f"Data     {self.config.data_dir or 'in memory only'} (moto at {self.moto_url})")
        return self

    def _start_stream_poller(self, dynamodb: Any) -> None:
        """Ratings reach their films' averages through the table's stream, as on AWS (local/streams.py); what the
        restore and the seed wrote is skipped: restored films already hold their aggregates."""
        import boto3

        from local.streams import AGGREGATOR_FUNCTION, StreamPoller

        functions = self._event_functions
        streams = boto3.client("dynamodbstreams", endpoint_url=self.moto_url)
        self._streams = StreamPoller(
            dynamodb,
            streams,
            self.config.table_name,
            lambda event, context: functions.invoke(AGGREGATOR_FUNCTION, event, context),
            region=self.config.region,
        )
        self._streams.start_from_latest()
        self._streams.run(STREAM_POLL_SECONDS, on_delivered=self._dirty.set)

    def _start_queue_workers(self, sqs: Any, pipeline: Any) -> threading.Event:
        """The transfer worker behind its queue, fed by pollers as Lambda's event source mapping feeds it."""
        import uuid

        from filmhub.routes import QUEUE_WORKERS
        from local.queues import start_pollers
        from local.worker import LambdaContext

        spec = QUEUE_WORKERS["transfer_worker"]
        functions = self._event_functions

        def invoke(event: dict[str, Any]) -> dict[str, Any]:
            self._dirty.set()
            context = LambdaContext(function_name=f"filmhub-{spec.name}", aws_request_id=str(uuid.uuid4()))
            return functions.invoke(spec.name, event, context)

        return start_pollers(sqs, pipeline, self.config.region, invoke, count=min(2, self.config.concurrency))

    def _log_request(self, line: str) -> None:
        if not line.startswith(("GET", "OPTIONS", "HEAD")):
            self._dirty.set()
        self.log(line)

    def _autosave(self) -> None:
        while not self._stop_autosave.wait(self.config.autosave_seconds):
            if self._dirty.is_set():
                self._dirty.clear()
                self.save()

    def save(self) -> int:
        if not self.snapshot:
            return 0
        with self._save_lock:
            from local.moto_patches import dump_table

            items = dump_table(self.config.region, self.config.table_name)
            return self.snapshot.save(items, self._s3, self.config.bucket)

    def stop(self) -> None:
        self._stop_autosave.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._streams is not None:
            self._streams.stop()
            self._streams.drain()  # fold the last ratings before the snapshot (and before the workers go)
        if self._stop_pollers is not None:
            self._stop_pollers.set()
        for functions in (self._functions, self._event_functions):
            if functions is not None:
                functions.close()
        if self.snapshot and self._moto is not None:
            saved = self.save()
            self.log(f"saved {saved} items to {self.config.data_dir}")
        if self._moto is not None:
            self._moto.stop()
        if self.config.data_dir:
            (self.config.data_dir / "moto-endpoint").unlink(missing_ok=True)
