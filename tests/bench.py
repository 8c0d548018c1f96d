"""``make bench``: DynamoDB calls per request for every endpoint, and each function's cold import time.

Calls are counted at the botocore level over moto with the catalog cache disabled (worst case),
at list sizes 1, 10 and 100.  Import times come from ``python -X importtime`` in a fresh process
(run once before to write the .pyc files), beside a bare ``import boto3`` measured the same way.
Run ``python -m tests.bench --write`` to refresh docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tests.conftest  # noqa: F401 - the test environment, before filmhub is imported
from filmhub.routes import FUNCTIONS
from filmhub.seed.catalog import GENRES
from filmhub.wiring import account_service
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import DynamoCallCounter, mocked_aws
from tests.support.fixtures import make_films, make_mix, new_user_token, register_user
from tests.support.media import TINY_JPEG, multipart_form

ROOT = Path(__file__).resolve().parent.parent
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
    _watchlist_case("DELETE", "/me/watchlists/{list_id}/items/{film_id}"),
    _watchlist_case("DELETE", "/me/watchlists/wish/items/{film_id}"),
    # The cascade deletes entries in batches of 25: its calls grow with the list, by design.
    _watchlist_case("DELETE", "/me/watchlists/{list_id}", budget=4 + 100 // 25),
]

BENCH_ACCOUNT = {"email": "bench@example.com", "password": "correct horse"}


def _post(path: str, body: dict[str, str] | None = None) -> Request:
    return lambda api: api.post(path, json_body=body)


def _registered(request: Request) -> Setup:
    """``request`` measured once the BENCH_ACCOUNT user exists."""

    def setup(_size: int) -> Request:
        ApiClient().post("/auth/register", json_body={**BENCH_ACCOUNT, "username": "bench"})
        return request

    return setup


def _me(_size: int) -> Request:
    _, token = register_user(ApiClient())
    return lambda api: api.get("/me", token=token)


def _with_auth_key(path: str, confirmed: bool = False) -> Setup:
    """A request about a fresh Telegram login key (confirmed as the bot would, if asked)."""

    def setup(_size: int) -> Request:
        key = ApiClient().post("/auth/telegram/get_auth_key").json["auth_key"]
        if confirmed:
            account_service().confirm_auth_key(key, 1, "bench")
        return _post(path, {"tg_code": key})

    return setup


AUTH_CASES = [
    BenchCase("POST /auth/register", _fixed(_post("/auth/register", {**BENCH_ACCOUNT, "username": "b"})), sized=False),
    BenchCase("POST /auth/login", _registered(_post("/auth/login", BENCH_ACCOUNT)), sized=False),
    BenchCase(
        "POST /auth/login (wrong password)",
        _registered(_post("/auth/login", {**BENCH_ACCOUNT, "password": "wrong password"})),
        sized=False,
    ),
    BenchCase("GET /me", _me, sized=False),
    BenchCase("POST /auth/telegram/get_auth_key", _fixed(_post("/auth/telegram/get_auth_key")), sized=False),
    BenchCase("POST /auth/telegram/check_auth_key", _with_auth_key("/auth/telegram/check_auth_key"), sized=False),
    BenchCase("POST /auth/telegram/login", _with_auth_key("/auth/telegram/login", confirmed=True), sized=False),
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


def _create_film(api: ApiClient) -> ApiResponse:
    return api.post("/films", json_body=FILM_BODY, token=new_user_token())


FILM_CASES = [
    BenchCase("POST /films", _fixed(_create_film), sized=False),
    BenchCase("GET /films/{id}", _get_film, sized=False),
    _film_case("PUT", "/films/{film_id}", FILM_BODY),
    BenchCase("PUT /films/{id}/poster", _poster_upload, sized=False),
    _film_case("DELETE", "/films/{film_id}/poster"),
    _film_case("POST", "/films/{film_id}/poster/upload-url", {"content_type": "image/png"}),
    BenchCase("POST /films/{id}/poster/confirm", _poster_confirm, sized=False),
    # Provider calls (none without keys) are HTTP, counted apart; imports of new provider films add one
    # conditional write each, once per film ever.
    BenchCase("GET /films/search?title", _film_search("title")),
    BenchCase("GET /films/search?description (keywords)", _film_search("description")),
]


def _recommend(size: int) -> Request:
    """A user whose wish list holds ``size`` films, all recommended already: the catalog must answer."""
    api, _, film_ids = _user_with_lists(size)
    for _ in film_ids:
        api.post("/recommend")
    api.post("/recommend")  # the catalog cache is warm in a running container; this fills it
    return lambda _bench_api: api.post("/recommend", query={"moods_ids": _a_mood(api)})


def _admin_case(method: str, path: str, body: dict[str, Any] | None = None, **options: Any) -> BenchCase:
    """A mix-curation request by an admin, on a mix of ``size`` films."""

    def setup(size: int) -> Request:
        from filmhub.data.models import UserItem

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
    # With a warm catalog cache, as in a running container: history, two samples, the film, the record.
    BenchCase("POST /recommend", _recommend, budget=5),
    _admin_case("POST", "/mix", {"title": "Новый микс"}, sized=False),
    _admin_case("PUT", "/mix/{mix_id}/items/add", {"film_id": "x"}),
    _admin_case("DELETE", "/mix/{mix_id}/items/{first_film}"),
    _admin_case("PUT", "/mix/{mix_id}/items/order", {"film_ids": "order"}, budget=3 + 100 // 99),
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
    *AUTH_CASES,
    *FILM_CASES,
    *OTHER_CASES,
]


def _a_mood(api: ApiClient) -> str:
    from filmhub.seed.catalog import MOODS

    return MOODS[0].id


def measure_calls(case: BenchCase, size: int) -> tuple[int, int]:
    with mocked_aws():
        from filmhub.seed.seeder import seed_catalog

        seed_catalog()
        request = case.setup(size)
        api = ApiClient()
        with DynamoCallCounter().counting() as counter:
            response = request(api)
        return counter.total, response.status


def import_time_ms(module: str) -> float:
    """Median cumulative import time of ``module`` (and its parent packages) in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("layers", "functions", "."))}
    command = [sys.executable, "-X", "importtime", "-c", f"import {module}"]
    subprocess.run(command, env=env, capture_output=True, check=True)  # writes the .pyc files first
    parts = module.split(".")
    targets = {".".join(parts[: i + 1]) for i in range(len(parts))}
    samples = []
    for _ in range(3):
        stderr = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stderr
        # Unindented lines are imported by the statement itself; nested ones are already in their cumulative.
        found = re.findall(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", stderr, flags=re.MULTILINE)
        samples.append(sum(int(us) for us, name in found if name in targets) / 1000)
    return statistics.median(samples)


def run(write: bool) -> int:
    lines = [f"# Benchmarks\n\nProduced by `make bench` on {datetime.now(UTC):%Y-%m-%d} ({sys.version.split()[0]}).\n"]
    lines.append("## DynamoDB calls per request (moto, catalog cache off)\n")
    lines.append("| endpoint | " + " | ".join(f"n={size}" for size in SIZES) + " | budget |")
    lines.append("|---|" + "---|" * (len(SIZES) + 1))
    over_budget = []
    for case in CASES:
        sizes = SIZES if case.sized else SIZES[:1]
        cells = []
        for size in sizes:
            calls, status = measure_calls(case, size)
            cells.append(f"{calls} ({status})")
            if calls > case.budget:
                over_budget.append(f"{case.endpoint} n={size}: {calls}")
        cells += ["="] * (len(SIZES) - len(sizes))
        lines.append(f"| {case.endpoint} | " + " | ".join(cells) + f" | ≤ {case.budget} |")
        print(lines[-1], flush=True)

    lines.append("\n## Cold import time per function (`python -X importtime`, .pyc present, median of 3)\n")
    lines.append("| module | ms |")
    lines.append("|---|---|")
    started = time.perf_counter()
    for module, label in [("boto3", "bare `import boto3`")] + [
        (spec.module, f"`{spec.module}` ({name})") for name, spec in sorted(FUNCTIONS.items())
    ]:
        lines.append(f"| {label} | {import_time_ms(module):.0f} |")
        print(lines[-1], flush=True)
    print(f"(import timing took {time.perf_counter() - started:.0f} s)")
    if write:
        (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if over_budget:
        print("OVER BUDGET:", *over_budget, sep="\n  ")
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    sys.exit(run(parser.parse_args().write))


if __name__ == "__main__":
    main()
