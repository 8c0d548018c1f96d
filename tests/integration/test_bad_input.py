"""Hostile and broken input: each is a clear 4xx in the error envelope, never a 5xx.

Cases covered elsewhere and not repeated here: malformed JSON per route (test_auth, test_films,
test_watchlists), negative and zero years and other field limits (test_films.test_create_validation),
bad ``limit`` and tampered cursors of list pages (test_watchlists), posters that are not images or over
5 MB (test_posters), malformed tokens (test_me).  Rows marked "was 500" are defects found here or by
schema fuzzing (tests/e2e/test_fuzz.py) and fixed.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from filmhub.seed.seeder import seed_catalog
from filmhub.table.models import FilmItem
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import mocked_aws
from tests.support.fixtures import new_user_token
from tests.support.media import TINY_JPEG, multipart_form

MB = 1024 * 1024
TWENTY_KB = "я" * 10_240  # 20 kB of UTF-8
FILM = {"title": "Фильм", "description": "Описание."}


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: str
    status: int
    body: bytes | None = None
    content_type: str | None = "application/json"
    query: dict[str, Any] = field(default_factory=dict)
    detail: str | None = None


def raw(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


CASES = [
    # --- oversized bodies: refused unread by the shared plumbing (was: parsed, then 422)
    Bad(
        "2 MB film",
        "POST",
        "/films",
        413,
        raw({**FILM, "description": "x" * 2 * MB}),
        detail="Request body is larger than 1 MB",
    ),
    Bad("2 MB registration", "POST", "/auth/register", 413, raw({"email": "a@b.cd", "password": "p" * 2 * MB})),
    Bad("2 MB of binary", "POST", "/me/watchlists", 413, b"\xff" * 2 * MB, content_type="application/octet-stream"),
    # --- bodies that are not JSON, or not declared as JSON
    Bad("text/plain", "POST", "/films", 415, raw(FILM), "text/plain", detail="Content-Type must be application/json"),
    Bad("XML", "POST", "/auth/login", 415, b"<login/>", "application/xml"),  # was 500
    Bad(
        "JSON as text", "PUT", "/me/watchlists/liked/items/add", 415, raw({"film_id": str(uuid.uuid4())}), "text/plain"
    ),
    Bad("truncated JSON", "POST", "/films", 400, b'{"title": ', detail="Malformed JSON body"),
    Bad("NUL", "POST", "/auth/telegram/check_auth_key", 400, b"\x00", detail="Malformed JSON body"),
    Bad(
        "deeply nested", "POST", "/films", 400, b"[" * 100_000 + b"]" * 100_000, detail="Malformed JSON body"
    ),  # was 500
    Bad("a JSON list", "POST", "/me/watchlists", 422, raw(["title"])),
    Bad("JSON null", "POST", "/films", 422, b"null"),
    # --- invalid UTF-8 (API Gateway passes such a body base64-encoded)
    Bad(
        "invalid UTF-8 in JSON",
        "POST",
        "/films",
        400,
        b'{"title": "\xc3\x28", "description": "x"}',
        detail="Malformed JSON body",
    ),  # was 500
    Bad(
        "invalid UTF-8 form",
        "POST",
        "/auth/login",
        400,
        b"email=\xff",
        "application/x-www-form-urlencoded",
        detail="Request body is not UTF-8 text",
    ),  # was 500
    Bad(
        "lone surrogate",
        "POST",
        "/films",
        400,
        b'{"title": "\\ud800", "description": "x"}',
        detail="Malformed JSON body",
    ),  # was 422, and 500 in an email
    # --- what Python's parser accepts or chokes on beyond JSONDecodeError (was 500, or NaN taken for a number)
    *(
        Bad(
            f"{name} in JSON",
            "POST",
            "/films",
            400,
            f'{{"title": "x", "description": "x", "release_year": {value}}}'.encode(),
            detail="Malformed JSON body",
        )
        for name, value in (("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("1e999", "1e999"))
    ),
    # --- out-of-range numbers
    Bad("huge limit", "GET", "/films/search", 422, query={"title": "x", "limit": 10**30}),
    Bad("negative limit", "GET", "/me/watchlists/liked/items", 422, query={"limit": -1}),
    Bad("NaN limit", "GET", "/films/search", 422, query={"title": "x", "limit": "NaN"}),
    Bad("negative year", "POST", "/films", 422, raw({**FILM, "release_year": -1917})),
    Bad("39-digit year", "POST", "/films", 422, raw({**FILM, "release_year": 10**38 + 1})),  # was stored
    Bad("year 10000", "POST", "/films", 422, raw({**FILM, "release_year": 10_000})),
    # --- 20 kB strings
    Bad("20 kB film title", "POST", "/films", 422, raw({**FILM, "title": TWENTY_KB})),
    Bad("20 kB list title", "POST", "/me/watchlists", 422, raw({"title": TWENTY_KB})),
    Bad(
        "20 kB username",
        "POST",
        "/auth/register",
        422,
        raw({"email": "a@b.cd", "password": "12345678", "username": TWENTY_KB}),
    ),
    Bad("20 kB search", "GET", "/films/search", 422, query={"title": TWENTY_KB}),
    Bad("20 kB list ref", "GET", f"/me/watchlists/{TWENTY_KB}", 400, detail="Malformed id in path"),
    Bad("20 kB cursor", "GET", "/me/watchlists/liked/items", 422, query={"cursor": "A" * 20_480}),
    # --- path traversal and malformed ids in paths
    Bad("traversal as a film id", "GET", "/films/..%2F..%2Fetc%2Fpasswd", 400, detail="Malformed id in path"),
    Bad("traversal as a list ref", "DELETE", "/me/watchlists/..%2F..%2Fliked", 400),
    Bad(
        "traversal as a poster key",
        "POST",
        "/films/{film_id}/poster/confirm",
        400,
        raw({"key": "uploads/{film_id}/../../../etc/passwd.jpg"}),
        detail="Unknown poster upload",
    ),
    # --- malformed cursors (signed, list-bound cursors: tests/integration/test_watchlists.py)
    Bad("cursor: not base64", "GET", "/me/watchlists/liked/items", 400, query={"cursor": "не курсор"}),
    Bad(
        "cursor: JSON, unsigned",
        "GET",
        "/me/watchlists/liked/items",
        400,
        query={"cursor": base64.urlsafe_b64encode(b'{"PK": "USER#x"}').decode()},
        detail="Invalid cursor",
    ),
    Bad("cursor: NUL", "GET", "/me/watchlists/liked/items", 400, query={"cursor": "\x00"}),
]


#: Python refuses to convert integers of more than 4,300 digits (a ValueError, not a JSONDecodeError).
HUGE_INTEGER = b"1" * 5000
JSON_ROUTES = (
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("POST", "/auth/telegram/check_auth_key"),
    ("POST", "/auth/telegram/login"),
    ("POST", "/films"),
    ("PUT", "/films/00000000-0000-4000-8000-000000000000"),
    ("POST", "/me/watchlists"),
    ("PUT", "/me/watchlists/wish/items/add"),
)


@dataclass(frozen=True)
class World:
    user: ApiClient
    film_id: str


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """One table for the module: no case depends on what another wrote."""
    with mocked_aws():
        seed_catalog()
        user = ApiClient(token=new_user_token())
        yield World(user, user.post("/films", json_body=FILM).json["id"])


def send(api: ApiClient, case: Bad, film_id: str) -> ApiResponse:
    path = case.path.replace("{film_id}", film_id)
    body = case.body.replace(b"{film_id}", film_id.encode()) if case.body else None
    return api.request(case.method, path, body=body, content_type=case.content_type, query=case.query or None)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_a_clear_4xx(world: World, case: Bad) -> None:
    response = send(world.user, case, world.film_id)
    assert response.status == case.status, response.body[:300]
    assert response.json["status_code"] == case.status
    assert isinstance(response.json["detail"], str)
    if case.detail:
        assert response.json["detail"] == case.detail


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_a_5000_digit_integer_is_malformed_json_without_a_login(world: World, method: str, path: str) -> None:
    for body in (b'{"email": ' + HUGE_INTEGER + b"}", b"[" + HUGE_INTEGER + b"]", b'{"x": -' + HUGE_INTEGER + b"}"):
        response = ApiClient().request(method, path, body=body, content_type="application/json")  # was 500
        assert (response.status, response.json) == (400, {"status_code": 400, "detail": "Malformed JSON body"})


@pytest.mark.parametrize(
    "content_type", ["Application/JSON", "APPLICATION/JSON; charset=UTF-8", "application/json;charset=utf-8"]
)
def test_media_types_are_case_insensitive(world: World, content_type: str) -> None:
    created = world.user.request("POST", "/films", body=raw(FILM), content_type=content_type)
    assert created.status == 201, created.body  # "Application/JSON" was 415


def test_every_answer_forbids_content_sniffing(world: World) -> None:
    answers = [
        world.user.get(f"/films/{world.film_id}"),
        world.user.request("POST", "/films", body=b"{", content_type="application/json"),
        world.user.request("POST", "/films", body=b"x" * (2 * MB), content_type="application/json"),
        ApiClient().get("/me"),
        world.user.delete(f"/me/watchlists/liked/items/{uuid.uuid4()}"),
        ApiClient().get("/api/schema/openapi.json"),
    ]
    assert [answer.headers.get("x-content-type-options") for answer in answers] == ["nosniff"] * len(answers)


def test_a_poster_file_name_never_reaches_the_storage_key(world: World) -> None:
    user, film_id = world.user, world.film_id
    for filename in ("../../../../etc/passwd.jpg", "..\\..\\boot.ini", "/abs/постер.jpg", "a\x00b.jpg"):
        body, content_type = multipart_form(TINY_JPEG, filename=filename)
        assert user.put(f"/films/{film_id}/poster", body=body, content_type=content_type).status == 204
        key = FilmItem.get(*FilmItem.key(film_id)).poster_key
        assert re.fullmatch(rf"posters/{film_id}/[0-9a-f-]{{36}}\.jpg", key), key


def test_a_query_string_that_is_not_utf8_is_read_leniently(world: World) -> None:
    response = world.user.request("GET", "/api/v1/films/search?title=%FF%FE")
    assert response.status == 200
    assert response.json == []


def test_the_film_limits_hold_at_their_edges(world: World) -> None:
    assert world.user.post("/films", json_body={**FILM, "release_year": 9999}).status == 201
    assert world.user.post("/films", json_body={**FILM, "title": "т" * 512}).status == 201
