"""Data written through the API survives Ctrl-C and a new `make run` on the same data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.e2e import catalog_film_ids, register, wait_for_rating
from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_restart_keeps_users_lists_and_items(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = LocalStackProcess(data_dir=data_dir).start()
    try:
        credentials = {"email": "persist@example.com", "password": "persistent password"}
        assert first.request("POST", "/api/v1/auth/register", json_body={**credentials, "username": "p"}).status == 201
        token = first.request("POST", "/api/v1/auth/login", json_body=credentials).json["token"]
        mix = first.request("GET", "/api/v1/mix").json[0]
        film_id = first.request("GET", f"/api/v1/mix/{mix['id']}/items").json[0]["id"]
        watchlist = first.request("POST", "/api/v1/me/watchlists", json_body={"title": "Сохрани"}, token=token).json
        path = f"/api/v1/me/watchlists/{watchlist['id']}/items/add"
        assert first.request("PUT", path, json_body={"film_id": film_id}, token=token).status == 204
    finally:
        first.stop()
    assert "saved" in first.log()

    second = LocalStackProcess(data_dir=data_dir).start()
    try:
        assert "seed already present" in second.log()
        login = second.request("POST", "/api/v1/auth/login", json_body=credentials)
        assert login.status == 201
        token = login.json["token"]
        items = second.request("GET", f"/api/v1/me/watchlists/{watchlist['id']}/items", token=token)
        assert [film["id"] for film in items.json] == [film_id]
    finally:
        second.stop()


def test_a_restart_neither_loses_nor_recounts_ratings(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = LocalStackProcess(data_dir=data_dir).start()
    try:
        film_id = catalog_film_ids(first)[0]
        for score in (2, 4):
            rated = first.request("PUT", f"/api/v1/films/{film_id}/rating", json_body={"score": score},
                                  token=register(first, f"r{score}"))  # fmt: skip
            assert rated.status == 200
        # Stopped at once: the stack folds what the stream still holds before its last save.
    finally:
        first.stop()

    second = LocalStackProcess(data_dir=data_dir).start()
    try:
        assert second.request("GET", f"/api/v1/films/{film_id}").json["rating"] == {"average": 3.0, "count": 2}
        third = second.request("PUT", f"/api/v1/films/{film_id}/rating", json_body={"score": 0.5},
                               token=register(second, "r3"))  # fmt: skip
        assert third.status == 200
        assert wait_for_rating(second, film_id, 3)["rating"] == {"average": 2.17, "count": 3}
    finally:
        second.stop()
