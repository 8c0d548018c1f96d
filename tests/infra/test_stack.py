"""The synthesized template: routes, functions, table, bucket, IAM, alarms and cdk-nag."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match

from filmhub.settings import Settings
from filmhub.table import definition as table_definition
from infra.data import SECRETS
from infra.function_settings import (
    BUCKET_HEAD_ACTIONS,
    COUNTER_ACTIONS,
    COUNTER_KEY_PATTERN,
    DEFAULT_SETTINGS,
    POSTER_ACTIONS,
    POSTERS_PREFIX,
    TABLE_READ_ACTIONS,
    TABLE_WRITE_ACTIONS,
    BucketAccess,
    TableAccess,
    secret_env_var,
    settings_for,
)
from tests.infra.synthesis import FUTURE, TRANSFERS_API_GRANTS, Synth, uploads_objects

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

#: Public, read-only functions (mixes is not among them: its admin curation routes write).
READ_ONLY_FUNCTIONS = ("genres", "moods", "docs", "health")
WRITE_ACTIONS = {*TABLE_WRITE_ACTIONS, "dynamodb:*", "dynamodb:Scan"}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _ref_id(value: Any) -> str | None:
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"])
    return None


def _entry_points(synth: Synth, name: str) -> list[Any]:
    """The function itself, or an alias of it (SnapStart functions are invoked through ``live``)."""
    function_id = synth.function_id(name)
    aliases = [
        {"Ref": key}
        for key, alias in synth.resources("AWS::Lambda::Alias").items()
        if alias["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    return [{"Fn::GetAtt": [function_id, "Arn"]}, *aliases]


def test_bot_uses_snapstart_through_a_live_alias(synth: Synth) -> None:
    if "bot" not in synth.functions:
        pytest.skip("no bot in this route table")
    function = synth.resources("AWS::Lambda::Function")[synth.function_id("bot")]["Properties"]
    assert function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert len(_entry_points(synth, "bot")) == 2


def test_cdk_nag_reports_no_unacknowledged_finding(synth: Synth) -> None:
    assert synth.nag_error is None, synth.nag_error


def test_every_route_is_present_and_integrated_with_its_function(synth: Synth) -> None:
    routes = synth.resources("AWS::ApiGatewayV2::Route")
    integrations = synth.resources("AWS::ApiGatewayV2::Integration")
    by_key = {route["Properties"]["RouteKey"]: route["Properties"] for route in routes.values()}
    assert len(by_key) == len(routes) == len(synth.routes), "one API route per route-table entry, no more"
    for route in synth.routes:
        assert route.route_key in by_key, f"{route.route_key} is missing"
        target = by_key[route.route_key]["Target"]["Fn::Join"][1]
        assert target[0] == "integrations/"
        integration = integrations[_ref_id(target[1]) or ""]["Properties"]
        assert integration["IntegrationType"] == "AWS_PROXY"
        assert integration["PayloadFormatVersion"] == "2.0"
        assert integration["IntegrationUri"] in _entry_points(synth, route.function), (
            f"{route.route_key} is not integrated with {route.function}"
        )


def test_api_gateway_may_invoke_each_routed_function(synth: Synth) -> None:
    permissions = synth.resources("AWS::Lambda::Permission").values()
    for name in {route.function for route in synth.routes}:
        assert any(
            p["Properties"]["FunctionName"] in _entry_points(synth, name)
            and p["Properties"]["Principal"] == "apigateway.amazonaws.com"
            for p in permissions
        ), name


def test_one_python313_arm64_function_per_route_table_function(synth: Synth) -> None:
    functions = synth.resources("AWS::Lambda::Function")
    for name, spec in synth.functions.items():
        props = synth.function(name)
        settings, _ = settings_for(name)
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["MemorySize"] == settings.memory_mb
        assert props["Timeout"] == settings.timeout_seconds
        env = props["Environment"]["Variables"]
        assert env["POWERTOOLS_SERVICE_NAME"] == f"filmhub-{spec.name}"
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "FilmHub"
        assert env["LOG_LEVEL"] in {"DEBUG", "INFO"}
        assert _ref_id(env["TABLE_NAME"]) == synth.logical_id(synth.stack.data.table)
        assert "LogGroup" in props["LoggingConfig"]
    # Everything that is Python is 3.13 on arm64 (the seeder too); the rest is CDK's own Node.js provider.
    for key, function in functions.items():
        props = function["Properties"]
        if props["Runtime"].startswith("python"):
            assert (props["Runtime"], props["Architectures"]) == ("python3.13", ["arm64"]), key
        else:
            assert key.startswith("CustomS3AutoDeleteObjects"), key


def test_every_python_function_is_given_what_its_settings_require_on_lambda(synth: Synth) -> None:
    """The settings of a function on Lambda refuse defaults for its table and bucket: CDK must name them."""
    started = []
    for key, function in synth.resources("AWS::Lambda::Function").items():
        props = function["Properties"]
        if not props["Runtime"].startswith("python"):
            continue
        # Refs and Fn::GetAtt become names at deploy time; only their presence matters here.
        environ = {name: value if isinstance(value, str) else f"<{name}>" for name, value in
                   props["Environment"]["Variables"].items()}  # fmt: skip
        settings = Settings.from_environ({**environ, "AWS_LAMBDA_FUNCTION_NAME": key})
        assert settings.deployed
        assert settings.stage == synth.stack.config.stage, key
        started.append(key)
    seeder = synth.stack.data.seed_function
    # The route table's functions, the seeder, the rating aggregator and the transfer worker.
    assert len(started) == len(synth.functions) + (seeder is not None) + 1 + (synth.stack.transfers is not None)


def test_log_groups_have_a_retention(synth: Synth) -> None:
    expected = 14 if synth.stack.config.stage == "dev" else 90
    for group in synth.resources("AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] == expected


def test_each_function_ships_only_its_own_code(synth: Synth) -> None:
    for name, spec in synth.functions.items():
        asset = synth.asset_dir(synth.function(name)["Code"])
        shipped = {path.name for path in asset.iterdir()}
        package = spec.handler.split(".", 1)[0]
        if name == "docs":  # imports every function's routes module
            assert shipped >= {"genres", "moods", "mixes", "docs"}
        else:
            assert shipped == {package}, f"{name} ships {sorted(shipped)}"
        assert not list(asset.rglob("__pycache__")), f"{name} ships interpreter caches"


def test_functions_use_the_shared_layers(synth: Synth) -> None:
    layers = synth.resources("AWS::Lambda::LayerVersion")
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    for name in synth.functions:
        refs = [_ref_id(layer) for layer in synth.function(name)["Layers"]]
        expected = 2 + len(settings_for(name)[0].extra_layers)
        assert len(refs) == expected, name
        assert all(ref in layers for ref in refs), name


def test_table_matches_the_shared_definition(synth: Synth) -> None:
    (table,) = synth.resources("AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": table_definition.PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": table_definition.SORT_KEY, "KeyType": "RANGE"},
    ]
    assert sorted(props["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        ({"AttributeName": name, "AttributeType": "S"} for name in table_definition.key_attribute_names()),
        key=lambda a: a["AttributeName"],
    )
    expected_gsis = {
        index.name: [
            {"AttributeName": index.partition_key, "KeyType": "HASH"},
            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
        ]
        for index in table_definition.GLOBAL_INDEXES
    }
    assert {g["IndexName"]: g["KeySchema"] for g in props["GlobalSecondaryIndexes"]} == expected_gsis
    expected_lsis = {
        index.name: [
            {"AttributeName": table_definition.PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
        ]
        for index in table_definition.LOCAL_INDEXES
    }
    assert {i["IndexName"]: i["KeySchema"] for i in props["LocalSecondaryIndexes"]} == expected_lsis
    for index in props["GlobalSecondaryIndexes"] + props["LocalSecondaryIndexes"]:
        assert index["Projection"] == {"ProjectionType": "ALL"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": table_definition.TTL_ATTRIBUTE, "Enabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_prod_table_is_protected_and_dev_table_is_disposable(real: Synth, complete: Synth) -> None:
    (dev,) = real.resources("AWS::DynamoDB::Table").values()
    (prod,) = complete.resources("AWS::DynamoDB::Table").values()
    assert prod["Properties"]["DeletionProtectionEnabled"] is True
    assert prod["DeletionPolicy"] == prod["UpdateReplacePolicy"] == "Retain"
    assert dev["Properties"].get("DeletionProtectionEnabled", False) is False
    assert dev["DeletionPolicy"] == "Delete"


def _posters_bucket(synth: Synth) -> tuple[str, dict[str, Any]]:
    logical_id = synth.logical_id(synth.stack.storage.posters_bucket)
    return logical_id, synth.raw["Resources"][logical_id]["Properties"]


def test_poster_bucket_is_private_encrypted_and_tls_only(synth: Synth) -> None:
    logical_id, props = _posters_bucket(synth)
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert sse == {"SSEAlgorithm": "AES256"}
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert "POST" in cors["AllowedMethods"]
    assert cors["AllowedOrigins"] == list(synth.stack.config.cors_origins)
    assert "*" not in cors["AllowedOrigins"]

    (policy,) = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synth.resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": logical_id}
    ]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy
    ), "TLS is not enforced"
    allows = [s for s in policy if s["Effect"] == "Allow"]
    for statement in allows:
        assert statement["Principal"] not in ("*", {"AWS": "*"}), "the bucket must not be public"
    # The only reader from outside the account is this stack's CloudFront distribution (origin access control).
    (cdn_read,) = [s for s in allows if s["Principal"] == {"Service": "cloudfront.amazonaws.com"}]
    assert cdn_read["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in cdn_read["Condition"]["StringEquals"]


def test_unconfirmed_uploads_are_never_served_and_expire(synth: Synth) -> None:
    logical_id, props = _posters_bucket(synth)
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["Prefix"] == "uploads/"
    assert (rule["ExpirationInDays"], rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]) == (1, 1)
    assert rule["Status"] == "Enabled"
    (policy,) = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synth.resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": logical_id}
    ]
    (deny,) = [s for s in policy if s.get("Sid") == "NeverServeUnconfirmedUploads"]
    assert (deny["Effect"], deny["Action"], deny["Principal"]) == (
        "Deny",
        "s3:GetObject",
        {"Service": "cloudfront.amazonaws.com"},
    )
    assert deny["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [logical_id, "Arn"]}, "/uploads/*"]]}


def test_posters_base_url_is_the_distribution(synth: Synth) -> None:
    distribution_id = synth.logical_id(synth.stack.storage.distribution)
    expected = {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}
    for name in synth.functions:
        assert synth.function(name)["Environment"]["Variables"]["POSTERS_BASE_URL"] == expected
    (distribution,) = synth.resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["Origins"][0]["OriginAccessControlId"]


def test_read_only_functions_cannot_write(real: Synth) -> None:
    for name in READ_ONLY_FUNCTIONS:
        if name not in real.functions:
            continue
        actions = real.actions(name)
        assert not actions & WRITE_ACTIONS, f"{name} may write: {sorted(actions & WRITE_ACTIONS)}"
        assert not {"s3:PutObject", "s3:DeleteObject", "s3:GetObject"} & actions, name
        assert not any(action.startswith("secretsmanager:") for action in actions), name
    assert not any(action.startswith("dynamodb:") for action in real.actions("docs")), "docs needs no table"


#: What the transfers API function may do in the uploads bucket: sign upload forms and download links.
def test_iam_matches_each_functions_settings(complete: Synth) -> None:
    secret_ids = {complete.logical_id(secret): name for name, secret in complete.stack.data.secrets.items()}
    bucket_id, _ = _posters_bucket(complete)
    for name in complete.functions:
        settings, _ = settings_for(name)
        statements = complete.role_statements(name)
        actions = complete.actions(name)
        table_actions = {a for a in actions if a.startswith("dynamodb:")}
        expected = set()
        if settings.table is not TableAccess.NONE:
            expected |= set(TABLE_READ_ACTIONS)
        if settings.table is TableAccess.READ_WRITE:
            expected |= set(TABLE_WRITE_ACTIONS)
        if settings.table is TableAccess.READ_AND_COUNT:
            expected |= set(COUNTER_ACTIONS)
        assert table_actions == expected, name
        assert "dynamodb:Scan" not in actions, "no request path may scan the table"

        s3_grants = {
            (action, json.dumps(resource, sort_keys=True))
            for s in statements
            for action in _as_list(s["Action"])
            if action.startswith("s3:")
            for resource in _as_list(s["Resource"])
        }
        bucket_arn = json.dumps({"Fn::GetAtt": [bucket_id, "Arn"]}, sort_keys=True)
        objects_arn = json.dumps(
            {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, f"/{POSTERS_PREFIX}*"]]}, sort_keys=True
        )
        expected_s3: set[tuple[str, str]] = set()
        if settings.bucket is not BucketAccess.NONE:
            expected_s3 |= {(action, bucket_arn) for action in BUCKET_HEAD_ACTIONS}
        if settings.bucket is BucketAccess.POSTERS:
            expected_s3 |= {(action, objects_arn) for action in POSTER_ACTIONS}
        if name == "transfers":  # the uploads bucket: granted by infra/transfers.py (test_transfers_stack.py)
            expected_s3 |= {(a, uploads_objects(complete, prefix)) for a, prefix in TRANSFERS_API_GRANTS}
        assert s3_grants == expected_s3, name

        read_secrets = {
            secret_ids[_ref_id(resource) or ""]
            for s in statements
            if "secretsmanager:GetSecretValue" in s["Action"]
            for resource in _as_list(s["Resource"])
        }
        assert read_secrets == set(settings.secrets), name
        env = complete.function(name)["Environment"]["Variables"]
        assert {key for key in env if key.endswith("_SECRET_ARN")} == {secret_env_var(s) for s in settings.secrets}
        for secret in settings.secrets:
            assert _ref_id(env[secret_env_var(secret)]) == complete.logical_id(complete.stack.data.secrets[secret])


def test_the_public_function_reads_and_writes_only_its_counters(complete: Synth) -> None:
    """Shared lists are read by anyone: the function may count misses, and write nothing else."""
    writes = [
        statement
        for statement in complete.role_statements("public")
        if any(action in TABLE_WRITE_ACTIONS for action in _as_list(statement["Action"]))
    ]
    assert [_as_list(statement["Action"]) for statement in writes] == [list(COUNTER_ACTIONS)]
    assert writes[0]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [COUNTER_KEY_PATTERN]}}
    assert not settings_for("public")[1], "public needs its own entry in infra/function_settings.py"


def test_only_films_writes_posters_and_only_the_bot_reads_bot_secrets(complete: Synth) -> None:
    bucket_id, _ = _posters_bucket(complete)
    writers = {
        n
        for n in complete.functions
        for s in complete.role_statements(n)
        if "s3:PutObject" in _as_list(s["Action"]) and bucket_id in json.dumps(s["Resource"])
    }
    assert writers == {"films"}
    # The transfer worker sends one notice with the bot token (test_transfers_stack.py); no API function reads it.
    bot_secrets = {"TELEGRAM_BOT_TOKEN_SECRET_ARN", "TELEGRAM_WEBHOOK_SECRET_SECRET_ARN"}
    for name in complete.functions:
        env = complete.function(name)["Environment"]["Variables"]
        assert bool(bot_secrets & set(env)) == (name == "bot"), name


def test_only_search_clients_read_the_llm_key(complete: Synth) -> None:
    """The LLM serves description search (films, the bot); recommendations only discover through TMDB."""
    readers = {
        n for n in complete.functions if "LLM_API_KEY_SECRET_ARN" in complete.function(n)["Environment"]["Variables"]
    }
    assert readers == {"films", "bot"}


def test_unknown_functions_get_safe_defaults_and_a_warning(complete: Synth) -> None:
    name = FUTURE[0].name
    props = complete.function(name)
    assert props["MemorySize"] == DEFAULT_SETTINGS.memory_mb
    assert not complete.actions(name) & WRITE_ACTIONS
    assert any(name in warning and "function_settings" in warning for warning in complete.warnings)


def test_bot_gets_its_layer_and_the_webhook_url_is_an_output(complete: Synth) -> None:
    bot_layer = complete.logical_id(complete.stack.bot.layers["bot"])
    assert {"Ref": bot_layer} in complete.function("bot")["Layers"]
    outputs = complete.raw["Outputs"]
    webhook = next(route for route in complete.routes if route.function == "bot")
    assert webhook.path in str(outputs["TelegramWebhookUrl"]["Value"])
    asset = complete.asset_dir(complete.function("bot")["Code"])
    assert {path.name for path in asset.iterdir()} == {"bot"}


def test_secrets_jwt_generated_others_placeholders(synth: Synth) -> None:
    for name, definition in SECRETS.items():
        props = synth.raw["Resources"][synth.logical_id(synth.stack.data.secrets[name])]["Properties"]
        if definition.generated:
            assert props["GenerateSecretString"]["ExcludePunctuation"] is True
            assert "SecretString" not in props
        else:
            assert "GenerateSecretString" not in props
            assert props["SecretString"].startswith("PLACEHOLDER")


@pytest.mark.parametrize("name", list(SECRETS))
def test_secret_env_vars_are_what_settings_reads(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``<NAME>_SECRET_ARN`` the stack sets must make ``Settings.secret(name)`` fetch that ARN."""
    from filmhub import settings as settings_module

    fetched: list[str] = []
    monkeypatch.setattr(settings_module, "_fetch_secret", lambda arn: fetched.append(arn) or "value")
    arn = f"arn:aws:secretsmanager:eu-central-1:123456789012:secret:{name}"
    loaded = settings_module.Settings.from_environ({secret_env_var(name): arn})
    assert loaded.secret(name) == "value", f"{secret_env_var(name)} is not read by Settings.secret({name!r})"
    assert fetched == [arn]


def test_api_cors_throttling_and_access_logs(synth: Synth) -> None:
    config = synth.stack.config
    (api,) = synth.resources("AWS::ApiGatewayV2::Api").values()
    cors = api["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == list(config.cors_origins)
    assert "*" not in cors["AllowOrigins"]
    assert cors.get("AllowCredentials", False) is config.cors_allow_credentials
    assert set(cors["AllowMethods"]) == {route.method for route in synth.routes} | {"OPTIONS"}
    (stage,) = synth.resources("AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "$default"
    assert props["AutoDeploy"] is True
    assert props["DefaultRouteSettings"]["ThrottlingRateLimit"] == config.throttle_rate_limit
    assert props["DefaultRouteSettings"]["ThrottlingBurstLimit"] == config.throttle_burst_limit
    assert "$context.requestId" in props["AccessLogSettings"]["Format"]
    assert props["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][1] == "Arn"


def test_alarms_cover_errors_throttles_api_5xx_and_dynamodb(synth: Synth) -> None:
    alarms = list(synth.resources("AWS::CloudWatch::Alarm").values())
    topic_id = synth.logical_id(synth.stack.monitoring.topic)
    for alarm in alarms:
        assert {"Ref": topic_id} in alarm["Properties"]["AlarmActions"]
    for name in synth.functions:
        function_ref = {"Ref": synth.function_id(name)}
        for metric in ("Errors", "Throttles"):
            assert any(
                a["Properties"].get("MetricName") == metric
                and {"Name": "FunctionName", "Value": function_ref} in a["Properties"].get("Dimensions", [])
                for a in alarms
            ), f"no {metric} alarm for {name}"
    expressions = [m for a in alarms for m in a["Properties"].get("Metrics", [])]
    assert any(m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == "5xx" for m in expressions)
    assert any(m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == "ThrottledRequests" for m in expressions)


def test_seeding_runs_on_deploy_with_write_access(synth: Synth) -> None:
    synth.template.has_resource_properties(
        "Custom::FilmHubSeed",
        {
            "ServiceToken": {"Fn::GetAtt": [Match.string_like_regexp("SeedFunction"), "Arn"]},
            "SeedDataHash": Match.any_value(),
        },
    )
    seed_function = synth.stack.data.seed_function
    assert seed_function is not None
    props = synth.raw["Resources"][synth.logical_id(seed_function)]["Properties"]
    assert props["Handler"] == "handler.on_event"
    assert props["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": synth.logical_id(synth.stack.data.table)}


def test_outputs_for_operators(synth: Synth) -> None:
    outputs = synth.raw["Outputs"]
    for key in ("ApiUrl", "TableName", "PostersBucketName", "PostersBaseUrl", "AlarmTopicArn", "SecretJwtSecretArn"):
        assert key in outputs, key


def test_a_schedule_probes_health_and_a_failure_alarms(synth: Synth) -> None:
    rules = list(synth.resources("AWS::Events::Rule").values())
    health_ref = synth.function_id("health")
    scheduled = [r for r in rules if r["Properties"].get("ScheduleExpression") == "rate(5 minutes)"]
    assert any(t["Arn"]["Fn::GetAtt"][0] == health_ref for r in scheduled for t in r["Properties"]["Targets"])
    alarms = synth.resources("AWS::CloudWatch::Alarm").values()
    assert any(a["Properties"].get("MetricName") == "HealthCheckFailed" for a in alarms)
