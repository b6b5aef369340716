"""Random input never breaks a form, and a refused form writes nothing (SECURITY.md 1e).

Hypothesis runs every example inside one call of the test, so the function-scoped app,
database and client are shared by all the examples (hence the suppressed health check):
each example fetches a fresh CSRF token, which is all it needs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from tests.support.client import BrowserLikeClient, csrf_token_from

ALLOWED = {200, 302, 400, 422, 429}
FUZZ = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

control = st.characters(min_codepoint=0, max_codepoint=31)
nasty = st.sampled_from([
    "\x00", "a\x00b@example.org", "\x00" * 10, "\r\n", "\u202e", "\ufeff", "%00", "' OR 1=1 --",
    "<script>alert(1)</script>", "{{7*7}}", "😀" * 50, "a" * 10_000, "\x00" * 10_000,
    "é" * 10_000, " " * 10_000,
])
text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=control, max_size=40),
    nasty,
    st.text(min_size=1, max_size=4).map(lambda s: s * 2_500),  # about 10k characters
)
role = st.one_of(st.sampled_from([r.value for r in Role]), text)


def user_count(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(User.id))) or 0
        db.session.remove()
        return count


@FUZZ
@given(email=text, password=text)
def test_sign_in_survives_random_input(app: Flask, client: BrowserLikeClient, email: str,
                                       password: str) -> None:
    before = user_count(app)
    token = csrf_token_from(client.get("/sign-in"))
    response = client.post("/sign-in", data={"csrf_token": token, "email": email,
                                             "password": password})
    assert response.status_code in ALLOWED, (email[:50], password[:50])
    assert client.get("/").status_code == 302  # still not signed in
    assert user_count(app) == before


@pytest.fixture
def admin(signed_in: Callable[[Role], BrowserLikeClient]) -> BrowserLikeClient:
    return signed_in(Role.ADMIN)


@FUZZ
@given(name=text, email=text, role=role, password=text)
def test_new_user_form_survives_random_input(app: Flask, admin: BrowserLikeClient, name: str,
                                             email: str, role: str, password: str) -> None:
    before = user_count(app)
    token = csrf_token_from(admin.get("/users/new"))
    response = admin.post("/users/new", data={"csrf_token": token, "name": name,
                                              "email": email, "role": role,
                                              "password": password})
    assert response.status_code in ALLOWED, (name[:50], email[:50], role[:50])
    if response.status_code == 302:  # random text can make a valid account
        assert user_count(app) == before + 1
    else:
        assert user_count(app) == before, "a refused form wrote a user"
    assert admin.get("/users").status_code == 200  # the admin is still signed in



def test_nul_in_a_search_or_an_edit_is_refused_not_a_crash(
    admin: BrowserLikeClient, make_user: Callable[..., User],
) -> None:
    """PostgreSQL cannot store or compare text containing NUL: the app refuses it first."""
    assert admin.get("/audit?actor=a%00b").status_code == 400
    assert admin.get("/audit?record_id=%00").status_code == 400
    user = make_user(Role.TEAM)
    response = admin.submit(f"/users/{user.id}/edit", {"version": "1", "name": "a\x00b",
                                                       "email": user.email, "role": "team"})
    assert response.status_code == 400
