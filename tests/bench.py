"""``make bench``: DynamoDB calls per request for every endpoint, warm latency and cost per million requests,
each function's cold import time and memory, and the size of the Lambda layers.

Calls are counted at the botocore level over moto with the catalog cache disabled (worst case),
at list sizes 1, 10 and 100; request units are estimated from the items each call read and wrote.
Latency is measured in-process over moto (warm handler, 50 calls an endpoint).  Import times are the CPU
time of ``import <handler>`` in fresh interpreters set up as deployed functions (tracing on), interleaved with
a bare ``import boto3`` (the .pyc files written first); an API function fails the bench above 1.5× boto3.
Memory is the peak resident set (``VmHWM``) in another fresh interpreter.  Run ``python -m tests.bench --write``
to refresh docs/benchmarks.md, ``--imports`` for the import section alone (with ``--write``: replaced in place).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tests.conftest  # noqa: F401 - the test environment, before filmhub is imported
from filmhub.routes import API_PREFIX, FUNCTIONS, QUEUE_WORKERS, ROUTES
from filmhub.seed.catalog import GENRES
from filmhub.wiring import telegram_login_service
from infra.function_settings import settings_for
from local.gateway import RouteTable
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import DynamoCallCounter, mocked_aws
from tests.support.capacity import request_units
from tests.support.fixtures import make_films, make_mix, new_user_token, register_user
from tests.support.media import TINY_JPEG, multipart_form

ROOT = Path(__file__).resolve().parent.parent
SCALE_START = "<!-- bench-scale:start -->"
SIZES = (1, 10, 100)
BUDGET = 3

#: A bench case prepares data for a list size and returns the request to measure.
Request = Callable[[ApiClient], ApiResponse]
Setup = Callable[[int], Request]


@dataclass(frozen=True)
class BenchCase:
    endpoint: str
    setup: Setup
    budget: int = BUDGET
    sized: bool = True
    #: The request changes what it acts on (deletes it, uses a key up ...): each latency sample gets its own setup.
    fresh: bool = False


def _fixed(request: Request) -> Setup:
    return lambda _size: request


def _mix_items(size: int) -> Request:
    films = make_films(size)
    mix_id = make_mix([film.id for film in films])
    token = new_user_token()
    return lambda api: api.get(f"/mix/{mix_id}/items", token=token)


def _mix_by_id(size: int) -> Request:
    mix_id = make_mix([film.id for film in make_films(size)])
    return lambda api: api.get(f"/mix/{mix_id}")


def _user_with_lists(size: int) -> tuple[ApiClient, str, list[str]]:
    """A registered user whose custom list and wish list each hold ``size`` films."""
    api = ApiClient()
    _, api.token = register_user(api)
    film_ids = [film.id for film in make_films(size)]
    list_id = api.post("/me/watchlists", json_body={"title": "Бенчмарк"}).json["id"]
    for film_id in film_ids:
        api.put(f"/me/watchlists/{list_id}/items/add", json_body={"film_id": film_id})
        api.put("/me/watchlists/wish/items/add", json_body={"film_id": film_id})
    return api, list_id, film_ids


def _watchlist_case(method: str, path: str, body: dict[str, str] | None = None, **options: Any) -> BenchCase:
    """A watchlist request; ``{list_id}`` and ``{film_id}`` in path and body come from the setup."""

    def setup(size: int) -> Request:
        api, list_id, film_ids = _user_with_lists(size)
        values = {"list_id": list_id, "film_id": film_ids[0]}
        json_body = {key: value.format(**values) for key, value in body.items()} if body else None
        return lambda _bench_api: api.request(method, path.format(**values), json_body=json_body)

    return BenchCase(f"{method} {path}", setup, **options)


WATCHLIST_CASES = [
    _watchlist_case("GET", "/me/watchlists", sized=False),
    _watchlist_case("POST", "/me/watchlists", {"title": "x"}, sized=False),
    _watchlist_case("GET", "/me/watchlists/{list_id}", sized=False),
    _watchlist_case("PATCH", "/me/watchlists/{list_id}", {"title": "y"}, sized=False),
    _watchlist_case("GET", "/me/watchlists/{list_id}/items"),
    _watchlist_case("GET", "/me/watchlists/wish/items"),
    _watchlist_case("PUT", "/me/watchlists/{list_id}/items/add", {"film_id": "{film_id}"}),
    _watchlist_case("PUT", "/me/watchlists/liked/items/add", {"film_id": "{film_id}"}),
    _watchlist_case("DELETE", "/me/watchlists/{list_id}/items/{film_id}", fresh=True),
    _watchlist_case("DELETE", "/me/watchlists/wish/items/{film_id}", fresh=True),
    # The cascade deletes entries in batches of 25: its calls grow with the list, by design.
    _watchlist_case("DELETE", "/me/watchlists/{list_id}", budget=4 + 100 // 25, fresh=True),
    _watchlist_case("PUT", "/me/watchlists/{list_id}/items/{film_id}/note", {"text": "Заметка"}, sized=False),
    _watchlist_case("DELETE", "/me/watchlists/{list_id}/items/{film_id}/note", sized=False),
    _watchlist_case("POST", "/me/watchlists/{list_id}/share", sized=False, fresh=True),
]


def _ordered_list(size: int) -> Request:
    """Rank a custom list of ``size`` films (in reverse): one Query, then a transaction per 99 films."""
    api, list_id, film_ids = _user_with_lists(size)
    body = {"film_ids": film_ids[::-1]}
    return lambda _bench_api: api.put(f"/me/watchlists/{list_id}/items/order", json_body=body)


def _shared(path: str, list_ref: str | None = None) -> Setup:
    """A request about the shared custom list (or built-in ``list_ref``) of ``size`` films; ``{slug}`` from the
    setup.  Anonymous requests come from an address of their own."""

    def setup(size: int) -> Request:
        api, list_id, _ = _user_with_lists(size)
        ref = list_ref or list_id
        slug = api.post(f"/me/watchlists/{ref}/share").json["slug"]
        if path.startswith("/me"):
            return lambda _bench_api: api.delete(path.format(list_id=ref))
        return lambda bench_api: bench_api.get(path.format(slug=slug), source_ip="192.0.2.10")

    return setup


SHARING_CASES = [
    BenchCase("PUT /me/watchlists/{list_id}/items/order", _ordered_list),
    BenchCase(
        "DELETE /me/watchlists/{list_id}/share", _shared("/me/watchlists/{list_id}/share"), sized=False, fresh=True
    ),
    BenchCase("GET /public/lists/{slug}", _shared("/public/lists/{slug}")),
    BenchCase("GET /public/lists/{slug} (wish list)", _shared("/public/lists/{slug}", "wish")),
    BenchCase(
        "GET /public/lists/{slug} (unknown)", _fixed(lambda api: api.get("/public/lists/" + "u" * 22)), sized=False
    ),
    BenchCase("GET /l/{slug}", _shared("/l/{slug}")),
]

BENCH_PASSWORD = "correct horse"


def _account() -> dict[str, str]:
    return {"email": f"bench-{uuid.uuid4().hex[:12]}@example.com", "password": BENCH_PASSWORD}


def _post(path: str, body: dict[str, str] | None = None) -> Request:
    return lambda api: api.post(path, json_body=body)


def _register(_size: int) -> Request:
    return _post("/auth/register", {**_account(), "username": "bench"})


def _login(password: str = BENCH_PASSWORD) -> Setup:
    """A login to an account registered for it (a fresh one each time: ten failures would throttle it)."""

    def setup(_size: int) -> Request:
        account = _account()
        ApiClient().post("/auth/register", json_body={**account, "username": "bench"})
        return _post("/auth/login", {**account, "password": password})

    return setup


def _me(_size: int) -> Request:
    _, token = register_user(ApiClient())
    return lambda api: api.get("/me", token=token)


def _with_auth_key(path: str, confirmed: bool = False) -> Setup:
    """A request about a fresh Telegram login key (confirmed as the bot would, if asked)."""

    def setup(_size: int) -> Request:
        key = ApiClient().post("/auth/telegram/get_auth_key").json["auth_key"]
        if confirmed:
            telegram_login_service().confirm_auth_key(key, 1, "bench")
        return _post(path, {"tg_code": key})

    return setup


AUTH_CASES = [
    BenchCase("POST /auth/register", _register, sized=False, fresh=True),
    BenchCase("POST /auth/login", _login(), sized=False),
    BenchCase("POST /auth/login (wrong password)", _login("wrong password"), sized=False, fresh=True),
    BenchCase("GET /me", _me, sized=False),
    BenchCase("POST /auth/telegram/get_auth_key", _fixed(_post("/auth/telegram/get_auth_key")), sized=False),
    BenchCase("POST /auth/telegram/check_auth_key", _with_auth_key("/auth/telegram/check_auth_key"), sized=False),
    BenchCase(
        "POST /auth/telegram/login", _with_auth_key("/auth/telegram/login", confirmed=True), sized=False, fresh=True
    ),
]


def _owned_film(poster: bool = False) -> tuple[ApiClient, str]:
    """A film owned by a new user (with a poster, if asked)."""
    api = ApiClient(token=new_user_token())
    film_id = api.post("/films", json_body={"title": "Бенчмарк", "description": "Описание."}).json["id"]
    if poster:
        body, content_type = multipart_form(TINY_JPEG)
        api.put(f"/films/{film_id}/poster", body=body, content_type=content_type)
    return api, film_id


def _film_case(method: str, path: str, body: dict[str, Any] | None = None, **options: Any) -> BenchCase:
    """A request about the caller's own film; ``{film_id}`` in the path comes from the setup."""

    def setup(_size: int) -> Request:
        api, film_id = _owned_film(poster=method == "DELETE")
        return lambda _bench_api: api.request(method, path.format(film_id=film_id), json_body=body)

    return BenchCase(f"{method} {path.replace('{film_id}', '{id}')}", setup, sized=False, **options)


def _poster_upload(_size: int) -> Request:
    api, film_id = _owned_film()
    body, content_type = multipart_form(TINY_JPEG)
    return lambda _bench_api: api.put(f"/films/{film_id}/poster", body=body, content_type=content_type)


def _poster_confirm(_size: int) -> Request:
    import boto3

    from filmhub.settings import get_settings

    api, film_id = _owned_film(poster=True)
    key = api.post(f"/films/{film_id}/poster/upload-url", json_body={"content_type": "image/jpeg"}).json["key"]
    settings = get_settings()
    boto3.client("s3", region_name=settings.aws_region).put_object(
        Bucket=settings.posters_bucket, Key=key, Body=TINY_JPEG, ContentType="image/jpeg"
    )
    return lambda _bench_api: api.post(f"/films/{film_id}/poster/confirm", json_body={"key": key})


def _film_search(query: str) -> Setup:
    """A search page of ``size`` films (at most 50, the largest page) for a signed-in caller."""

    def setup(size: int) -> Request:
        make_films(size, title_prefix="Бенчмарк")
        token = new_user_token()
        return lambda api: api.get("/films/search", query={query: "бенчмарк", "limit": min(size, 50)}, token=token)

    return setup


def _get_film(_size: int) -> Request:
    film_id = make_films(1)[0].id
    token = new_user_token()
    return lambda api: api.get(f"/films/{film_id}", token=token)


FILM_BODY = {"title": "Новый фильм", "description": "Описание.", "genres_ids": [g.id for g in GENRES[:3]]}


def _create_film(_size: int) -> Request:
    token = new_user_token()  # the user exists before the measured request (creating one is a write)
    return lambda api: api.post("/films", json_body=FILM_BODY, token=token)


FILM_CASES = [
    BenchCase("POST /films", _create_film, sized=False),
    BenchCase("GET /films/{id}", _get_film, sized=False),
    _film_case("PUT", "/films/{film_id}", FILM_BODY),
    BenchCase("PUT /films/{id}/poster", _poster_upload, sized=False),
    _film_case("DELETE", "/films/{film_id}/poster", fresh=True),
    _film_case("POST", "/films/{film_id}/poster/upload-url", {"content_type": "image/png"}),
    BenchCase("POST /films/{id}/poster/confirm", _poster_confirm, sized=False, fresh=True),
    # Provider calls (none without keys) are HTTP, counted apart; imports of new provider films add one
    # conditional write each, once per film ever.
    BenchCase("GET /films/search?title", _film_search("title")),
    BenchCase("GET /films/search?description (keywords)", _film_search("description")),
]


def _profile(username: str) -> str:
    """A user item written directly (registering hundreds of critics through argon2 would dominate the bench)."""
    from filmhub.table.models import UserItem

    user_id = str(uuid.uuid4())
    UserItem(*UserItem.key(user_id), id=user_id, username=username, created_at=datetime.now(UTC).isoformat()).save()
    return user_id


def _rated_film(size: int) -> tuple[ApiClient, str]:
    """A film that ``size`` users rated and reviewed, and a signed-in caller who has rated and reviewed it too."""
    film_id = make_films(1)[0].id
    for number in range(size):
        critic = ApiClient(token=new_user_token(_profile(f"критик{number}")))
        critic.put(f"/films/{film_id}/rating", json_body={"score": 1 + number % 4})
        critic.put(f"/films/{film_id}/review", json_body={"text": f"Отзыв {number}"})
    api = ApiClient()
    _, api.token = register_user(api)
    api.put(f"/films/{film_id}/rating", json_body={"score": 4})
    api.put(f"/films/{film_id}/review", json_body={"text": "Мой отзыв", "spoiler": True})
    return api, film_id


def _rating_case(method: str, path: str, body: dict[str, Any] | None = None, **options: Any) -> BenchCase:
    """A rating or review request about a film with ``size`` ratings and reviews."""

    def setup(size: int) -> Request:
        api, film_id = _rated_film(size)
        return lambda _bench_api: api.request(method, path.format(film_id=film_id), json_body=body)

    return BenchCase(f"{method} {path.replace('{film_id}', '{id}')}", setup, **options)


RATING_CASES = [
    _rating_case("PUT", "/films/{film_id}/rating", {"score": 2.5}, sized=False),
    _rating_case("DELETE", "/films/{film_id}/rating", sized=False, fresh=True),
    _rating_case("PUT", "/films/{film_id}/review", {"text": "Новый отзыв"}, sized=False),
    _rating_case("DELETE", "/films/{film_id}/review", sized=False, fresh=True),
    _rating_case("GET", "/films/{film_id}/reviews?limit=100"),
]


def _diarist(size: int) -> tuple[ApiClient, list[str], list[str]]:
    """A user with ``size`` diary entries (one a day in 2024, films in turn), their ids and the films."""
    api = ApiClient()
    _, api.token = register_user(api)
    film_ids = [film.id for film in make_films(max(size // 2, 1))]
    entries = [
        api.post(
            "/me/diary",
            json_body={"film_id": film_ids[n % len(film_ids)], "watched_on": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                       "rating": 1 + n % 4, "rewatch": n >= len(film_ids)},
        ).json["id"]
        for n in range(size)
    ]  # fmt: skip
    return api, entries, film_ids


def _diary_case(method: str, path: str, body: dict[str, Any] | None = None, **options: Any) -> BenchCase:
    """A diary request by a user with ``size`` entries; ``{entry_id}`` and ``{film_id}`` come from the setup."""

    def setup(size: int) -> Request:
        api, entries, film_ids = _diarist(size)
        values = {"entry_id": entries[0], "film_id": film_ids[0]}
        json_body = {key: str(value).format(**values) for key, value in body.items()} if body else None
        return lambda _bench_api: api.request(method, path.format(**values), json_body=json_body)

    return BenchCase(f"{method} {path}", setup, **options)


DIARY_CASES = [
    _diary_case("POST", "/me/diary", {"film_id": "{film_id}", "watched_on": "2024-12-31"}),
    _diary_case("GET", "/me/diary?limit=50"),
    _diary_case("PATCH", "/me/diary/{entry_id}", {"watched_on": "2023-06-01", "note": "пересмотреть"}),
    _diary_case("DELETE", "/me/diary/{entry_id}", fresh=True),
    _diary_case("GET", "/me/stats?year=2024"),
]


def _recommend(size: int) -> Request:
    """A user whose wish list holds ``size`` films, all recommended already: the catalog must answer (the demo
    catalog, whose 338 films outlast the latency samples' 24-hour exclusions)."""
    from filmhub.seed.seeder import seed

    seed()
    api, _, film_ids = _user_with_lists(size)
    for _ in film_ids:
        api.post("/recommend")
    return lambda _bench_api: api.post("/recommend", query={"moods_ids": _a_mood(api)})


def _admin_case(method: str, path: str, body: dict[str, Any] | None = None, **options: Any) -> BenchCase:
    """A mix-curation request by an admin, on a mix of ``size`` films."""

    def setup(size: int) -> Request:
        from filmhub.table.models import UserItem

        api = ApiClient()
        user_id, api.token = register_user(api)
        UserItem(*UserItem.key(user_id)).update(actions=[UserItem.role.set("admin")])
        films = make_films(size + 1)
        mix_id = make_mix([film.id for film in films[:size]])
        order = [film.id for film in reversed(films[:size])]
        values = {"mix_id": mix_id, "film_id": films[-1].id, "first_film": films[0].id}
        json_body = {"film_ids": order} if body == {"film_ids": "order"} else body
        if json_body and "film_id" in json_body:
            json_body = {"film_id": values["film_id"]}
        return lambda _bench_api: api.request(method, path.format(**values), json_body=json_body)

    return BenchCase(f"{method} {path}", setup, **options)


OTHER_CASES = [
    BenchCase("GET /health", _fixed(lambda api: api.get("/health")), budget=1, sized=False),
    # History, one sample (a second when the first has nothing fresh), the record: 3 (4) with the catalog
    # cached, as in a running container (asserted in tests/integration/test_recommend.py). The bench
    # runs with the cache off, which adds the catalog read.
    BenchCase("POST /recommend", _recommend, budget=4 + 1),
    _admin_case("POST", "/mix", {"title": "Новый микс"}, sized=False),
    _admin_case("PUT", "/mix/{mix_id}/items/add", {"film_id": "x"}),
    _admin_case("DELETE", "/mix/{mix_id}/items/{first_film}", fresh=True),
    _admin_case("PUT", "/mix/{mix_id}/items/order", {"film_ids": "order"}, budget=3 + 100 // 99),
]


def _transfer_case(method: str, path: str, body: dict[str, Any] | None = None) -> BenchCase:
    """A request on the caller's own import and export (one of each created beforehand)."""

    def setup(_size: int) -> Request:
        api = ApiClient()
        _, api.token = register_user(api)
        import_id = api.post("/me/imports", json_body={"format": "letterboxd", "filename": "diary.csv"}).json[
            "import_id"
        ]
        export_id = api.post("/me/exports").json["export_id"]
        values = {"import_id": import_id, "export_id": export_id}
        return lambda _bench_api: api.request(method, path.format(**values), json_body=body)

    return BenchCase(f"{method} {path}", setup, sized=False)


TRANSFER_CASES = [
    _transfer_case("POST", "/me/imports", {"format": "letterboxd", "filename": "diary.csv"}),
    _transfer_case("GET", "/me/imports"),
    _transfer_case("GET", "/me/imports/{import_id}"),
    _transfer_case("POST", "/me/exports"),
    _transfer_case("GET", "/me/exports"),
    _transfer_case("GET", "/me/exports/{export_id}"),
]

CASES: list[BenchCase] = [
    BenchCase("GET /genres", _fixed(lambda api: api.get("/genres")), sized=False),
    BenchCase(
        "GET /genres?moods_ids", _fixed(lambda api: api.get("/genres", query={"moods_ids": _a_mood(api)})), sized=False
    ),
    BenchCase("GET /moods", _fixed(lambda api: api.get("/moods")), sized=False),
    BenchCase("GET /mix", _fixed(lambda api: api.get("/mix")), sized=False),
    BenchCase("GET /mix/{id}", _mix_by_id, sized=False),
    BenchCase("GET /mix/{id}/items", _mix_items),
    *WATCHLIST_CASES,
    *SHARING_CASES,
    *AUTH_CASES,
    *FILM_CASES,
    *RATING_CASES,
    *DIARY_CASES,
    *TRANSFER_CASES,
    *OTHER_CASES,
]


def _a_mood(api: ApiClient) -> str:
    from filmhub.seed.catalog import MOODS

    return MOODS[0].id


#: Latency: warm calls per endpoint, at this list size for the endpoints whose cost grows with a list.
LATENCY_SAMPLES = 50
LATENCY_SIZE = 10
MIB = 1024 * 1024


@dataclass(frozen=True)
class Prices:
    """AWS list prices in US East (N. Virginia), in USD; eu-central-1, where the stages deploy, is a little dearer."""

    lambda_arm_gb_second: float = 0.0000133334
    lambda_per_million: float = 0.20
    http_api_per_million: float = 1.00  # the first 300 million requests a month
    dynamodb_rru_per_million: float = 0.125  # on-demand, after the November 2024 price cut
    dynamodb_wru_per_million: float = 0.625
    as_of: str = "AWS list prices published in 2025; DynamoDB on-demand as cut on 2024-11-01"


PRICES = Prices()


@dataclass(frozen=True)
class Usage:
    calls: int
    status: int
    read_units: float
    write_units: float


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float
    statuses: Counter[int]


def measure_usage(case: BenchCase, size: int) -> Usage:
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        request = case.setup(size)
        api = ApiClient()
        with DynamoCallCounter().counting() as counter:
            response = request(api)
        return Usage(counter.total, response.status, *request_units(counter.records))


def measure_latency(case: BenchCase) -> Latency:
    """Warm handler latency over in-process moto: the function imported, its caches filled, one call timed at a time."""
    size = LATENCY_SIZE if case.sized else 1
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        api = ApiClient()
        request = case.setup(size)
        request(api)  # the warm-up: imports, clients and caches, as a container's first request fills them
        samples: list[float] = []
        statuses: Counter[int] = Counter()
        for _ in range(LATENCY_SAMPLES):
            if case.fresh:
                request = case.setup(size)
            started = time.perf_counter()
            statuses[request(api).status] += 1
            samples.append((time.perf_counter() - started) * 1000)
    percentiles = statistics.quantiles(samples, n=100, method="inclusive")
    return Latency(percentiles[49], percentiles[98], statuses)


def function_of(endpoint: str) -> str:
    """The function serving a bench endpoint label such as ``GET /films/search?title`` or ``GET /films/{id}``."""
    method, rest = endpoint.split(" ", 1)
    path = re.sub(r"\{\w+\}", "00000000-0000-4000-8000-000000000000", re.split(r"[?\s]", rest, maxsplit=1)[0])
    routes = RouteTable(ROUTES)
    matched = routes.match(method, API_PREFIX + path) or routes.match(method, path)  # pages live outside the API
    assert matched is not None, endpoint
    return matched[0].function


def cost_per_million(function: str, latency: Latency, usage: Usage) -> tuple[float, float, float]:
    """USD per million requests: Lambda (requests, GB-s at the p50 billed to the ms), API Gateway, DynamoDB."""
    memory_gb = settings_for(function)[0].memory_mb / 1024
    billed_seconds = math.ceil(latency.p50_ms) / 1000
    lambda_cost = PRICES.lambda_per_million + memory_gb * billed_seconds * PRICES.lambda_arm_gb_second * 1e6
    dynamodb = usage.read_units * PRICES.dynamodb_rru_per_million + usage.write_units * PRICES.dynamodb_wru_per_million
    return lambda_cost, PRICES.http_api_per_million, dynamodb


def _python_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers", "functions", "."))}


#: A function's cold import may take at most this many times a bare ``import boto3`` measured in the same run.
IMPORT_RATIO_LIMIT = 1.5
IMPORT_RUNS = 5
#: The bot is exempt: its Lambda uses SnapStart, which snapshots the initialized process (docs/decisions.md).
IMPORT_LIMIT_EXEMPT = frozenset({"bot"})
#: Functions outside API Gateway (a queue's, the table stream's): measured and reported, not held to the limit.
BACKGROUND_FUNCTIONS = {
    **{name: spec.module for name, spec in QUEUE_WORKERS.items()},
    "rating_aggregator": "rating_aggregator.handler",  # infra/ratings.py
}
IMPORT_TIMER = """
import time
wall, cpu = time.perf_counter(), time.process_time()
import {module}
print((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
"""


def _deployed_env() -> dict[str, str]:
    """The bench's environment as a deployed function sees it: in Lambda (``LAMBDA_TASK_ROOT``), tracing on, and
    bytecode written (``PYTHONDONTWRITEBYTECODE`` dropped), so that the first import writes the .pyc files every
    timed one reads, as the byte-compiled layers do on Lambda: without them each run compiled the project's
    sources, 10–15 % of a handler's import."""
    unset = {"POWERTOOLS_TRACE_DISABLED", "PYTHONDONTWRITEBYTECODE"}
    env = {name: value for name, value in _python_env().items() if name not in unset}
    return {**env, "LAMBDA_TASK_ROOT": str(ROOT), "AWS_LAMBDA_FUNCTION_NAME": "filmhub-bench"}


@dataclass(frozen=True)
class ImportTime:
    wall_ms: float
    cpu_ms: float
    #: Median of this module's CPU time over a bare ``import boto3`` run just before it, round by round.
    ratio: float


def _timed_import(module: str, env: dict[str, str]) -> tuple[float, float]:
    command = [sys.executable, "-c", IMPORT_TIMER.format(module=module)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout.split()
    return float(out[-2]), float(out[-1])


def import_times(modules: list[str], runs: int = IMPORT_RUNS) -> dict[str, ImportTime]:
    """Median import time of each module in fresh interpreters, each run paired with a bare ``import boto3`` run
    just before it, so that a busy moment of the machine weighs on both sides of a ratio alike.  CPU time is what
    the limit is checked on: other processes on a shared machine stretch wall time far more than CPU time (on an
    idle machine the two are within a few %)."""
    env = _deployed_env()
    for module in ["boto3", *modules]:  # writes the .pyc files first
        _timed_import(module, env)
    samples: dict[str, list[tuple[float, float]]] = {module: [] for module in ["boto3", *modules]}
    ratios: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(runs):
        for module in modules:
            baseline = _timed_import("boto3", env)
            timed = _timed_import(module, env)
            samples["boto3"].append(baseline)
            samples[module].append(timed)
            ratios[module].append(timed[1] / baseline[1])
    return {
        module: ImportTime(
            statistics.median(wall for wall, _ in found),
            statistics.median(cpu for _, cpu in found),
            statistics.median(ratios[module]) if module in ratios else 1.0,
        )
        for module, found in samples.items()
    }


def import_section() -> tuple[list[str], list[str]]:
    """The cold import section of the report, and the functions over the limit."""
    lines = [
        "## Cold import time and memory per function\n",
        f"Each handler module imported in a fresh interpreter set up as a deployed function (in Lambda, tracing on), "
        f"{IMPORT_RUNS} runs, each just after a bare `import boto3` run, .pyc present; medians.  The ratio is the "
        f"median of the handler's CPU time over its paired boto3 run's; an API function fails the bench above "
        f"{IMPORT_RATIO_LIMIT}× (the bot uses SnapStart: exempt; the transfer worker and the rating aggregator are "
        "not behind API Gateway: reported only).  Memory is the peak resident set (`VmHWM`) of "
        "another fresh interpreter after the import.\n",
        "| module | import ms (CPU) | wall ms | × boto3 | check | resident MB after import | MB added by the import |",
        "|---|---|---|---|---|---|---|",
    ]
    functions = sorted([(name, spec.module) for name, spec in FUNCTIONS.items()] + list(BACKGROUND_FUNCTIONS.items()))
    times = import_times([module for _, module in functions])
    over = []
    for module, label, name in [("boto3", "bare `import boto3`", None)] + [
        (module, f"`{module}` ({name})", name) for name, module in functions
    ]:
        before, after = resident_mb(module)
        ratio = times[module].ratio
        check = ""
        if name in BACKGROUND_FUNCTIONS:
            check = "not an API function"
        elif name is not None:
            check = "exempt" if name in IMPORT_LIMIT_EXEMPT else "ok" if ratio <= IMPORT_RATIO_LIMIT else "**FAIL**"
            if check == "**FAIL**":
                over.append(f"{name}: {ratio:.2f}× a bare import boto3 (limit {IMPORT_RATIO_LIMIT}×)")
        lines.append(
            f"| {label} | {times[module].cpu_ms:.0f} | {times[module].wall_ms:.0f} | {ratio:.2f} | {check} | "
            f"{after:.1f} | {after - before:.1f} |"
        )
        print(lines[-1], flush=True)
    return lines, over


#: Peak resident set of the running interpreter in kB: ``VmHWM`` (``ru_maxrss`` would count the memory of the
#: forked parent too), ``ru_maxrss`` where there is no /proc.
PEAK_RSS_KB = """
import re, resource
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def resident_mb(module: str) -> tuple[float, float]:
    """Peak resident memory (MB) of a fresh interpreter before and after ``import module``."""
    code = f"{PEAK_RSS_KB}\nbefore = peak_kb()\nimport {module}\nprint(before, peak_kb())"
    out = subprocess.run([sys.executable, "-c", code], env=_python_env(), capture_output=True, text=True, check=True)
    before_kb, after_kb = (int(value) for value in out.stdout.split())
    return before_kb / 1024, after_kb / 1024


def layer_sizes() -> list[str]:
    built = ROOT / "build" / "layers"
    if not built.is_dir():
        return ["Not built: run `make layers`, then `make bench` again."]
    stamp = built / ".built"
    when = datetime.fromtimestamp(stamp.stat().st_mtime, UTC) if stamp.exists() else None
    lines = [f"As last built by `make layers`{f' ({when:%Y-%m-%d %H:%M} UTC)' if when else ''}.\n"]
    lines += ["| layer | unzipped MB | files |", "|---|---|---|"]
    for layer in sorted(path for path in built.iterdir() if path.is_dir()):
        files = [path for path in layer.rglob("*") if path.is_file()]
        lines.append(f"| {layer.name} | {sum(f.stat().st_size for f in files) / MIB:.1f} | {len(files)} |")
    return lines


def _status_mix(statuses: Counter[int]) -> str:
    return ", ".join(f"{status}×{count}" for status, count in sorted(statuses.items()))


def run(write: bool) -> int:
    started = time.perf_counter()
    lines = [
        "# Benchmarks\n",
        f"Produced by `make bench` (`python -m tests.bench --write`) on {datetime.now(UTC):%Y-%m-%d} "
        f"(Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, moto in-process).\n",
        "## DynamoDB calls per request (moto, catalog cache off)\n",
        "| endpoint | " + " | ".join(f"n={size}" for size in SIZES) + " | budget |",
        "|---|" + "---|" * (len(SIZES) + 1),
    ]
    over_budget = []
    usage_at: dict[str, Usage] = {}
    for case in CASES:
        sizes = SIZES if case.sized else SIZES[:1]
        cells = []
        for size in sizes:
            usage = measure_usage(case, size)
            if size == (LATENCY_SIZE if case.sized else 1):
                usage_at[case.endpoint] = usage
            cells.append(f"{usage.calls} ({usage.status})")
            if usage.calls > case.budget:
                over_budget.append(f"{case.endpoint} n={size}: {usage.calls}")
        cells += ["="] * (len(SIZES) - len(sizes))
        lines.append(f"| {case.endpoint} | " + " | ".join(cells) + f" | ≤ {case.budget} |")
        print(lines[-1], flush=True)

    lines += [
        "\n## Warm latency and cost per million requests\n",
        f"Each endpoint called {LATENCY_SAMPLES} times after one warm-up call, in-process over moto (n={LATENCY_SIZE} "
        "for list endpoints, else n=1); requests that use up what they act on get a fresh setup per call. "
        "Request units are estimated from the items read and written (base table only; index updates add about "
        "one WRU per indexed item written). Lambda is billed at the p50 rounded up to the millisecond and the "
        "function's memory from `infra/function_settings.py`. On Lambda every DynamoDB call adds a network round "
        "trip (a few ms) that moto does not have, and the CPU share depends on the memory size: read the latencies "
        "as relative. Conversely moto is much slower than DynamoDB at building large answers: `POST /recommend` "
        "reads up to 50 whole films a sample, and a profile of that row puts ~90 % of its time in moto, most of it "
        "serializing them.\n",
        f"Prices in USD ({PRICES.as_of}): Lambda arm64 ${PRICES.lambda_arm_gb_second:.10f} per GB-s and "
        f"${PRICES.lambda_per_million:.2f} per million requests; API Gateway HTTP API "
        f"${PRICES.http_api_per_million:.2f} per million; DynamoDB on-demand "
        f"${PRICES.dynamodb_rru_per_million} per million RRU and "
        f"${PRICES.dynamodb_wru_per_million} per million WRU (US East; eu-central-1 is a little dearer).\n",
        "| endpoint | function (MB) | p50 ms | p99 ms | statuses | RRU | WRU "
        "| Lambda $ | API $ | DynamoDB $ | $ / million |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in CASES:
        latency, usage = measure_latency(case), usage_at[case.endpoint]
        function = function_of(case.endpoint)
        costs = cost_per_million(function, latency, usage)
        lines.append(
            f"| {case.endpoint} | {function} ({settings_for(function)[0].memory_mb}) | {latency.p50_ms:.1f} | "
            f"{latency.p99_ms:.1f} | {_status_mix(latency.statuses)} | {usage.read_units:g} | {usage.write_units:g} | "
            + " | ".join(f"{cost:.2f}" for cost in costs)
            + f" | **{sum(costs):.2f}** |"
        )
        print(lines[-1], flush=True)

    import_lines, over_import_limit = import_section()
    lines += ["", *import_lines]

    lines += ["\n## Lambda layers, unzipped\n", *layer_sizes()]
    lines.append(f"\n`make bench` took {time.perf_counter() - started:.0f} s.")
    print(*lines[-(len(layer_sizes()) + 2) :], sep="\n")
    if write:
        page = ROOT / "docs" / "benchmarks.md"
        # `make bench-scale` records its own section: keep it.
        kept = page.read_text(encoding="utf-8").partition(SCALE_START)
        scale = f"\n{SCALE_START}{kept[2]}" if kept[1] else ""
        page.write_text("\n".join(lines) + "\n" + scale, encoding="utf-8")
    if over_budget:
        print("OVER BUDGET:", *over_budget, sep="\n  ")
    if over_import_limit:
        print("FAIL, cold import over the limit:", *over_import_limit, sep="\n  ")
    return 1 if over_budget or over_import_limit else 0


def run_imports(write: bool) -> int:
    """Only the cold import section (a minute instead of the whole bench's nine); ``write`` replaces it in the doc."""
    lines, over = import_section()
    if write:
        path = ROOT / "docs" / "benchmarks.md"
        text = path.read_text(encoding="utf-8")
        start = text.index("## Cold import time")
        end = text.index("\n## ", start)
        path.write_text(text[:start] + "\n".join(lines) + "\n" + text[end:], encoding="utf-8")
    if over:
        print("FAIL, cold import over the limit:", *over, sep="\n  ")
        return 1
    print(f"ok: every API function imports within {IMPORT_RATIO_LIMIT}× a bare import boto3")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--imports", action="store_true", help="measure only the cold imports (about a minute)")
    arguments = parser.parse_args()
    sys.exit(run_imports(arguments.write) if arguments.imports else run(arguments.write))


if __name__ == "__main__":
    main()
