"""The transfer pipeline in tests: upload through the presigned form, then let the queue's worker run."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

import boto3
import requests

from filmhub.settings import get_settings
from local.queues import QueuePoller, TransferPipeline, queue_arn
from local.worker import LambdaContext
from tests.support.api import ApiClient


def pipeline() -> TransferPipeline:
    settings = get_settings()
    sqs = boto3.client("sqs", region_name=settings.aws_region)
    assert settings.transfer_queue_url
    dead_letter = sqs.get_queue_url(QueueName=settings.transfer_queue_url.rsplit("/", 1)[1] + "-dlq")["QueueUrl"]
    return TransferPipeline(settings.transfer_queue_url, queue_arn(sqs, settings.transfer_queue_url), dead_letter)


def invoke_worker(event: dict[str, Any]) -> dict[str, Any]:
    from transfer_worker.handler import lambda_handler

    context = LambdaContext(function_name="filmhub-transfer_worker", aws_request_id=str(uuid.uuid4()))
    return lambda_handler(event, context)


def poller() -> QueuePoller:
    """The event source mapping, in process: the worker runs where moto's mock and respx apply."""
    settings = get_settings()
    sqs = boto3.client("sqs", region_name=settings.aws_region)
    return QueuePoller(sqs, pipeline(), settings.aws_region, invoke_worker, retry_delay_seconds=0, wait_seconds=0)


def post_form(upload: dict[str, Any], filename: str, data: bytes) -> requests.Response:
    """What a browser does with the form: the fields, then the file (moto answers the bucket's URL)."""
    return requests.post(upload["url"], data=upload["fields"], files={"file": (filename, data)}, timeout=30)


def run_import(api: ApiClient, token: str, export_format: str, filename: str, data: bytes) -> dict[str, Any]:
    """Create the import, upload the file, drain the queue; the import as ``GET /me/imports/{id}`` reports it."""
    created = api.post("/me/imports", json_body={"format": export_format, "filename": filename}, token=token)
    assert created.status == 201, created.json
    uploaded = post_form(created.json["upload"], filename, data)
    assert uploaded.status_code in (200, 201, 204), uploaded.text
    poller().drain()
    status = api.get(f"/me/imports/{created.json['import_id']}", token=token)
    assert status.status == 200
    return status.json


def zipped(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def csv_text(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"
