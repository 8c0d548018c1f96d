"""The rating aggregator in the template: the table's stream, a filtered, batched, retried event source with a
dead-letter queue, least-privilege access to the table, and alarms on failures and lag."""

from __future__ import annotations

import json

import pytest

from filmhub.table.models import RATING_PREFIX
from infra.ratings import AGGREGATOR_ACTIONS, RETRY_ATTEMPTS
from tests.infra.synthesis import Synth

#: What the stream event source grants: reading the stream, nothing of the table.
STREAM_READS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _aggregator_id(synth: Synth) -> str:
    return synth.logical_id(synth.stack.ratings.function)


def test_the_table_streams_new_and_old_images(synth: Synth) -> None:
    table = synth.resources("AWS::DynamoDB::Table")[synth.logical_id(synth.stack.data.table)]
    assert table["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_the_aggregator_reads_rating_changes_in_batches_with_retries_bisection_and_a_dead_letter_queue(
    synth: Synth,
) -> None:
    (mapping,) = (
        mapping
        for mapping in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if mapping["Properties"]["FunctionName"] == {"Ref": _aggregator_id(synth)}
    )
    props = mapping["Properties"]
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert props["MaximumRetryAttempts"] == RETRY_ATTEMPTS
    assert props["BatchSize"] == 100
    assert props["MaximumBatchingWindowInSeconds"] == 2
    queue_id = synth.logical_id(synth.stack.ratings.dead_letters)
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    (pattern,) = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert pattern == {"dynamodb": {"Keys": {"SK": {"S": [{"prefix": RATING_PREFIX}]}}}}


def test_the_aggregator_may_only_read_and_update_items_of_the_table(synth: Synth) -> None:
    table_id = synth.logical_id(synth.stack.data.table)
    function = synth.resources("AWS::Lambda::Function")[_aggregator_id(synth)]
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    actions: set[str] = set()
    for policy in synth.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} not in policy["Properties"]["Roles"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            actions |= {action for action in listed if action.startswith("dynamodb:")}
            if set(listed) & set(AGGREGATOR_ACTIONS):
                assert statement["Resource"] == {"Fn::GetAtt": [table_id, "Arn"]}
    assert actions - STREAM_READS == set(AGGREGATOR_ACTIONS)


def test_failed_batches_and_lag_alarm(synth: Synth) -> None:
    alarms = list(synth.resources("AWS::CloudWatch::Alarm").values())
    names = {a["Properties"].get("MetricName") for a in alarms}
    assert {"ApproximateNumberOfMessagesVisible", "IteratorAge"} <= names
    function_ref = {"Ref": _aggregator_id(synth)}
    assert any(
        a["Properties"].get("MetricName") == "Errors"
        and {"Name": "FunctionName", "Value": function_ref} in a["Properties"].get("Dimensions", [])
        for a in alarms
    )
