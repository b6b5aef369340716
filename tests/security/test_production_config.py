"""The app refuses to start in production with unsafe settings (SECURITY.md 1f, 4.3).

No database is touched: ``create_app`` does not connect, so these run once, not per backend.
"""

from __future__ import annotations

from typing import Any

import pytest

from config import Config, DevelopmentConfig, ProductionConfig, TestConfig, config_from_env
from partnership import ConfigurationError, create_app

GOOD = {
    "SECRET_KEY": "k" * 40,
    "SQLALCHEMY_DATABASE_URI": "postgresql://tracker@db.internal/tracker",
    "SERVICE_URL": "https://tracker.example.org",
}


def production(**overrides: Any):  # type: ignore[no-untyped-def]
    return create_app(ProductionConfig, **{**GOOD, **overrides})


def test_a_good_production_config_starts() -> None:
    app = production()
    assert not app.debug
    assert app.config["SESSION_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.config["HSTS"]
    assert app.config["WTF_CSRF_SSL_STRICT"]
    assert app.config.get("WTF_CSRF_ENABLED", True)


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"DEBUG": True}, "DEBUG"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-random-7f3a"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 31}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev"}, "SECRET_KEY"),
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY"),
        ({"SECRET_KEY": "CHANGEME"}, "SECRET_KEY"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
        ({"SQLALCHEMY_DATABASE_URI": ""}, "DATABASE_URL"),
        ({"SQLALCHEMY_DATABASE_URI": None}, "DATABASE_URL"),
        ({"SERVICE_URL": ""}, "SERVICE_URL"),
        ({"SERVICE_URL": "http://127.0.0.1:5000"}, "SERVICE_URL"),
        ({"SERVICE_URL": "http://tracker.example.org"}, "SERVICE_URL"),
        ({"SERVICE_URL": "https://localhost:8443"}, "SERVICE_URL"),
    ],
    ids=lambda value: "-".join(f"{k}={v!r}"[:30] for k, v in value.items())
    if isinstance(value, dict) else None,
)
def test_an_unsafe_production_config_refuses_to_start(overrides: dict[str, Any],
                                                      complaint: str) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        production(**overrides)


def test_the_refusal_does_not_echo_the_secret() -> None:
    weak = "my-weak-but-secret-value"
    with pytest.raises(ConfigurationError) as refused:
        production(SECRET_KEY=weak)
    assert weak not in str(refused.value)


def test_the_default_environment_is_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APP_ENV", raising=False)
    assert config_from_env() is ProductionConfig


@pytest.mark.parametrize(
    ("name", "expected"),
    [("production", ProductionConfig), ("development", DevelopmentConfig), ("test", TestConfig)],
)
def test_app_env_picks_the_config(monkeypatch: pytest.MonkeyPatch, name: str,
                                  expected: type[Config]) -> None:
    monkeypatch.setenv("APP_ENV", name)
    assert config_from_env() is expected


def test_an_unknown_app_env_stops_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "prod")
    with pytest.raises(SystemExit):
        config_from_env()


def test_production_is_strict_and_secure_by_default() -> None:
    assert ProductionConfig.STRICT_START
    assert ProductionConfig.SESSION_COOKIE_SECURE
    assert ProductionConfig.HSTS
    assert not getattr(ProductionConfig, "DEBUG", False)
    assert Config.SESSION_COOKIE_HTTPONLY
    assert Config.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert Config.MAX_CONTENT_LENGTH
