"""Abuse limits over moto: login, Telegram login keys and search answer 429 with ``Retry-After`` once a
client (an address, or a signed-in user for search) has used its requests of the window."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from filmhub import wiring
from filmhub.accounts.dynamo import DynamoAccountRepository
from filmhub.accounts.service import AccountService
from filmhub.security.passwords import PasswordHasher
from filmhub.settings import Settings, get_settings
from filmhub.table.models import CounterItem, FilmItem, TableItem
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import DynamoCallCounter
from tests.support.fakes.clock import FrozenClock
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
            "rate_limit_film_writes": LIMIT,
            "rate_limit_film_writes_window_seconds": WINDOW_SECONDS,
            "rate_limit_window_seconds": WINDOW_SECONDS,
        }
    )
    monkeypatch.setattr(wiring, "get_settings", lambda: settings)
    wiring.reset()
    yield
    wiring.reset()


def assert_throttled(response: ApiResponse) -> None:
    assert response.status == 429, response.json
    assert response.json == {"status_code": 429, "detail": "Too many requests, try again later"}
    assert 1 <= int(response.headers["retry-after"]) <= WINDOW_SECONDS


def get_auth_key(api: ApiClient, source_ip: str = "198.51.100.7") -> ApiResponse:
    return api.post("/auth/telegram/get_auth_key", source_ip=source_ip)


@pytest.mark.usefixtures("limits")
def test_auth_keys_per_address(api: ApiClient) -> None:
    assert [get_auth_key(api).status for _ in range(LIMIT)] == [201] * LIMIT
    assert_throttled(get_auth_key(api))
    assert get_auth_key(api, "203.0.113.9").status == 201  # another address has its own window
    window = int(time.time() // WINDOW_SECONDS)
    counter = CounterItem.get(*CounterItem.key("requests-auth_key", "ip:198.51.100.7", window))
    assert counter.hits == LIMIT + 1
    assert counter.expires_at.timestamp() == (window + 1) * WINDOW_SECONDS  # TTL: the end of the window


@pytest.mark.usefixtures("limits")
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


@pytest.mark.usefixtures("limits")
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


@pytest.mark.usefixtures("limits")
def test_film_creations_and_edits_per_user(api: ApiClient) -> None:
    token = new_user_token()
    film = {"title": "Ззщ", "description": "Одна и та же."}
    created = [api.post("/films", json_body=film, token=token) for _ in range(LIMIT - 1)]
    assert [response.status for response in created] == [201] * (LIMIT - 1)
    assert api.put(f"/films/{created[0].json['id']}", json_body=film, token=token).status == 200
    films_before = sum(1 for item in TableItem.scan() if isinstance(item, FilmItem))
    # Refused inside the film's own transaction: the same calls as a creation (genres, index heads, the
    # transaction), and nothing written.
    with DynamoCallCounter().counting() as counter:
        assert_throttled(api.post("/films", json_body=film, token=token))
    assert counter.calls == {"Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    assert_throttled(api.put(f"/films/{created[0].json['id']}", json_body=film, token=token))
    assert sum(1 for item in TableItem.scan() if isinstance(item, FilmItem)) == films_before
    window = int(time.time() // WINDOW_SECONDS)
    counter_item = CounterItem.get(
        *CounterItem.key("requests-film_writes", f"user:{created[0].json['owner_id']}", window)
    )
    assert counter_item.hits == LIMIT  # a refused write is not counted
    assert api.post("/films", json_body=film, token=new_user_token()).status == 201  # every user has its own


@pytest.mark.usefixtures("limits")
def test_a_bad_token_is_401_and_not_counted(api: ApiClient) -> None:
    for _ in range(LIMIT + 2):
        assert api.get("/films/search", query={"title": "x"}, token="garbage").status == 401
    assert api.get("/films/search", query={"title": "x"}).status == 200


@pytest.mark.usefixtures("limits")
def test_limits_are_documented_in_openapi(api: ApiClient) -> None:
    paths = api.get("/api/schema/openapi.json").json["paths"]
    limited = (
        ("/auth/login", "post"),
        ("/auth/register", "post"),
        ("/auth/telegram/get_auth_key", "post"),
        ("/films/search", "get"),
        ("/films", "post"),
        ("/films/{film_id}", "put"),
    )
    for path, method in limited:
        assert "429" in paths[path][method]["responses"], path


@pytest.mark.usefixtures("limits")
def test_the_limits_leave_other_routes_alone(api: ApiClient) -> None:
    _, token = register_user(api)
    for _ in range(LIMIT + 2):
        assert api.get("/me", token=token).status == 200


# --- registration and login at their documented defaults: real users pass, scripts and guessers stop ---------

#: The numbers docs/configuration.md documents (the defaults), not the test environment's.
DEFAULTS = {
    name: Settings.model_fields[name].default
    for name in (
        "rate_limit_login",
        "rate_limit_window_seconds",
        "rate_limit_register",
        "rate_limit_register_window_seconds",
    )
}
SCHOOL = "203.0.113.50"


@pytest.fixture
def clock(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FrozenClock]:
    """The auth function's accounts service on a frozen clock, with the default limits (and a cheap hash)."""
    settings = get_settings().model_copy(update=DEFAULTS)
    monkeypatch.setattr(wiring, "get_settings", lambda: settings)
    wiring.reset()
    # Half a second before a registration window ends: the worst moment for a limit that resets at a boundary.
    frozen = FrozenClock(1_900_000_000.0 // 900 * 900 + 900 - 0.5)
    service = AccountService(
        DynamoAccountRepository(),
        PasswordHasher(time_cost=1, memory_cost_kib=64),
        clock=frozen,
        login_requests=wiring.rate_limit("login"),
        registrations=wiring.registration_limit(),
    )
    monkeypatch.setattr("auth.routes.account_service", lambda: service)
    yield frozen
    wiring.reset()


def sign_up(api: ApiClient, email: str, source_ip: str = SCHOOL) -> ApiResponse:
    body = {"email": email, "password": PASSWORD, "username": "Ученик"}
    return api.post("/auth/register", json_body=body, source_ip=source_ip)


def sign_in(api: ApiClient, email: str, password: str = PASSWORD, source_ip: str = SCHOOL) -> ApiResponse:
    return api.post("/auth/login", json_body={"email": email, "password": password}, source_ip=source_ip)


def test_defaults_are_what_the_documentation_says() -> None:
    assert DEFAULTS == {
        "rate_limit_login": 60,
        "rate_limit_window_seconds": 60,
        "rate_limit_register": 50,
        "rate_limit_register_window_seconds": 900,
    }


def test_a_class_of_40_behind_one_address_registers_and_signs_in_within_five_minutes(
    api: ApiClient, clock: FrozenClock
) -> None:
    students = [f"student{number}@school.example" for number in range(40)]
    # All at once (the teacher says "now"), across a registration window boundary, with a few typos and retries.
    assert [sign_up(api, email).status for email in students[:20]] == [201] * 20
    clock.now += 60
    assert [sign_up(api, email).status for email in students[20:]] == [201] * 20
    assert sign_up(api, students[3]).status == 409  # a double submit
    clock.now += 60
    assert [sign_in(api, email, "wrong password").status for email in students[:5]] == [401] * 5
    assert [sign_in(api, email).status for email in students] == [201] * 40
    clock.now += 150  # five minutes after the first registration
    assert [sign_in(api, email).status for email in students[:10]] == [201] * 10  # a second device


def test_a_script_creating_accounts_from_one_address_is_stopped_within_60(api: ApiClient, clock: FrozenClock) -> None:
    started = clock.now
    created = 0
    while (response := sign_up(api, f"bot{created}@spam.example")).status == 201 and created < 100:
        created += 1
        clock.now += 0.1  # the script goes as fast as the hash lets it, straight across the window boundary
    assert response.status == 429, f"{created} accounts and counting"
    assert response.json == {"status_code": 429, "detail": "Too many registrations from this address, try again later"}
    # 50, plus one when a fraction of an event has slid out of the estimate's previous window: never near 60.
    assert created in (50, 51)
    assert clock.now - started < 60
    # No fresh budget at the boundary (a fixed window would give 50 more): refused until the estimate falls.
    retry_after = int(response.headers["retry-after"])
    assert 60 <= retry_after <= 900
    clock.now += retry_after - 1
    assert sign_up(api, "bot-early@spam.example").status == 429
    clock.now += 1
    assert sign_up(api, "bot-again@spam.example").status == 201
    assert sign_up(api, "neighbour@example.com", source_ip="198.51.100.20").status == 201  # others are not held


def test_brute_force_on_one_account_stays_stopped_whatever_the_address(api: ApiClient, clock: FrozenClock) -> None:
    assert sign_up(api, "victim@example.com").status == 201
    guesses = [sign_in(api, "victim@example.com", f"guess {n}", source_ip=f"198.51.100.{n}").status for n in range(60)]
    assert guesses == [401] * 10 + [429] * 50  # ten wrong passwords per account in 15 minutes, from anywhere
    assert sign_in(api, "victim@example.com").status == 429  # the right one too, until the window slides on
    clock.now += 15 * 60
    assert sign_in(api, "victim@example.com").status == 201
