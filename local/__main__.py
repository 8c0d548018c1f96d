"""``python -m local``: serve the whole API on 127.0.0.1 over an in-process moto server."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

from local.stack import DEFAULT_DATA_DIR, LocalStack, LocalStackConfig


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("FILMHUB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FILMHUB_PORT", "8080")))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("FILMHUB_DATA_DIR", DEFAULT_DATA_DIR)))
    parser.add_argument("--in-memory", action="store_true", help="do not load or save data")
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=4,
        help="worker processes per function at most, like Lambda's concurrent executions (default 4; "
        "a function's reserved concurrency in infra/function_settings.py caps it)",
    )
    parser.add_argument(
        "--idle-seconds", type=positive_float, default=300.0, help="retire a worker idle this long (default 300)"
    )
    parser.add_argument(
        "--function-timeout",
        type=positive_float,
        default=None,
        help="seconds: every function's timeout instead of its deployed one (for tests)",
    )
    parser.add_argument(
        "--integration-timeout",
        type=positive_float,
        default=30.0,
        help="seconds: API Gateway's integration timeout (default 30, as on AWS)",
    )
    args = parser.parse_args()

    config = LocalStackConfig(
        host=args.host,
        port=args.port,
        data_dir=None if args.in_memory else args.data_dir,
        concurrency=args.concurrency,
        idle_seconds=args.idle_seconds,
        function_timeout=args.function_timeout,
        integration_timeout=args.integration_timeout,
    )
    stack = LocalStack(config, log=lambda line: print(line, flush=True)).start()
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    print("Press Ctrl-C to stop; data is saved on exit.", flush=True)
    stopped.wait()
    stack.stop()


if __name__ == "__main__":
    main()
