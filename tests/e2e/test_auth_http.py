"""Accounts over real HTTP: register → login → /me, the error rows, and Telegram key polling."""

from __future__ import annotations

import uuid

import pytest

from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_register_login_me(stack: LocalStackProcess) -> None:
    email = f"Viewer-{uuid.uuid4().hex[:6]}@Example.com"
    body = {"email": f"  {email} ", "password": "a long password", "username": "Зритель"}
    created = stack.request("POST", "/api/v1/auth/register", json_body=body)
    assert created.status == 201
    assert created.json["email"] == email.lower()
    assert b"password" not in created.body
    again = stack.request("POST", "/api/v1/auth/register", json_body={**body, "email": email.upper()})
    assert again.json == {"status_code": 409, "detail": "User with this email already exists"}

    login = stack.request("POST", "/api/v1/auth/login", json_body={"email": email, "password": "a long password"})
    assert login.status == 201
    assert set(login.json) >= {"id", "username", "email", "telegram_id", "token"}
    me = stack.request("GET", "/api/v1/me", token=login.json["token"])
    assert me.json["id"] == created.json["id"]
    assert b"hash" not in me.body

    wrong = stack.request("POST", "/api/v1/auth/login", json_body={"email": email, "password": "not it at all"})
    unknown = stack.request("POST", "/api/v1/auth/login", json_body={"email": "no@one.example", "password": "x" * 9})
    assert wrong.status == unknown.status == 401
    assert wrong.json == unknown.json  # no account enumeration
    assert stack.request("GET", "/api/v1/me", token=login.json["token"] + "x").status == 401


def test_telegram_key_polling(stack: LocalStackProcess) -> None:
    key = stack.request("POST", "/api/v1/auth/telegram/get_auth_key").json["auth_key"]
    assert len(key) >= 22
    pending = stack.request("POST", "/api/v1/auth/telegram/check_auth_key", json_body={"tg_code": key})
    assert pending.status == 200
    assert pending.json == {"is_confirmed": False}
    unknown = stack.request("POST", "/api/v1/auth/telegram/check_auth_key", json_body={"tg_code": "nope"})
    assert unknown.status == 400
    assert unknown.json == {"error": "incorrect_auth_key"}
    early = stack.request("POST", "/api/v1/auth/telegram/login", json_body={"tg_code": key})
    assert early.json == {"status_code": 401, "detail": "Invalid or inactive authentication token"}
