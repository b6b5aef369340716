"""Fixtures for the browser tests: one live server on SQLite and one headless Chromium.

These run once (not per database backend), so they never use the ``backend``/``app``
fixtures from ``tests/conftest.py``. The server serves a copy of the demo-loaded template
(migrated with the real migrations, the demo loaded once per process); each role signs in
through the real form once, and tests get new browser contexts that reuse that signed-in
storage state.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Playwright, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestConfig
from partnership import create_app
from partnership.accounts.models import User
from partnership.extensions import db
from partnership.jobs.worker import Worker
from partnership.policy import Role
from tests.browser.support import ACCOUNTS, CHROMIUM, CHROMIUM_ARGS, LiveServer, sign_in
from tests.support.demo import DemoRecipe, DemoTemplates

# The whole suite shares two cores: a page that answers in a tenth of a second alone may take
# seconds while other tests render PDFs, so assertions wait longer than Playwright's 5 s.
EXPECT_TIMEOUT_MS = 20_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)
# Clicks and navigations wait for pages the server may be slow to send while the machine
# renders a yearly report's PDF for another test.
ACTION_TIMEOUT_MS = 60_000


class QuietHandler(WSGIRequestHandler):
    """Leave request logging to the app's own JSON log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
                demo_templates: DemoTemplates, session_day: dt.date) -> Iterator[LiveServer]:
    """Serve a copy of the demo as loaded today on SQLite (the template the other demo tests
    of this process copy too, so the demo is loaded once)."""
    path = tmp_path_factory.mktemp("browser") / "live.db"
    url = demo_templates.sqlite_copy(sqlite_template, DemoRecipe(day=session_day), path)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        user_ids = {email: uid for uid, email in db.session.execute(sa.select(User.id, User.email))}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    # The background worker beside the server, as `make run` and production have it: it
    # renders the PDFs the pages say are being prepared.
    worker = Worker(app, "live-server worker", poll_seconds=0.2)
    worker_thread = worker.start_in_thread()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, user_ids)
    finally:
        worker.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        worker_thread.join(timeout=70)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session (browsers cannot be downloaded)."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def storage_states(browser: Browser, live_server: LiveServer) -> Callable[[Role], Any]:
    """Sign each role in once (lazily) and remember its cookies."""
    states: dict[Role, Any] = {}

    def state_for(role: Role) -> Any:
        if role not in states:
            account = ACCOUNTS[role]
            context = browser.new_context()
            try:
                page = context.new_page()
                sign_in(page, live_server, account.email, account.password)
                assert page.url == live_server("/"), f"{role} did not reach home: {page.url}"
                states[role] = context.storage_state()
            finally:
                context.close()
        return states[role]

    return state_for


@pytest.fixture
def new_context(
    browser: Browser, storage_states: Callable[[Role], Any]
) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts, signed in as a role (or signed out with ``None``)."""
    opened: list[BrowserContext] = []

    def open_context(role: Role | None = None, **options: Any) -> BrowserContext:
        if role is not None:
            options["storage_state"] = storage_states(role)
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
