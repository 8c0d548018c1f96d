"""The local gateway reads a request's body the way a real gateway does, or refuses it, over raw sockets.

A body whose length cannot be known (a bad ``Content-Length``, ``-1``, a chunked body) is answered at once
and the connection closed, so that no byte of it is ever read as a second request; and what a request puts
in its path cannot forge lines of the stack's log.
"""

from __future__ import annotations

import socket
import time

import pytest

from tests.support.local_stack import LocalStackProcess

pytestmark = pytest.mark.e2e

LOGIN = "/api/v1/auth/login"


def exchange(stack: LocalStackProcess, raw: bytes) -> bytes:
    """Everything the gateway sends back for ``raw`` until it closes the connection (5 s at most)."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=5) as connection:
        connection.sendall(raw)
        answer = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            answer += chunk
        return answer


def statuses(answer: bytes) -> list[int]:
    return [int(line.split()[1]) for line in answer.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]


@pytest.mark.parametrize(("length", "status"), [("abc", 400), ("-1", 400), ("1e3", 400), ("99999999999", 413)])
def test_a_content_length_that_is_not_a_length_is_refused_at_once(
    stack: LocalStackProcess, length: str, status: int
) -> None:
    started = time.monotonic()
    answer = exchange(stack, f"POST {LOGIN} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n{{}}".encode())
    assert statuses(answer) == [status]
    assert b'"message"' in answer
    assert time.monotonic() - started < 3  # answered, not left hanging for a body that never comes


def test_two_different_content_lengths_are_refused(stack: LocalStackProcess) -> None:
    answer = exchange(
        stack, f"POST {LOGIN} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}".encode()
    )
    assert statuses(answer) == [400]


def test_a_chunked_body_is_refused_and_never_run_as_a_second_request(stack: LocalStackProcess) -> None:
    smuggled = b"GET /api/v1/moods HTTP/1.1\r\nHost: x\r\n\r\n"
    body = f"{len(smuggled):x}\r\n".encode() + smuggled + b"\r\n0\r\n\r\n"
    answer = exchange(stack, f"POST {LOGIN} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode() + body)
    assert statuses(answer) == [411]  # one answer: the body's bytes were not parsed as a request
    assert b"connection: close" in answer.lower()


def test_a_well_framed_request_still_works_on_a_raw_socket(stack: LocalStackProcess) -> None:
    answer = exchange(stack, b"GET /api/v1/moods HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert statuses(answer) == [200]


def test_control_characters_in_a_path_cannot_forge_log_lines(stack: LocalStackProcess) -> None:
    marker = f"forged{time.monotonic_ns()}"
    exchange(
        stack,
        f"GET /api/v1/genres/%0d%0a{marker}%20-%3E%20200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
    )
    deadline = time.monotonic() + 5
    while marker not in stack.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [line for line in stack.log().splitlines() if marker in line]
    assert lines, "the request was logged"
    assert all(not line.startswith(marker) for line in lines)  # no line of its own
    assert any("\\x0d\\x0a" + marker in line for line in lines)
