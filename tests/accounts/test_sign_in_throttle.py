"""The sign-in limit holds under parallel guessing: each attempt takes its place in the
window atomically, before any password is checked (SECURITY.md 1a: at most 10 guesses).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts import services
from partnership.accounts.models import SignInThrottle, User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.support.client import BrowserLikeClient, csrf_token_from

GUESSERS = 30
# A real argon2id check takes about this long; the counting check waits as long, so parallel
# attempts overlap as they would in production even with the quick test hasher.
CHECK_SECONDS = 0.05


def _count_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the checks against an account's own hash (a locked attempt checks a dummy)."""
    checked: list[str] = []
    real = services.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        if password_hash is not None:
            checked.append(password)
        time.sleep(CHECK_SECONDS)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting)
    return checked


def _in_parallel(app: Flask, email: str, passwords: list[str]) -> list[int]:
    """Post these sign-ins at the same moment, each from its own browser; return statuses."""
    clients: list[BrowserLikeClient] = [app.test_client() for _ in passwords]  # type: ignore[misc]
    tokens = [csrf_token_from(client.get("/sign-in")) for client in clients]
    barrier = threading.Barrier(len(passwords))
    statuses: list[int] = []
    failures: list[BaseException] = []

    def attempt(client: BrowserLikeClient, token: str, password: str) -> None:
        try:
            barrier.wait(timeout=30)
            response = client.post("/sign-in", data={"csrf_token": token, "email": email,
                                                      "password": password})
            statuses.append(response.status_code)
        except BaseException as error:  # reported below: a thread's error is lost otherwise
            failures.append(error)

    threads = [threading.Thread(target=attempt, args=args)
               for args in zip(clients, tokens, passwords, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(statuses) == len(passwords)
    return statuses


def _outcomes(app: Flask, email: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "sign-in",
                                                AuditEvent.actor == email)))


def test_parallel_guesses_check_the_password_no_more_than_the_limit(
    app: Flask, backend: str, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(Role.TEAM)
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    checked = _count_checks(monkeypatch)

    statuses = _in_parallel(app, user.email, [f"guess {n}" for n in range(GUESSERS)])

    assert len(checked) <= limit
    assert len(checked) == limit, "every attempt takes a place, so exactly the limit is checked"
    assert sorted(statuses) == [200] * limit + [429] * (GUESSERS - limit)
    outcomes = _outcomes(app, user.email)
    assert sorted(outcomes) == sorted(["failure"] * limit + ["locked"] * (GUESSERS - limit))

    # When the window has passed, the right password works again.
    later = services.utcnow() + dt.timedelta(minutes=app.config["SIGN_IN_WINDOW_MINUTES"] + 1)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302


def test_the_right_password_among_parallel_guesses_within_the_limit_succeeds(
    app: Flask, backend: str, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attempts in flight hold places, but a correct one within the limit is let in."""
    user = make_user(Role.TEAM)
    _count_checks(monkeypatch)

    statuses = _in_parallel(app, user.email, [PASSWORD] + [f"guess {n}" for n in range(3)])

    assert sorted(statuses) == [200, 200, 200, 302]
    assert sorted(_outcomes(app, user.email)) == ["failure", "failure", "failure", "success"]


def test_people_signing_in_at_once_with_the_right_password_are_all_let_in(
    app: Flask, backend: str, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full window whose places are still being checked is waited for, not refused."""
    user = make_user(Role.TEAM)
    checked = _count_checks(monkeypatch)

    statuses = _in_parallel(app, user.email, [PASSWORD] * GUESSERS)

    assert statuses == [302] * GUESSERS
    assert len(checked) == GUESSERS
    assert _outcomes(app, user.email) == ["success"] * GUESSERS


def test_unknown_emails_are_counted_the_same_way(app: Flask, backend: str) -> None:
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    for n in range(limit):
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        assert client.sign_in("Nobody@Example.org", f"guess {n}").status_code == 200

    client = app.test_client()  # type: ignore[assignment]
    assert client.sign_in("nobody@example.org", "one more").status_code == 429
    with app.app_context():
        row = db.session.get(SignInThrottle, "nobody@example.org")
        assert row is not None and (row.attempts, row.checking) == (limit, 0)


def test_a_success_clears_the_count_and_windows_that_have_passed(
    app: Flask, backend: str, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(Role.TEAM)
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    client.sign_in("someone.else@example.org", "a guess")
    client = app.test_client()  # type: ignore[assignment]
    client.sign_in(user.email, "a wrong guess")
    later = services.utcnow() + dt.timedelta(minutes=app.config["SIGN_IN_WINDOW_MINUTES"] + 1)
    monkeypatch.setattr(services, "utcnow", lambda: later)

    assert client.sign_in(user.email, PASSWORD).status_code == 302

    with app.app_context():
        assert db.session.scalars(sa.select(SignInThrottle.email)).all() == []
