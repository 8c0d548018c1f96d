"""Run the real local stack (``python -m local``) in a subprocess, as a user's ``make run`` does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.stack import ROOT, free_port

READY_TIMEOUT_SECONDS = 60


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class LocalStackProcess:
    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    #: Settings for the stack beyond the defaults (the bot's token, secret and Bot API server).
    env: dict[str, str] = field(default_factory=dict)
    #: Options of ``python -m local`` beyond port and data folder (``--function-timeout 4``).
    args: list[str] = field(default_factory=list)
    #: How long the stack may take to answer: longer when it upgrades a restored data folder first.
    ready_timeout: float = READY_TIMEOUT_SECONDS

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalStackProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "POSTERS_", "JWT_"))}
        env["PYTHONPATH"] = os.pathsep.join(str(ROOT / part) for part in ("layers", "functions", "."))
        env.update(self.env)
        log = (self.data_dir.parent / f"local-stack-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local", "--port", str(self.port), "--data-dir", str(self.data_dir), *self.args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._log_path = Path(log.name)
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"local stack exited early:\n{self.log()}")
            try:
                if self.request("GET", "/api/v1/health").status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"local stack not ready in {self.ready_timeout:g}s:\n{self.log()}")

    def log(self) -> str:
        return self._log_path.read_text() if self._log_path.exists() else ""

    def stop(self) -> None:
        """Ctrl-C, as a user would: the stack saves its data on the way out."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        token: str | None = None,
    ) -> HttpResponse:
        all_headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return HttpResponse(response.status, dict(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, dict(error.headers.items()), error.read())
