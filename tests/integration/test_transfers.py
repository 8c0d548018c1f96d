"""Imports and exports over moto, as AWS runs them: the presigned form → the bucket's notification → the queue →
the worker (partial batch failures) → chunks of rows → progress → done; idempotency; the round trip."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests

from filmhub.settings import get_settings
from filmhub.table.models import DiaryEntryItem, FilmState, TableItem, TransferChunkItem, UserItem
from filmhub.transfer.service import CHUNK_ROWS
from local.queues import sqs_event
from tests.support.api import ApiClient
from tests.support.aws import mocked_aws
from tests.support.fixtures import register_user
from tests.support.transfers import csv_text, invoke_worker, pipeline, poller, post_form, run_import, zipped

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
DIARY_HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date"


@pytest.fixture(scope="module")
def seeded() -> Iterator[None]:
    """One seeded table, bucket and queue for the module: every test imports for users of its own."""
    with mocked_aws(seed=True):
        yield


@pytest.fixture
def user(seeded: None, api: ApiClient) -> tuple[str, str]:
    return register_user(api)


def diary(user_id: str) -> list[tuple[str, str, bool, int | None]]:
    items = TableItem.query(f"USER#{user_id}", TableItem.SK.startswith("DIARY#"), consistent_read=True)
    found = [(i.film_id, i.watched_on, bool(i.rewatch), i.half_points) for i in items if isinstance(i, DiaryEntryItem)]
    return sorted(found, key=lambda entry: (entry[1], entry[0]))


def flags(user_id: str) -> dict[str, tuple[bool, bool, bool, int | None]]:
    items = TableItem.query(f"USER#{user_id}", TableItem.SK.startswith("STATE#"), consistent_read=True)
    return {
        i.film_id: (bool(i.liked_at), bool(i.wish_at), bool(i.watched_at), i.my_half_points)
        for i in items
        if isinstance(i, FilmState)
    }


def test_a_letterboxd_diary_imports_with_progress_and_a_report(api: ApiClient, user: tuple[str, str]) -> None:
    user_id, token = user
    report = run_import(api, token, "letterboxd", "diary.csv", (SAMPLES / "letterboxd-diary.csv").read_bytes())
    assert report["state"] == "done", report
    assert (report["total"], report["processed"], report["matched"], report["percent"]) == (7, 7, 4, 100)
    assert [(u["line"], u["title"], u["reason"]) for u in report["unmatched"]] == [
        ("diary.csv:6", "Crouching Tiger, Hidden Dragon", "no film with this title and year"),
        ("diary.csv:7", "A Film Nobody Has Made", "no film with this title and year"),
        ("diary.csv:8", "Inception", "impossible rating '7'"),
    ]
    entries = diary(user_id)
    assert [(watched, rewatch, points) for _, watched, rewatch, points in entries] == [
        ("2024-01-02", False, 10),
        ("2024-01-09", False, 9),
        ("2024-02-10", True, 9),  # Pulp Fiction again: a second entry, a rewatch
        ("2024-02-29", False, 10),  # Крёстный отец by its Russian title
    ]
    assert all(watched for _, _, watched, _ in flags(user_id).values())
    listed = api.get("/me/imports", token=token).json
    assert [job["import_id"] for job in listed] == [report["import_id"]]


def test_the_same_file_twice_creates_nothing_twice(api: ApiClient, user: tuple[str, str]) -> None:
    user_id, token = user
    export = zipped(
        {
            "diary.csv": (SAMPLES / "letterboxd-diary.csv").read_bytes(),
            "likes/films.csv": csv_text("Date,Name,Year,Letterboxd URI", "2024-01-06,Fight Club,1999,u"),
            "lists/best.csv": csv_text(
                "Letterboxd list export v7", "Date,Name,Tags,URL,Description", "2024-01-01,Лучшее,,u,", "",
                "Position,Name,Year,URL,Description", "1,Interstellar,2014,u,", "2,Fight Club,1999,u,",
            ),
        }
    )  # fmt: skip
    first = run_import(api, token, "letterboxd", "export.zip", export)
    before = (diary(user_id), flags(user_id), api.get("/me/watchlists", token=token).json)
    second = run_import(api, token, "letterboxd", "export.zip", export)
    assert (first["state"], second["state"]) == ("done", "done")
    assert second["matched"] == first["matched"] == 7
    assert (diary(user_id), flags(user_id), api.get("/me/watchlists", token=token).json) == before
    [best] = before[2]
    items = api.get(f"/me/watchlists/{best['id']}/items", token=token).json
    assert [film["title"] for film in items] == ["Интерстеллар", "Бойцовский клуб"]  # in the list's order


def test_a_redelivered_chunk_changes_nothing_twice(api: ApiClient, user: tuple[str, str]) -> None:
    user_id, token = user
    rows = [DIARY_HEADER] + [f"2024-01-03,Fight Club,1999,u,4,,,2024-01-{day:02d}" for day in range(1, 29)]
    rows += [f"2024-02-03,Film {n},2001,u,,,,2024-02-01" for n in range(CHUNK_ROWS)]
    created = api.post("/me/imports", json_body={"format": "letterboxd", "filename": "diary.csv"}, token=token).json
    post_form(created["upload"], "diary.csv", csv_text(*rows).encode())
    sqs = boto3.client("sqs", region_name=get_settings().aws_region)
    poller().poll_once()  # the upload: its rows are queued in two chunks
    [first_chunk] = sqs.receive_message(QueueUrl=pipeline().queue_url, MaxNumberOfMessages=1)["Messages"]
    sqs.change_message_visibility(QueueUrl=pipeline().queue_url, ReceiptHandle=first_chunk["ReceiptHandle"],
                                  VisibilityTimeout=0)  # fmt: skip
    event = sqs_event([first_chunk], pipeline().queue_arn, get_settings().aws_region)
    assert invoke_worker(event) == {"batchItemFailures": []}
    status = api.get(f"/me/imports/{created['import_id']}", token=token).json
    poller().drain()  # the same chunk again (redelivered), and the second one
    done = api.get(f"/me/imports/{created['import_id']}", token=token).json
    assert status["state"] == "running"
    assert 0 < status["processed"] < done["processed"]
    assert (done["state"], done["total"], done["processed"], done["matched"]) == ("done", 128, 128, 28)
    assert len(diary(user_id)) == 28
    chunks = TableItem.query(f"TRANSFER#{created['import_id']}", TableItem.SK.startswith("ROWS#"))
    assert len([c for c in chunks if isinstance(c, TransferChunkItem)]) == 2


def test_the_form_fixes_size_type_and_key(api: ApiClient, user: tuple[str, str]) -> None:
    user_id, token = user
    created = api.post("/me/imports", json_body={"format": "imdb", "filename": "ratings.csv"}, token=token)
    assert created.status == 201
    upload = created.json["upload"]
    assert upload["fields"]["key"] == f"imports/{user_id}/{created.json['import_id']}"
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    assert ["content-length-range", 1, 20 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "text/csv"} in policy["conditions"]
    waiting = api.get(f"/me/imports/{created.json['import_id']}", token=token).json
    assert (waiting["state"], waiting["percent"], waiting["unmatched"]) == ("waiting_upload", 0, [])
    for body in ({"format": "csv", "filename": "a.csv"}, {"format": "imdb", "filename": "../a.csv"},
                 {"format": "imdb", "filename": "a.exe"}):  # fmt: skip
        assert api.post("/me/imports", json_body=body, token=token).status == 422, body


@pytest.mark.parametrize(
    ("filename", "data", "error"),
    [
        ("photo.zip", b"\xff\xd8\xff\xe0 a JPEG", "no letterboxd export file"),
        ("diary.csv", b"just text\n", "no column"),
        ("export.zip", zipped({"diary.csv": b"0" * (30 * 1024 * 1024)}), "expands too much"),
    ],
)
def test_a_file_that_cannot_be_imported_fails_the_import(
    api: ApiClient, user: tuple[str, str], filename: str, data: bytes, error: str
) -> None:
    _, token = user
    report = run_import(api, token, "letterboxd", filename, data)
    assert report["state"] == "failed"
    assert error in report["error"].lower()
    assert report["processed"] == 0


def test_someone_elses_import_and_export_are_not_found(api: ApiClient, user: tuple[str, str]) -> None:
    _, token = user
    _, stranger = register_user(api, "чужой")
    created = api.post("/me/imports", json_body={"format": "imdb", "filename": "r.csv"}, token=token).json
    export = api.post("/me/exports", token=token).json
    assert api.get(f"/me/imports/{created['import_id']}", token=stranger).status == 404
    assert api.get(f"/me/exports/{export['export_id']}", token=stranger).status == 404
    assert api.get(f"/me/exports/{created['import_id']}", token=token).status == 404  # an import is no export
    assert api.get("/me/imports", token=stranger).json == []


def test_imdb_ratings_by_title_when_tmdb_is_not_configured(api: ApiClient, user: tuple[str, str]) -> None:
    user_id, token = user
    report = run_import(api, token, "imdb", "ratings.csv", (SAMPLES / "imdb-ratings.csv").read_bytes())
    assert (report["state"], report["total"], report["matched"]) == ("done", 6, 6)
    assert sorted(points for *_, points in flags(user_id).values()) == [8, 9, 10]


def download(url: str) -> zipfile.ZipFile:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_export_then_import_into_a_fresh_account_reproduces_the_history(api: ApiClient, user: tuple[str, str]) -> None:
    user_id, token = user
    export = zipped(
        {
            "diary.csv": (SAMPLES / "letterboxd-diary.csv").read_bytes(),
            "ratings.csv": csv_text("Date,Name,Year,Letterboxd URI,Rating", "2024-01-04,Interstellar,2014,u,3.5"),
            "watchlist.csv": csv_text("Date,Name,Year,Letterboxd URI", "2024-01-05,The Dark Knight,2008,u"),
            "likes/films.csv": csv_text("Date,Name,Year,Letterboxd URI", "2024-01-06,Fight Club,1999,u"),
            "reviews.csv": csv_text(
                "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date",
                '2024-01-07,Fight Club,1999,u,,,"Первое правило, второе правило.\nИ третье.",spoilers,',
            ),
            "lists/a.csv": csv_text(
                "Letterboxd list export v7", "Date,Name,Tags,URL,Description", '2024-01-01,"Лучшее: 1/2, ""да""",,u,',
                "", "Position,Name,Year,URL,Description", "1,Interstellar,2014,u,", "2,Fight Club,1999,u,",
                "3,The Godfather,1972,u,",
            ),
        }
    )  # fmt: skip
    assert run_import(api, token, "letterboxd", "export.zip", export)["state"] == "done"
    created = api.post("/me/exports", token=token)
    assert (created.status, created.json["state"], created.json["download_url"]) == (201, "queued", None)
    poller().drain()
    done = api.get(f"/me/exports/{created.json['export_id']}", token=token).json
    assert done["state"] == "done"
    archive = download(done["download_url"])
    names = set(archive.namelist())
    assert {"diary.csv", "ratings.csv", "watched.csv", "watchlist.csv", "likes/films.csv", "reviews.csv"} <= names
    assert "filmhub.json" in names
    assert archive.read("diary.csv").decode().splitlines()[0] == (
        "Title,Year,imdbID,tmdbID,WatchedDate,Rating,Rewatch,Review,Tags"
    )
    everything = json.loads(archive.read("filmhub.json"))
    assert everything["profile"]["id"] == user_id
    assert "password_hash" not in json.dumps(everything)
    assert [review["text"] for review in everything["reviews"]] == ["Первое правило, второе правило.\nИ третье."]

    fresh_id, fresh_token = register_user(api, "новый")
    archive_bytes = requests.get(done["download_url"], timeout=30).content
    again = run_import(api, fresh_token, "letterboxd", "filmhub.zip", archive_bytes)
    assert (again["state"], again["unmatched"]) == ("done", [])
    assert flags(fresh_id) == flags(user_id)
    assert [entry[:4] for entry in diary(fresh_id)] == [entry[:4] for entry in diary(user_id)]
    lists = {lst["title"]: lst["id"] for lst in api.get("/me/watchlists", token=token).json}
    fresh = {lst["title"]: lst["id"] for lst in api.get("/me/watchlists", token=fresh_token).json}
    assert list(fresh) == list(lists) == ['Лучшее: 1/2, "да"']

    def titles(list_id: str, bearer: str) -> list[str]:
        return [f["title"] for f in api.get(f"/me/watchlists/{list_id}/items", token=bearer).json]

    assert titles(fresh['Лучшее: 1/2, "да"'], fresh_token) == titles(lists['Лучшее: 1/2, "да"'], token)
    assert titles(lists['Лучшее: 1/2, "да"'], token) == ["Интерстеллар", "Бойцовский клуб", "Крёстный отец"]
    reviews = api.get(f"/films/{everything['reviews'][0]['film_id']}/reviews").json
    assert [review["spoiler"] for review in reviews] == [True, True]  # one review each, with its spoiler flag


def test_the_bot_tells_a_linked_user_that_the_import_finished(
    api: ApiClient, user: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import respx

    from filmhub import wiring

    user_id, token = user
    UserItem(*UserItem.key(user_id)).update(actions=[UserItem.telegram_id.set(4242)])
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:test-token")
    get_settings.cache_clear()
    wiring.reset()
    try:
        with respx.mock(assert_all_called=True) as bot_api:
            sent = bot_api.post("https://api.telegram.org/bot123:test-token/sendMessage").respond(
                json={"ok": True, "result": {}}
            )
            report = run_import(api, token, "letterboxd", "diary.csv", (SAMPLES / "letterboxd-diary.csv").read_bytes())
    finally:
        get_settings.cache_clear()
        wiring.reset()
    assert report["state"] == "done"
    [call] = sent.calls
    message = json.loads(call.request.content)
    assert message["chat_id"] == 4242
    assert message["text"].startswith("Импорт из Letterboxd завершён: перенесено 4 из 7.")
