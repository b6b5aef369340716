"""The health check: reachable database → 200; unreachable → 503 with no detail."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.support.client import BrowserLikeClient


def test_healthz_reports_ok(client: BrowserLikeClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers


def test_healthz_reports_an_unreachable_database_without_detail(
    make_app: Callable[..., Flask],
) -> None:
    broken = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/x.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json() == {"status": "error", "database": "unavailable"}
    body = response.get_data(as_text=True).lower()
    for detail in ("nonexistent", "sqlite", "unable to open", "traceback", "operationalerror"):
        assert detail not in body
