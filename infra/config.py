"""Deployment configuration: the stage and its settings, read once from CDK context.

``cdk.json`` holds a block per stage under ``stages``; any key can be overridden for one run with ``-c key=value``
(lists as comma-separated strings), e.g. ``cdk synth -c stage=prod -c corsOrigins=https://filmhub.example``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs import Node

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("dev", "prod")
DEFAULT_LAYER_DIRS = {
    "code": "build/layers/code",
    "deps": "build/layers/deps",
    "bot": "build/layers/bot",
}


@dataclass(frozen=True)
class StageConfig:
    stage: str
    cors_origins: tuple[str, ...]
    #: Bearer tokens travel in a header, not cookies, so the API needs no credentialed CORS by default.
    cors_allow_credentials: bool = False
    throttle_rate_limit: float = 50.0
    throttle_burst_limit: int = 100
    log_retention_days: int = 14
    log_level: str = "INFO"
    domain_name: str | None = None
    certificate_arn: str | None = None
    alarm_email: str | None = None
    seed_on_deploy: bool = True
    #: Folders with a ``python/`` subfolder each (``make layers``); relative paths are from the repo root.
    layer_dirs: Mapping[str, Path] = field(default_factory=dict)

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def stack_name(self) -> str:
        return f"FilmHub-{self.stage}"

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {self.stage!r}")
        if not self.cors_origins:
            raise ValueError("corsOrigins must list at least one origin")
        if self.cors_allow_credentials and "*" in self.cors_origins:
            # Browsers reject it and it would hand every site the user's credentials anyway.
            raise ValueError("corsOrigins may not contain '*' when corsAllowCredentials is true")
        if bool(self.domain_name) != bool(self.certificate_arn):
            raise ValueError("domainName and certificateArn go together")
        if self.throttle_burst_limit < 1 or self.throttle_rate_limit <= 0:
            raise ValueError("throttling limits must be positive")


_KEYS = {
    "corsOrigins": "cors_origins",
    "corsAllowCredentials": "cors_allow_credentials",
    "throttleRateLimit": "throttle_rate_limit",
    "throttleBurstLimit": "throttle_burst_limit",
    "logRetentionDays": "log_retention_days",
    "logLevel": "log_level",
    "domainName": "domain_name",
    "certificateArn": "certificate_arn",
    "alarmEmail": "alarm_email",
    "seedOnDeploy": "seed_on_deploy",
}


def _coerce(name: str, value: Any) -> Any:
    """``-c`` values arrive as strings; cdk.json values arrive as JSON."""
    if isinstance(value, str):
        stripped = value.strip()
        if name == "cors_origins":
            if stripped.startswith("["):
                return tuple(json.loads(stripped))
            return tuple(part.strip() for part in stripped.split(",") if part.strip())
        if name in {"cors_allow_credentials", "seed_on_deploy"}:
            return stripped.lower() in {"1", "true", "yes"}
        if name in {"throttle_rate_limit"}:
            return float(stripped)
        if name in {"throttle_burst_limit", "log_retention_days"}:
            return int(stripped)
        return stripped or None
    if name == "cors_origins" and value is not None:
        return tuple(value)
    return value


def load_config(node: Node, root: Path = ROOT) -> StageConfig:
    """The stage from ``-c stage=…`` (default ``dev``), its ``stages`` block, then per-key overrides."""
    stage = str(node.try_get_context("stage") or "dev")
    stages = node.try_get_context("stages") or {}
    if stage not in stages and stage in STAGES:
        stages = {**stages, stage: {}}
    values: dict[str, Any] = {}
    for key, attribute in _KEYS.items():
        if key in stages.get(stage, {}):
            values[attribute] = _coerce(attribute, stages[stage][key])
        override = node.try_get_context(key)
        if override is not None:
            values[attribute] = _coerce(attribute, override)
    values.setdefault("cors_origins", ())

    layer_dirs = dict(DEFAULT_LAYER_DIRS)
    overrides = node.try_get_context("layerDirs") or {}
    layer_dirs.update(json.loads(overrides) if isinstance(overrides, str) else overrides)
    resolved = {
        name: (root / path) if not Path(path).is_absolute() else Path(path) for name, path in layer_dirs.items()
    }
    return StageConfig(stage=stage, layer_dirs=resolved, **values)
