"""The local gateway runs functions the way Lambda does: in worker processes, several at once.

A probe handler (``tests/support/probe_function.py``) runs in real worker processes behind a real
``LocalGateway``; it sleeps, crashes or fails on request and says which process served it and when.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from filmhub.routes import Route
from infra import function_settings
from infra.function_settings import FunctionSettings
from local.gateway import GatewayResponse, LocalGateway
from local.workers import WorkerFunctions, function_limits

PROBE = "tests.support.probe_function.lambda_handler"
ROUTES = [Route("GET", "/api/v1/probe", "probe")]


class Probe:
    def __init__(self, **options: Any) -> None:
        self.lines: list[str] = []
        self.functions = WorkerFunctions({"probe": PROBE}, log=self.lines.append, **options)
        self.gateway = LocalGateway(cors_origins=[], routes=ROUTES, functions=self.functions)

    def get(self, query: str = "") -> GatewayResponse:
        return self.gateway.handle("GET", f"/api/v1/probe?{query}", [], b"")

    def body(self, query: str = "") -> dict[str, Any]:
        response = self.get(query)
        assert response.status == 200, response.body
        return json.loads(response.body)

    def concurrently(self, queries: list[str]) -> list[GatewayResponse]:
        results: list[GatewayResponse | None] = [None] * len(queries)
        start = threading.Barrier(len(queries))

        def call(index: int) -> None:
            start.wait()
            results[index] = self.get(queries[index])

        threads = [threading.Thread(target=call, args=(index,)) for index in range(len(queries))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert all(result is not None for result in results)
        return results  # type: ignore[return-value]


@pytest.fixture
def probe_factory() -> Iterator[Any]:
    made: list[Probe] = []

    def make(**options: Any) -> Probe:
        made.append(Probe(**options))
        return made[-1]

    yield make
    for probe in made:
        probe.functions.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_requests_to_one_function_run_at_the_same_time_in_two_processes(probe_factory: Any) -> None:
    probe = probe_factory()
    first, second = (json.loads(r.body) for r in probe.concurrently(["sleep=1", "sleep=1"]))
    assert first["pid"] != second["pid"]
    assert first["pid"] != os.getpid()
    # Overlap: each began before the other finished.
    assert first["started"] < second["finished"]
    assert second["started"] < first["finished"]
    cold_starts = [line for line in probe.lines if line.startswith("probe: cold start")]
    assert len(cold_starts) == 2


def test_a_warm_worker_is_reused_and_keeps_its_module_state(probe_factory: Any) -> None:
    probe = probe_factory()
    first, second = probe.body(), probe.body()
    assert second["pid"] == first["pid"]
    assert (first["served"], second["served"]) == (1, 2)
    assert second["imported_at"] == first["imported_at"]  # imported once, on the first request
    assert first["function_name"] == "filmhub-probe"
    assert first["memory_limit_in_mb"] == function_settings.DEFAULT_SETTINGS.memory_mb
    assert 0 < first["remaining_ms"] <= function_settings.DEFAULT_SETTINGS.timeout_seconds * 1000


def test_requests_beyond_the_limit_wait_for_a_free_worker(probe_factory: Any) -> None:
    probe = probe_factory(concurrency=2)
    answers = [json.loads(r.body) for r in probe.concurrently(["sleep=0.6"] * 5)]
    assert len({answer["pid"] for answer in answers}) <= 2
    # Never more than two at once: at each start, count the requests running.
    for answer in answers:
        running = [other for other in answers if other["started"] <= answer["started"] < other["finished"]]
        assert len(running) <= 2
    assert probe.functions.pool("probe").live <= 2


def test_a_worker_dying_mid_request_is_a_500_and_a_fresh_worker_serves_the_next(probe_factory: Any) -> None:
    probe = probe_factory()
    before = probe.body()
    started = time.monotonic()
    crashed = probe.get("crash=1")
    assert time.monotonic() - started < 5  # answered when the process died, not at a timeout
    assert (crashed.status, json.loads(crashed.body)) == (500, {"message": "Internal Server Error"})
    after = probe.body()
    assert after["pid"] != before["pid"]
    assert after["served"] == 1
    assert not alive(before["pid"])
    assert any("exited mid-request (exit code 13)" in line for line in probe.lines)


def test_an_unhandled_error_is_a_500_and_the_worker_stays(probe_factory: Any) -> None:
    probe = probe_factory()
    before = probe.body()
    failed = probe.get("raise=1")
    assert (failed.status, json.loads(failed.body)) == (500, {"message": "Internal Server Error"})
    assert probe.body()["pid"] == before["pid"]


def test_a_function_past_its_timeout_is_killed_and_answered_500(probe_factory: Any) -> None:
    probe = probe_factory(function_timeout=0.5)
    before = probe.body()  # cold start first: it does not count against the function's timeout
    started = time.monotonic()
    slow = probe.get("sleep=5")
    assert time.monotonic() - started < 3
    assert (slow.status, json.loads(slow.body)) == (500, {"message": "Internal Server Error"})
    assert any("Task timed out after 0.5" in line for line in probe.lines)
    assert not alive(before["pid"])
    assert probe.body()["pid"] != before["pid"]


def test_past_the_integration_timeout_the_gateway_answers_503(probe_factory: Any) -> None:
    probe = probe_factory(function_timeout=20, integration_timeout_seconds=1.5)
    before = probe.body()
    started = time.monotonic()
    slow = probe.get("sleep=5")
    assert time.monotonic() - started < 4
    assert (slow.status, json.loads(slow.body)) == (503, {"message": "Service Unavailable"})
    assert not alive(before["pid"])
    assert probe.body()["pid"] != before["pid"]


def test_a_request_waits_for_the_slot_of_a_worker_killed_at_the_integration_timeout(probe_factory: Any) -> None:
    probe = probe_factory(concurrency=1, integration_timeout_seconds=2)
    warm = probe.body()
    answers: dict[str, GatewayResponse] = {}
    busy = threading.Thread(target=lambda: answers.update(busy=probe.get("sleep=3.5")))
    busy.start()
    time.sleep(0.5)  # the only worker is taken
    started = time.monotonic()
    waiting = probe.get()
    waited = time.monotonic() - started
    busy.join(10)
    assert answers["busy"].status == 503  # past 2 s: killed
    # The waiting request got the slot when the busy worker was killed (about 1.5 s later), in a fresh worker.
    assert waiting.status == 200
    assert waited >= 1.2
    assert json.loads(waiting.body)["pid"] != warm["pid"]
    assert probe.functions.pool("probe").live == 1


def test_workers_get_the_stack_environment_and_retire_when_idle(
    probe_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILMHUB_PROBE_SETTING", "from the stack")
    probe = probe_factory(idle_seconds=0.3)
    answer = probe.body("env=FILMHUB_PROBE_SETTING")
    assert answer["env"] == "from the stack"
    deadline = time.monotonic() + 10
    while alive(answer["pid"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(answer["pid"])
    assert any(f"worker pid {answer['pid']} retired" in line for line in probe.lines)
    assert probe.functions.pool("probe").live == 0
    again = probe.body()
    assert (again["pid"] != answer["pid"], again["served"]) == (True, 1)  # a cold start again


def test_limits_come_from_the_deployed_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    films = function_limits("films", "films.handler.lambda_handler")
    assert films.timeout_seconds == function_settings.FUNCTION_SETTINGS["films"].timeout_seconds
    assert films.memory_mb == function_settings.FUNCTION_SETTINGS["films"].memory_mb
    assert films.concurrency == 4
    assert function_limits("films", "x.y", concurrency=2, timeout_override=1.5).timeout_seconds == 1.5
    reserved = {**function_settings.FUNCTION_SETTINGS, "films": FunctionSettings(reserved_concurrency=2)}
    monkeypatch.setattr(function_settings, "FUNCTION_SETTINGS", reserved)
    assert function_limits("films", "x.y", concurrency=4).concurrency == 2
    assert function_limits("films", "x.y", concurrency=1).concurrency == 1
    with pytest.raises(ValueError, match="reserved concurrency"):
        FunctionSettings(reserved_concurrency=0)
