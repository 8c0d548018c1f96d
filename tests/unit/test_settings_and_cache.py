from __future__ import annotations

import pytest
from pydantic import ValidationError

from filmhub.core.cache import TimedValue
from filmhub.settings import Settings


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
