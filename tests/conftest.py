"""Fixtures: an app per test on a fresh copy of a migrated database, on SQLite and PostgreSQL.

Each backend is migrated once per session with the real Alembic migrations; each test gets
its own copy (a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL), so
tests commit for real, run in any order and never see each other's rows.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade

from config import TestConfig
from partnership import create_app
from partnership.accounts import passwords
from partnership.accounts import services as accounts
from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from tests.support.client import BrowserLikeClient
from tests.support.postgres import TempCluster

BACKENDS = ("sqlite", "postgresql")
PASSWORD = "correct horse battery staple"
_counter = itertools.count()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--databases",
        default=",".join(BACKENDS),
        help="Comma-separated backends to run database tests on (default: sqlite,postgresql).",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = [b for b in metafunc.config.getoption("databases").split(",") if b]
        metafunc.parametrize("backend", chosen, scope="session")


def _migrate(url: str) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[TempCluster]:
    cluster = TempCluster()
    cluster.start()
    try:
        cluster.create_database("template_partnership")
        _migrate(cluster.url("template_partnership"))
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database for one test."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    cluster: TempCluster = request.getfixturevalue("postgres_cluster")
    name = f"test_{next(_counter)}"
    url = cluster.create_database(name, template="template_partnership")
    yield url
    cluster.drop_database(name)


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build apps on this test's database (extra settings as keyword arguments)."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, **overrides}
        app = create_app(TestConfig, **settings)
        app.test_client_class = BrowserLikeClient
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> BrowserLikeClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create an account: ``make_user(Role.TEAM, email=..., password=...)``."""

    def create(role: Role = Role.TEAM, *, email: str | None = None, password: str = PASSWORD,
               name: str | None = None, **fields: Any) -> User:
        email = email or f"{role.value}{next(_counter)}@example.org"
        with app.app_context():
            user = accounts.create_user(email, name or f"Test {role.value.title()}", role,
                                        password)
            for key, value in fields.items():
                setattr(user, key, value)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return create


@pytest.fixture
def signed_in(app: Flask, make_user: Callable[..., User]) -> Callable[[Role], BrowserLikeClient]:
    """Return a new client signed in as a new user with the given role."""

    def sign_in_as(role: Role) -> BrowserLikeClient:
        user = make_user(role)
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        response = client.sign_in(user.email, PASSWORD)
        assert response.status_code == 302, "sign-in failed in fixture"
        client.user = user  # type: ignore[attr-defined]
        return client

    return sign_in_as


@pytest.fixture
def quick_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with argon2id at its lowest cost, for tests about flows rather than hash strength.

    The real parameters cost about 0.1-0.2 s per hash or check, and the lock-out, redirect,
    session and web-layer tests sign in many times on each database. Everything about the
    hash itself (format, cost, rehash, exact-match) runs with the real parameters.
    """
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", quick)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", quick.hash("an unknown account never matches"))
