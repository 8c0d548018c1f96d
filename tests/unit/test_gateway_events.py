"""The local gateway builds the same payload-2.0 events API Gateway sends to the functions."""

from __future__ import annotations

import base64

import pytest

from filmhub.routes import FUNCTIONS, ROUTES, Route
from local.gateway import LocalGateway, RouteTable, build_event

# Shape of a real API Gateway HTTP API v2 event (AWS docs, "payload format version 2.0").
REAL_EVENT_KEYS = {
    "version",
    "routeKey",
    "rawPath",
    "rawQueryString",
    "headers",
    "requestContext",
    "isBase64Encoded",
}
REAL_CONTEXT_KEYS = {
    "accountId",
    "apiId",
    "domainName",
    "domainPrefix",
    "http",
    "requestId",
    "routeKey",
    "stage",
    "time",
    "timeEpoch",
}

GENRE_ROUTE = Route("GET", "/api/v1/genres/{genre_id}", "genres")


def test_event_has_the_payload_v2_shape() -> None:
    event = build_event(
        "GET", "/api/v1/genres/abc", "a=1", [("Host", "x"), ("User-Agent", "ua")], b"", GENRE_ROUTE, {"genre_id": "abc"}
    )
    assert set(event) >= REAL_EVENT_KEYS
    assert set(event["requestContext"]) >= REAL_CONTEXT_KEYS
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /api/v1/genres/{genre_id}"
    assert event["requestContext"]["http"] == {
        "method": "GET",
        "path": "/api/v1/genres/abc",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "ua",
    }
    assert event["pathParameters"] == {"genre_id": "abc"}
    assert "body" not in event


def test_repeated_query_parameters_are_comma_joined_like_api_gateway() -> None:
    event = build_event("GET", "/api/v1/genres", "moods_ids=a&moods_ids=b&x=%D1%84", [], b"", GENRE_ROUTE, {})
    assert event["queryStringParameters"] == {"moods_ids": "a,b", "x": "ф"}
    assert event["rawQueryString"] == "moods_ids=a&moods_ids=b&x=%D1%84"


def test_headers_are_lower_cased_and_cookies_split() -> None:
    event = build_event(
        "GET", "/p", "", [("X-Thing", "1"), ("x-thing", "2"), ("Cookie", "a=1; b=2")], b"", GENRE_ROUTE, {}
    )
    assert event["headers"]["x-thing"] == "1,2"
    assert event["cookies"] == ["a=1", "b=2"]


def test_text_body_is_plain_and_binary_body_is_base64() -> None:
    text = build_event("POST", "/p", "", [("Content-Type", "application/json")], '{"a":"ё"}'.encode(), GENRE_ROUTE, {})
    assert text["body"] == '{"a":"ё"}'
    assert text["isBase64Encoded"] is False
    raw = b"\x89PNG\r\n\x1a\n\x00"
    binary = build_event("PUT", "/p", "", [("Content-Type", "multipart/form-data; boundary=x")], raw, GENRE_ROUTE, {})
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == raw


def test_literal_segments_beat_parameters() -> None:
    table = RouteTable(
        [Route("GET", "/api/v1/x/{id}", "a"), Route("GET", "/api/v1/x/search", "b")],
    )
    route, params = table.match("GET", "/api/v1/x/search") or (None, None)
    assert route is not None
    assert route.function == "b"
    assert params == {}


def test_unknown_path_is_404_without_calling_a_function() -> None:
    gateway = LocalGateway(cors_origins=[])

    def explode(function: str) -> None:
        raise AssertionError(f"{function} must not be called")

    gateway.functions.handler = explode  # type: ignore[method-assign]
    response = gateway.handle("GET", "/api/v1/nothing-here", [], b"")
    assert response.status == 404
    assert gateway.handle("DELETE", "/api/v1/genres", [], b"").status == 404


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:5173"])
def test_preflight_is_answered_for_allowed_origins(origin: str) -> None:
    gateway = LocalGateway(cors_origins=["http://localhost:5173", "http://127.0.0.1:5173"])
    response = gateway.handle("OPTIONS", "/api/v1/genres", [("Origin", origin)], b"")
    headers = dict(response.headers)
    assert response.status == 204
    assert headers["Access-Control-Allow-Origin"] == origin
    assert "GET" in headers["Access-Control-Allow-Methods"]


def test_preflight_from_unknown_origin_gets_no_cors_headers() -> None:
    gateway = LocalGateway(cors_origins=["http://localhost:5173"])
    response = gateway.handle("OPTIONS", "/api/v1/genres", [("Origin", "https://evil.example")], b"")
    assert not any(name.startswith("Access-Control") for name, _ in response.headers)


def test_every_route_names_a_known_function_and_is_unique() -> None:
    keys = [route.route_key for route in ROUTES]
    assert len(keys) == len(set(keys))
    assert {route.function for route in ROUTES} <= set(FUNCTIONS)
