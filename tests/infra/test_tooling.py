"""Deployment tooling that can't run here (Docker, AWS, GitLab) is at least well-formed and wired to make."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from infra.function_settings import FUNCTION_SETTINGS
from tests.support.scripts import load_module

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

ROOT = Path(__file__).resolve().parents[2]
INFRA_TARGETS = ("tools", "layers", "synth", "deploy", "deploy-local", "destroy", "seed-remote")


def makefile_targets() -> dict[str, str]:
    """Target name → its recipe text."""
    targets: dict[str, str] = {}
    current = None
    for line in (ROOT / "Makefile").read_text().splitlines():
        if match := re.match(r"^([a-z][a-z-]*)(?: [a-z -]+)?:(?!=)", line):
            current = match.group(1)
            targets[current] = ""
        elif line.startswith("\t") and current:
            targets[current] += line + "\n"
        elif not line.startswith("\t"):
            current = None
    return targets


# --- LocalStack


def test_localstack_compose_names_image_services_persistence_and_token() -> None:
    compose = yaml.safe_load((ROOT / "localstack-compose.yml").read_text())
    service = compose["services"]["localstack"]
    assert service["image"].startswith("localstack/localstack:")
    env = service["environment"]
    assert "LOCALSTACK_AUTH_TOKEN" in env
    services = set(env["SERVICES"].split(","))
    assert {
        "cloudformation",
        "iam",
        "sts",
        "ssm",
        "s3",
        "dynamodb",
        "lambda",
        "apigateway",
        "secretsmanager",
        "logs",
        "cloudwatch",
        "sns",
    } <= services
    assert env["PERSISTENCE"] == "1"
    volume, target = service["volumes"][0].split(":", 1)
    assert target == "/var/lib/localstack"
    assert volume in compose["volumes"]
    assert "127.0.0.1:4566:4566" in service["ports"]


def test_cdklocal_cdk_and_node22_are_pinned_dev_dependencies() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    dev = package["devDependencies"]
    for name in ("aws-cdk", "aws-cdk-local", "node"):
        assert re.fullmatch(r"\d+\.\d+\.\d+", dev[name]), f"{name} must be pinned exactly, not {dev[name]!r}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == dev[name]
    assert dev["node"].startswith("22."), "Node 20 is end-of-life: the CLI runs on the pinned Node 22"
    assert lock["packages"][""]["devDependencies"] == dev


# --- GitLab CI


def test_gitlab_pipeline_stages_and_make_targets() -> None:
    pipeline: dict[str, Any] = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
    assert pipeline["stages"] == ["lint", "test", "synth", "deploy"]
    jobs = {name: job for name, job in pipeline.items() if isinstance(job, dict) and "stage" in job}
    template = pipeline[".deploy"]

    def script(job: dict[str, Any]) -> str:
        return "\n".join(job.get("script") or template["script"])

    assert "make lint" in script(jobs["lint"])
    assert "make test" in script(jobs["test"])
    assert "make synth STAGE=$STAGE" in script(jobs["synth"])
    assert {"dev", "prod"} == set(jobs["synth"]["parallel"]["matrix"][0]["STAGE"])
    assert "make deploy STAGE=$STAGE" in script(template)
    for name in ("deploy-dev", "deploy-prod"):
        assert pipeline[name]["extends"] == ".deploy"
    prod_rule = pipeline["deploy-prod"]["rules"][0]
    assert prod_rule["when"] == "manual", "prod needs a manual gate"
    assert prod_rule["allow_failure"] is False, "the gate must block the pipeline, not be skippable"
    assert "deploy-dev" in pipeline["deploy-prod"]["needs"]
    assert "when" not in pipeline["deploy-dev"]["rules"][0]

    targets = makefile_targets()
    scripts = "\n".join(line for job in pipeline.values() if isinstance(job, dict) for line in job.get("script", []))
    for command in re.findall(r"\bmake ([a-z-]+)", scripts):
        assert command in targets, f"CI calls make {command}, which the Makefile lacks"


# --- Makefile


def test_makefile_has_the_infrastructure_targets() -> None:
    text = (ROOT / "Makefile").read_text()
    phony = next(line for line in text.splitlines() if line.startswith(".PHONY:")).split()[1:]
    infra_section = text.split("# --- infrastructure", 1)[1]
    targets = makefile_targets()
    for target in INFRA_TARGETS:
        assert target in phony, f"{target} is not .PHONY"
        assert re.search(rf"^{re.escape(target)}:", infra_section, re.M), f"{target} is not in the infra section"
    assert "scripts/build_layers.py" in infra_section
    assert "cfn-lint" in targets["synth"]
    assert "cdklocal" in targets["deploy-local"] or "CDKLOCAL" in targets["deploy-local"]


# --- build_layers.py


@pytest.fixture(scope="module")
def build_layers() -> ModuleType:
    return load_module(ROOT / "scripts" / "build_layers.py", "build_layers_under_test")


def test_layers_are_byte_compiled_with_unchecked_hash_pycs(build_layers: ModuleType, tmp_path: Path) -> None:
    package = tmp_path / "python" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    build_layers.byte_compile(tmp_path / "python", "test")
    (pyc,) = (package / "__pycache__").iterdir()
    assert pyc.name == "__init__.cpython-313.pyc", "Lambda's CPython 3.13 looks for this exact name"
    assert (package / "__init__.py").exists(), "sources stay for tracebacks"
    header = pyc.read_bytes()[:8]
    assert int.from_bytes(header[4:8], "little") == 0b01, "hash-based and unchecked (zip mtimes are 1980)"


def test_removing_a_distribution_deletes_its_recorded_files(build_layers: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "botocore").mkdir()
    (tmp_path / "botocore" / "__init__.py").write_text("")
    info = tmp_path / "botocore-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: botocore\nVersion: 1.0.0\n")
    (info / "RECORD").write_text(
        "botocore/__init__.py,,\nbotocore-1.0.0.dist-info/METADATA,,\nbotocore-1.0.0.dist-info/RECORD,,\n"
    )
    (tmp_path / "keep.py").write_text("")
    dists = build_layers.installed(tmp_path)
    assert set(dists) == {"botocore"}
    build_layers.remove_distribution(tmp_path, dists["botocore"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.py"]
    assert "botocore" in build_layers.AWS_SDK_DISTRIBUTIONS


# --- configuration and settings


def test_every_planned_function_has_explicit_settings() -> None:
    planned = {"genres", "moods", "mixes", "docs", "auth", "me", "films", "recommend", "bot"}
    assert planned <= set(FUNCTION_SETTINGS)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"corsOrigins": "*", "corsAllowCredentials": "true"}, "'\\*'"),
        ({"stage": "staging"}, "stage must be one of"),
        ({"domainName": "api.example.com"}, "go together"),
        ({"corsOrigins": ""}, "at least one origin"),
    ],
)
def test_invalid_configuration_is_rejected(overrides: dict[str, str], message: str) -> None:
    import aws_cdk as cdk

    from infra.config import load_config

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    app = cdk.App(context={**context, **overrides})
    with pytest.raises(ValueError, match=message):
        load_config(app.node)


def test_context_overrides_reach_the_config() -> None:
    import aws_cdk as cdk

    from infra.config import load_config

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    app = cdk.App(context={**context, "stage": "prod", "corsOrigins": "https://a.example,https://b.example"})
    config = load_config(app.node)
    assert config.cors_origins == ("https://a.example", "https://b.example")
    assert config.is_prod
    assert config.log_retention_days == context["stages"]["prod"]["logRetentionDays"]


# --- seeding custom resource and helper scripts


@pytest.fixture
def seed_handler(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, list[dict[str, Any]]]:
    module = load_module(ROOT / "infra" / "seed_function" / "handler.py", "seed_handler_under_test")
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(module, "send", lambda url, body: sent.append(body))
    return module, sent


def _event(request_type: str) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": "https://cloudformation-response.example/presigned",
        "StackId": "arn:aws:cloudformation:eu-central-1:1:stack/FilmHub-dev/x",
        "RequestId": "r-1",
        "LogicalResourceId": "DataSeed",
    }


def test_seed_resource_seeds_on_create_and_answers(
    seed_handler: tuple[ModuleType, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from filmhub.seed import seeder

    module, sent = seed_handler
    monkeypatch.setattr(seeder, "seed", lambda force=False: seeder.SeedReport(skipped=False, films=3, mixes=1))
    module.on_event(_event("Create"), None)
    assert sent[-1]["Status"] == "SUCCESS"
    assert sent[-1]["Data"] == {"Skipped": "False", "Films": "3", "Mixes": "1"}
    assert sent[-1]["PhysicalResourceId"] == module.PHYSICAL_ID


def test_seed_resource_reports_failures_and_ignores_delete(
    seed_handler: tuple[ModuleType, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from filmhub.seed import seeder

    module, sent = seed_handler

    def broken(force: bool = False) -> Any:
        raise RuntimeError("table not found")

    monkeypatch.setattr(seeder, "seed", broken)
    module.on_event(_event("Update"), None)
    assert sent[-1]["Status"] == "FAILED"
    assert "table not found" in sent[-1]["Reason"]
    module.on_event({**_event("Delete"), "PhysicalResourceId": "filmhub-seed"}, None)
    assert sent[-1]["Status"] == "SUCCESS"


def test_stack_outputs_are_printed_api_first() -> None:
    module = load_module(ROOT / "scripts" / "stack_outputs.py", "stack_outputs_under_test")
    text = module.format_outputs({"FilmHub-dev": {"TableName": "t", "ApiUrl": "https://x/api/v1", "Zed": "z"}})
    lines = text.splitlines()
    assert lines[1].split() == ["ApiUrl", "https://x/api/v1"]
    assert "curl https://x/api/v1/genres" in text


def test_deploy_docs_cover_localstack_aws_costs_and_diagram() -> None:
    text = (ROOT / "docs" / "deploy.md").read_text()
    for needle in ("```mermaid", "make deploy-local", "make deploy STAGE=", "LOCALSTACK_AUTH_TOKEN", "per million"):
        assert needle in text, needle


def test_set_webhook_registers_the_webhook_and_the_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.texts import COMMANDS
    from filmhub.settings import get_settings
    from tests.support.fake_bot_api import BOT_TOKEN, FakeBotApi

    module = load_module(ROOT / "scripts" / "set_webhook.py", "set_webhook_under_test")
    bot_api = FakeBotApi().start()
    url = "https://abc.execute-api.eu-central-1.amazonaws.com/api/v1/telegram/webhook"
    settings = {"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET": "s" * 32, "TELEGRAM_API_URL": bot_api.url}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert module.main(["--url", url]) == 0
    finally:
        get_settings.cache_clear()
        bot_api.stop()
    [webhook] = bot_api.of("setWebhook")
    assert (webhook.params["url"], webhook.params["secret_token"]) == (url, "s" * 32)
    assert webhook.params["allowed_updates"] == module.ALLOWED_UPDATES
    [commands] = bot_api.of("setMyCommands")
    assert [c["command"] for c in commands.params["commands"]] == [command for command, _ in COMMANDS]
    assert capsys.readouterr().out.startswith(f"@filmhub_bot: webhook {url} (0 pending updates)")
