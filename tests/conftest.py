"""Fixtures: an app per test on a fresh copy of a migrated database, on SQLite and PostgreSQL.

Each backend is migrated once per session with the real Alembic migrations; each test gets
its own copy (a file copy for SQLite; on PostgreSQL one copy per process, emptied of the rows
the last test wrote, or ``CREATE DATABASE ... TEMPLATE`` for the demo), so tests commit for
real, run in any order and never see each other's rows. A test marked
``demo`` starts on a copy of a demo-loaded template instead (``tests/support/demo.py``).

Passwords are hashed with argon2id at its lowest cost unless a test is marked
``real_hashing``: the real parameters cost 0.1-0.2 s per hash or check, and most tests are
about flows, not hash strength.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing import Rule

from config import TestConfig
from partnership import clock, create_app
from partnership.accounts import passwords
from partnership.accounts import services as accounts
from partnership.accounts.models import User, UserPartnership
from partnership.audit.services import acting_as
from partnership.demo.loader import load_demo, load_synthetic
from partnership.documents import pdf
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Partnership
from tests.support.client import BrowserLikeClient
from tests.support.demo import DemoRecipe, DemoTemplates, recipe_of
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


def pytest_configure(config: pytest.Config) -> None:
    """Share finished PDF renders between this run's processes: every worker loads the demo,
    and the demo's published documents are the same on each backend (the folder is made by
    the first process and removed when it ends)."""
    if hasattr(config, "workerinput") or os.environ.get(pdf.SHARED_RENDERS_VARIABLE):
        return
    folder = tempfile.mkdtemp(prefix="partnership-renders-")
    os.environ[pdf.SHARED_RENDERS_VARIABLE] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    config.add_cleanup(lambda: os.environ.pop(pdf.SHARED_RENDERS_VARIABLE, None))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each browser journey module on one xdist worker, in order (its steps build on
    each other's records); the accessibility checks of each role may go anywhere. A worker
    that runs browser tests starts its own live server and Chromium.

    Tests on the demo as loaded on another day or at a scale share one worker per day or
    scale: each worker loads every demo it is asked for once, and a load takes seconds (the
    benchmark's scale far longer), so one load per day serves them all. They run on SQLite
    only: what changes with the day or the scale is the demo's own Python, and PostgreSQL
    runs every test of the demo as loaded today. A test marked ``databases("sqlite")`` is
    about Python alone too (a loader's messages, a missing tool) and runs on that backend.

    The long groups go first (the browser's, then the demo's other days), so the many short
    tests fill the workers' last minutes instead of one worker finishing a browser walk
    alone."""
    kept, deselected = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("backend")
        only = item.get_closest_marker("databases")
        if only is not None and backend and backend not in only.args:
            deselected.append(item)
            continue
        if item.get_closest_marker("browser"):
            module = item.nodeid.split("::")[0]
            alone = module.endswith("test_accessibility.py")
            item.add_marker(pytest.mark.xdist_group(item.nodeid if alone else module))
        elif (demo := item.get_closest_marker("demo")) is not None and demo.kwargs:
            if backend and backend != "sqlite":
                deselected.append(item)
                continue
            recipe = ",".join(f"{key}={value}" for key, value in sorted(demo.kwargs.items()))
            item.add_marker(pytest.mark.xdist_group(f"demo:{recipe}"))
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    kept.sort(key=_schedule_rank)  # stable: each module keeps its own order
    items[:] = kept


def _schedule_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("browser"):
        return 0 if "test_every_page_for_role" in item.nodeid else 1
    demo = item.get_closest_marker("demo")
    return 2 if demo is not None and demo.kwargs else 3


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = [b for b in metafunc.config.getoption("databases").split(",") if b]
        metafunc.parametrize("backend", chosen, scope="session")


def _migrate(url: str) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def evidence_store() -> Iterator[Path]:
    """The evidence files this test process writes (one folder per process), removed at the
    end of the run so runs do not pile them up."""
    folder = Path(TestConfig.EVIDENCE_DIR)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


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


def _load_demo_into(url: str, recipe: DemoRecipe) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        # The demo as loaded that day: publishing refuses a date after "today".
        with acting_as("tests"), clock.frozen(recipe.day):
            if recipe.scale:
                load_synthetic(recipe.scale, today=recipe.day)
            else:
                load_demo(today=recipe.day, until=recipe.until)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def session_day() -> dt.date:
    """The day "today" means for demo templates: fixed when the session starts."""
    return clock.today()


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplates:
    return DemoTemplates(tmp_path_factory.mktemp("demo"), _load_demo_into)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test: empty, or the demo if the test is marked."""
    marker = request.node.get_closest_marker("demo")
    recipe = recipe_of(marker, request.getfixturevalue("session_day")) if marker else None
    templates: DemoTemplates | None = (
        request.getfixturevalue("demo_templates") if recipe else None)
    if backend == "sqlite":
        empty: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        if templates and recipe:
            yield templates.sqlite_copy(empty, recipe, path)
            return
        shutil.copyfile(empty, path)
        yield f"sqlite:///{path}"
        return
    cluster: TempCluster = request.getfixturevalue("postgres_cluster")
    if not (templates and recipe):
        # One empty database per test process, emptied again before each test.
        yield cluster.reused_copy("test_empty", template="template_partnership")
        return
    source = templates.postgres_template(cluster, recipe)
    name = f"test_{next(_counter)}"
    url = cluster.create_database(name, template=source)
    yield url
    cluster.drop_database(name)


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process and shared by every test's app.

    Each test builds a new app, whose Jinja environment would otherwise compile every
    template it renders again (80 ms for the sign-in page, more for the bigger ones).
    Jinja keys each entry on the template's name and source checksum.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = CompiledTemplates()


def _share_url_builders() -> None:
    """Compile each URL rule's builder once per test process, not once per test's app.

    Every test builds an app, and Werkzeug compiles two builder functions (through ``ast``)
    for each of its 300 rules: a tenth of a second an app. A builder is a pure function of
    its rule (the rule object is passed in when it is called), so rules alike share one.
    """
    compile_builder = Rule._compile_builder
    builders: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}

    def shared(rule: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        key = (rule.rule, rule.host, rule.subdomain, tuple(rule._trace),
               tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items())),
               append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = shared  # type: ignore[method-assign]


_share_url_builders()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build apps on this test's database (extra settings as keyword arguments)."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, **overrides}
        app = create_app(TestConfig, **settings)
        app.jinja_env.bytecode_cache = _compiled_templates
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
def make_user(app: Flask) -> Iterator[Callable[..., User]]:
    """Create an account: ``make_user(Role.TEAM, email=..., password=...)``.

    It serves every partnership, including those the test adds later, unless told which
    (``partnerships=[partnership_id, ...]``); an administrator serves all anyway.
    """
    serving_all: set[int] = set()

    def serve_new(_mapper: Any, connection: sa.Connection, partnership: Partnership) -> None:
        if serving_all:
            connection.execute(sa.insert(UserPartnership), [
                {"user_id": user_id, "partnership_id": partnership.id}
                for user_id in sorted(serving_all)])

    sa.event.listen(Partnership, "after_insert", serve_new)

    def create(role: Role = Role.TEAM, *, email: str | None = None, password: str = PASSWORD,
               name: str | None = None, partnerships: Iterable[int] | None = None,
               **fields: Any) -> User:
        email = email or f"{role.value}{next(_counter)}@example.org"
        with app.app_context():
            user = accounts.create_user(email, name or f"Test {role.value.title()}", role,
                                        password)
            for key, value in fields.items():
                setattr(user, key, value)
            if role is not Role.ADMIN:
                user.serve_only(frozenset(
                    partnerships if partnerships is not None
                    else db.session.scalars(sa.select(Partnership.id))))
            db.session.commit()
            if partnerships is None and role is not Role.ADMIN:
                serving_all.add(user.id)
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    yield create
    sa.event.remove(Partnership, "after_insert", serve_new)


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


_REAL_HASHING = (passwords._hasher, passwords._DUMMY_HASH)
_QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_QUICK_HASHING = (_QUICK_HASHER, _QUICK_HASHER.hash("an unknown account never matches"))


@pytest.fixture(scope="session", autouse=True)
def _quick_hashing_by_default() -> Iterator[None]:
    """Hash at argon2id's lowest cost for the whole session (templates included)."""
    passwords._hasher, passwords._DUMMY_HASH = _QUICK_HASHING
    yield
    passwords._hasher, passwords._DUMMY_HASH = _REAL_HASHING


@pytest.fixture(autouse=True)
def _real_hashing_when_marked(request: pytest.FixtureRequest,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the real argon2id parameters in tests about the hash itself (``real_hashing``)."""
    if request.node.get_closest_marker("real_hashing"):
        monkeypatch.setattr(passwords, "_hasher", _REAL_HASHING[0])
        monkeypatch.setattr(passwords, "_DUMMY_HASH", _REAL_HASHING[1])

