"""Fixtures for the security tests: the production configuration, served over HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from config import ProductionConfig
from partnership import create_app
from partnership.extensions import db
from tests.conftest import PASSWORD
from tests.support.client import BrowserLikeClient, csrf_token_from

HTTPS = "https://localhost"
PRODUCTION_SECRET = "x" * 40


@pytest.fixture
def production_app(database_url: str) -> Iterator[Flask]:
    """The production configuration (HSTS, secure cookies, strict start) on this test's database.

    Build it after any TestConfig app a test needs for logging assertions: a non-testing app
    stops the ``partnership`` logger propagating to pytest's caplog.
    """
    app = create_app(ProductionConfig, SECRET_KEY=PRODUCTION_SECRET,
                     SQLALCHEMY_DATABASE_URI=database_url,
                     SERVICE_URL="https://tracker.example.org")
    app.test_client_class = BrowserLikeClient
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class HttpsClient:
    """Drive a client over HTTPS with a same-origin Referer, as a browser would."""

    def __init__(self, client: BrowserLikeClient) -> None:
        self.client = client

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, base_url=HTTPS, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, *,
             referer: str | None = "same-origin", **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if referer == "same-origin":
            headers["Referer"] = f"{HTTPS}{path}"
        elif referer is not None:
            headers["Referer"] = referer
        return self.client.post(path, data=data or {}, base_url=HTTPS, headers=headers,
                                **kwargs)

    def token(self, page: str = "/") -> str:
        return csrf_token_from(self.get(page))

    def sign_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        token = self.token("/sign-in")
        return self.post("/sign-in", {"csrf_token": token, "email": email, "password": password})


@pytest.fixture
def https_client(production_app: Flask) -> HttpsClient:
    return HttpsClient(production_app.test_client())  # type: ignore[arg-type]
