"""Every route of the route table × {no token, garbage, bad signature, ``alg: none``, expired, another user,
no such user}.

Protected routes answer 401 to the first five; with a valid token of another user, every request that
reaches the victim's list, list items, film or poster is 403 and changes nothing: the whole table and
the poster bucket are compared before and after each refused request.  A validly signed token of a user
that does not exist (deleted, or a ``sub`` forged by whoever holds the key) writes nothing anywhere: 401 on
every route that writes for the caller, 403 where the victim's ownership refuses it first.  Public routes (the catalog
reads, the logins, shared lists) answer the same without a token and ignore one; routes with optional auth (film and
mix reads, search) answer anonymously without a token but 401 to a bad one, never as anonymous.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3
import jwt
import pytest

from filmhub import wiring
from filmhub.routes import API_PREFIX, ROUTES
from filmhub.seed.catalog import GENRES, MOODS
from filmhub.seed.seeder import seed_catalog
from filmhub.settings import get_settings
from filmhub.wiring import telegram_login_service
from local.moto_patches import dump_table
from tests.support.api import ApiClient, ApiResponse
from tests.support.aws import mocked_aws
from tests.support.fixtures import make_mix, register_user
from tests.support.media import TINY_JPEG, multipart_form

Access = Literal["public", "optional", "protected"]
TOKEN_KINDS = ("no token", "garbage", "bad signature", "alg: none", "expired", "another user", "no such user")
BAD_TOKEN_KINDS = TOKEN_KINDS[:5]
#: Neither the documentation nor the health probe nor the Telegram webhook (its own secret: test_bot) take tokens.
UNMATRIXED = {"docs", "health", "bot"}
PASSWORD = "correct horse"


@dataclass(frozen=True)
class World:
    victim_id: str
    victim_email: str
    ids: dict[str, str]
    tokens: dict[str, str | None]


Body = dict[str, Any] | Callable[[World], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    #: "METHOD /path" as in the route table, without the API prefix.
    route: str
    access: Access
    #: What a public route answers (token or not); what another user's valid token gets on a protected one.
    expected: tuple[int, ...]
    body: Body = None
    #: The path with the victim's ids when it differs from the route's own placeholders.
    path: str | None = None
    multipart: bool = False
    query: dict[str, str] = field(default_factory=dict)
    #: What a protected route answers a signed token of a user that does not exist.
    unknown_user: tuple[int, ...] = (401,)

    @property
    def id(self) -> str:
        return self.route + (f" [{self.path}]" if self.path else "")


def fresh_email(_: World) -> dict[str, Any]:
    return {"email": f"{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "username": "новичок"}


def pending_key(_: World) -> dict[str, Any]:
    return {"tg_code": telegram_login_service().new_auth_key()}


def confirmed_key(_: World) -> dict[str, Any]:
    key = telegram_login_service().new_auth_key()
    telegram_login_service().confirm_auth_key(key, 10_000 + int(uuid.uuid4().int % 1_000_000), "tg")
    return {"tg_code": key}


FILM = {"title": "Чужой фильм", "description": "Не ваш."}
FORBIDDEN = (403,)


def victim(route: str, body: Body = None, **options: Any) -> Row:
    """A protected route on the victim's data: another user, and a user that does not exist, get 403."""
    return Row(route, "protected", FORBIDDEN, body, unknown_user=FORBIDDEN, **options)


ROWS = [
    # --- public: the catalog reads and the logins work without a token and ignore one
    Row("GET /genres", "public", (200,)),
    Row("GET /genres/{genre_id}", "public", (200,)),
    Row("GET /moods", "public", (200,)),
    Row("GET /moods/{mood_id}", "public", (200,)),
    Row("GET /mix", "public", (200,)),
    Row("GET /mix/{mix_id}", "public", (200,)),
    Row("POST /auth/register", "public", (201,), fresh_email),
    Row("POST /auth/login", "public", (201,), lambda world: {"email": world.victim_email, "password": PASSWORD}),
    Row("POST /auth/telegram/get_auth_key", "public", (201,)),
    Row("POST /auth/telegram/check_auth_key", "public", (200,), pending_key),
    Row("POST /auth/telegram/login", "public", (201,), confirmed_key),
    # --- optional auth: anonymous without a token, 401 with a bad one, the caller's own flags with a good one
    Row("GET /mix/{mix_id}/items", "optional", (200,)),
    Row("GET /films/{film_id}", "optional", (200,)),
    Row("GET /films/search", "optional", (200,), query={"title": "чужой"}),
    # --- public for anyone with the link: a shared list as JSON and as a page; a token is ignored
    Row("GET /public/lists/{slug}", "public", (200,)),
    Row("GET /l/{slug}", "public", (200,)),
    Row("GET /films/{film_id}/reviews", "public", (200,)),
    # --- protected, on the caller's own data: another user's token just acts as that user
    Row("GET /me", "protected", (200,)),
    Row("GET /me/watchlists", "protected", (200,), unknown_user=(200,)),  # a read: nobody's lists
    Row("POST /me/watchlists", "protected", (201,), {"title": "Свой"}),
    Row("POST /films", "protected", (201,), FILM),
    Row("POST /recommend", "protected", (201, 404), unknown_user=(401, 404)),
    Row("POST /recommend/{film_id}/hide", "protected", (204,)),
    Row("DELETE /recommend/{film_id}/hide", "protected", (204,)),
    # (on a film of their own choosing, so that the victim's rated and reviewed film stays unrated by them)
    Row("PUT /films/{film_id}/rating", "protected", (200,), {"score": 1.5}, path="/films/{other_film_id}/rating"),
    Row("PUT /films/{film_id}/review", "protected", (200,), {"text": "Мнение"}, path="/films/{other_film_id}/review"),
    Row("POST /me/diary", "protected", (201,), lambda world: {"film_id": world.ids["other_film_id"]}),
    Row("GET /me/diary", "protected", (200,), unknown_user=(200,)),  # a read: nobody's diary
    Row("GET /me/stats", "protected", (200,), unknown_user=(200,)),
    # --- protected, on the victim's rating, review and diary: another user's token reaches only its own (none)
    Row("DELETE /films/{film_id}/rating", "protected", (404,), unknown_user=(404,)),  # nothing of theirs to change
    Row("DELETE /films/{film_id}/review", "protected", (404,), unknown_user=(404,)),
    Row("PATCH /me/diary/{entry_id}", "protected", (404,), {"note": "Взлом"}, unknown_user=(404,)),
    Row("DELETE /me/diary/{entry_id}", "protected", (404,), unknown_user=(404,)),
    # --- protected, on the victim's list (custom, then built-in by id), its items, its film and poster
    victim("GET /me/watchlists/{list_id}"),
    victim("GET /me/watchlists/{list_id}", path="/me/watchlists/{liked_id}"),
    victim("PATCH /me/watchlists/{list_id}", {"title": "Взлом"}),
    victim("PATCH /me/watchlists/{list_id}", {"title": "Взлом"}, path="/me/watchlists/{liked_id}"),
    victim("DELETE /me/watchlists/{list_id}"),
    victim("GET /me/watchlists/{list_id}/items"),
    victim("GET /me/watchlists/{list_id}/items", path="/me/watchlists/{liked_id}/items"),
    victim(
        "PUT /me/watchlists/{list_id}/items/add",
        lambda world: {"film_id": world.ids["film_id"]},
    ),
    victim("DELETE /me/watchlists/{list_id}/items/{film_id}"),
    victim(
        "DELETE /me/watchlists/{list_id}/items/{film_id}",
        path="/me/watchlists/{liked_id}/items/{film_id}",
    ),
    victim("PUT /me/watchlists/{list_id}/items/order", lambda world: {"film_ids": [world.ids["film_id"]]}),
    victim("PUT /me/watchlists/{list_id}/items/{film_id}/note", {"text": "Взлом"}),
    victim("DELETE /me/watchlists/{list_id}/items/{film_id}/note"),
    victim("POST /me/watchlists/{list_id}/share"),
    victim("POST /me/watchlists/{list_id}/share", path="/me/watchlists/{liked_id}/share"),
    victim("DELETE /me/watchlists/{list_id}/share"),
    victim("DELETE /me/watchlists/{list_id}/share", path="/me/watchlists/{liked_id}/share"),
    victim("PUT /films/{film_id}", FILM),
    victim("PUT /films/{film_id}/poster", multipart=True),
    victim("DELETE /films/{film_id}/poster"),
    victim("POST /films/{film_id}/poster/upload-url", {"content_type": "image/png"}),
    victim(
        "POST /films/{film_id}/poster/confirm",
        lambda world: {"key": f"uploads/{world.ids['film_id']}/{uuid.uuid4()}.jpg"},
    ),
    # --- protected, admins only: a user's token is 403
    Row("POST /mix", "protected", FORBIDDEN, {"title": "Чужой микс"}),
    Row("PUT /mix/{mix_id}", "protected", FORBIDDEN, {"title": "Чужой микс"}),
    Row("DELETE /mix/{mix_id}", "protected", FORBIDDEN),
    Row("PUT /mix/{mix_id}/items/add", "protected", FORBIDDEN, lambda world: {"film_id": world.ids["film_id"]}),
    Row("DELETE /mix/{mix_id}/items/{film_id}", "protected", FORBIDDEN),
    Row("PUT /mix/{mix_id}/items/order", "protected", FORBIDDEN, lambda world: {"film_ids": [world.ids["film_id"]]}),
    # --- imports and exports: the caller's own jobs; another user's job is as unknown as a missing one
    Row("POST /me/imports", "protected", (201,), {"format": "letterboxd", "filename": "diary.csv"}),
    Row("GET /me/imports", "protected", (200,), unknown_user=(200,)),  # a read: nobody's jobs
    Row("GET /me/imports/{import_id}", "protected", (404,), unknown_user=(404,)),
    Row("POST /me/exports", "protected", (201,)),
    Row("GET /me/exports", "protected", (200,), unknown_user=(200,)),
    Row("GET /me/exports/{export_id}", "protected", (404,), unknown_user=(404,)),
]


def b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged_tokens(user_id: str) -> dict[str, str | None]:
    """Tokens that claim to be ``user_id`` but must not get in."""
    now = int(time.time())
    claims = {"sub": user_id, "iat": now, "exp": now + 3600}
    secret = get_settings().secret("jwt_secret")
    return {
        "no token": None,
        "garbage": "garbage",
        "bad signature": jwt.encode(claims, "another-secret-that-is-long-enough-0123456789", algorithm="HS256"),
        "no such user": jwt.encode({**claims, "sub": str(uuid.uuid4())}, secret, algorithm="HS256"),
        "alg: none": f"{b64url({'alg': 'none', 'typ': 'JWT'})}.{b64url(claims)}.",
        "expired": jwt.encode({**claims, "iat": now - 7200, "exp": now - 60}, secret, algorithm="HS256"),
    }


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """A victim with a film (with a poster) in a custom list and liked, a mix of it, and a stranger."""
    with mocked_aws():
        seed_catalog()
        victim = ApiClient()
        victim_id, victim.token = register_user(victim, "жертва")
        victim_email = victim.get("/me").json["email"]
        film_id = victim.post("/films", json_body=FILM).json["id"]
        body, content_type = multipart_form(TINY_JPEG)
        assert victim.put(f"/films/{film_id}/poster", body=body, content_type=content_type).status == 204
        list_id = victim.post("/me/watchlists", json_body={"title": "Моё"}).json["id"]
        for path in (f"/me/watchlists/{list_id}", "/me/watchlists/liked"):
            assert victim.put(f"{path}/items/add", json_body={"film_id": film_id}).status == 204
        assert victim.put(f"/me/watchlists/{list_id}/items/{film_id}/note", json_body={"text": "Моё"}).status == 204
        assert victim.post("/me/watchlists/liked/share").status == 201
        assert victim.put(f"/films/{film_id}/rating", json_body={"score": 5}).status == 200
        assert victim.put(f"/films/{film_id}/review", json_body={"text": "Мой отзыв"}).status == 200
        entry_id = victim.post("/me/diary", json_body={"film_id": film_id, "watched_on": "2024-01-01"}).json["id"]
        ids = {
            "entry_id": entry_id,
            "other_film_id": victim.post("/films", json_body=FILM).json["id"],
            "film_id": film_id,
            "list_id": list_id,
            "liked_id": victim.get("/me/watchlists/liked").json["id"],
            "slug": victim.post(f"/me/watchlists/{list_id}/share").json["slug"],
            "mix_id": make_mix([film_id]),
            "genre_id": GENRES[0].id,
            "mood_id": MOODS[0].id,
            "import_id": victim.post("/me/imports", json_body={"format": "imdb", "filename": "r.csv"}).json[
                "import_id"
            ],
            "export_id": victim.post("/me/exports").json["export_id"],
        }
        _, stranger = register_user(ApiClient(), "чужой")
        yield World(victim_id, victim_email, ids, {**forged_tokens(victim_id), "another user": stranger})


def stored_state() -> tuple[list[str], list[str]]:
    """Every item of the table (read from moto directly: a Scan, only faster) and every poster object."""
    settings = get_settings()
    items = sorted(json.dumps(item, sort_keys=True) for item in dump_table(settings.aws_region, settings.table_name))
    listing = boto3.client("s3", region_name=settings.aws_region).list_objects_v2(Bucket=settings.posters_bucket)
    return items, sorted(entry["Key"] for entry in listing.get("Contents", []))


def send(world: World, row: Row, token: str | None) -> ApiResponse:
    method, route_path = row.route.split(" ", 1)
    path = (row.path or route_path).format(**world.ids)
    body = row.body(world) if callable(row.body) else row.body
    api = ApiClient()
    if row.multipart:
        data, content_type = multipart_form(TINY_JPEG)
        return api.request(method, path, body=data, content_type=content_type, token=token)
    return api.request(method, path, json_body=body, query=row.query or None, token=token)


def expected_row(row: Row) -> dict[str, tuple[int, ...]]:
    if row.access == "public":
        return dict.fromkeys(TOKEN_KINDS, row.expected)
    anonymous = (200,) if row.access == "optional" else (401,)
    return {
        "no token": anonymous,
        **dict.fromkeys(BAD_TOKEN_KINDS[1:], (401,)),
        "another user": row.expected,
        # Reads as nobody where a token is optional; refused where a write would be made for nobody.
        "no such user": (200,) if row.access == "optional" else row.unknown_user,
    }


def test_the_matrix_covers_every_route() -> None:
    served = {route.route_key.replace(API_PREFIX, "", 1) for route in ROUTES if route.function not in UNMATRIXED}
    assert {row.route for row in ROWS} == served


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_route_answers_each_kind_of_token(world: World, row: Row) -> None:
    expected = expected_row(row)
    answered: dict[str, int] = {}
    for kind in TOKEN_KINDS:
        refused = min(expected[kind]) >= 400
        before = stored_state() if refused else None
        response = send(world, row, world.tokens[kind])
        answered[kind] = response.status
        if response.status in (401, 403, 404):
            assert response.json["status_code"] == response.status
        if before is not None:
            assert stored_state() == before, f"{kind}: a refused request changed the table or the bucket"
    assert {kind: status for kind, status in answered.items() if status not in expected[kind]} == {}, answered


def test_another_users_reads_never_show_the_victims_flags_or_lists(world: World) -> None:
    stranger = ApiClient(token=world.tokens["another user"])
    film = stranger.get(f"/films/{world.ids['film_id']}").json
    assert (film["is_liked"], film["is_wish"], film["is_watched"], film["my_rating"]) == (False, False, False, None)
    mix_films = stranger.get(f"/mix/{world.ids['mix_id']}/items").json
    assert [(f["id"], f["is_liked"]) for f in mix_films] == [(world.ids["film_id"], False)]  # the victim likes it
    assert world.ids["list_id"] not in {w["id"] for w in stranger.get("/me/watchlists").json}
    assert stranger.get("/me/watchlists/liked").json["id"] != world.ids["liked_id"]
    assert stranger.get("/me").json["id"] != world.victim_id
    shared = stranger.get(f"/public/lists/{world.ids['slug']}").json
    assert all(not {"is_liked", "is_wish", "is_watched", "owner_id"} & film.keys() for film in shared["films"])
    assert world.victim_id not in json.dumps(shared)
    assert world.ids["list_id"] not in json.dumps(shared)


def test_the_film_write_limit_holds_each_user_alone(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Film creations and edits are limited per user: one user's 429 changes nothing and costs nobody else."""
    settings = get_settings().model_copy(update={"rate_limit_film_writes": 2})
    monkeypatch.setattr(wiring, "get_settings", lambda: settings)
    wiring.reset()
    try:
        busy, calm = (ApiClient(token=register_user(ApiClient(), name)[1]) for name in ("быстрый", "спокойный"))
        film_id = busy.post("/films", json_body=FILM).json["id"]
        assert busy.put(f"/films/{film_id}", json_body=FILM).status == 200
        before = stored_state()
        for refused in (busy.post("/films", json_body=FILM), busy.put(f"/films/{film_id}", json_body=FILM)):
            assert refused.status == 429
            assert int(refused.headers["retry-after"]) >= 1
        assert stored_state() == before
        assert calm.post("/films", json_body=FILM).status == 201
        assert ApiClient(token=world.tokens["no such user"]).post("/films", json_body=FILM).status == 401
    finally:
        monkeypatch.undo()
        wiring.reset()
