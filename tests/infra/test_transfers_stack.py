"""The transfer pipeline's infrastructure: the uploads bucket and its notification, the queue with its dead-letter
queue and alarm, the worker's event source and least-privilege role, the API function's grants."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from filmhub.routes import QUEUE_WORKERS
from infra.transfers import BATCH_SIZE, MAX_RECEIVES, WORKER
from tests.infra.synthesis import TRANSFERS_API_GRANTS, Synth, uploads_objects


def _one(synth: Synth, kind: str, **wanted: Any) -> tuple[str, dict[str, Any]]:
    found = [
        (key, value["Properties"])
        for key, value in synth.resources(kind).items()
        if all(value["Properties"].get(k) == v for k, v in wanted.items())
    ]
    assert len(found) == 1, (kind, wanted, [key for key, _ in found])
    return found[0]


def _s3_grants(statements: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (action, json.dumps(resource, sort_keys=True))
        for s in statements
        for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        if action.startswith("s3:")
        for resource in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    }


def test_the_uploads_bucket_is_private_expiring_and_notifies_the_queue(synth: Synth) -> None:
    transfers = synth.stack.transfers
    assert transfers is not None
    props = synth.raw["Resources"][synth.logical_id(transfers.bucket)]["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
    }  # fmt: skip
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    expiring = {rule.get("Prefix"): rule.get("ExpirationInDays") for rule in props["LifecycleConfiguration"]["Rules"]}
    assert (expiring["imports/"], expiring["exports/"]) == (7, 7)
    [notification] = props["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "imports/"}]
    assert notification["Queue"] == {"Fn::GetAtt": [synth.logical_id(transfers.queue), "Arn"]}
    policy = json.dumps(synth.resources("AWS::S3::BucketPolicy"))
    assert "aws:SecureTransport" in policy


def test_the_queue_retries_then_sets_aside_and_alarms(synth: Synth) -> None:
    transfers = synth.stack.transfers
    assert transfers is not None
    queue = synth.raw["Resources"][synth.logical_id(transfers.queue)]["Properties"]
    dead_letters_id = synth.logical_id(transfers.dead_letters)
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dead_letters_id, "Arn"]}, "maxReceiveCount": MAX_RECEIVES,
    }  # fmt: skip
    assert queue["VisibilityTimeout"] == 6 * 300
    assert queue["SqsManagedSseEnabled"] is True
    alarms = [
        props
        for props in (value["Properties"] for value in synth.resources("AWS::CloudWatch::Alarm").values())
        if props.get("MetricName") == "ApproximateNumberOfMessagesVisible"
        and props["Dimensions"][0]["Value"] == {"Fn::GetAtt": [dead_letters_id, "QueueName"]}
    ]
    assert len(alarms) == 1, "one alarm on the transfers' dead-letter queue"
    assert alarms[0]["Threshold"] == 1


def test_the_worker_consumes_the_queue_with_partial_failures_and_least_privilege(synth: Synth) -> None:
    transfers = synth.stack.transfers
    assert transfers is not None
    _, mapping = _one(synth, "AWS::Lambda::EventSourceMapping", BatchSize=BATCH_SIZE)
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [synth.logical_id(transfers.queue), "Arn"]}
    with_worker = replace(synth, functions={**synth.functions, **QUEUE_WORKERS})
    function = with_worker.function(WORKER)
    assert (function["Timeout"], function["MemorySize"]) == (300, 1024)
    statements = with_worker.role_statements(WORKER)
    assert _s3_grants(statements) == {
        ("s3:GetObject", uploads_objects(synth, "imports/")),
        ("s3:PutObject", uploads_objects(synth, "exports/")),
    }
    actions = with_worker.actions(WORKER)
    assert "dynamodb:Scan" not in actions
    assert {a for a in actions if a.startswith("sqs:")} >= {
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
    }
    assert not {a for a in actions if a.startswith("sqs:")} & {"sqs:*", "sqs:PurgeQueue", "sqs:DeleteQueue"}


def test_the_api_function_signs_forms_and_links_only_under_its_prefixes(synth: Synth) -> None:
    statements = synth.role_statements("transfers")
    assert _s3_grants(statements) == {
        (action, uploads_objects(synth, prefix)) for action, prefix in TRANSFERS_API_GRANTS
    }
    assert {a for a in synth.actions("transfers") if a.startswith("sqs:")} == {"sqs:SendMessage"}
    env = synth.function("transfers")["Environment"]["Variables"]
    assert {"UPLOADS_BUCKET", "TRANSFER_QUEUE_URL"} <= env.keys()
