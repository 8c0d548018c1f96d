"""The rating aggregator: the table's stream → a Lambda that folds rating changes into each film's aggregate.

The event source mapping filters the stream to rating items, batches up to 100 records over up to 2 s (so a
popular film is written about once a batch, not once a rating), reports partial batch failures, bisects a
failing batch, retries a bounded number of times, and sends what still fails to a dead-letter queue that
alarms.  The function may read films and update them: nothing else.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from filmhub.ratings.stream import STREAM_FILTER
from infra.config import ROOT, StageConfig
from infra.functions import JUNK_PATTERNS, SharedLayers, python_function
from infra.nag import acknowledge

AGGREGATOR_PACKAGE = "rating_aggregator"
BATCH_SIZE = 100
BATCHING_WINDOW = Duration.seconds(2)
RETRY_ATTEMPTS = 10
#: The aggregator reads the films of a batch and updates them: its whole table access.
AGGREGATOR_ACTIONS = ("dynamodb:BatchGetItem", "dynamodb:UpdateItem")


class RatingAggregation(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layers: SharedLayers,
        table: dynamodb.Table,
        posters_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        source = ROOT / "functions"
        code = lambda_.Code.from_asset(
            str(source), exclude=["*", ".*", f"!{AGGREGATOR_PACKAGE}", f"!{AGGREGATOR_PACKAGE}/**", *JUNK_PATTERNS]
        )
        self.function, role, _ = python_function(
            self,
            "Aggregator",
            config=config,
            code=code,
            handler=f"{AGGREGATOR_PACKAGE}.handler.lambda_handler",
            layers=layers.base,
            memory_mb=256,
            timeout=Duration.seconds(60),
            environment={
                "STAGE": config.stage,
                "TABLE_NAME": table.table_name,
                # Only named (no access is granted): every deployed function's settings require it.
                "POSTERS_BUCKET": posters_bucket.bucket_name,
                "POWERTOOLS_SERVICE_NAME": "filmhub-rating-aggregator",
                "LOG_LEVEL": config.log_level,
            },
            description=f"FilmHub {config.stage}: folds rating changes from the table stream into films",
        )
        role.add_to_principal_policy(iam.PolicyStatement(actions=list(AGGREGATOR_ACTIONS), resources=[table.table_arn]))

        self.dead_letters = sqs.Queue(
            self,
            "FailedBatches",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
        )
        acknowledge(
            self.dead_letters,
            "SQS3",
            "This queue is itself the dead-letter destination of the rating stream: it holds the stream positions "
            "of batches that failed every retry, for an operator to replay.",
        )
        self.function.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=BATCH_SIZE,
                max_batching_window=BATCHING_WINDOW,
                retry_attempts=RETRY_ATTEMPTS,
                bisect_batch_on_error=True,
                report_batch_item_failures=True,
                parallelization_factor=1,
                on_failure=sources.SqsDlq(self.dead_letters),
                filters=[lambda_.FilterCriteria.filter(STREAM_FILTER)],
            )
        )
        acknowledge(
            role,
            "IAM5",
            "dynamodb:ListStreams, added by the stream event source, has no resource-level permissions, so it must "
            "name Resource '*'; the stream's own reads are scoped to this table's stream.",
            findings=["Resource::*"],
        )
