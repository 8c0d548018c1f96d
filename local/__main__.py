"""``python -m local``: serve the whole API on 127.0.0.1 over an in-process moto server."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

from local.stack import DEFAULT_DATA_DIR, LocalStack, LocalStackConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("FILMHUB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FILMHUB_PORT", "8080")))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("FILMHUB_DATA_DIR", DEFAULT_DATA_DIR)))
    parser.add_argument("--in-memory", action="store_true", help="do not load or save data")
    args = parser.parse_args()

    config = LocalStackConfig(host=args.host, port=args.port, data_dir=None if args.in_memory else args.data_dir)
    stack = LocalStack(config, log=lambda line: print(line, flush=True)).start()
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    print("Press Ctrl-C to stop; data is saved on exit.", flush=True)
    stopped.wait()
    stack.stop()


if __name__ == "__main__":
    main()
