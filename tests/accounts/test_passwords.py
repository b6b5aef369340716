"""Passwords as the person choosing one, and the attacker guessing one, meet them.

NCSC and Cyber Essentials: at least 12 characters, no maximum, no composition rules, no
scheduled expiry, a deny-list of common and guessable passwords (SECURITY.md 1a). ASVS 5.0
6.2.x and Appendix C: checked exactly as typed, argon2id at t>=3 with m>=12 MiB.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.support.client import page
from tests.support.partnerships import add_partnership

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")


SIGN_IN_FAILED = "Enter a correct email address and password"
TOO_SHORT = "Password must be 12 characters or more"
TOO_COMMON = "Password is too common"
GUESSABLE = "Password is too easy to guess"

# The person these tests set passwords for: their own name must not be their password.
NAME = "Jocelyn Featherstonehaugh"
EMAIL = "jocelyn.f@example.org"
GOOD_NEW_PASSWORD = "kettle moss ribbon fathom"

ACCEPTED = {
    "12 characters": "tqv8 rnzp 3k",
    "64 characters": ("plum orbit 7 vane kestrel " * 3)[:64],
    "200 characters": ("glacier fern 42 copper lark " * 8)[:200],
    "spaces": "  lots   of   room   between  ",
    "unicode": "Ünïcödé wörds am härbour çafé",
    "emoji": "🦊🌲🔥🐙 fox forest fire octopus",
    "lowercase four-word passphrase": "kettle moss ribbon fathom",
    "non-latin script": "Ελληνικά συνθηματικά λόγια",
}

# (password, what the person is told); the name-based ones assume NAME above.
WEAK = [
    ("tqv8 rnzp 3", TOO_SHORT),  # 11 characters
    ("password1234", TOO_COMMON),
    ("qwerty123456", TOO_COMMON),
    ("Safeguarding2024!", GUESSABLE),
    ("partnershiptracker", GUESSABLE),
    ("Featherstonehaugh", GUESSABLE),
    ("Jocelyn Featherstonehaugh1", GUESSABLE),
]


def _text(response) -> str:
    return " ".join(page(response).get_text(" ").split())


def _stored_hash(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.password_hash).where(User.email == email))


def _signs_in(app, email: str, password: str) -> bool:
    client = app.test_client()
    response = client.sign_in(email, password)
    if response.status_code == 302:
        # Signed in (a first password set by an admin still lands on the change page).
        assert client.get("/account/password").status_code == 200
        return True
    assert SIGN_IN_FAILED in _text(response)
    return False


@pytest.mark.parametrize("password", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_long_unicode_and_plain_passphrases_are_accepted_and_work(app, make_user, password):
    user = make_user(Role.TEAM, password=password)

    assert _signs_in(app, user.email, password)


def test_a_non_latin_password_is_accepted_for_a_person_with_a_non_latin_name(app, make_user):
    user = make_user(Role.TEAM, name="Νίκος Παπαδόπουλος", password="Ελληνικά συνθηματικά λόγια")

    assert _signs_in(app, user.email, "Ελληνικά συνθηματικά λόγια")


def test_a_password_made_of_a_non_latin_name_is_still_refused(app):
    from partnership.accounts import services

    with app.app_context(), pytest.raises(services.AccountError, match=GUESSABLE):
        services.create_user("nikos@example.org", "Νίκος Παπαδόπουλος", Role.TEAM,
                             "Παπαδόπουλος Νίκος 1")


def test_admin_create_refuses_short_common_and_guessable_passwords(make_app, make_user):
    app = make_app(PASSWORD_CONTEXT_WORDS=["Borsetshire"])
    admin = make_user(Role.ADMIN)
    served = add_partnership(app, "borsetshire")
    client = app.test_client()
    assert client.sign_in(admin.email, PASSWORD).status_code == 302

    accepted = []
    for password, message in [*WEAK, ("Borsetshire2024!", GUESSABLE)]:
        response = client.submit("/users/new", {
            "name": NAME, "email": EMAIL, "role": "team", "password": password,
            "partnerships": served,
        })
        if response.status_code != 200 or message not in _text(response):
            accepted.append(password)
    assert accepted == []
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == EMAIL)) is None

    response = client.submit("/users/new", {
        "name": NAME, "email": EMAIL, "role": "team", "password": "tqv8 rnzp 3k",
        "partnerships": served,
    })
    assert response.status_code == 302
    assert _signs_in(app, EMAIL, "tqv8 rnzp 3k")


def test_changing_your_password_refuses_short_common_and_guessable_ones(app, make_user):
    make_user(Role.TEAM, email=EMAIL, name=NAME)
    client = app.test_client()
    assert client.sign_in(EMAIL, PASSWORD).status_code == 302
    before = _stored_hash(app, EMAIL)

    accepted = []
    for password, message in WEAK:
        response = client.submit("/account/password", {
            "current_password": PASSWORD, "password": password,
        })
        if response.status_code != 200 or message not in _text(response):
            accepted.append(password)

    assert accepted == []
    assert _stored_hash(app, EMAIL) == before


def test_admin_setting_a_password_refuses_short_common_and_guessable_ones(app, make_user):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.TEAM, email=EMAIL, name=NAME)
    client = app.test_client()
    assert client.sign_in(admin.email, PASSWORD).status_code == 302
    before = _stored_hash(app, EMAIL)

    accepted = []
    for password, message in WEAK:
        response = client.submit(f"/users/{person.id}/password", {"password": password})
        if response.status_code != 200 or message not in _text(response):
            accepted.append(password)

    assert accepted == []
    assert _stored_hash(app, EMAIL) == before


def test_the_change_password_form_takes_a_long_emoji_password(app, make_user):
    user = make_user(Role.TEAM)
    client = app.test_client()
    client.sign_in(user.email, PASSWORD)
    new = ACCEPTED["200 characters"][:190] + "🦊🌲🔥🐙 ÿ"

    response = client.submit("/account/password", {"current_password": PASSWORD, "password": new})

    assert response.status_code == 302
    assert _signs_in(app, user.email, new)
    assert not _signs_in(app, user.email, PASSWORD)


def test_changing_your_password_needs_the_current_one(app, make_user):
    user = make_user(Role.TEAM)
    client = app.test_client()
    client.sign_in(user.email, PASSWORD)
    before = _stored_hash(app, user.email)

    wrong = client.submit("/account/password", {
        "current_password": "not my password at all", "password": GOOD_NEW_PASSWORD,
    })
    missing = client.submit("/account/password", {"password": GOOD_NEW_PASSWORD})

    assert wrong.status_code == 200
    assert "Your current password is not correct" in _text(wrong)
    assert missing.status_code == 200
    assert "Enter your current password" in _text(missing)
    assert _stored_hash(app, user.email) == before
    assert not _signs_in(app, user.email, GOOD_NEW_PASSWORD)


def test_a_trailing_space_is_part_of_the_password(app, make_user):
    user = make_user(Role.TEAM, password="lantern quiet orbit ")

    assert not _signs_in(app, user.email, "lantern quiet orbit")
    assert _signs_in(app, user.email, "lantern quiet orbit ")


def test_passwords_are_not_cut_short_at_72_bytes(app, make_user):
    stem = ("harbour lamp 9 thistle " * 5)[:99]
    user = make_user(Role.TEAM, password=stem + "A")

    assert not _signs_in(app, user.email, stem + "B")
    assert _signs_in(app, user.email, stem + "A")


@pytest.mark.real_hashing  # about the hash itself
def test_stored_hash_is_argon2id_with_at_least_the_asvs_minimum_cost(app, make_user):
    user = make_user(Role.TEAM)
    stored = _stored_hash(app, user.email)

    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    assert match, stored
    memory, time_cost, _ = (int(part) for part in match.groups())
    assert time_cost >= 2
    assert memory >= (12288 if time_cost >= 3 else 19456)
    assert PASSWORD not in stored


@pytest.mark.real_hashing  # about the hash itself
def test_an_old_weaker_hash_is_upgraded_when_the_person_signs_in(app, make_user):
    user = make_user(Role.TEAM)
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with app.app_context():
        db.session.get(User, user.id).password_hash = weak
        db.session.commit()

    assert _signs_in(app, user.email, PASSWORD)

    upgraded = _stored_hash(app, user.email)
    assert upgraded != weak
    assert not PasswordHasher().check_needs_rehash(upgraded)
    assert PasswordHasher().verify(upgraded, PASSWORD)


def test_an_old_password_does_not_expire(app, make_user):
    five_years_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=5 * 365)
    user = make_user(Role.TEAM, password_changed_at=five_years_ago)
    client = app.test_client()

    response = client.sign_in(user.email, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Choose a new password" not in _text(home)
