"""Alarms: function errors and throttles, the API's 5xx rate, DynamoDB throttling; all notify one SNS topic."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import StageConfig
from infra.functions import METRICS_NAMESPACE, pascal

#: What the health function records (functions/health/routes.py) and where it answers.
HEALTH_FAILED_METRIC = "HealthCheckFailed"
HEALTH_PATH = "/api/v1/health"

PERIOD = Duration.minutes(5)
#: How far behind the stream a consumer may fall (IteratorAge, milliseconds) before it pages someone.
STREAM_AGE_MS = 60_000
#: Percentage of API requests answered 5xx over one period that pages someone.
API_5XX_RATE_PERCENT = 5
#: Every table operation the functions use (TransactWriteItems included): throttling on any of them alarms.
THROTTLE_OPERATIONS = (
    dynamodb.Operation.GET_ITEM,
    dynamodb.Operation.BATCH_GET_ITEM,
    dynamodb.Operation.QUERY,
    dynamodb.Operation.PUT_ITEM,
    dynamodb.Operation.UPDATE_ITEM,
    dynamodb.Operation.DELETE_ITEM,
    dynamodb.Operation.BATCH_WRITE_ITEM,
    dynamodb.Operation.TRANSACT_WRITE_ITEMS,
    dynamodb.Operation.TRANSACT_GET_ITEMS,
)


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        functions: Mapping[str, lambda_.IFunction],
        http_api: apigwv2.IHttpApi,
        table: dynamodb.ITable,
        queues: Mapping[str, tuple[sqs.IQueue, str]] | None = None,
        stream_consumers: Mapping[str, lambda_.Function] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "AlarmTopic", display_name=f"FilmHub {config.stage} alarms", enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        action = actions.SnsAction(self.topic)
        self.alarms: list[cloudwatch.Alarm] = []

        def alarm(construct_id: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> None:
            created = cloudwatch.Alarm(
                self,
                construct_id,
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=f"FilmHub {config.stage}: {description}",
            )
            created.add_alarm_action(action)
            created.add_ok_action(action)
            self.alarms.append(created)

        for name, function in functions.items():
            # Handlers turn expected failures into 4xx/503 answers, so any Lambda error is a bug or a timeout.
            alarm(
                f"{pascal(name)}Errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                1,
                f"function {name} raised or timed out",
            )
            alarm(
                f"{pascal(name)}Throttles",
                function.metric_throttles(period=PERIOD, statistic="Sum"),
                1,
                f"function {name} was throttled (account concurrency exhausted)",
            )

        rate = cloudwatch.MathExpression(
            expression="IF(requests > 0, 100 * errors / requests, 0)",
            using_metrics={
                "errors": http_api.metric_server_error(period=PERIOD, statistic="Sum"),
                "requests": http_api.metric_count(period=PERIOD, statistic="Sum"),
            },
            label="API 5xx rate (%)",
            period=PERIOD,
        )
        alarm("Api5xxRate", rate, API_5XX_RATE_PERCENT, f"over {API_5XX_RATE_PERCENT}% of API requests answered 5xx")
        self._watch_health(functions["health"], config, alarm)
        for name, (queue, what) in (queues or {}).items():
            # A dead-letter queue: any message is work that failed every retry.
            visible = queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
            alarm(f"{name}Messages", visible, 1, what)
        for name, consumer in (stream_consumers or {}).items():
            # Stream records older than this have waited too long: the consumer is failing or falling behind.
            iterator_age = consumer.metric("IteratorAge", period=PERIOD, statistic="Maximum")
            alarm(f"{name}IteratorAge", iterator_age, STREAM_AGE_MS, f"{name} is over a minute behind the stream")
        alarm(
            "TableThrottles",
            table.metric_throttled_requests_for_operations(operations=list(THROTTLE_OPERATIONS), period=PERIOD),
            1,
            "DynamoDB throttled requests",
        )

    def _watch_health(
        self,
        health: lambda_.IFunction,
        config: StageConfig,
        alarm: Callable[[str, cloudwatch.IMetric, float, str], None],
    ) -> None:
        """Every 5 minutes the health function probes the table and the bucket; a failure alarms."""
        probe = {
            "version": "2.0",
            "routeKey": f"GET {HEALTH_PATH}",
            "rawPath": HEALTH_PATH,
            "rawQueryString": "",
            "headers": {"user-agent": "filmhub-monitoring"},
            "requestContext": {"http": {"method": "GET", "path": HEALTH_PATH, "sourceIp": "127.0.0.1"},
                               "requestId": "health-probe", "routeKey": f"GET {HEALTH_PATH}", "stage": "$default"},
            "isBase64Encoded": False,
        }  # fmt: skip
        events.Rule(
            self,
            "HealthSchedule",
            schedule=events.Schedule.rate(PERIOD),
            targets=[targets.LambdaFunction(health, event=events.RuleTargetInput.from_object(probe))],
        )
        failures = cloudwatch.Metric(
            namespace=METRICS_NAMESPACE,
            metric_name=HEALTH_FAILED_METRIC,
            dimensions_map={"service": "filmhub-health"},
            period=PERIOD,
            statistic="Sum",
        )
        alarm("HealthCheckFailed", failures, 1, f"GET {HEALTH_PATH}: the table or the bucket did not answer")
