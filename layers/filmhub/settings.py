"""Process configuration: one validated settings object per process, read from the environment once.

Secrets (JWT key, provider keys, bot token) come either directly from an environment variable
(local stack, tests) or, on AWS, from Secrets Manager via Powertools Parameters: the function
gets ``<NAME>_SECRET_ARN`` and the value is fetched on first use and cached per container.

A process on AWS Lambda (the runtime sets ``AWS_LAMBDA_FUNCTION_NAME``) is deployed: it must be
told its table and bucket, and refuses to start on a default.  ``STAGE`` is not the signal, because
``make seed-remote STAGE=prod`` passes it to scripts that run on a laptop and need only the table.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

Provider = Literal["tmdb", "kinopoisk", "local"]
#: The value infra/data.py gives a secret that has not been set yet.
UNSET_SECRET_PREFIX = "PLACEHOLDER"
#: Settings a deployed function must be given (field → environment variable): their defaults suit only
#: the local stack, and on AWS they would name another stage's resources or none.
REQUIRED_WHEN_DEPLOYED = {"table_name": "TABLE_NAME", "posters_bucket": "POSTERS_BUCKET"}


class MissingSetting(RuntimeError):
    """A setting the process cannot do without is not configured."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    stage: str = "local"
    #: Set by the Lambda runtime, and only there: what makes this process a deployed one.
    aws_lambda_function_name: str | None = None
    service_version: str = "0.1.0"
    aws_region: str = Field(default="eu-central-1", alias="AWS_REGION")
    table_name: str = "filmhub"
    posters_bucket: str = "filmhub-posters"
    #: Public base URL of poster objects (CloudFront or the bucket); the key is appended.
    posters_base_url: str | None = None
    #: Endpoint overrides for the embedded local stack (moto server) and LocalStack.
    dynamodb_endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    sqs_endpoint_url: str | None = None
    #: Imports and exports: the private bucket uploads and archives go to, and the queue their worker reads.
    uploads_bucket: str | None = None
    transfer_queue_url: str | None = None

    jwt_secret: SecretStr | None = None
    jwt_secret_secret_arn: str | None = None
    jwt_ttl_seconds: Annotated[int, Field(ge=60, le=90 * 24 * 3600)] = 7 * 24 * 3600

    cors_origins: list[str] = ["http://localhost:5173", "http://127.0.0.1:5173"]
    #: Genres, moods and mixes change rarely: in-memory cache lifetime per container.
    catalog_cache_seconds: Annotated[int, Field(ge=0, le=3600)] = 60

    #: Abuse limits (docs/configuration.md § Abuse limits): requests per client in each window; 0 turns one off.
    rate_limit_window_seconds: Annotated[int, Field(ge=1, le=3600)] = 60
    #: 60 a minute: a class of 40 behind one address signs in at once (the per-email throttle stops guessing).
    rate_limit_login: Annotated[int, Field(ge=0, le=1_000_000)] = 60
    rate_limit_auth_key: Annotated[int, Field(ge=0, le=1_000_000)] = 10
    rate_limit_search: Annotated[int, Field(ge=0, le=1_000_000)] = 60
    #: Registrations per address in any sliding window: the class of 40 registers, a script stops at 50.
    rate_limit_register: Annotated[int, Field(ge=0, le=1_000_000)] = 50
    rate_limit_register_window_seconds: Annotated[int, Field(ge=60, le=86_400)] = 15 * 60
    #: Film creations and edits per user and window (each rewrites title-index items).
    rate_limit_film_writes: Annotated[int, Field(ge=0, le=1_000_000)] = 60
    rate_limit_film_writes_window_seconds: Annotated[int, Field(ge=1, le=86_400)] = 3600
    #: Look-ups of shared lists that find nothing (guessed or revoked slugs), per address and window.
    rate_limit_share_misses: Annotated[int, Field(ge=0, le=1_000_000)] = 30
    #: Where the public links of shared lists point (a custom domain or CDN, no trailing path); unset: the
    #: address each request came to.
    public_base_url: str | None = None

    providers: list[Provider] = ["tmdb", "kinopoisk", "local"]
    tmdb_api_key: SecretStr | None = None
    tmdb_api_key_secret_arn: str | None = None
    tmdb_base_url: str = "https://api.themoviedb.org/3"
    kinopoisk_api_key: SecretStr | None = None
    kinopoisk_api_key_secret_arn: str | None = None
    kinopoisk_base_url: str = "https://api.kinopoisk.dev"
    llm_api_key: SecretStr | None = None
    llm_api_key_secret_arn: str | None = None
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"

    telegram_bot_token: SecretStr | None = None
    telegram_bot_token_secret_arn: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_secret_secret_arn: str | None = None
    #: A Bot API server other than Telegram's (a self-hosted one; the end-to-end tests' fake).
    telegram_api_url: str | None = None

    @field_validator("cors_origins", "providers", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def deployed(self) -> bool:
        return self.aws_lambda_function_name is not None

    @model_validator(mode="after")
    def _deployed_names_its_resources(self) -> Settings:
        missing = [env for field, env in REQUIRED_WHEN_DEPLOYED.items() if field not in self.model_fields_set]
        if self.deployed and missing:
            raise ValueError(
                f"deployed function {self.aws_lambda_function_name} (stage {self.stage}) is missing "
                f"{', '.join(missing)}: refusing to start with a default"
            )
        return self

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> Settings:
        source = os.environ if environ is None else environ
        values = {key.lower(): value for key, value in source.items() if value != ""}
        values["AWS_REGION"] = source.get("AWS_REGION") or source.get("AWS_DEFAULT_REGION") or "eu-central-1"
        return cls.model_validate(values)

    def secret(self, name: str) -> str | None:
        """The secret ``name`` (e.g. ``"jwt_secret"``): from the environment, else Secrets Manager."""
        direct: SecretStr | None = getattr(self, name)
        if direct is not None:
            return direct.get_secret_value()
        arn: str | None = getattr(self, f"{name}_secret_arn")
        if arn is None:
            return None
        value = _fetch_secret(arn)
        # CDK creates optional secrets (TMDB, LLM, bot) with a placeholder until an operator sets them.
        return None if value.startswith(UNSET_SECRET_PREFIX) else value

    def required_secret(self, name: str) -> str:
        """The secret ``name``; :class:`MissingSetting` naming both variables when neither gives a value."""
        value = self.secret(name)
        if not value:
            variable = name.upper()
            raise MissingSetting(f"{variable} (or {variable}_SECRET_ARN) is not configured")
        return value


def _fetch_secret(arn: str) -> str:
    # Imported lazily: only deployed functions with a secret ARN pay for it.
    from aws_lambda_powertools.utilities import parameters

    return str(parameters.get_secret(arn, max_age=300))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()
