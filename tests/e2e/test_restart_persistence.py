"""Data written through the API survives Ctrl-C and a new `make run` on the same data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmhub.table.models import SAMPLING_SHARDS
from tests.support.e2e import catalog_film_ids, register, wait_for_rating
from tests.support.local_stack import LocalStackProcess

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

UPGRADE_TIMEOUT_SECONDS = 300


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


def test_a_data_folder_of_the_previous_index_upgrades_on_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = LocalStackProcess(data_dir=data_dir).start()
    first.stop()
    # Rewritten as index 3 left it: every film in the one sampling partition, no type heads, index 3 done.
    table_file = data_dir / "table.jsonl"
    items = [json.loads(line) for line in table_file.read_text(encoding="utf-8").splitlines()]
    old = [item for item in items if not item["PK"]["S"].startswith(("TYPE#", "MIGRATION"))]
    for item in old:
        if item["kind"]["S"] == "film":
            item["GSI5PK"] = {"S": "FILMS"}
    old.append({"PK": {"S": "MIGRATION"}, "SK": {"S": "film-index-3"}, "kind": {"S": "index_marker"},
                "done": {"BOOL": True}})  # fmt: skip
    table_file.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in old), encoding="utf-8")

    # The upgrade Scans and rewrites the whole saved table through moto first: ~50 s alone, more beside other tests.
    second = LocalStackProcess(data_dir=data_dir, ready_timeout=UPGRADE_TIMEOUT_SECONDS).start()
    try:
        assert "upgrading the film index" in second.log()
        assert "index upgraded (338 films)" in second.log()
        token = register(second, "upgraded")
        for _ in range(3):
            answer = second.request("POST", "/api/v1/recommend?movie_type=tv", token=token)
            assert (answer.status, answer.json["film_type"]) == (201, "tv")
    finally:
        second.stop()
    upgraded = {(item["PK"]["S"], item["SK"]["S"]): item for item in map(json.loads, table_file.open(encoding="utf-8"))}
    films = [item for item in upgraded.values() if item["kind"]["S"] == "film"]
    assert len({item["GSI5PK"]["S"] for item in films}) == SAMPLING_SHARDS
    assert all(item["GSI5PK"]["S"].startswith("FILMS#") for item in films)
    series = upgraded["TYPE#tv", "HEAD"]
    assert int(series["n"]["N"]) == 40
    assert upgraded["TYPE#movie", "HEAD"]["o"] == {"BOOL": True}  # 298 movies: sampled by shard
