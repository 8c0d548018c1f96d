"""Abuse limits over moto: login, Telegram login keys and search answer 429 with ``Retry-After`` once a
client (an address, or a signed-in user for search) has used its requests of the window."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from filmhub import wiring
from filmhub.settings import get_settings
from filmhub.table.models import CounterItem
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import DynamoCallCounter
from tests.support.fixtures import new_user_token, register_user

LIMIT = 3
#: An hour: no test runs across a window boundary (which would start a fresh count).
WINDOW_SECONDS = 3600
PASSWORD = "correct horse"


@pytest.fixture
def limits(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings = get_settings().model_copy(
        update={
            "rate_limit_login": LIMIT,
            "rate_limit_auth_key": LIMIT,
            "rate_limit_search": LIMIT,
            "rate_limit_window_seconds": WINDOW_SECONDS,
        }
    )
    monkeypatch.setattr(wiring, "get_settings", lambda: settings)
    wiring.reset()
    yield
    wiring.reset()


pytestmark = pytest.mark.usefixtures("limits")


def assert_throttled(response: ApiResponse) -> None:
    assert response.status == 429, response.json
    assert response.json == {"status_code": 429, "detail": "Too many requests, try again later"}
    assert 1 <= int(response.headers["retry-after"]) <= WINDOW_SECONDS


def get_auth_key(api: ApiClient, source_ip: str = "198.51.100.7") -> ApiResponse:
    return api.post("/auth/telegram/get_auth_key", source_ip=source_ip)


def test_auth_keys_per_address(api: ApiClient) -> None:
    assert [get_auth_key(api).status for _ in range(LIMIT)] == [201] * LIMIT
    assert_throttled(get_auth_key(api))
    assert get_auth_key(api, "203.0.113.9").status == 201  # another address has its own window
    window = int(time.time() // WINDOW_SECONDS)
    counter = CounterItem.get(*CounterItem.key("requests-auth_key", "ip:198.51.100.7", window))
    assert counter.hits == LIMIT + 1
    assert counter.expires_at.timestamp() == (window + 1) * WINDOW_SECONDS  # TTL: the end of the window


def test_login_per_address_whatever_the_outcome(api: ApiClient) -> None:
    email = "limited@example.com"
    api.post("/auth/register", json_body={"email": email, "password": PASSWORD, "username": "u"})

    def login(password: str, source_ip: str = "198.51.100.7") -> ApiResponse:
        return api.post("/auth/login", json_body={"email": email, "password": password}, source_ip=source_ip)

    assert [login(p).status for p in (PASSWORD, "wrong password", PASSWORD)] == [201, 401, 201]
    # Refused before the password is checked: the right one gets the same 429, at the cost of one read.
    with DynamoCallCounter().counting() as counter:
        assert_throttled(login(PASSWORD))
    assert counter.calls == {"BatchGetItem": 1}
    assert login(PASSWORD, source_ip="203.0.113.9").status == 201


def test_search_per_user_when_signed_in_else_per_address(api: ApiClient) -> None:
    def search(token: str | None = None, source_ip: str = "198.51.100.7") -> ApiResponse:
        return api.get("/films/search", query={"title": "матрица"}, token=token, source_ip=source_ip)

    assert [search().status for _ in range(LIMIT)] == [200] * LIMIT
    assert_throttled(search())
    # A user behind the same address (a shared NAT) is counted on its own.
    token = new_user_token()
    assert [search(token).status for _ in range(LIMIT)] == [200] * LIMIT
    assert_throttled(search(token))
    assert_throttled(search(token, source_ip="203.0.113.9"))  # the user, wherever it searches from
    assert search(new_user_token()).status == 200


def test_a_bad_token_is_401_and_not_counted(api: ApiClient) -> None:
    for _ in range(LIMIT + 2):
        assert api.get("/films/search", query={"title": "x"}, token="garbage").status == 401
    assert api.get("/films/search", query={"title": "x"}).status == 200


def test_limits_are_documented_in_openapi(api: ApiClient) -> None:
    paths = api.get("/api/schema/openapi.json").json["paths"]
    for path, method in (("/auth/login", "post"), ("/auth/telegram/get_auth_key", "post"), ("/films/search", "get")):
        assert "429" in paths[path][method]["responses"], path


def test_the_limits_leave_other_routes_alone(api: ApiClient) -> None:
    _, token = register_user(api)
    for _ in range(LIMIT + 2):
        assert api.get("/me", token=token).status == 200
