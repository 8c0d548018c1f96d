"""Test data builders shared by the integration tests and the benchmarks."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from filmhub.accounts.dynamo import DynamoAccountRepository
from filmhub.accounts.ports import NewAccount
from filmhub.core.entities import Film, User
from filmhub.films.dynamo import bulk_put_films
from filmhub.seed.catalog import GENRES
from filmhub.table.models import HEADER_FIRST_ASCENDING, MixEntry, MixItem, TableItem
from filmhub.wiring import token_service
from tests.support.api import ApiClient


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def make_films(count: int, title_prefix: str = "Тестовый фильм") -> list[Film]:
    films = [
        Film(
            id=str(uuid.uuid4()),
            title=f"{title_prefix} {number}",
            description=f"Описание фильма номер {number}.",
            country="Россия",
            release_year=1950 + number % 70,
            genres=(GENRES[number % len(GENRES)],),
            film_type="tv" if number % 5 == 0 else "movie",
        )
        for number in range(count)
    ]
    bulk_put_films([(film, None) for film in films], now_iso())
    return films


def make_mix(film_ids: list[str], title: str = "Микс #99: Тестовый", position: int = 99) -> str:
    mix_id = str(uuid.uuid4())
    with TableItem.batch_write() as batch:
        header = MixItem(*MixItem.key(mix_id), id=mix_id, title=title, position=position,
                         color1="#000000", color2="#111111", color3="#222222")  # fmt: skip
        header.GSI1PK, header.GSI1SK = MixItem.index_key(position, mix_id)
        header.LSI1SK = HEADER_FIRST_ASCENDING
        batch.save(header)
        for order, film_id in enumerate(film_ids):
            entry = MixEntry(*MixEntry.key(mix_id, film_id), film_id=film_id, position=order)
            entry.LSI1SK = MixEntry.order_key(order, film_id)
            batch.save(entry)
    return mix_id


def new_user_token(user_id: str | None = None) -> str:
    """A token of a user that exists (with its built-in lists, no password: no hash to pay for)."""
    user = User(id=user_id or str(uuid.uuid4()), username="зритель")
    DynamoAccountRepository().create_account(NewAccount(user, now_iso()), int(time.time()))  # a repeat is a no-op
    return token_service().issue(user.id)


def register_user(api: ApiClient, username: str = "зритель") -> tuple[str, str]:
    """Register through the API (as clients do) and log in; returns (user id, token)."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    created = api.post("/auth/register", json_body={"email": email, "password": "correct horse", "username": username})
    assert created.status == 201, created.json
    login = api.post("/auth/login", json_body={"email": email, "password": "correct horse"})
    assert login.status == 201, login.json
    return created.json["id"], login.json["token"]
