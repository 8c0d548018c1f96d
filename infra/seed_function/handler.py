"""CloudFormation custom resource: seed genres, moods and the editorial mixes on deploy.

``filmhub.seed.seeder.seed()`` is idempotent (stable ids, puts, a fingerprint marker), so running it on every
Create/Update is safe; Delete leaves the data alone (the table's own removal policy decides its fate).
The response is sent to CloudFormation's presigned URL on every path, errors included, so a failure shows up
as a failed deploy with its reason instead of a stack that waits an hour for an answer.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

PHYSICAL_ID = "filmhub-seed"


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    status, reason, data = "SUCCESS", "", {}
    try:
        if event["RequestType"] in {"Create", "Update"}:
            # Imported here so that an import error is reported to CloudFormation like any other failure.
            from filmhub.seed.seeder import seed

            report = seed()
            data = {"Skipped": str(report.skipped), "Films": str(report.films), "Mixes": str(report.mixes)}
            logger.info("seeded: %s", data)
    except Exception as error:  # every failure must reach CloudFormation
        logger.exception("seeding failed")
        status, reason = "FAILED", f"{type(error).__name__}: {error}"[:1000]
    body = {
        "Status": status,
        "Reason": reason or f"see CloudWatch Logs: {getattr(context, 'log_stream_name', '')}",
        "PhysicalResourceId": event.get("PhysicalResourceId") or PHYSICAL_ID,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": data,
    }
    send(event["ResponseURL"], body)
    return body


def send(url: str, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    # The presigned URL is signed without a content type, so none may be sent.
    request = urllib.request.Request(
        url, data=payload, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(payload))}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        logger.info("CloudFormation answered %s", response.status)
