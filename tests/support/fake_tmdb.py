"""A TMDB API on 127.0.0.1 for end-to-end tests of timing: it answers every search with no results after
``delay`` seconds and counts the requests it holds at once (``TMDB_BASE_URL`` points the stack at it)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeTmdb:
    def __init__(self) -> None:
        self.delay = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests = 0
        #: Set when a request arrives (tests clear it before the request they wait for).
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeTmdb:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self, delay: float) -> None:
        with self._lock:
            self.delay, self.max_in_flight, self.requests = delay, 0, 0
        self.arrived.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with fake._lock:
                    fake.in_flight += 1
                    fake.requests += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                    delay = fake.delay
                fake.arrived.set()
                try:
                    time.sleep(delay)
                    body = json.dumps({"page": 1, "results": [], "total_pages": 0, "total_results": 0}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the caller gave up (its process was killed)
                    pass
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        return Handler
