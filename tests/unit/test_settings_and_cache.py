from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from filmhub import wiring
from filmhub.core.cache import TimedValue
from filmhub.security.cursors import CursorCodec
from filmhub.settings import MissingSetting, Settings, get_settings


def test_settings_parse_lists_and_ignore_unknown_variables() -> None:
    settings = Settings.from_environ(
        {"CORS_ORIGINS": "https://a.example, https://b.example", "PROVIDERS": "local", "PATH": "/bin"}
    )
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.providers == ["local"]
    assert settings.aws_region == "eu-central-1"


def test_settings_reject_invalid_values() -> None:
    with pytest.raises(ValidationError):
        Settings.from_environ({"PROVIDERS": "imdb"})
    with pytest.raises(ValidationError):
        Settings.from_environ({"JWT_TTL_SECONDS": "5"})


def test_secret_prefers_the_environment_value() -> None:
    settings = Settings.from_environ({"JWT_SECRET": "s" * 40})
    assert settings.secret("jwt_secret") == "s" * 40
    assert settings.secret("tmdb_api_key") is None
    assert "s" * 40 not in repr(settings)


def test_timed_value_reloads_after_its_ttl() -> None:
    now = [0.0]
    loads = []
    value = TimedValue(lambda: loads.append(1) or len(loads), ttl_seconds=10, clock=lambda: now[0])
    assert value.get() == 1
    now[0] = 9.9
    assert value.get() == 1
    now[0] = 10.0
    assert value.get() == 2


def test_placeholder_secrets_from_secrets_manager_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    from filmhub import settings as settings_module

    values = {"arn:tmdb": "PLACEHOLDER-set-with-aws-secretsmanager-put-secret-value", "arn:llm": "sk-real"}
    monkeypatch.setattr(settings_module, "_fetch_secret", values.__getitem__)
    settings = Settings.from_environ({"TMDB_API_KEY_SECRET_ARN": "arn:tmdb", "LLM_API_KEY_SECRET_ARN": "arn:llm"})
    assert settings.secret("tmdb_api_key") is None
    assert settings.secret("llm_api_key") == "sk-real"


ON_LAMBDA = {
    "AWS_LAMBDA_FUNCTION_NAME": "FilmHub-prod-Me",
    "STAGE": "prod",
    "TABLE_NAME": "FilmHub-prod-Table",
    "POSTERS_BUCKET": "filmhub-prod-posters",
    "JWT_SECRET_SECRET_ARN": "arn:aws:secretsmanager:eu-central-1:123456789012:secret:jwt",
}


def test_a_deployed_function_without_a_table_name_refuses_to_start() -> None:
    environ = {name: value for name, value in ON_LAMBDA.items() if name != "TABLE_NAME"}
    refusal = r"FilmHub-prod-Me \(stage prod\) is missing TABLE_NAME: refusing to start"
    with pytest.raises(ValidationError, match=refusal):
        Settings.from_environ(environ)


def test_a_deployed_function_names_every_missing_setting_and_counts_empty_as_missing() -> None:
    environ = {**ON_LAMBDA, "TABLE_NAME": ""}
    del environ["POSTERS_BUCKET"]
    with pytest.raises(ValidationError, match="missing TABLE_NAME, POSTERS_BUCKET"):
        Settings.from_environ(environ)


def test_a_deployed_function_given_its_resources_starts() -> None:
    settings = Settings.from_environ(ON_LAMBDA)
    assert settings.deployed
    assert (settings.table_name, settings.posters_bucket) == ("FilmHub-prod-Table", "filmhub-prod-posters")


@pytest.mark.parametrize("stage", ["local", "test", "prod"])
def test_off_lambda_the_defaults_serve_whatever_the_stage(stage: str) -> None:
    # Scripts run with STAGE from make (`make seed-remote STAGE=prod`) and set only what they use.
    settings = Settings.from_environ({"STAGE": stage})
    assert not settings.deployed
    assert settings.table_name == "filmhub"


def test_the_test_environment_is_explicit_and_not_deployed() -> None:
    settings = get_settings()
    assert not settings.deployed
    assert settings.stage == "test"
    assert settings.table_name == "filmhub-test"
    assert {"table_name", "posters_bucket", "jwt_secret"} <= settings.model_fields_set


def test_a_required_secret_that_is_not_configured_is_an_error_naming_both_variables() -> None:
    with pytest.raises(MissingSetting, match=r"JWT_SECRET \(or JWT_SECRET_SECRET_ARN\) is not configured"):
        Settings.from_environ({}).required_secret("jwt_secret")
    assert Settings.from_environ({"JWT_SECRET": "k" * 40}).required_secret("jwt_secret") == "k" * 40


def test_the_cursor_key_is_never_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWT_SECRET")
    monkeypatch.setattr(wiring, "get_settings", lambda: Settings.from_environ(dict(os.environ)))
    wiring.reset()
    try:
        with pytest.raises(MissingSetting, match="JWT_SECRET"):
            wiring.watchlist_service()
    finally:
        wiring.reset()
    with pytest.raises(ValueError, match="at least 32 bytes"):
        CursorCodec("")
