"""The FilmHub stack: API, data, storage, functions, bot and monitoring, built from the route table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from filmhub.routes import API_PREFIX, FUNCTIONS, ROUTES, FunctionSpec, Route
from infra.api import Api
from infra.bot import BOT_LAYER, Bot
from infra.config import ROOT, StageConfig
from infra.data import Data
from infra.function_settings import settings_for
from infra.functions import METRICS_NAMESPACE, Functions, SharedLayers
from infra.monitoring import Monitoring
from infra.ratings import RatingAggregation
from infra.storage import Storage
from infra.transfers import WORKER, Transfers

#: Names that look like secret values: they belong in Secrets Manager, never in plain environment variables.
_SECRET_LOOKING_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET", "_PASSWORD")


def check_environment(environment: Mapping[str, str]) -> dict[str, str]:
    for name in environment:
        if name.upper().endswith(_SECRET_LOOKING_SUFFIXES):
            raise ValueError(f"{name} looks like a secret: store it in Secrets Manager, not in functionEnvironment")
    return {str(name): str(value) for name, value in environment.items()}


class FilmHubStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        functions: Mapping[str, FunctionSpec] | None = None,
        routes: Sequence[Route] | None = None,
        source_root: Path = ROOT,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # Defaults read at call time: tests pass their own tables, the app passes the real one.
        specs = dict(FUNCTIONS if functions is None else functions)
        route_list = list(ROUTES if routes is None else routes)
        self.config = config
        Tags.of(self).add("project", "filmhub")
        Tags.of(self).add("stage", config.stage)

        extra_env = check_environment(self.node.try_get_context("functionEnvironment") or {})
        layers = SharedLayers(self, "Layers", config=config)
        self.storage = Storage(self, "Storage", config=config)
        self.data = Data(self, "Data", config=config, layers=layers, posters_bucket=self.storage.posters_bucket)
        needs_bot_layer = any(BOT_LAYER in settings_for(name)[0].extra_layers for name in specs)
        self.bot = Bot(self, "Bot", config=config, needs_layer=needs_bot_layer)
        self.functions = Functions(
            self,
            "Functions",
            config=config,
            specs=specs,
            source_root=source_root,
            layers=layers,
            extra_layers=self.bot.layers,
            table=self.data.table,
            posters_bucket=self.storage.posters_bucket,
            posters_base_url=self.storage.base_url,
            secrets=self.data.secrets,
            environment=extra_env,
        )
        self.ratings = RatingAggregation(
            self,
            "Ratings",
            config=config,
            layers=layers,
            table=self.data.table,
            posters_bucket=self.storage.posters_bucket,
        )
        self.transfers: Transfers | None = None
        monitored = {**self.functions.functions, "rating_aggregator": self.ratings.function}
        if "transfers" in self.functions.deployed:
            transfers_api = self.functions.deployed["transfers"]
            self.transfers = Transfers(
                self,
                "Transfers",
                config=config,
                source_root=source_root,
                layers=layers,
                table=self.data.table,
                logs_bucket=self.storage.logs_bucket,
                secrets=self.data.secrets,
                api_function=transfers_api.function,
                api_role=transfers_api.role,
                environment={
                    "STAGE": config.stage,
                    "LOG_LEVEL": config.log_level,
                    # Only named (no access is granted): every deployed function's settings require it.
                    "POSTERS_BUCKET": self.storage.posters_bucket.bucket_name,
                    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                    **extra_env,
                },
            )
            monitored[WORKER] = self.transfers.worker
        self.api = Api(self, "Api", config=config, routes=route_list, functions=self.functions.entry_points)
        self.bot.expose(self.api.endpoint, route_list)
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            config=config,
            functions=monitored,
            http_api=self.api.http_api,
            table=self.data.table,
            queues={
                "RatingFailedBatches": (self.ratings.dead_letters, "rating batches failed every retry"),
                **(
                    {"TransferDeadLetters": (self.transfers.dead_letters, "transfer messages failed every retry")}
                    if self.transfers
                    else {}
                ),
            },
            stream_consumers={"RatingAggregator": self.ratings.function},
        )

        outputs = {
            "ApiUrl": (f"{self.api.endpoint}{API_PREFIX}", "Base URL of the HTTP API"),
            "ApiEndpoint": (self.api.endpoint, "API Gateway endpoint (docs at /api/schema/swagger)"),
            "TableName": (self.data.table.table_name, "DynamoDB table"),
            "PostersBucketName": (self.storage.posters_bucket.bucket_name, "Poster bucket"),
            "PostersBaseUrl": (self.storage.base_url, "Public base URL of posters (CloudFront)"),
            "AlarmTopicArn": (self.monitoring.topic.topic_arn, "SNS topic of every alarm"),
        }
        if self.transfers is not None:
            outputs["UploadsBucketName"] = (
                self.transfers.bucket.bucket_name,
                "Uploads of imports, archives of exports",
            )
        if self.api.domain is not None:
            outputs["ApiCustomDomainTarget"] = (
                self.api.domain.regional_domain_name,
                "CNAME/alias target for the custom domain",
            )
        for name, secret in self.data.secrets.items():
            key = "Secret" + "".join(part.capitalize() for part in name.split("_")) + "Arn"
            outputs[key] = (secret.secret_arn, f"Secrets Manager ARN of {name}")
        for key, (value, description) in outputs.items():
            CfnOutput(self, key, value=value, description=description)
