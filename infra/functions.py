"""The Lambda functions: one per ``filmhub.routes.FUNCTIONS`` entry, sized and scoped by ``function_settings``.

Nothing here names a particular function: a function added to the route table deploys with its own code asset,
role, log group and alarms on the next synth.  Every function gets its own IAM role with inline statements only
(no managed policies), so each can do exactly what its settings entry allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Annotations, Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from filmhub.routes import FunctionSpec
from infra.config import StageConfig
from infra.function_settings import (
    BUCKET_HEAD_ACTIONS,
    COUNTER_ACTIONS,
    COUNTER_KEY_PATTERN,
    POSTER_ACTIONS,
    POSTERS_PREFIX,
    TABLE_READ_ACTIONS,
    TABLE_WRITE_ACTIONS,
    BucketAccess,
    CodeScope,
    FunctionSettings,
    TableAccess,
    secret_env_var,
    settings_for,
)
from infra.nag import acknowledge, arn_finding

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
METRICS_NAMESPACE = "FilmHub"
LIVE_ALIAS = "live"
#: Never shipped: interpreter caches of whatever Python ran here, and dotfiles (.venv, .pytest_cache, .env …).
JUNK_PATTERNS = ("__pycache__", "*.pyc", "*.pyo", ".*")


def pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


def retention(days: int) -> logs.RetentionDays:
    if days not in _RETENTION:
        raise ValueError(f"logRetentionDays must be one of {sorted(_RETENTION)}, not {days}")
    return _RETENTION[days]


def layer_from_dir(scope: Construct, construct_id: str, directory: Path, description: str) -> lambda_.LayerVersion:
    if not (directory / "python").is_dir():
        raise FileNotFoundError(f"{directory}/python is missing: run `make layers` first (or pass -c layerDirs=…)")
    return lambda_.LayerVersion(
        scope,
        construct_id,
        code=lambda_.Code.from_asset(str(directory)),
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
        description=description,
    )


def function_code(source_root: Path, spec: FunctionSpec, scope: CodeScope) -> lambda_.Code:
    """The function's asset: its source folder narrowed by exclude patterns to what the handler imports."""
    source = source_root / spec.source_dir
    package = spec.handler.split(".", 1)[0]
    if not (source / package).is_dir():
        raise FileNotFoundError(f"function {spec.name!r}: {source / package} does not exist")
    if scope is CodeScope.WHOLE_SOURCE_DIR:
        exclude = list(JUNK_PATTERNS)
    else:
        # Exclude everything (glob '*' skips dotfiles, hence '.*': .venv, .git …), then re-include the handler's
        # package; later patterns win.  Excluded folders are not even walked, so the repo root is cheap.
        exclude = ["*", ".*", f"!{package}", f"!{package}/**", *JUNK_PATTERNS]
    return lambda_.Code.from_asset(str(source), exclude=exclude)


class SharedLayers(Construct):
    """The shared code layer (``filmhub``) and the API dependency layer, used by every function."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.code = layer_from_dir(self, "Code", config.layer_dirs["code"], "FilmHub shared code (filmhub package)")
        self.deps = layer_from_dir(self, "Deps", config.layer_dirs["deps"], "FilmHub API dependencies (cp313 arm64)")

    @property
    def base(self) -> list[lambda_.ILayerVersion]:
        return [self.code, self.deps]


@dataclass(frozen=True)
class DeployedFunction:
    spec: FunctionSpec
    settings: FunctionSettings
    function: lambda_.Function
    role: iam.Role
    log_group: logs.LogGroup


def python_function(
    scope: Construct,
    construct_id: str,
    *,
    config: StageConfig,
    code: lambda_.Code,
    handler: str,
    layers: Sequence[lambda_.ILayerVersion],
    memory_mb: int,
    timeout: Duration,
    environment: Mapping[str, str],
    description: str,
    tracing: bool = True,
    snap_start: bool = False,
    reserved_concurrency: int | None = None,
) -> tuple[lambda_.Function, iam.Role, logs.LogGroup]:
    """A Python 3.13 arm64 function with its own role (logs to its own log group, nothing else yet)."""
    log_group = logs.LogGroup(
        scope,
        f"{construct_id}Logs",
        retention=retention(config.log_retention_days),
        removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
    )
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{description} (least privilege)",
    )
    # Instead of AWSLambdaBasicExecutionRole (logs:* on every group): write to this function's group only.
    log_group.grant_write(role)
    function = lambda_.Function(
        scope,
        construct_id,
        runtime=RUNTIME,
        architecture=ARCHITECTURE,
        code=code,
        handler=handler,
        layers=list(layers),
        memory_size=memory_mb,
        timeout=timeout,
        environment=dict(environment),
        description=description,
        role=role,
        log_group=log_group,
        tracing=lambda_.Tracing.ACTIVE if tracing else lambda_.Tracing.DISABLED,
        snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if snap_start else None,
        reserved_concurrent_executions=reserved_concurrency,
    )
    acknowledge(
        function,
        "L1",
        "The whole project targets CPython 3.13 (layers are built for cp313); moving to a newer runtime is a "
        "deliberate upgrade of requirements and layers, not a side effect of a CDK release.",
    )
    if tracing:
        acknowledge(
            role,
            "IAM5",
            "X-Ray's PutTraceSegments/PutTelemetryRecords support no resource-level permissions, so the statement "
            "that Tracing.ACTIVE adds must name Resource '*'.",
            findings=["Resource::*"],
        )
    return function, role, log_group


class Functions(Construct):
    """Every function of the route table, each with exactly the table, bucket and secret access it needs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        specs: Mapping[str, FunctionSpec],
        source_root: Path,
        layers: SharedLayers,
        extra_layers: Mapping[str, lambda_.ILayerVersion],
        table: dynamodb.ITable,
        posters_bucket: s3.IBucket,
        posters_base_url: str,
        secrets: Mapping[str, secretsmanager.ISecret],
        environment: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.deployed: dict[str, DeployedFunction] = {}
        #: What the API integrates with: the function, or its ``live`` alias when it uses SnapStart.
        self.entry_points: dict[str, lambda_.IFunction] = {}
        common_env = {
            "STAGE": config.stage,
            "TABLE_NAME": table.table_name,
            "POSTERS_BUCKET": posters_bucket.bucket_name,
            "POSTERS_BASE_URL": posters_base_url,
            "CORS_ORIGINS": ",".join(config.cors_origins),
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "LOG_LEVEL": config.log_level,
            **environment,
        }
        for name, spec in specs.items():
            settings, is_default = settings_for(name)
            if is_default:
                Annotations.of(self).add_warning_v2(
                    "filmhub:defaultFunctionSettings",
                    f"function {name!r} has no entry in infra/function_settings.py: deployed with the defaults "
                    f"({settings.memory_mb} MB, {settings.table} table access, secrets {list(settings.secrets)}); "
                    "add an entry with its real needs",
                )
            missing_layers = set(settings.extra_layers) - set(extra_layers)
            if missing_layers:
                raise ValueError(f"function {name!r} needs layers {sorted(missing_layers)} that the stack lacks")
            unknown_secrets = set(settings.secrets) - set(secrets)
            if unknown_secrets:
                raise ValueError(f"function {name!r} asks for unknown secrets {sorted(unknown_secrets)}")

            env = {
                **common_env,
                "POWERTOOLS_SERVICE_NAME": f"filmhub-{name}",
                **{secret_env_var(secret): secrets[secret].secret_arn for secret in settings.secrets},
            }
            function, role, log_group = python_function(
                self,
                pascal(name),
                config=config,
                code=function_code(source_root, spec, settings.code_scope),
                handler=spec.handler,
                layers=[*layers.base, *(extra_layers[layer] for layer in settings.extra_layers)],
                memory_mb=settings.memory_mb,
                timeout=Duration.seconds(settings.timeout_seconds),
                environment=env,
                description=f"FilmHub {config.stage}: {spec.description}"[:256],
                snap_start=settings.snap_start,
                reserved_concurrency=settings.reserved_concurrency,
            )
            self._grant(role, settings, table, posters_bucket, secrets)
            self.deployed[name] = DeployedFunction(spec, settings, function, role, log_group)
            # SnapStart restores only published versions: the API calls them through an alias.
            self.entry_points[name] = function.add_alias(LIVE_ALIAS) if settings.snap_start else function

    @property
    def functions(self) -> dict[str, lambda_.Function]:
        return {name: deployed.function for name, deployed in self.deployed.items()}

    @staticmethod
    def _grant(
        role: iam.Role,
        settings: FunctionSettings,
        table: dynamodb.ITable,
        bucket: s3.IBucket,
        secrets: Mapping[str, secretsmanager.ISecret],
    ) -> None:
        if settings.table is not TableAccess.NONE:
            actions = list(TABLE_READ_ACTIONS)
            if settings.table is TableAccess.READ_WRITE:
                actions += TABLE_WRITE_ACTIONS
            role.add_to_principal_policy(
                iam.PolicyStatement(actions=actions, resources=[table.table_arn, f"{table.table_arn}/index/*"])
            )
            acknowledge(
                role,
                "IAM5",
                "Queries go to the table's own GSIs/LSI; '<table>/index/*' names only this table's indexes.",
                findings=[arn_finding(table, "/index/*")],
            )
        if settings.table is TableAccess.READ_AND_COUNT:
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=list(COUNTER_ACTIONS),
                    resources=[table.table_arn],
                    conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [COUNTER_KEY_PATTERN]}},
                )
            )
        if settings.bucket is not BucketAccess.NONE:
            # s3:ListBucket on the bucket: HeadBucket needs it, and without it S3 answers 403 instead of 404
            # for a missing key, which the poster code would report as an outage rather than "not found".
            role.add_to_principal_policy(
                iam.PolicyStatement(actions=list(BUCKET_HEAD_ACTIONS), resources=[bucket.bucket_arn])
            )
        if settings.bucket is BucketAccess.POSTERS:
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=list(POSTER_ACTIONS), resources=[bucket.arn_for_objects(f"{POSTERS_PREFIX}*")]
                )
            )
            acknowledge(
                role,
                "IAM5",
                "Poster keys are random (one object per upload), so access is granted on the posters/ prefix only.",
                findings=[arn_finding(bucket, f"/{POSTERS_PREFIX}*")],
            )
        for secret in settings.secrets:
            secrets[secret].grant_read(role)
