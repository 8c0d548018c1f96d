"""In-process synthesis of the stack, and helpers to read its template (the fixtures are in ``conftest.py``).

The *complete* route table adds the planned functions the real one does not have yet (e.g. the bot) plus an
unknown future function, so IAM scoping, the bot layer and the defaults for new functions are checked before
those functions land.  Layers come from tiny temporary folders (``-c layerDirs``): no ``make layers`` needed.
cdk-nag runs as a validation plugin; its failure is recorded, not raised, so the template can still be read.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# jsii runs aws-cdk-lib in Node: prefer the project's pinned Node 22 (`npm ci`) over an end-of-life system Node.
_NODE_BIN = ROOT / "node_modules" / ".bin"
if (_NODE_BIN / "node").exists() and str(_NODE_BIN) not in os.environ.get("PATH", ""):
    os.environ["PATH"] = f"{_NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"

import aws_cdk as cdk  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402
from cdk_nag import AwsSolutionsChecks  # noqa: E402

from filmhub.routes import API_PREFIX, QUEUE_WORKERS, FunctionSpec, Route  # noqa: E402
from infra.config import load_config  # noqa: E402
from infra.stack import FilmHubStack  # noqa: E402

#: Functions the issue plans; the complete synth adds any the route table does not have yet.
PLANNED: dict[str, tuple[FunctionSpec, Route]] = {
    "auth": (
        FunctionSpec("auth", "functions", "auth.handler.lambda_handler", "Auth"),
        Route("POST", f"{API_PREFIX}/auth/login", "auth"),
    ),
    "me": (
        FunctionSpec("me", "functions", "me.handler.lambda_handler", "Me"),
        Route("GET", f"{API_PREFIX}/me", "me"),
    ),
    "films": (
        FunctionSpec("films", "functions", "films.handler.lambda_handler", "Films"),
        Route("POST", f"{API_PREFIX}/films", "films"),
    ),
    "recommend": (
        FunctionSpec("recommend", "functions", "recommend.handler.lambda_handler", "Recommend"),
        Route("POST", f"{API_PREFIX}/recommend", "recommend"),
    ),
    "bot": (
        FunctionSpec("bot", ".", "bot.handler.lambda_handler", "Telegram webhook"),
        Route("POST", f"{API_PREFIX}/telegram/webhook", "bot"),
    ),
}
#: A function nobody has given settings to: it must deploy with the safe defaults.
FUTURE = (
    FunctionSpec("stats", "functions", "stats.handler.lambda_handler", "A future function"),
    Route("GET", f"{API_PREFIX}/stats", "stats"),
)


@dataclass
class Synth:
    stack: FilmHubStack
    template: Template
    raw: dict[str, Any]
    outdir: Path
    functions: dict[str, FunctionSpec]
    routes: list[Route]
    nag_error: str | None
    warnings: list[str]
    seconds: float
    _by_handler: dict[str, str] = field(default_factory=dict)

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {key: value for key, value in self.raw["Resources"].items() if value["Type"] == resource_type}

    def function_id(self, name: str) -> str:
        """Logical id of the Lambda function of route-table function ``name`` (found by its handler)."""
        handler = self.functions[name].handler
        matches = [
            key
            for key, value in self.resources("AWS::Lambda::Function").items()
            if value["Properties"].get("Handler") == handler
        ]
        assert len(matches) == 1, f"expected one function with handler {handler}, found {matches}"
        return matches[0]

    def function(self, name: str) -> dict[str, Any]:
        return self.raw["Resources"][self.function_id(name)]["Properties"]

    def role_statements(self, name: str) -> list[dict[str, Any]]:
        role_id = self.function(name)["Role"]["Fn::GetAtt"][0]
        role = self.raw["Resources"][role_id]["Properties"]
        assert not role.get("ManagedPolicyArns"), f"{name}'s role has managed policies"
        statements = [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]
        for policy in self.resources("AWS::IAM::Policy").values():
            if {"Ref": role_id} in policy["Properties"]["Roles"]:
                statements += policy["Properties"]["PolicyDocument"]["Statement"]
        return statements

    def actions(self, name: str) -> set[str]:
        found: set[str] = set()
        for statement in self.role_statements(name):
            actions = statement["Action"]
            found.update([actions] if isinstance(actions, str) else actions)
        return found

    def logical_id(self, construct: Any) -> str:
        element = construct.node.default_child
        return str(self.stack.resolve(self.stack.get_logical_id(element)))

    def asset_dir(self, code: dict[str, Any]) -> Path:
        return self.outdir / f"asset.{code['S3Key'].removesuffix('.zip')}"


def layer_dirs_in(base: Path) -> dict[str, str]:
    dirs = {}
    for name in ("code", "deps", "bot"):
        python = base / name / "python"
        python.mkdir(parents=True)
        (python / f"{name}_marker.py").write_text("# a stand-in for the real layer\n")
        dirs[name] = str(base / name)
    return dirs


def stub_sources(base: Path, specs: dict[str, FunctionSpec]) -> Path:
    """A source tree with a package per function (and per queue worker), plus junk the assets must leave out."""
    for spec in [*specs.values(), *QUEUE_WORKERS.values()]:
        package = base / spec.source_dir / spec.handler.split(".", 1)[0]
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / "handler.py").write_text("def lambda_handler(event, context):\n    return {}\n")
        (package / "__pycache__").mkdir(exist_ok=True)
        (package / "__pycache__" / "handler.cpython-313.pyc").write_bytes(b"junk")
    (base / "README.md").write_text("not part of any function\n")
    (base / ".venv" / "lib").mkdir(parents=True)
    (base / ".venv" / "lib" / "big.py").write_text("# must never be shipped\n")
    (base / ".gitlab-ci.yml").write_text("stages: []\n")
    return base


def synthesize(
    outdir: Path,
    layer_dirs: dict[str, str],
    stage: str,
    functions: dict[str, FunctionSpec],
    routes: list[Route],
    source_root: Path = ROOT,
) -> Synth:
    started = time.monotonic()
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.update({"stage": stage, "layerDirs": layer_dirs})
    app = cdk.App(context=context, outdir=str(outdir))
    stack = FilmHubStack(
        app,
        f"FilmHub-{stage}",
        config=load_config(app.node),
        functions=functions,
        routes=routes,
        source_root=source_root,
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    nag_error = None
    try:
        app.synth()
    except RuntimeError as error:  # cdk-nag findings fail the synth; the template is written before validation
        report = outdir / "validation-report.json"
        nag_error = f"{error}\n{report.read_text() if report.exists() else ''}"
    raw = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())
    # Construct metadata (warnings included) sits in <stack>.metadata.json, or in the manifest on older CDKs.
    metadata_file = outdir / f"{stack.artifact_id}.metadata.json"
    if metadata_file.exists():
        metadata = json.loads(metadata_file.read_text())
    else:
        metadata = json.loads((outdir / "manifest.json").read_text())["artifacts"][stack.artifact_id].get(
            "metadata", {}
        )
    warnings = [
        str(entry.get("data"))
        for entries in metadata.values()
        for entry in entries
        if entry.get("type") == "aws:cdk:warning"
    ]
    return Synth(
        stack=stack,
        template=Template.from_json(raw),
        raw=raw,
        outdir=outdir,
        functions=functions,
        routes=routes,
        nag_error=nag_error,
        warnings=warnings,
        seconds=time.monotonic() - started,
    )


#: What the transfers API function may do in the uploads bucket: write imports, read exports.
TRANSFERS_API_GRANTS = (("s3:PutObject", "imports/"), ("s3:GetObject", "exports/"))


def uploads_objects(synth: Synth, prefix: str) -> str:
    """The ARN pattern of the uploads bucket's objects under ``prefix``, as the template spells it."""
    name = [":s3:::filmhub-", synth.stack.config.stage, "-uploads-"]
    parts = ["arn:", {"Ref": "AWS::Partition"}, "".join(name), {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"},
             f"/{prefix}*"]  # fmt: skip
    return json.dumps({"Fn::Join": ["", parts]}, sort_keys=True)
