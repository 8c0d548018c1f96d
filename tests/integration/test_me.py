"""GET /me over moto: the caller's User without password data, and a 401 for every bad token."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest

from filmhub.settings import get_settings
from filmhub.table.models import UserItem
from filmhub.wiring import telegram_login_service, token_service
from local.moto_patches import dump_table
from tests.support.api import ApiClient
from tests.support.fixtures import register_user

pytestmark = pytest.mark.usefixtures("aws")


def forged(claims: dict, algorithm: str = "HS256", secret: str | None = None) -> str:
    key = secret or get_settings().secret("jwt_secret")
    return jwt.encode(claims, key, algorithm=algorithm)


def b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_me_is_the_callers_user_without_password_data(api: ApiClient) -> None:
    registered = api.post(
        "/auth/register", json_body={"email": "Me@Example.com", "password": "correct horse", "username": "Я"}
    )
    token = api.post("/auth/login", json_body={"email": "me@example.com", "password": "correct horse"}).json["token"]
    response = api.get("/me", token=token)
    assert response.status == 200
    assert response.json == registered.json
    assert response.json == {
        "id": registered.json["id"],
        "username": "Я",
        "email": "me@example.com",
        "telegram_id": None,
        "role": "user",
    }
    assert b"argon2" not in response.body
    assert b"password" not in response.body


def test_me_of_a_telegram_user(api: ApiClient) -> None:
    key = api.post("/auth/telegram/get_auth_key").json["auth_key"]
    user_id = telegram_login_service().confirm_auth_key(key, 5_000_001, "tg_viewer")
    token = api.post("/auth/telegram/login", json_body={"tg_code": key}).json["token"]
    assert api.get("/me", token=token).json == {
        "id": user_id,
        "username": "tg_viewer",
        "email": None,
        "telegram_id": 5_000_001,
        "role": "user",
    }


def test_no_token_is_401(api: ApiClient) -> None:
    response = api.get("/me")
    assert response.status == 401
    assert response.json == {"status_code": 401, "detail": "Not authenticated"}


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc", "bearer"])
def test_malformed_authorization_header_is_401(api: ApiClient, header: str) -> None:
    response = api.get("/me", headers={"authorization": header})
    assert response.status == 401
    assert response.json["status_code"] == 401


def test_every_defective_token_is_401(api: ApiClient) -> None:
    user_id, good = register_user(api)
    now = int(time.time())
    claims = {"sub": user_id, "iat": now, "exp": now + 3600}
    defective = {
        "bad signature": forged(claims, secret="another-secret-that-is-long-enough-0123456789"),
        "alg none": f"{b64url({'alg': 'none', 'typ': 'JWT'})}.{b64url(claims)}.",
        "alg none, pyjwt": jwt.encode(claims, None, algorithm="none"),
        "HS512": forged(claims, algorithm="HS512", secret=get_settings().secret("jwt_secret") * 2),
        "expired": forged({**claims, "iat": now - 7200, "exp": now - 1}),
        "no exp": forged({"sub": user_id, "iat": now}),
        "non-uuid sub": forged({**claims, "sub": "admin"}),
        "malformed": "not.a.jwt",
        "truncated": good[:-5],
        "payload swapped": ".".join([good.split(".")[0], b64url({**claims, "exp": now + 10**6}), good.split(".")[2]]),
    }
    assert api.get("/me", token=good).status == 200
    for name, token in defective.items():
        response = api.get("/me", token=token)
        assert response.status == 401, name
        assert set(response.json) == {"status_code", "detail"}, name


def test_a_valid_token_of_a_user_who_no_longer_exists_is_401(api: ApiClient) -> None:
    user_id, token = register_user(api)
    UserItem(*UserItem.key(user_id)).delete()
    response = api.get("/me", token=token)
    assert response.status == 401
    assert response.json == {"status_code": 401, "detail": "User no longer exists"}
    never_existed = token_service().issue(str(uuid.uuid4()))
    assert api.get("/me", token=never_existed).status == 401


def test_a_deleted_users_token_writes_nothing_anywhere(api: ApiClient) -> None:
    """Every route that writes for the caller checks the caller exists, inside the write (no extra round trip)."""
    user_id, token = register_user(api)
    film_id = api.post("/films", json_body={"title": "Свой", "description": "x"}, token=token).json["id"]
    UserItem(*UserItem.key(user_id)).delete()
    before = dump_table(get_settings().aws_region, get_settings().table_name)
    writes = {
        "create a list": api.post("/me/watchlists", json_body={"title": "Призрак"}, token=token),
        "create a film": api.post("/films", json_body={"title": "Призрак", "description": "x"}, token=token),
        "edit own film": api.put(f"/films/{film_id}", json_body={"title": "Призрак", "description": "x"}, token=token),
        **{
            f"add to {kind}": api.put(f"/me/watchlists/{kind}/items/add", json_body={"film_id": film_id}, token=token)
            for kind in ("liked", "wish", "watched")
        },
        "hide": api.post(f"/recommend/{film_id}/hide", token=token),
        "unhide": api.delete(f"/recommend/{film_id}/hide", token=token),
        "recommend": api.post("/recommend", token=token),
    }
    # Each was 201 or 204 before, writing items under a user that does not exist.
    assert {name: response.status for name, response in writes.items()} == dict.fromkeys(writes, 401)
    assert all(response.json["detail"] == "User no longer exists" for response in writes.values())
    assert dump_table(get_settings().aws_region, get_settings().table_name) == before


def test_openapi_documents_me(api: ApiClient) -> None:
    operation = api.get("/api/schema/openapi.json").json["paths"]["/me"]["get"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UserOut"
    }
    assert "401" in operation["responses"]
