"""Stable identifiers: UUIDv5 of a name, so every environment and re-seed agrees on them."""

from __future__ import annotations

import uuid

FILMHUB_NAMESPACE = uuid.UUID("5f0c2b8e-6a4e-4c51-9d0f-3f3f8f1d2a10")


def stable_id(kind: str, name: str) -> str:
    return str(uuid.uuid5(FILMHUB_NAMESPACE, f"{kind}:{name}"))


def genre_id(name: str) -> str:
    return stable_id("genre", name)


def mood_id(name: str) -> str:
    return stable_id("mood", name)


def builtin_list_id(user_id: str, list_type: str) -> str:
    """The id of a user's liked / wish / watched list: derivable, so no lookup is needed."""
    return stable_id(f"list:{list_type}", user_id)


def imported_film_id(provider: str, film_type: str, external_id: int) -> str:
    return stable_id(f"film:{provider}:{film_type}", str(external_id))


def new_id() -> str:
    return str(uuid.uuid4())
