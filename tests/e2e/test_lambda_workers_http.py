"""The local stack runs the real functions the way Lambda does, seen over HTTP: two requests to one function
run at the same time, a function past its timeout is cut off, a crashed worker is replaced.

The stack here searches TMDB first, a fake one on 127.0.0.1 (``tests/support/fake_tmdb.py``) that answers
after a chosen delay: that makes a real search request as slow as a test needs, and the fake counts how many
requests it holds at once.  Every function's timeout is 4 s on this stack (``--function-timeout``).
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.fake_tmdb import FakeTmdb
from tests.support.local_stack import HttpResponse, LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

FUNCTION_TIMEOUT = 4.0


@pytest.fixture(scope="module")
def tmdb() -> Iterator[FakeTmdb]:
    server = FakeTmdb().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def slow_stack(tmp_path_factory: pytest.TempPathFactory, tmdb: FakeTmdb) -> Iterator[LocalStackProcess]:
    data_dir = Path(tmp_path_factory.mktemp("workers")) / "data"
    env = {"PROVIDERS": "tmdb,local", "TMDB_API_KEY": "e2e-tmdb-key", "TMDB_BASE_URL": tmdb.url}
    running = LocalStackProcess(data_dir=data_dir, env=env, args=["--function-timeout", str(FUNCTION_TIMEOUT)]).start()
    yield running
    running.stop()


def search(stack: LocalStackProcess) -> HttpResponse:
    return stack.request("GET", f"/api/v1/films/search?title={quote(f'Матрица {uuid.uuid4().hex[:4]}')}")


def worker_pids(stack: LocalStackProcess, function: str) -> list[int]:
    return [int(pid) for pid in re.findall(rf"^{function}: cold start .*worker pid (\d+)", stack.log(), re.M)]


def child_of(pid: int, stack: LocalStackProcess) -> bool:
    """Whether ``pid`` is still a worker of this stack (a retired worker's pid may belong to anything now)."""
    assert stack.process is not None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return int(stat.rsplit(")", 1)[1].split()[1]) == stack.process.pid


def test_two_searches_run_at_the_same_time(slow_stack: LocalStackProcess, tmdb: FakeTmdb) -> None:
    tmdb.reset(delay=1.5)
    answers: list[HttpResponse] = []
    start = threading.Barrier(2)

    def one() -> None:
        start.wait()
        answers.append(search(slow_stack))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [answer.status for answer in answers] == [200, 200]
    assert tmdb.max_in_flight >= 2  # both functions were waiting on TMDB at the same moment
    assert len(set(worker_pids(slow_stack, "films"))) >= 2


def test_a_search_past_the_function_timeout_is_500_and_the_worker_is_replaced(
    slow_stack: LocalStackProcess, tmdb: FakeTmdb
) -> None:
    tmdb.reset(delay=0)
    assert search(slow_stack).status == 200  # a warm worker: the cold start does not count
    tmdb.reset(delay=FUNCTION_TIMEOUT + 3)
    started = time.monotonic()
    slow = search(slow_stack)
    elapsed = time.monotonic() - started
    assert (slow.status, slow.json) == (500, {"message": "Internal Server Error"})
    assert FUNCTION_TIMEOUT - 0.5 <= elapsed < FUNCTION_TIMEOUT + 2.5
    assert "films: Task timed out after 4." in slow_stack.log()
    tmdb.reset(delay=0)
    assert search(slow_stack).status == 200


def test_a_worker_killed_mid_request_is_a_500_and_a_fresh_worker_serves_the_next(
    slow_stack: LocalStackProcess, tmdb: FakeTmdb
) -> None:
    assert search(slow_stack).status == 200
    tmdb.reset(delay=3)
    answers: list[HttpResponse] = []
    running = threading.Thread(target=lambda: answers.append(search(slow_stack)))
    running.start()
    assert tmdb.arrived.wait(30)  # the function is inside its request, waiting on TMDB
    before = set(worker_pids(slow_stack, "films"))
    for pid in before:  # every live films worker, the busy one among them, dies as if killed for memory
        if child_of(pid, slow_stack):
            os.kill(pid, signal.SIGKILL)
    started = time.monotonic()
    running.join(30)
    assert time.monotonic() - started < 2.5  # answered when the process died, not when TMDB answered
    assert (answers[0].status, answers[0].json) == (500, {"message": "Internal Server Error"})
    tmdb.reset(delay=0)
    assert search(slow_stack).status == 200
    assert set(worker_pids(slow_stack, "films")) - before  # a new worker, cold-started
