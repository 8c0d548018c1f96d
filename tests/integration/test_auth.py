"""POST /auth/* over moto through the route table: every row of API.md § Auth, the improve items,
throttling, concurrency, and the DynamoDB round trips of each endpoint."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type

from filmhub.accounts.telegram_login import AuthKeyRejected
from filmhub.core.ids import builtin_list_id
from filmhub.security.passwords import MEMORY_COST_KIB, TIME_COST
from filmhub.table.models import AuthKeyItem, EmailClaim, TableItem, UserItem, WatchlistItem
from filmhub.wiring import telegram_login_service, token_service
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import DynamoCallCounter
from tests.support.containers import container_clients
from tests.support.scripts import SCRIPTS, load_module

pytestmark = pytest.mark.usefixtures("aws")

EMAIL = "viewer@example.com"
PASSWORD = "correct horse battery"
#: API.md's User plus ``role`` (added by the roles issue); never anything about the password.
USER_FIELDS = {"id", "username", "email", "telegram_id", "role"}
INCORRECT_AUTH_KEY = {"error": "incorrect_auth_key"}
INVALID_LOGIN = {"status_code": 401, "detail": "Invalid login data"}
INVALID_TELEGRAM_LOGIN = {"status_code": 401, "detail": "Invalid or inactive authentication token"}
TELEGRAM_ID = 424_242


def register(api: ApiClient, email: Any = EMAIL, password: Any = PASSWORD, username: Any = "Зритель") -> ApiResponse:
    return api.post("/auth/register", json_body={"email": email, "password": password, "username": username})


def login(api: ApiClient, email: str = EMAIL, password: str = PASSWORD) -> ApiResponse:
    return api.post("/auth/login", json_body={"email": email, "password": password})


def new_key(api: ApiClient) -> str:
    response = api.post("/auth/telegram/get_auth_key")
    assert response.status == 201
    return response.json["auth_key"]


def check(api: ApiClient, key: str) -> ApiResponse:
    return api.post("/auth/telegram/check_auth_key", json_body={"tg_code": key})


def telegram_login(api: ApiClient, key: str) -> ApiResponse:
    return api.post("/auth/telegram/login", json_body={"tg_code": key})


def stored_users() -> list[UserItem]:
    # A Scan is fine in a test: it is how we prove no stray user was written.
    return [item for item in TableItem.scan() if isinstance(item, UserItem)]


def expire(key: str) -> None:
    """What ten minutes do to a key: its TTL passes (the item stays; DynamoDB deletes lazily, moto never)."""
    item = AuthKeyItem.get(*AuthKeyItem.key(key))
    item.update(actions=[AuthKeyItem.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])


def concurrently(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call at the same instant on its own thread; results in order (exceptions as values)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


# --- register -----------------------------------------------------------------------------


def test_register_returns_the_user_and_never_password_data(api: ApiClient) -> None:
    response = register(api)
    assert response.status == 201
    assert set(response.json) == USER_FIELDS
    assert response.json["id"] == str(uuid.UUID(response.json["id"]))
    expected = {"id": None, "username": "Зритель", "email": EMAIL, "telegram_id": None, "role": "user"}
    assert response.json | {"id": None} == expected
    assert b"argon2" not in response.body
    assert PASSWORD.encode() not in response.body


def test_register_stores_an_argon2id_hash_and_claims_the_email(api: ApiClient) -> None:
    user_id = register(api).json["id"]
    stored = UserItem.get(*UserItem.key(user_id))
    assert stored.password_hash.startswith(f"$argon2id$v=19$m={MEMORY_COST_KIB},t={TIME_COST},p=1$")
    assert EmailClaim.get(*EmailClaim.key(EMAIL)).user_id == user_id


def test_register_creates_the_three_builtin_lists(api: ApiClient) -> None:
    user_id = register(api).json["id"]
    expected = {
        "liked": ("Мои любимые", "#FF36AB", "#FF74D4", "#ED5C86"),
        "watched": ("Просмотренные", "#31B4EA", "#6F97EB", "#B577EC"),
        "wish": ("Хочу посмотреть", "#EE0979", "#FF6A00", "#FFF647"),
    }
    headers = list(WatchlistItem.gsi1.query(f"USER#{user_id}#LISTS"))
    assert {header.list_type for header in headers} == set(expected)
    for header in headers:
        assert header.id == builtin_list_id(user_id, header.list_type)
        assert (header.PK, header.SK, header.LSI1SK, header.user_id) == (f"LIST#{header.id}", "META", "~", user_id)
        assert (header.title, header.color1, header.color2, header.color3) == expected[header.list_type]


def test_duplicate_email_is_409_whatever_its_case_and_spaces(api: ApiClient) -> None:
    first = register(api, email="  Viewer@Example.COM ")
    assert first.status == 201
    assert first.json["email"] == EMAIL
    for variant in (EMAIL, "VIEWER@EXAMPLE.COM", f" {EMAIL}\t"):
        response = register(api, email=variant, username="Другой")
        assert response.status == 409
        assert response.json == {"status_code": 409, "detail": "User with this email already exists"}
    assert [user.id for user in stored_users()] == [first.json["id"]]


def test_a_look_alike_email_is_the_same_email(api: ApiClient) -> None:
    first = register(api, email="look@example.com")
    assert first.status == 201
    for variant in ("ｌｏｏｋ@example.com", "ＬＯＯＫ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "look@ｅｘａｍｐｌｅ.com"):
        assert register(api, email=variant, username="Двойник").status == 409, variant  # fullwidth was a new user
    assert [user.id for user in stored_users()] == [first.json["id"]]
    assert login(api, email="ｌｏｏｋ@example.com").status == 201  # one account, however it is typed
    claims = [item.PK for item in TableItem.scan() if isinstance(item, EmailClaim)]
    assert claims == ["EMAIL#look@example.com"]


def test_a_fullwidth_email_is_stored_in_its_normal_form(api: ApiClient) -> None:
    created = register(api, email="ｆｕｌｌ@example.com")
    assert created.json["email"] == "full@example.com"
    assert register(api, email="full@example.com", username="Второй").status == 409


def test_emails_stored_before_normalization_are_moved_to_their_normal_form(api: ApiClient) -> None:
    from filmhub.accounts.dynamo import DynamoAccountRepository
    from filmhub.accounts.ports import NewAccount
    from filmhub.core.entities import User
    from filmhub.security.passwords import PasswordHasher
    from filmhub.settings import get_settings

    def legacy_account(email: str) -> str:
        """An account as registration stored it before: trimmed and lower-cased only."""
        user = User(id=str(uuid.uuid4()), username="Старожил", email=email)
        account = NewAccount(user, "2025-01-01T00:00:00+00:00", password_hash=PasswordHasher().hash(PASSWORD))
        DynamoAccountRepository().create_account(account, 0)
        return user.id

    moved_id = legacy_account("ｏｌｄ@example.com")
    clash_id = legacy_account("ｔａｋｅｎ@example.com")
    assert register(api, email="taken@example.com").status == 201  # the normal form, by someone else
    assert login(api, email="ｏｌｄ@example.com").status == 401  # what the stored form costs until it is moved

    script = load_module(SCRIPTS / "normalize_emails.py", "normalize_emails_under_test")
    settings = get_settings()
    client = boto3.client("dynamodb", region_name=settings.aws_region)
    report = script.normalize_stored_emails(client, settings.table_name)
    assert report.moved == [("ｏｌｄ@example.com", "old@example.com")]
    assert report.collisions == [("ｔａｋｅｎ@example.com", "taken@example.com")]
    assert login(api, email="ｏｌｄ@example.com").json["id"] == moved_id
    assert login(api, email="old@example.com").json["email"] == "old@example.com"
    assert register(api, email="old@example.com").status == 409
    assert UserItem.get(*UserItem.key(clash_id)).email == "ｔａｋｅｎ@example.com"  # left for an operator
    assert script.normalize_stored_emails(client, settings.table_name).moved == []  # idempotent


#: Characters that hide or move text: each is refused in an email and in a username.
INVISIBLE = {
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "soft hyphen": "\u00ad",
    "NUL": "\x00",
    "BEL": "\x07",
    "BOM": "\ufeff",
    "newline": "\n",
    "tab": "\t",
    "line separator": "\u2028",
    "no-break space": "\u00a0",
    "Hangul filler": "\u3164",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_characters_are_refused_in_emails_and_usernames(api: ApiClient, char: str) -> None:
    for body, field in (
        ({"email": f"lo{char}ok@example.com", "password": PASSWORD, "username": "u"}, "email"),
        ({"email": EMAIL, "password": PASSWORD, "username": f"Зри{char}тель"}, "username"),
    ):
        response = api.post("/auth/register", json_body=body)
        assert response.status == 422, (body, response.json)  # each registered before
        assert [problem["key"] for problem in response.json["extra"]] == [field]
    assert stored_users() == []
    assert register(api, username="Иван Петров").status == 201  # a plain space is still a space


#: Invalid registration bodies and the field each one names in ``extra``.
INVALID_REGISTRATIONS: list[tuple[Any, str]] = [
    ({"email": "", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "   ", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "no-at-sign", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "two@@example.com", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "a@localhost", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "a b@example.com", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "@example.com", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "user@", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "user@.example.com", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "user@example.", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": "a" * 250 + "@x.io", "password": PASSWORD, "username": "u"}, "email"),
    ({"email": 42, "password": PASSWORD, "username": "u"}, "email"),
    ({"password": PASSWORD, "username": "u"}, "email"),
    ({"email": EMAIL, "password": "1234567", "username": "u"}, "password"),
    ({"email": EMAIL, "password": "", "username": "u"}, "password"),
    ({"email": EMAIL, "password": "x" * 1025, "username": "u"}, "password"),
    ({"email": EMAIL, "password": None, "username": "u"}, "password"),
    ({"email": EMAIL, "username": "u"}, "password"),
    ({"email": EMAIL, "password": PASSWORD, "username": ""}, "username"),
    ({"email": EMAIL, "password": PASSWORD, "username": "   "}, "username"),
    ({"email": EMAIL, "password": PASSWORD, "username": "я" * 129}, "username"),
    ({"email": EMAIL, "password": PASSWORD}, "username"),
    ([], "body"),
    ("text", "body"),
]


def test_register_validation_is_422_with_the_field(api: ApiClient) -> None:
    # One test for every case: each fresh moto table costs more than the requests themselves.
    for body, field in INVALID_REGISTRATIONS:
        response = api.post("/auth/register", json_body=body)
        assert response.status == 422, body
        assert response.json["status_code"] == 422
        assert field in {problem["key"] for problem in response.json["extra"]}, (body, response.json)
    assert stored_users() == []


def test_register_reports_every_invalid_field_at_once(api: ApiClient) -> None:
    response = register(api, email="bad", password="short", username="")
    assert {problem["key"] for problem in response.json["extra"]} == {"email", "password", "username"}


def test_register_accepts_the_boundaries(api: ApiClient) -> None:
    assert register(api, email="a.b+films@mail.example.co.uk", password="12345678", username="я" * 128).status == 201
    assert register(api, email="x@y.io", password="p" * 1024, username="  Имя  ").json["username"] == "Имя"


def test_register_without_a_body_or_with_broken_json(api: ApiClient) -> None:
    assert api.post("/auth/register").status == 422
    broken = api.post("/auth/register", body=b'{"email": ', content_type="application/json")
    assert broken.status == 400
    assert broken.json == {"status_code": 400, "detail": "Malformed JSON body"}


def test_twenty_concurrent_registrations_of_one_email_make_one_user(api: ApiClient) -> None:
    clients = container_clients(20, "auth")
    responses = concurrently([lambda client=client: register(client) for client in clients])
    statuses = sorted(response.status for response in responses)
    assert statuses == [201] + [409] * 19
    created = next(response.json for response in responses if response.status == 201)
    assert [user.id for user in stored_users()] == [created["id"]]
    assert EmailClaim.get(*EmailClaim.key(EMAIL)).user_id == created["id"]
    assert len(list(WatchlistItem.gsi1.query(f"USER#{created['id']}#LISTS"))) == 3
    assert login(api).json["id"] == created["id"]


# --- login --------------------------------------------------------------------------------


def test_login_returns_the_user_and_a_token(api: ApiClient) -> None:
    user = register(api).json
    response = login(api)
    assert response.status == 201
    assert set(response.json) == USER_FIELDS | {"token"}
    assert {key: response.json[key] for key in USER_FIELDS} == user
    assert token_service().verify(response.json["token"]).user_id == user["id"]
    assert api.get("/me", token=response.json["token"]).json == user


def test_login_email_is_trimmed_and_case_insensitive(api: ApiClient) -> None:
    register(api)
    assert login(api, email="  VIEWER@example.Com ").status == 201


def test_unknown_email_and_wrong_password_get_the_same_answer(api: ApiClient) -> None:
    register(api)
    unknown = login(api, email="nobody@example.com")
    wrong = login(api, password=PASSWORD + "!")
    assert unknown.status == wrong.status == 401
    assert unknown.json == wrong.json == INVALID_LOGIN
    assert login(api, password="").json == INVALID_LOGIN


def test_login_validation_is_422(api: ApiClient) -> None:
    for body in ({"email": EMAIL}, {"password": PASSWORD}, {}, {"email": None, "password": "x"}, []):
        assert api.post("/auth/login", json_body=body).status == 422, body


def test_ten_failed_logins_within_fifteen_minutes_throttle_that_email(api: ApiClient) -> None:
    register(api)
    register(api, email="other@example.com")
    for _ in range(10):
        assert login(api, password="wrong password").json == INVALID_LOGIN
    throttled = login(api)  # even the right password: a guesser must learn nothing while throttled
    assert throttled.status == 429
    assert throttled.json == {"status_code": 429, "detail": "Too many failed logins, try again later"}
    assert 1 <= int(throttled.headers["retry-after"]) <= 30 * 60
    assert login(api, email=" VIEWER@EXAMPLE.COM").status == 429  # the same email, however it is written
    assert login(api, email="other@example.com").status == 201  # other accounts are unaffected


def test_unknown_emails_are_throttled_too(api: ApiClient) -> None:
    # Otherwise a 429 would reveal that an account exists.
    for _ in range(10):
        assert login(api, email="ghost@example.com").status == 401
    assert login(api, email="ghost@example.com").status == 429


def test_login_rehashes_a_hash_made_with_old_parameters(api: ApiClient) -> None:
    user_id = register(api).json["id"]
    old = Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash(PASSWORD)
    UserItem(*UserItem.key(user_id)).update(actions=[UserItem.password_hash.set(old)])
    assert login(api).status == 201
    upgraded = UserItem.get(*UserItem.key(user_id)).password_hash
    assert upgraded != old
    assert upgraded.startswith(f"$argon2id$v=19$m={MEMORY_COST_KIB},t={TIME_COST},p=1$")
    assert login(api).status == 201
    assert UserItem.get(*UserItem.key(user_id)).password_hash == upgraded  # current hashes are left alone


# --- Telegram login keys --------------------------------------------------------------------


def test_the_whole_telegram_login_flow(api: ApiClient) -> None:
    key = new_key(api)
    assert check(api, key).json == {"is_confirmed": False}
    # The bot's "confirm" button:
    user_id = telegram_login_service().confirm_auth_key(key, TELEGRAM_ID, "kinoman")
    confirmed = check(api, key)
    assert (confirmed.status, confirmed.json) == (200, {"is_confirmed": True})
    response = telegram_login(api, key)
    assert response.status == 201
    assert response.json | {"token": None} == {
        "id": user_id,
        "username": "kinoman",
        "email": None,
        "telegram_id": TELEGRAM_ID,
        "role": "user",
        "token": None,
    }
    assert api.get("/me", token=response.json["token"]).json["telegram_id"] == TELEGRAM_ID
    # Consumed: no second token, and polling now reports the key as incorrect.
    assert telegram_login(api, key).json == INVALID_TELEGRAM_LOGIN
    assert (check(api, key).status, check(api, key).json) == (400, INCORRECT_AUTH_KEY)
    # The next login through Telegram finds the same user.
    again = new_key(api)
    assert telegram_login_service().confirm_auth_key(again, TELEGRAM_ID, "kinoman") == user_id
    assert telegram_login(api, again).json["id"] == user_id


def test_get_auth_key_ignores_a_body(api: ApiClient) -> None:
    response = api.post("/auth/telegram/get_auth_key", json_body={"anything": 1})
    assert response.status == 201
    assert set(response.json) == {"auth_key"}


def test_unknown_declined_and_expired_keys_are_incorrect(api: ApiClient) -> None:
    declined, expired_pending, expired_active = new_key(api), new_key(api), new_key(api)
    telegram_login_service().decline_auth_key(declined)
    telegram_login_service().confirm_auth_key(expired_active, TELEGRAM_ID, "kinoman")
    expire(expired_pending)
    expire(expired_active)
    for key in ("no-such-key", declined, expired_pending, expired_active):
        response = check(api, key)
        assert (response.status, response.json) == (400, INCORRECT_AUTH_KEY)
        assert response.headers["content-type"].startswith("application/json")
        assert telegram_login(api, key).json == INVALID_TELEGRAM_LOGIN


def test_a_pending_key_cannot_log_in(api: ApiClient) -> None:
    key = new_key(api)
    assert telegram_login(api, key).status == 401
    assert check(api, key).json == {"is_confirmed": False}


@pytest.mark.parametrize("path", ["/auth/telegram/check_auth_key", "/auth/telegram/login"])
def test_tg_code_validation_is_422(api: ApiClient, path: str) -> None:
    for body in ({}, {"tg_code": ""}, {"tg_code": None}, {"tg_code": 42}, {"tg_code": "k" * 129}, {"code": "x"}):
        response = api.post(path, json_body=body)
        assert response.status == 422, body
        assert response.json["extra"][0]["key"] == "tg_code"


def test_a_key_confirmed_and_declined_at_once_ends_one_way(api: ApiClient) -> None:
    logins = telegram_login_service()
    for attempt in range(8):
        key = new_key(api)
        confirmed, declined = concurrently(
            [
                lambda key=key, attempt=attempt: logins.confirm_auth_key(key, TELEGRAM_ID + attempt, "k"),
                lambda key=key: logins.decline_auth_key(key),
            ]
        )
        winners = [outcome for outcome in (confirmed, declined) if not isinstance(outcome, AuthKeyRejected)]
        assert len(winners) == 1, (confirmed, declined)
        state = AuthKeyItem.get(*AuthKeyItem.key(key)).state
        if isinstance(declined, AuthKeyRejected):
            assert state == "activated"
            assert check(api, key).json == {"is_confirmed": True}
        else:
            assert state == "declined"
            assert check(api, key).json == INCORRECT_AUTH_KEY
            assert all(user.telegram_id != TELEGRAM_ID + attempt for user in stored_users())


def test_concurrent_telegram_logins_get_one_token(api: ApiClient) -> None:
    key = new_key(api)
    telegram_login_service().confirm_auth_key(key, TELEGRAM_ID, "kinoman")
    clients = container_clients(5, "auth")
    responses = concurrently([lambda client=client: telegram_login(client, key) for client in clients])
    assert sorted(response.status for response in responses) == [201, 401, 401, 401, 401]


# --- cost -----------------------------------------------------------------------------------


def round_trips(request: Callable[[], Any]) -> tuple[int, Any]:
    """DynamoDB calls made by one request, and its status (or the library call's result)."""
    with DynamoCallCounter().counting() as counter:
        result = request()
    return counter.total, getattr(result, "status", "ok")


def test_dynamodb_round_trips_per_request(api: ApiClient) -> None:
    accounts = telegram_login_service()
    key, declined, other = new_key(api), new_key(api), new_key(api)
    measured = {"register": round_trips(lambda: register(api))}
    measured["register, email taken"] = round_trips(lambda: register(api))
    measured["login"] = round_trips(lambda: login(api))
    measured["login, wrong password"] = round_trips(lambda: login(api, password="wrong password"))
    measured["login, unknown email"] = round_trips(lambda: login(api, email="nobody@example.com"))
    token = login(api).json["token"]
    measured["GET /me"] = round_trips(lambda: api.get("/me", token=token))
    measured["get_auth_key"] = round_trips(lambda: api.post("/auth/telegram/get_auth_key"))
    measured["check_auth_key"] = round_trips(lambda: check(api, key))
    measured["confirm (bot), new user"] = round_trips(lambda: accounts.confirm_auth_key(key, TELEGRAM_ID, "k"))
    measured["confirm (bot), known user"] = round_trips(lambda: accounts.confirm_auth_key(other, TELEGRAM_ID, "k"))
    measured["decline (bot)"] = round_trips(lambda: accounts.decline_auth_key(declined))
    measured["telegram/login"] = round_trips(lambda: telegram_login(api, key))
    measured["telegram/login, used key"] = round_trips(lambda: telegram_login(api, key))
    for _ in range(9):
        login(api, password="wrong password")
    measured["login, throttled"] = round_trips(lambda: login(api))
    assert measured == {
        # BatchGetItem (email claim, the address's two registration windows), TransactWriteItems: user, email
        # claim, three lists and the registration counter (conditional on room)
        "register": (2, 201),
        "register, email taken": (2, 409),  # the claim is found by the read (no hash), UpdateItem of the counter
        # BatchGetItem (email claim, two failure windows, the address's request window), GetItem user,
        # UpdateItem of the request counter
        "login": (3, 201),
        "login, wrong password": (3, 401),  # ... TransactWriteItems: request and failure counters
        "login, unknown email": (2, 401),
        "GET /me": (1, 200),
        "get_auth_key": (2, 201),  # UpdateItem of the request counter, PutItem of the key
        "check_auth_key": (1, 200),
        "confirm (bot), new user": (2, "ok"),  # BatchGetItem (key + Telegram claim), TransactWriteItems
        "confirm (bot), known user": (2, "ok"),  # BatchGetItem, UpdateItem
        "decline (bot)": (1, "ok"),
        "telegram/login": (2, 201),  # UpdateItem (consume), GetItem user
        "telegram/login, used key": (1, 401),
        "login, throttled": (1, 429),
    }


def test_login_with_a_rehash_stays_within_three_round_trips(api: ApiClient) -> None:
    user_id = register(api).json["id"]
    old = Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash(PASSWORD)
    UserItem(*UserItem.key(user_id)).update(actions=[UserItem.password_hash.set(old)])
    assert round_trips(lambda: login(api)) == (3, 201)  # BatchGetItem, GetItem, TransactWriteItems: hash + counter


def test_openapi_documents_each_auth_route_with_its_success_schema(api: ApiClient) -> None:
    paths = api.get("/api/schema/openapi.json").json["paths"]
    expected = {
        "/auth/register": ("201", "UserOut"),
        "/auth/login": ("201", "LoginResponseOut"),
        "/auth/telegram/get_auth_key": ("201", "AuthKeyOut"),
        "/auth/telegram/check_auth_key": ("200", "AuthKeyStatusOut"),
        "/auth/telegram/login": ("201", "LoginResponseOut"),
    }
    for path, (status, schema) in expected.items():
        response = paths[path]["post"]["responses"][status]
        assert response["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{schema}"}
    check_400 = paths["/auth/telegram/check_auth_key"]["post"]["responses"]["400"]
    # Either the key's own answer or, for a body that is not JSON at all, the usual envelope (test_openapi_document).
    assert check_400["content"]["application/json"]["schema"] == {
        "anyOf": [{"$ref": "#/components/schemas/AuthKeyErrorOut"}, {"$ref": "#/components/schemas/ErrorOut"}]
    }
