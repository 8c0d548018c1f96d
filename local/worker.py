"""One local "Lambda execution environment": ``python -m local.worker <function> <module.handler>``.

The local gateway starts this as a separate interpreter per concurrent execution of a function
(``local/workers.py``).  It speaks a small framed protocol on its stdin and (a private copy of) its
stdout, like Lambda's runtime API: each frame is a 4-byte big-endian length and a JSON object.

- gateway → worker: ``{"event": {...}, "context": {...}}``, one invocation at a time;
- worker → gateway, on the first invocation only: ``{"type": "init", "seconds": <import time>}``
  (the handler is imported then, a real cold start), or ``{"type": "init_error", ...}`` and exit;
- worker → gateway: ``{"type": "result", "response": {...}}`` or ``{"type": "error", ...}``.

The function's own prints and logs go to stderr (fd 1 is pointed there, so nothing a handler
writes can corrupt a frame); end of input means the gateway retired this worker.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import struct
import sys
import time
import traceback
from dataclasses import dataclass
from typing import IO, Any

HEADER = struct.Struct(">I")


def write_frame(stream: IO[bytes], message: dict[str, Any]) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> dict[str, Any] | None:
    """The next frame, or None at the end of input."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (length,) = HEADER.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        return None
    return json.loads(data)


@dataclass
class LambdaContext:
    """The attributes of a Lambda context object that Powertools reads."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    timeout_seconds: float = 29

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error(kind: str, error: BaseException) -> dict[str, Any]:
    return {"type": kind, "errorType": type(error).__name__, "errorMessage": str(error)}


def serve(handler_path: str, requests: IO[bytes], answers: IO[bytes]) -> None:
    handler = None
    while (message := read_frame(requests)) is not None:
        if handler is None:
            started = time.perf_counter()
            module_name, attribute = handler_path.rsplit(".", 1)
            try:
                handler = getattr(importlib.import_module(module_name), attribute)
            except Exception as error:  # Runtime.ImportModuleError: this environment is unusable
                traceback.print_exc()
                write_frame(answers, _error("init_error", error))
                return
            write_frame(answers, {"type": "init", "seconds": time.perf_counter() - started})
        try:
            response = handler(message["event"], LambdaContext(**message["context"]))
            write_frame(answers, {"type": "result", "response": response})
        except Exception as error:  # an unhandled error (or an answer that is not JSON): Lambda reports it
            traceback.print_exc()
            write_frame(answers, _error("error", error))


def main() -> None:
    _function, handler_path = sys.argv[1], sys.argv[2]
    # Ctrl-C in a terminal reaches the whole process group: the gateway retires its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # the function's prints and logs go to stderr, never into a frame
    serve(handler_path, sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
