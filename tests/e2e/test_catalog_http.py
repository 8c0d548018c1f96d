"""The catalog over real HTTP through the local gateway, exactly as a browser calls it."""

from __future__ import annotations

import json
import socket
import uuid

import pytest
from openapi_spec_validator import validate

from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_every_catalog_endpoint(stack: LocalStackProcess) -> None:
    genres = stack.request("GET", "/api/v1/genres")
    assert genres.status == 200
    assert genres.headers["Content-Type"].startswith("application/json")
    assert len(genres.json) == 19
    moods = stack.request("GET", "/api/v1/moods").json
    assert len(moods) == 9
    first, second = moods[0]["id"], moods[1]["id"]
    repeated = stack.request("GET", f"/api/v1/genres?moods_ids={first}&moods_ids={second}").json
    commas = stack.request("GET", f"/api/v1/genres?moods_ids={first},{second}").json
    assert repeated == commas
    assert 8 <= len(repeated) < 19
    assert stack.request("GET", f"/api/v1/genres/{genres.json[0]['id']}").json == genres.json[0]
    assert stack.request("GET", f"/api/v1/moods/{first}").json == moods[0]
    mixes = stack.request("GET", "/api/v1/mix").json
    assert len(mixes) >= 8
    assert stack.request("GET", f"/api/v1/mix/{mixes[0]['id']}").json == mixes[0]
    films = stack.request("GET", f"/api/v1/mix/{mixes[0]['id']}/items").json
    assert len(films) >= 10
    assert all(not (f["is_liked"] or f["is_wish"] or f["is_watched"]) for f in films)


def test_error_contract(stack: LocalStackProcess) -> None:
    unknown = stack.request("GET", "/api/v1/no/such/path")
    assert unknown.status == 404
    assert stack.request("POST", "/api/v1/genres").status == 404  # no such route: the gateway answers
    bad_id = stack.request("GET", "/api/v1/mix/not-a-uuid")
    assert bad_id.status == 400
    assert bad_id.json["status_code"] == 400
    missing = stack.request("GET", f"/api/v1/mix/{uuid.uuid4()}/items")
    assert missing.json == {"status_code": 404, "detail": "Mix not found"}


def test_cors_for_the_web_app(stack: LocalStackProcess) -> None:
    preflight = stack.request(
        "OPTIONS",
        "/api/v1/mix",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    simple = stack.request("GET", "/api/v1/mix", headers={"Origin": "http://127.0.0.1:5173"})
    assert simple.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5173"
    stranger = stack.request("GET", "/api/v1/mix", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_openapi_document_is_valid_and_swagger_is_served(stack: LocalStackProcess) -> None:
    document = stack.request("GET", "/api/schema/openapi.json")
    assert document.status == 200
    validate(document.json)
    paths = document.json["paths"]
    assert {"/genres", "/genres/{genre_id}", "/moods", "/moods/{mood_id}", "/mix", "/mix/{mix_id}",
            "/mix/{mix_id}/items"} <= set(paths)  # fmt: skip
    swagger = stack.request("GET", "/api/schema/swagger")
    assert swagger.status == 200
    assert b"swagger-ui" in swagger.body
    # Through the gateway too: the page's own policy (tests/integration/test_catalog.py checks what it allows).
    assert "script-src 'sha256-" in swagger.headers["Content-Security-Policy"]
    assert swagger.headers["X-Content-Type-Options"] == document.headers["X-Content-Type-Options"] == "nosniff"


def test_raw_utf8_in_the_query_is_understood(stack: LocalStackProcess) -> None:
    """curl sends Cyrillic unencoded; API Gateway hands the function the decoded text either way."""
    with socket.create_connection(("127.0.0.1", stack.port)) as connection:
        request = "GET /api/v1/films/search?title=побег HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        connection.sendall(request.encode("utf-8"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    titles = [film["title"] for film in json.loads(body)]
    assert "побег" in titles[0].lower()
    assert "Побег из Шоушенка" in titles
