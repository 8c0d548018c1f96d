"""What the end-to-end tests share: the stack's webhook secret and the calls their scenarios start with."""

from __future__ import annotations

import time
import uuid

from tests.support.local_stack import LocalStackProcess

#: The Telegram webhook secret the e2e stack's bot is configured with.
WEBHOOK_SECRET = "e2e_webhook_secret-0123456789"
#: How long a rating may take to reach its film through the stream poller before a test gives up.
STREAM_WAIT_SECONDS = 20


def register(stack: LocalStackProcess, name: str = "киноман") -> str:
    """A token the way clients get one: register, then log in."""
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    body = {"email": email, "password": "long enough password", "username": name}
    registered = stack.request("POST", "/api/v1/auth/register", json_body=body)
    assert registered.status == 201, registered.body
    login = stack.request("POST", "/api/v1/auth/login", json_body={"email": email, "password": body["password"]})
    assert login.status == 201, login.body
    return login.json["token"]


def catalog_film_ids(stack: LocalStackProcess) -> list[str]:
    """The ids of the seeded films, through the mixes that list them."""
    ids: list[str] = []
    for mix in stack.request("GET", "/api/v1/mix").json:
        ids += [film["id"] for film in stack.request("GET", f"/api/v1/mix/{mix['id']}/items").json]
    return list(dict.fromkeys(ids))


def wait_for_rating(stack: LocalStackProcess, film_id: str, count: int) -> dict:
    """The film once the stream aggregator has folded ``count`` ratings (eventually consistent by design)."""
    deadline = time.monotonic() + STREAM_WAIT_SECONDS
    while True:
        film = stack.request("GET", f"/api/v1/films/{film_id}").json
        if film["rating"]["count"] == count or time.monotonic() > deadline:
            return film
        time.sleep(0.2)
