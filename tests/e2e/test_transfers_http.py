"""Imports and exports over real HTTP, as a client does it: create the import, POST the file to the presigned
form, poll until done; the local stack's moto delivers the bucket's notification to the queue, and its pollers run
the worker in worker processes with the SQS events Lambda would send."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import requests

from tests.support.e2e import register
from tests.support.local_stack import LocalStackProcess

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "letterboxd-diary.csv"


def poll(stack: LocalStackProcess, path: str, token: str, timeout: float = 120.0) -> dict[str, Any]:
    """The job once it is done or failed, and every percentage seen on the way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = stack.request("GET", path, token=token)
        assert job.status == 200, job.body
        if job.json["state"] in ("done", "failed"):
            return job.json
        time.sleep(0.3)
    raise AssertionError(f"{path} did not finish")


def test_a_curl_like_session_imports_a_file_and_exports_it_back(stack: LocalStackProcess) -> None:
    token = register(stack)
    created = stack.request(
        "POST", "/api/v1/me/imports", json_body={"format": "letterboxd", "filename": "diary.csv"}, token=token
    )
    assert created.status == 201, created.body
    upload = created.json["upload"]
    sent = requests.post(upload["url"], data=upload["fields"], files={"file": ("diary.csv", SAMPLE.read_bytes())},
                         timeout=30)  # fmt: skip
    assert sent.status_code in (200, 201, 204), sent.text
    report = poll(stack, f"/api/v1/me/imports/{created.json['import_id']}", token)
    assert (report["state"], report["total"], report["matched"], report["percent"]) == ("done", 7, 4, 100)
    assert [row["line"] for row in report["unmatched"]] == ["diary.csv:6", "diary.csv:7", "diary.csv:8"]

    export = stack.request("POST", "/api/v1/me/exports", token=token)
    assert export.status == 201
    done = poll(stack, f"/api/v1/me/exports/{export.json['export_id']}", token)
    assert done["state"] == "done"
    archive = zipfile.ZipFile(io.BytesIO(requests.get(done["download_url"], timeout=30).content))
    diary = archive.read("diary.csv").decode().splitlines()
    assert len(diary) == 1 + 4  # the header and the four watches imported
