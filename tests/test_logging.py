"""Logs and the audit trail: useful to an operator, useless to whoever reads them later.

SECURITY.md 1h (ASVS 16.2.5, 16.4.1): no password, session cookie or CSRF token in any log
line or audit row; one structured JSON line per request; visitor-supplied text escaped.
"""

from __future__ import annotations

import io
import json
import logging
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.web import JSONFormatter
from tests.conftest import PASSWORD
from tests.support.client import csrf_token_from, page
from tests.support.partnerships import add_partnership

WRONG_PASSWORD = "correct horse battery stapler"
NEW_PASSWORD = "kettle moss ribbon fathom"
ADMIN_SET_PASSWORD = "glacier fern copper lark"
# A username that tries to forge a second log line, overwrite this one and colour the terminal.
HOSTILE = (
    'mallory\n{"level": "CRITICAL", "message": "admin signed in"}\r\x1b[31m\u2028\x85'
    "@example.org"
)
LINE_BREAKING = {chr(c) for c in range(32)} | {"\x85", "\u2028", "\u2029"}


@pytest.fixture
def log_lines(app):
    """Capture what the app's own log handler writes, as the operator would see it."""
    handler = next(h for h in logging.getLogger("partnership").handlers
                   if getattr(h, "partnership", False))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: stream.getvalue().split("\n")[:-1]
    handler.setStream(previous)


def _form_values(response) -> dict[str, str]:
    """The values a browser would submit from the first form on a page."""
    form = page(response).find("form", attrs={"method": "post", "action": None})
    values = {}
    for field in form.find_all("input"):
        if field.get("type") in ("radio", "checkbox") and not field.has_attr("checked"):
            continue
        if field.get("name"):
            values[field["name"]] = field.get("value", "")
    return values


class Secrets:
    """Every secret a browser held during a test: passwords, cookies, tokens."""

    def __init__(self, *passwords: str) -> None:
        self.values = set(passwords)

    def keep(self, client, response=None) -> None:
        if response is not None and page(response).find("input", attrs={"name": "csrf_token"}):
            self.values.add(csrf_token_from(response))
        cookie = client.get_cookie("session")
        if cookie is not None and cookie.value:
            self.values.add(cookie.value)
        with client.session_transaction() as session:
            self.values.update(str(session[key]) for key in ("sid", "csrf_token") if key in session)

    def found_in(self, text: str) -> list[str]:
        return sorted(secret for secret in self.values if secret in text)


def test_passwords_cookies_and_tokens_never_reach_logs_or_the_audit_trail(
    app, make_user, caplog
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="partnership")
    admin = make_user(Role.ADMIN)
    add_partnership(app, "north")  # the account edited below serves it
    person = make_user(Role.TEAM, name="Sam Person")
    secrets = Secrets(PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, ADMIN_SET_PASSWORD)
    hashes = set()

    def stored_hash() -> str:
        with app.app_context():
            return db.session.get(User, person.id).password_hash

    hashes.add(stored_hash())

    # Sign-in: a mistyped password, then the right one.
    browser = app.test_client()
    shown = browser.get("/sign-in")
    secrets.keep(browser, shown)
    failed = browser.post("/sign-in", data={
        "csrf_token": csrf_token_from(shown), "email": person.email, "password": WRONG_PASSWORD,
    })
    assert failed.status_code == 200
    secrets.keep(browser, failed)
    signed_in = browser.post("/sign-in", data={
        "csrf_token": csrf_token_from(failed), "email": person.email, "password": PASSWORD,
    })
    assert signed_in.status_code == 302
    secrets.keep(browser)

    # A forged request with someone else's token is refused (and logged as refused).
    other = app.test_client()
    foreign_token = csrf_token_from(other.get("/sign-in"))
    secrets.keep(other)
    assert browser.post("/sign-out", data={"csrf_token": foreign_token}).status_code == 400

    # Password change.
    form = browser.get("/account/password")
    secrets.keep(browser, form)
    changed = browser.post("/account/password", data={
        "csrf_token": csrf_token_from(form), "current_password": PASSWORD,
        "password": NEW_PASSWORD,
    })
    assert changed.status_code == 302
    secrets.keep(browser)
    hashes.add(stored_hash())

    # An administrator edits the account and sets a new first password.
    office = app.test_client()
    assert office.sign_in(admin.email, PASSWORD).status_code == 302
    edit = office.get(f"/users/{person.id}/edit")
    secrets.keep(office, edit)
    values = {**_form_values(edit), "name": "Sam Renamed", "role": "partner"}
    edited = office.post(f"/users/{person.id}/edit", data=values)
    assert edited.status_code == 302
    password_form = office.get(f"/users/{person.id}/password")
    secrets.keep(office, password_form)
    set_by_admin = office.post(f"/users/{person.id}/password", data={
        "csrf_token": csrf_token_from(password_form), "password": ADMIN_SET_PASSWORD,
    })
    assert set_by_admin.status_code == 302
    hashes.add(stored_hash())
    assert office.sign_out().status_code == 302

    formatter = JSONFormatter()
    logged = "\n".join(
        [caplog.text]
        + [formatter.format(record) for record in caplog.records]
        + [repr(vars(record)) for record in caplog.records]
    )
    with app.app_context():
        audit = "\n".join(
            json.dumps({c.name: getattr(event, c.name) for c in AuditEvent.__table__.columns},
                       default=str)
            for event in db.session.scalars(sa.select(AuditEvent))
        )
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))

    assert any(r.name == "partnership.request" for r in caplog.records)  # logs were captured
    assert {"sign-in", "sign-out", "update"} <= actions  # and the audit trail was written
    assert "Sam Renamed" in audit
    assert secrets.found_in(logged) == []
    assert secrets.found_in(audit) == []
    assert [h for h in hashes if h in audit] == []


def test_each_request_writes_one_json_line_for_the_operator(app, make_user, log_lines):
    user = make_user(Role.TEAM)
    browser = app.test_client()
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    visitor = app.test_client()
    already = len(log_lines())

    made = [
        ("GET", "/account", user.id, browser.get("/account")),
        ("GET", "/sign-in", None, visitor.get("/sign-in")),
        ("GET", "/no-such-page", None, visitor.get("/no-such-page")),
        ("POST", "/sign-in", None, visitor.post("/sign-in", data={"email": user.email})),
    ]

    entries = [json.loads(line) for line in log_lines()[already:]]
    requests = [entry for entry in entries if entry["message"] == "request"]
    assert len(requests) == len(made)
    for entry, (method, path, user_id, response) in zip(requests, made, strict=True):
        assert (entry["method"], entry["path"]) == (method, path)
        assert entry["status"] == response.status_code
        assert entry["user_id"] == user_id
        assert re.fullmatch(r"[0-9a-f]{32}", entry["request_id"])
        assert entry["request_id"] == response.headers["X-Request-ID"]
        assert isinstance(entry["duration_ms"], int | float)
        assert entry["duration_ms"] >= 0
        assert entry["level"] == "INFO"
    assert [entry["status"] for entry in requests] == [200, 200, 404, 400]
    assert len({entry["request_id"] for entry in requests}) == len(requests)
    # A request refused by CSRF protection is traceable to its refusal.
    [refusal] = [entry for entry in entries if entry["message"] == "csrf refused"]
    assert refusal["request_id"] == requests[-1]["request_id"]


def test_a_hostile_username_cannot_forge_or_colour_log_lines(app, client, caplog, log_lines):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="partnership")

    attempt = client.submit("/sign-in", {"email": HOSTILE, "password": WRONG_PASSWORD})
    probe = client.get("/users/" + quote(HOSTILE))

    assert attempt.status_code == 200
    assert probe.status_code in (302, 404)
    formatter = JSONFormatter()
    lines = [formatter.format(record) for record in caplog.records] + log_lines()
    assert lines
    for line in lines:
        assert not LINE_BREAKING & set(line), line
        json.loads(line)
    # The visitor's text is in the log, escaped, and reads back exactly as sent.
    assert "/users/" + HOSTILE in [json.loads(line).get("path") for line in log_lines()]


def test_the_log_format_escapes_control_characters_wherever_they_appear():
    record = logging.LogRecord(
        "partnership.accounts", logging.WARNING, __file__, 1, "sign-in refused for %s",
        (HOSTILE,), None,
    )
    record.fields = {"actor": HOSTILE}

    line = JSONFormatter().format(record)

    assert not LINE_BREAKING & set(line)
    entry = json.loads(line)
    assert entry["message"] == f"sign-in refused for {HOSTILE}"
    assert entry["actor"] == HOSTILE
