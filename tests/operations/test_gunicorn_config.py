"""deploy/gunicorn.conf.py: threads, timeouts above the slowest request, safe defaults."""

from __future__ import annotations

import runpy
from typing import Any

import pytest
from gunicorn.config import Config

from partnership.documents.pdf import TIME_LIMIT_SECONDS
from tests.operations.conftest import ROOT

CONFIG_FILE = ROOT / "deploy" / "gunicorn.conf.py"
ENVIRONMENT = ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT",
               "GUNICORN_GRACEFUL_TIMEOUT", "GUNICORN_MAX_REQUESTS",
               "GUNICORN_MAX_REQUESTS_JITTER", "GUNICORN_LOG_LEVEL", "FORWARDED_ALLOW_IPS",
               "PORT")


def load(monkeypatch: pytest.MonkeyPatch, **environment: str) -> Config:
    """Read the config file the way gunicorn does, with only the given environment."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings: dict[str, Any] = runpy.run_path(str(CONFIG_FILE))
    config = Config()
    for name, value in settings.items():
        if name in config.settings:
            config.set(name, value)  # validates each value as gunicorn would
    unknown = {name for name in settings if not name.startswith("_") and name.islower()
               and name not in config.settings and name not in {"os", "annotations"}}
    assert unknown == set(), f"not gunicorn settings: {unknown}"
    return config


def test_defaults_suit_the_slowest_request(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load(monkeypatch, PORT="9999")  # gunicorn alone would then bind 0.0.0.0:9999
    assert config.bind == ["127.0.0.1:8000"]
    assert config.worker_class_str == "gthread"
    assert config.threads >= 2
    assert config.timeout >= 2 * TIME_LIMIT_SECONDS  # the render's own limit: 60 s
    assert config.graceful_timeout > TIME_LIMIT_SECONDS
    assert config.max_requests > 0 and 0 < config.max_requests_jitter < config.max_requests
    assert config.accesslog is None
    assert config.errorlog == "-"
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert config.control_socket_disable is True
    assert config.wsgi_app == "wsgi:app"
    assert 3 <= config.workers <= 8


def test_the_environment_sets_what_an_operator_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load(monkeypatch, GUNICORN_BIND="unix:/run/partnership/web.sock",
                  WEB_CONCURRENCY="5", GUNICORN_THREADS="8", FORWARDED_ALLOW_IPS="10.0.0.5")
    assert config.bind == ["unix:/run/partnership/web.sock"]
    assert config.workers == 5
    assert config.threads == 8
    assert config.forwarded_allow_ips == ["10.0.0.5"]


def test_workers_are_capped_on_a_big_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(64)))
    assert load(monkeypatch).workers == 8
