"""Imports and exports: the uploads bucket, its notification to the transfer queue (with a dead-letter queue), the
worker that consumes the queue, and what the ``transfers`` API function may do with the bucket and the queue.

The bucket notifies the queue through its own ``NotificationConfiguration`` (no CDK custom resource): its name is
fixed from the stage, account and region, so the queue policy can name the bucket's ARN without a reference cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from filmhub.routes import QUEUE_WORKERS
from infra.config import StageConfig
from infra.function_settings import (
    TABLE_READ_ACTIONS,
    TABLE_WRITE_ACTIONS,
    secret_env_var,
    settings_for,
)
from infra.functions import SharedLayers, function_code, python_function
from infra.nag import acknowledge, arn_finding

WORKER = "transfer_worker"
IMPORTS_PREFIX = "imports/"
EXPORTS_PREFIX = "exports/"
#: Uploads and built archives are transient: a job reads its upload within minutes, a link lives 15 minutes.
RETENTION_DAYS = 7
#: Receipts before a message is set aside in the dead-letter queue.
MAX_RECEIVES = 3
#: Records per invocation: a chunk is up to 100 rows, so 5 chunks stay well inside the worker's timeout.
BATCH_SIZE = 5


class Transfers(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        source_root: Path,
        layers: SharedLayers,
        table: dynamodb.ITable,
        logs_bucket: s3.IBucket,
        secrets: Mapping[str, secretsmanager.ISecret],
        api_function: lambda_.Function,
        api_role: iam.IRole,
        environment: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY
        settings, _ = settings_for(WORKER)

        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Six times the worker's timeout, as AWS advises for a Lambda consumer: a retried batch never overlaps.
            visibility_timeout=Duration.seconds(6 * settings.timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=MAX_RECEIVES, queue=self.dead_letters),
        )

        bucket_name = f"filmhub-{config.stage}-uploads-{Aws.ACCOUNT_ID}-{Aws.REGION}"
        bucket_arn = f"arn:{Aws.PARTITION}:s3:::{bucket_name}"
        queue_policy = sqs.QueuePolicy(self, "S3MaySend", queues=[self.queue])
        queue_policy.document.add_statements(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.queue.queue_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": bucket_arn},
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                },
            )
        )
        self.bucket = s3.Bucket(
            self,
            "Uploads",
            bucket_name=bucket_name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=logs_bucket,
            server_access_logs_prefix="s3/uploads/",
            lifecycle_rules=[
                s3.LifecycleRule(prefix=IMPORTS_PREFIX, expiration=Duration.days(RETENTION_DAYS)),
                s3.LifecycleRule(prefix=EXPORTS_PREFIX, expiration=Duration.days(RETENTION_DAYS)),
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
            # Browsers POST the export straight to the bucket with the presigned form, and download archives.
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET],
                    allowed_origins=list(config.cors_origins),
                    allowed_headers=["*"],
                    max_age=3000,
                )
            ],
            removal_policy=removal,
            auto_delete_objects=not config.is_prod,
        )
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=self.queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(
                            rules=[s3.CfnBucket.FilterRuleProperty(name="prefix", value=IMPORTS_PREFIX)]
                        )
                    ),
                )
            ]
        )
        # S3 checks that it may send to the queue when the notification is created.
        cfn_bucket.add_dependency(queue_policy.node.default_child)  # type: ignore[arg-type]

        spec = QUEUE_WORKERS[WORKER]
        env = {
            **environment,
            "TABLE_NAME": table.table_name,
            "UPLOADS_BUCKET": bucket_name,
            "TRANSFER_QUEUE_URL": self.queue.queue_url,
            "POWERTOOLS_SERVICE_NAME": f"filmhub-{WORKER}",
            **{secret_env_var(secret): secrets[secret].secret_arn for secret in settings.secrets},
        }
        self.worker, self.worker_role, _ = python_function(
            self,
            "Worker",
            config=config,
            code=function_code(source_root, spec, settings.code_scope),
            handler=spec.handler,
            layers=layers.base,
            memory_mb=settings.memory_mb,
            timeout=Duration.seconds(settings.timeout_seconds),
            environment=env,
            description=f"FilmHub {config.stage}: {spec.description}"[:256],
        )
        self.worker.add_event_source(
            event_sources.SqsEventSource(
                self.queue, batch_size=BATCH_SIZE, report_batch_item_failures=True, max_concurrency=10
            )
        )
        role = self.worker_role
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[*TABLE_READ_ACTIONS, *TABLE_WRITE_ACTIONS],
                resources=[table.table_arn, f"{table.table_arn}/index/*"],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[f"{bucket_arn}/{IMPORTS_PREFIX}*"])
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[f"{bucket_arn}/{EXPORTS_PREFIX}*"])
        )
        # The worker queues an upload's rows back to its own queue (and the event source consumes them).
        role.add_to_principal_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn]))
        for secret in settings.secrets:
            secrets[secret].grant_read(role)
        acknowledge(
            role,
            "IAM5",
            "The worker reads uploads under imports/ and writes archives under exports/ (keys are per user and job), "
            "and queries the table's own indexes.",
            findings=[
                arn_finding(table, "/index/*"),
                f"Resource::arn:<AWS::Partition>:s3:::filmhub-{config.stage}-uploads-<AWS::AccountId>-<AWS::Region>/"
                f"{IMPORTS_PREFIX}*",
                f"Resource::arn:<AWS::Partition>:s3:::filmhub-{config.stage}-uploads-<AWS::AccountId>-<AWS::Region>/"
                f"{EXPORTS_PREFIX}*",
            ],
        )

        # The API function signs upload forms (PutObject under imports/) and download links (GetObject under
        # exports/) with its own role, and queues exports.
        api_function.add_environment("UPLOADS_BUCKET", bucket_name)
        api_function.add_environment("TRANSFER_QUEUE_URL", self.queue.queue_url)
        api_role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[f"{bucket_arn}/{IMPORTS_PREFIX}*"])
        )
        api_role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[f"{bucket_arn}/{EXPORTS_PREFIX}*"])
        )
        api_role.add_to_principal_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn])
        )
        acknowledge(
            api_role,
            "IAM5",
            "Upload forms are signed for keys under imports/<user>/<job> and download links for exports/<user>/<job>; "
            "the key is chosen by the function, never by the caller.",
            findings=[
                f"Resource::arn:<AWS::Partition>:s3:::filmhub-{config.stage}-uploads-<AWS::AccountId>-<AWS::Region>/"
                f"{IMPORTS_PREFIX}*",
                f"Resource::arn:<AWS::Partition>:s3:::filmhub-{config.stage}-uploads-<AWS::AccountId>-<AWS::Region>/"
                f"{EXPORTS_PREFIX}*",
            ],
        )
