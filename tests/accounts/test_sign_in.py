"""Signing in, as a person and as an attacker guessing, probing or redirecting sees it.

SECURITY.md 1a (one message for every failure, at most 10 guesses in 5 minutes, password
manager friendly form), 1d (login CSRF) and 4.1 (open redirect through ``next``).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from partnership.accounts import passwords, services
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.support.client import csrf_token_from, page

# These tests are about flows, not the hash: see test_passwords.py for that.

SIGN_IN_FAILED = "Enter a correct email address and password"
SIGN_IN_LOCKED = "Too many attempts to sign in to this account"

# CTFd's and Django's open-redirect payloads, plus the decoded forms of the encoded ones.
REDIRECT_PAYLOADS = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\/\\/evil.example",
    "https://evil.example",
    "http://evil.example/account",
    "http:evil.example",
    "https:evil.example",
    "//%09/evil.example",
    "//\t/evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "/%5Cevil.example",
    "https:/\\evil.example",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "//evil.example@localhost",
]


def _errors(response) -> list[str]:
    """The error messages a person sees: the summary and the messages by the fields."""
    soup = page(response)
    found = soup.select(".govuk-error-summary__list li, .govuk-error-message")
    return [" ".join(item.get_text(" ").replace("Error:", "").split()) for item in found]


def _signed_in(client) -> bool:
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _lands_on_this_site(location: str) -> bool:
    """Read a Location header as a browser would (WHATWG URL) and say if it stays here."""
    cleaned = location.strip("".join(chr(c) for c in range(33)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/sign-in", cleaned))
    return target.scheme in ("http", "https") and target.hostname == "localhost"


def test_unknown_email_and_wrong_password_get_the_same_answer(app, make_user):
    user = make_user(Role.TEAM)

    unknown = app.test_client().sign_in("nobody@example.org", PASSWORD)
    wrong = app.test_client().sign_in(user.email, "not the password at all")

    assert unknown.status_code == wrong.status_code == 200
    assert _errors(unknown) == _errors(wrong)
    assert SIGN_IN_FAILED in _errors(wrong)


def test_unknown_email_costs_the_same_password_check_as_a_wrong_password(
    app, make_user, monkeypatch
):
    """Answering faster for an unknown email would tell an attacker which emails exist."""
    user = make_user(Role.TEAM)
    real = passwords._hasher
    verified: list[str] = []

    class CountingHasher:
        def verify(self, stored: str, password: str) -> bool:
            verified.append(stored)
            return real.verify(stored, password)

        def __getattr__(self, name: str):
            return getattr(real, name)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())

    app.test_client().sign_in(user.email, "not the password at all")
    for_wrong_password = len(verified)
    verified.clear()
    app.test_client().sign_in("nobody@example.org", "not the password at all")

    assert for_wrong_password == 1
    assert len(verified) == for_wrong_password


def test_a_disabled_account_cannot_sign_in_and_is_not_revealed(app, make_user):
    user = make_user(Role.TEAM, disabled=True)
    client = app.test_client()

    response = client.sign_in(user.email, PASSWORD)

    assert response.status_code == 200
    assert SIGN_IN_FAILED in _errors(response)
    assert "disabled" not in page(response).get_text().lower()
    assert not _signed_in(client)


def test_sign_in_form_works_with_password_managers(client):
    soup = page(client.get("/sign-in"))
    form = soup.find("form")
    email = soup.find("input", attrs={"name": "email"})
    password = soup.find("input", attrs={"name": "password"})

    assert form["method"].lower() == "post"
    assert password["type"] == "password"
    assert password["autocomplete"] == "current-password"
    assert email["autocomplete"] == "username"
    assert not password.has_attr("maxlength")
    assert not any(attr.startswith("on") for attr in (*password.attrs, *form.attrs))


def test_eleventh_attempt_in_five_minutes_is_refused_even_with_the_right_password(
    app, make_user, monkeypatch
):
    user = make_user(Role.TEAM)
    # The same account however the email is typed: the lock cannot be dodged by case.
    spellings = [user.email, user.email.upper(), f"  {user.email.title()} "]
    for attempt in range(10):
        client = app.test_client()
        response = client.sign_in(spellings[attempt % 3], f"wrong guess number {attempt}")
        assert response.status_code == 200, f"attempt {attempt + 1}"
        assert SIGN_IN_FAILED in _errors(response)

    client = app.test_client()
    locked = client.sign_in(user.email, PASSWORD)

    assert locked.status_code == 429
    assert any(SIGN_IN_LOCKED in error for error in _errors(locked))
    assert not _signed_in(client)

    six_minutes_later = services.utcnow() + dt.timedelta(minutes=6)
    monkeypatch.setattr(services, "utcnow", lambda: six_minutes_later)
    response = client.sign_in(user.email, PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_next_never_sends_the_browser_to_another_site(app, make_user):
    user = make_user(Role.TEAM)
    escaped = []
    for payload in REDIRECT_PAYLOADS:
        client = app.test_client()
        response = client.submit("/sign-in?" + urlencode({"next": payload}),
                                 {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, repr(payload)
        location = response.headers["Location"]
        if not _lands_on_this_site(location):
            escaped.append((payload, location))

    assert escaped == []


@pytest.mark.parametrize("target", ["/account", "/account/password?from=sign-in"])
def test_a_next_page_on_this_site_is_honoured(app, make_user, target):
    user = make_user(Role.TEAM)
    client = app.test_client()

    response = client.submit("/sign-in?" + urlencode({"next": target}),
                             {"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_sign_in_without_a_csrf_token_is_refused(app, make_user):
    user = make_user(Role.TEAM)
    client = app.test_client()
    client.get("/sign-in")

    missing = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    other_browsers_token = csrf_token_from(app.test_client().get("/sign-in"))
    foreign = client.post("/sign-in", data={
        "csrf_token": other_browsers_token, "email": user.email, "password": PASSWORD,
    })

    assert missing.status_code == 400
    assert foreign.status_code == 400
    assert not _signed_in(client)
