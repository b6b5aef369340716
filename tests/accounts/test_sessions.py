"""Server-side sessions: what a stolen, fixed, idle or old cookie gets an attacker (nothing).

SECURITY.md 1b (ASVS V7, 3.3) and 4.2: cookie attributes, a new session at sign-in,
sign-out and disabling that really end the session, timeouts enforced on the server.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from partnership import create_app
from partnership.accounts import services
from partnership.accounts.models import User
from partnership.database import utcnow
from partnership.extensions import db
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.support.client import csrf_token_from, page
from tests.support.partnerships import add_partnership

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

# These tests are about flows, not the hash: see test_passwords.py for that.

NEW_PASSWORD = "kettle moss ribbon fathom"


def _set_cookie(response, name: str) -> tuple[str, dict[str, str | bool]] | None:
    """The value and attributes (lower-cased names) of one cookie the response sets."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            first, *rest = (part.strip() for part in header.split(";"))
            attributes: dict[str, str | bool] = {}
            for part in rest:
                key, _, value = part.partition("=")
                attributes[key.lower()] = value or True
            return first.partition("=")[2], attributes
    return None


def _goes_to_sign_in(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/sign-in"


def _replay(app, cookie_value: str):
    """Present a copied session cookie from another browser."""
    thief = app.test_client()
    thief.set_cookie("session", cookie_value)
    return thief.get("/account")


class Clock:
    """Move the sessions' clock (services.utcnow) forward or back from now."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.start = utcnow()
        self.offset = dt.timedelta()
        monkeypatch.setattr(services, "utcnow", lambda: self.start + self.offset)

    def set(self, **delta: float) -> None:
        self.offset = dt.timedelta(**delta)


@pytest.fixture
def production_app(database_url):
    app = create_app(ProductionConfig, SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI=database_url,
                     SERVICE_URL="https://tracker.example.org")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_session_cookie_is_http_only_lax_and_host_only(app, make_user):
    user = make_user(Role.TEAM)
    client = app.test_client()

    response = client.sign_in(user.email, PASSWORD)

    cookie = _set_cookie(response, "session")
    assert cookie is not None
    _, attributes = cookie
    assert attributes.get("httponly") is True
    assert attributes.get("samesite") == "Lax"
    assert attributes.get("path") == "/"
    assert "domain" not in attributes


def test_production_cookie_is_secure_with_the_host_prefix(production_app, make_user):
    user = make_user(Role.TEAM)
    client = production_app.test_client()
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/sign-in"}}

    shown = client.get("/sign-in", base_url="https://localhost")
    response = client.post("/sign-in", data={
        "csrf_token": csrf_token_from(shown), "email": user.email, "password": PASSWORD,
    }, **https)

    assert response.status_code == 302
    assert _set_cookie(response, "session") is None
    cookie = _set_cookie(response, "__Host-session")
    assert cookie is not None
    _, attributes = cookie
    assert attributes.get("secure") is True
    assert attributes.get("httponly") is True
    assert attributes.get("samesite") == "Lax"
    assert attributes.get("path") == "/"
    assert "domain" not in attributes
    assert client.get("/account", base_url="https://localhost").status_code == 200


def test_signing_in_starts_a_new_session_and_drops_what_came_before(app, make_user):
    user = make_user(Role.TEAM)
    client = app.test_client()
    shown = client.get("/sign-in")
    with client.session_transaction() as before_sign_in:
        before_sign_in["planted"] = "by someone who set this cookie"
    planted_cookie = client.get_cookie("session").value

    response = client.post("/sign-in", data={
        "csrf_token": csrf_token_from(shown), "email": user.email, "password": PASSWORD,
    })

    assert response.status_code == 302
    assert client.get_cookie("session").value != planted_cookie
    with client.session_transaction() as after_sign_in:
        assert "planted" not in after_sign_in
        assert "csrf_token" not in after_sign_in
    # Whoever fixed the cookie before sign-in is not signed in by it.
    assert _goes_to_sign_in(_replay(app, planted_cookie))


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, signed_in):
    client = signed_in(Role.TEAM)
    copied = client.get_cookie("session").value
    assert _replay(app, copied).status_code == 200  # a live copy works: the replay is real

    assert client.sign_out().status_code == 302

    assert _goes_to_sign_in(_replay(app, copied))
    assert _goes_to_sign_in(client.get("/account"))


def test_disabling_an_account_ends_its_live_session(signed_in):
    person = signed_in(Role.TEAM)
    admin = signed_in(Role.ADMIN)
    user_id = person.user.id
    assert person.get("/account").status_code == 200

    response = admin.post_with_token(f"/users/{user_id}/disable", token_from=f"/users/{user_id}")

    assert response.status_code == 302
    assert _goes_to_sign_in(person.get("/account"))


def test_a_disabled_account_is_refused_even_if_its_session_was_left_open(app, signed_in):
    person = signed_in(Role.TEAM)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == person.user.id).values(disabled=True))
        db.session.commit()

    assert _goes_to_sign_in(person.get("/account"))


def test_changing_your_password_signs_out_your_other_browsers_only(app, make_user):
    user = make_user(Role.TEAM)
    here, there = app.test_client(), app.test_client()
    assert here.sign_in(user.email, PASSWORD).status_code == 302
    assert there.sign_in(user.email, PASSWORD).status_code == 302

    response = here.submit("/account/password", {
        "current_password": PASSWORD, "password": NEW_PASSWORD,
    })

    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert _goes_to_sign_in(there.get("/account"))


def test_an_admin_can_sign_someone_out_everywhere(app, signed_in):
    person = signed_in(Role.TEAM)
    elsewhere = app.test_client()
    assert elsewhere.sign_in(person.user.email, PASSWORD).status_code == 302
    admin = signed_in(Role.ADMIN)
    detail_url = f"/users/{person.user.id}"

    detail = page(admin.get(detail_url))
    assert "2 sessions" in detail.get_text()
    button = detail.find("button", string=lambda text: text and "Sign out everywhere" in text)
    form = button.find_parent("form")
    response = admin.post(form["action"], data={
        "csrf_token": form.find("input", attrs={"name": "csrf_token"})["value"],
    })

    assert response.status_code == 302
    assert _goes_to_sign_in(person.get("/account"))
    assert _goes_to_sign_in(elsewhere.get("/account"))
    assert admin.get(detail_url).status_code == 200
    assert "0 sessions" in page(admin.get(detail_url)).get_text()


def test_a_session_left_idle_for_30_minutes_ends_on_the_server(app, signed_in, monkeypatch):
    client = signed_in(Role.TEAM)
    clock = Clock(monkeypatch)

    clock.set(minutes=29)
    assert client.get("/account").status_code == 200
    clock.set(minutes=58)  # each request restarts the idle clock
    assert client.get("/account").status_code == 200
    copied = client.get_cookie("session").value

    clock.set(minutes=58 + 31)
    assert _goes_to_sign_in(client.get("/account"))
    clock.set(minutes=58)  # the session has ended: turning the clock back does not revive it
    assert _goes_to_sign_in(_replay(app, copied))


def test_a_session_ends_12_hours_after_sign_in_however_busy(app, signed_in, monkeypatch):
    client = signed_in(Role.TEAM)
    clock = Clock(monkeypatch)

    for minutes in range(25, 12 * 60, 25):
        clock.set(minutes=minutes)
        assert client.get("/account").status_code == 200, f"{minutes} minutes in"
    copied = client.get_cookie("session").value

    clock.set(hours=12, minutes=5)
    assert _goes_to_sign_in(client.get("/account"))
    clock.set(hours=11)
    assert _goes_to_sign_in(_replay(app, copied))


def test_no_remember_me_cookie_is_ever_set(app, make_user):
    user = make_user(Role.TEAM)
    client = app.test_client()
    shown = client.get("/sign-in")
    responses = [
        shown,
        client.post("/sign-in", data={
            "csrf_token": csrf_token_from(shown), "email": user.email, "password": PASSWORD,
            "remember": "y", "remember_me": "on",
        }),
        client.get("/"),
        client.get("/account"),
        client.sign_out(),
    ]

    assert responses[1].status_code == 302
    set_cookies = [h for r in responses for h in r.headers.getlist("Set-Cookie")]
    assert not [h for h in set_cookies if h.lower().startswith("remember")]
    assert client.get_cookie("remember_token") is None


def test_sign_out_is_a_post_with_a_csrf_token_and_get_does_nothing(signed_in):
    client = signed_in(Role.TEAM)
    account = page(client.get("/account"))
    control = account.find("form", attrs={"action": "/sign-out"})

    assert control is not None
    assert control["method"].lower() == "post"
    assert control.find("input", attrs={"name": "csrf_token"})
    assert client.get("/sign-out").status_code == 405
    assert client.get("/account").status_code == 200
    assert client.post("/sign-out").status_code == 400  # no token: not signed out either
    assert client.get("/account").status_code == 200


def test_a_first_password_set_by_an_admin_must_be_changed_before_anything_else(app, signed_in):
    admin = signed_in(Role.ADMIN)
    first = "tqv8 rnzp 3k first"
    created = admin.submit("/users/new", {
        "name": "Priya Shah", "email": "priya.shah@example.org", "role": "partner",
        "password": first, "partnerships": add_partnership(app, "shah"),
    })
    assert created.status_code == 302
    person = app.test_client()

    assert person.sign_in("priya.shah@example.org", first).status_code == 302
    for url in ("/", "/account", "/audit"):
        held = person.get(url)
        assert held.status_code == 302, url
        assert urlsplit(held.headers["Location"]).path == "/account/password", url
    assert person.get("/account/password").status_code == 200

    changed = person.submit("/account/password", {
        "current_password": first, "password": NEW_PASSWORD,
    })

    assert changed.status_code == 302
    assert person.get("/").status_code == 200
    assert person.get("/account").status_code == 200
