"""Run each function the way Lambda does: in up to N separate worker processes at once.

Each worker (``local/worker.py``) is a fresh interpreter that imports its handler on its first
request (a real cold start, logged with its duration), serves one request at a time, stays warm
for the next one and is retired after an idle time.  A request finds an idle worker (the most
recently used, as Lambda reuses warm environments), or starts one while the function has fewer
than its limit, or waits for one to come free.  Module-level state (caches, clients) is therefore
per worker, as it is per execution environment on Lambda.

Timeouts are enforced where AWS enforces them: the function's own timeout (from the settings CDK
deploys with) counts from the start of the invocation, after the cold start; API Gateway's 30 s
integration limit counts from the request's arrival, waiting and cold start included.  A worker
that runs past either is killed and replaced, as Lambda discards an environment whose invocation
timed out.  What the client gets is what an HTTP API answers: 500 ``Internal Server Error`` for a
function error (unhandled exception, timeout, a crashed runtime), 503 ``Service Unavailable``
when the integration timed out.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from local.worker import HEADER

ROOT = Path(__file__).resolve().parent.parent
#: API Gateway HTTP API's integration timeout.
INTEGRATION_TIMEOUT_SECONDS = 30.0
DEFAULT_CONCURRENCY = 4
DEFAULT_IDLE_SECONDS = 300.0
CODE_PATHS = (ROOT / "layers", ROOT / "functions", ROOT)


class InvocationFailed(Exception):
    """The gateway answers this status and message itself, as API Gateway does when an integration fails."""

    def __init__(self, status: int, message: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.message = message


def function_error(reason: str) -> InvocationFailed:
    return InvocationFailed(500, "Internal Server Error", reason)


def integration_timeout(reason: str) -> InvocationFailed:
    return InvocationFailed(503, "Service Unavailable", reason)


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


@dataclass(frozen=True)
class FunctionLimits:
    """How one function runs locally: the deployed settings, capped by the local gateway's options."""

    handler: str
    concurrency: int
    timeout_seconds: float
    memory_mb: int


def function_limits(
    function: str,
    handler: str,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout_override: float | None = None,
) -> FunctionLimits:
    """Timeout, memory and reserved concurrency from ``infra/function_settings.py``, as CDK deploys them."""
    from infra.function_settings import DEFAULT_SETTINGS, FUNCTION_SETTINGS

    settings = FUNCTION_SETTINGS.get(function, DEFAULT_SETTINGS)
    limit = concurrency
    if settings.reserved_concurrency is not None:
        limit = min(limit, settings.reserved_concurrency)
    timeout = timeout_override if timeout_override is not None else float(settings.timeout_seconds)
    return FunctionLimits(handler, max(1, limit), timeout, settings.memory_mb)


def worker_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment a function gets (as configured by the local stack) and its code paths."""
    env = dict(os.environ if base is None else base)
    paths = [str(path) for path in CODE_PATHS]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


class Worker:
    """One worker process and its framed pipe."""

    def __init__(self, function: str, handler: str, env: Mapping[str, str]) -> None:
        self.function = function
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.worker", function, handler],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=dict(env),
            cwd=ROOT,
        )
        self.pid = self.process.pid
        self.warm = False
        self.last_used = time.monotonic()
        self._requests: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        self._answers = self.process.stdout.fileno()  # type: ignore[union-attr]

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, message: bytes) -> None:
        try:
            self._requests.write(message)
            self._requests.flush()
        except (BrokenPipeError, OSError) as error:
            raise _Died(f"worker pid {self.pid} is gone ({error!r})") from error

    def receive(self, deadline: float) -> dict[str, Any]:
        (length,) = HEADER.unpack(self._read_exact(HEADER.size, deadline))
        return json.loads(self._read_exact(length, deadline))

    def _read_exact(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        missing = size
        while missing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout()
            ready, _, _ = select.select([self._answers], [], [], remaining)
            if not ready:
                raise _Timeout()
            chunk = os.read(self._answers, min(missing, 1 << 20))
            if not chunk:
                self.process.wait()
                raise _Died(f"worker pid {self.pid} exited mid-request (exit code {self.process.returncode})")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def retire(self) -> None:
        """Close its input (the worker exits by itself); kill it if it does not."""
        with contextlib.suppress(OSError):
            self._requests.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]


class WorkerPool:
    """The execution environments of one function."""

    def __init__(
        self,
        function: str,
        limits: FunctionLimits,
        env: Mapping[str, str],
        log: Callable[[str], None],
        integration_timeout_seconds: float = INTEGRATION_TIMEOUT_SECONDS,
    ) -> None:
        self.function = function
        self.limits = limits
        self.env = env
        self.log = log
        self.integration_timeout_seconds = integration_timeout_seconds
        self._ready = threading.Condition()
        self._idle: list[Worker] = []
        self._live = 0

    @property
    def live(self) -> int:
        with self._ready:
            return self._live

    def invoke(self, event: dict[str, Any], context: dict[str, Any], received_at: float) -> dict[str, Any]:
        integration_deadline = received_at + self.integration_timeout_seconds
        worker = self._acquire(integration_deadline)
        message = json.dumps({"event": event, "context": context}, ensure_ascii=False).encode("utf-8")
        try:
            worker.send(HEADER.pack(len(message)) + message)
            if not worker.warm:
                try:
                    init = worker.receive(integration_deadline)
                except _Timeout:
                    waited = time.monotonic() - received_at
                    raise integration_timeout(f"integration timed out after {waited:.2f} s (cold start)") from None
                if init["type"] == "init_error":
                    raise function_error(f"init failed: {init['errorType']}: {init['errorMessage']}")
                worker.warm = True
                self.log(
                    f"{self.function}: cold start {init['seconds'] * 1000:.0f} ms "
                    f"(worker pid {worker.pid}, {self.live} of {self.limits.concurrency})"
                )
            started = time.monotonic()
            function_deadline = started + self.limits.timeout_seconds
            try:
                answer = worker.receive(min(function_deadline, integration_deadline))
            except _Timeout:
                if function_deadline <= integration_deadline:
                    elapsed = time.monotonic() - started
                    raise function_error(f"Task timed out after {elapsed:.2f} seconds") from None
                waited = time.monotonic() - received_at
                raise integration_timeout(f"integration timed out after {waited:.2f} s") from None
        except _Died as error:
            self._discard(worker)
            self.log(f"{self.function}: {error}")
            raise function_error(str(error)) from None
        except InvocationFailed as failed:
            self._discard(worker)
            self.log(f"{self.function}: {failed}; worker pid {worker.pid} killed")
            raise
        self._release(worker)  # after an unhandled error too: the runtime survives it, as on Lambda
        if answer["type"] == "error":
            raise function_error(f"{answer['errorType']}: {answer['errorMessage']}")
        return answer["response"]

    def _acquire(self, deadline: float) -> Worker:
        with self._ready:
            while True:
                while self._idle:
                    worker = self._idle.pop()  # the most recently used: the warmest
                    if worker.alive():
                        return worker
                    self._live -= 1
                    worker.kill()
                if self._live < self.limits.concurrency:
                    self._live += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise integration_timeout(
                        f"{self.function}: no free worker of {self.limits.concurrency} before the integration timeout"
                    )
                self._ready.wait(remaining)
        try:
            return Worker(self.function, self.limits.handler, self.env)
        except BaseException:
            with self._ready:
                self._live -= 1
                self._ready.notify()
            raise

    def _release(self, worker: Worker) -> None:
        worker.last_used = time.monotonic()
        with self._ready:
            self._idle.append(worker)
            self._ready.notify()

    def _discard(self, worker: Worker) -> None:
        worker.kill()
        with self._ready:
            self._live -= 1
            self._ready.notify()

    def retire_idle(self, idle_seconds: float) -> None:
        now = time.monotonic()
        with self._ready:
            stale = [worker for worker in self._idle if now - worker.last_used >= idle_seconds]
            self._idle = [worker for worker in self._idle if worker not in stale]
            self._live -= len(stale)
            self._ready.notify(len(stale))
        for worker in stale:
            worker.retire()
            self.log(f"{self.function}: worker pid {worker.pid} retired after {now - worker.last_used:.0f} s idle")

    def close(self) -> None:
        with self._ready:
            idle, self._idle = self._idle, []
            self._live -= len(idle)
        for worker in idle:
            worker.retire()


class WorkerFunctions:
    """The gateway's functions, each run in worker processes (the in-process ``FunctionRegistry``'s counterpart)."""

    def __init__(
        self,
        handlers: Mapping[str, str],
        log: Callable[[str], None] = print,
        concurrency: int = DEFAULT_CONCURRENCY,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        function_timeout: float | None = None,
        integration_timeout_seconds: float = INTEGRATION_TIMEOUT_SECONDS,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.handlers = dict(handlers)
        self.log = log
        self.concurrency = concurrency
        self.idle_seconds = idle_seconds
        self.function_timeout = function_timeout
        self.integration_timeout_seconds = integration_timeout_seconds
        self._env = env
        self._pools: dict[str, WorkerPool] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._reaper = threading.Thread(target=self._retire_idle, name="local-worker-reaper", daemon=True)
        self._reaper.start()

    def pool(self, function: str) -> WorkerPool:
        with self._lock:
            if function not in self._pools:
                limits = function_limits(function, self.handlers[function], self.concurrency, self.function_timeout)
                # The environment is taken when the function is first called: the stack has configured it by then.
                self._pools[function] = WorkerPool(
                    function, limits, worker_environment(self._env), self.log, self.integration_timeout_seconds
                )
            return self._pools[function]

    def invoke(self, function: str, event: dict[str, Any], context: Any) -> dict[str, Any]:
        pool = self.pool(function)
        fields = {
            "function_name": context.function_name,
            "aws_request_id": context.aws_request_id,
            "memory_limit_in_mb": pool.limits.memory_mb,
            "timeout_seconds": pool.limits.timeout_seconds,
        }
        return pool.invoke(event, fields, getattr(context, "received_at", time.monotonic()))

    def _retire_idle(self) -> None:
        while not self._closed.wait(min(5.0, max(0.05, self.idle_seconds / 4))):
            with self._lock:
                pools = list(self._pools.values())
            for pool in pools:
                pool.retire_idle(self.idle_seconds)

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            pools = list(self._pools.values())
        for pool in pools:
            pool.close()
