"""Every state-changing route needs a CSRF token from the same session (SECURITY.md 1d, 4.7)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from partnership.accounts.models import User
from partnership.extensions import csrf
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.security.conftest import HTTPS, HttpsClient
from tests.support.client import BrowserLikeClient, csrf_token_from

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Run last: it ends the session the other requests use.
LAST = ("accounts.sign_out",)


def unsafe_rules(app: Flask) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if (r.methods or set()) & UNSAFE_METHODS]
    return sorted(rules, key=lambda r: (r.endpoint in LAST, r.rule))


# Text placeholders need only look plausible: the CSRF check (and, for the admin, the
# permission check) runs before any record is looked up.
TEXT_VALUES = {"slug": "no-such-partnership", "kind": "police", "section": "foreword",
               "review_kind": "rapid_review", "document": "arrangements", "direction": "up",
               "period": "2025-07-01"}


def url_for_rule(app: Flask, rule: Rule, user_id: int) -> str:
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = user_id
            continue
        assert name in TEXT_VALUES, f"{rule.rule}: teach this test how to fill <{name}>"
        values[name] = TEXT_VALUES[name]
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def test_the_state_changing_routes_are_found(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in unsafe_rules(app)}
    assert {"accounts.sign_in", "accounts.sign_out", "accounts.user_new",
            "accounts.user_edit", "accounts.user_disable"} <= endpoints


def test_csrf_protection_is_global_with_no_exemptions(app: Flask) -> None:
    assert app.extensions["csrf"] is csrf
    assert csrf._exempt_views == set()
    assert csrf._exempt_blueprints == set()
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    methods = set(app.config.get("WTF_CSRF_METHODS", UNSAFE_METHODS))
    assert methods >= UNSAFE_METHODS


@pytest.fixture
def admin(signed_in: Callable[[Role], BrowserLikeClient]) -> BrowserLikeClient:
    client = signed_in(Role.ADMIN)
    assert client.get("/account").status_code == 200  # the session now holds its own token
    return client


def test_every_unsafe_route_refuses_a_missing_or_foreign_token(
    app: Flask, admin: BrowserLikeClient, signed_in: Callable[[Role], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    target = make_user(Role.TEAM)
    foreign = csrf_token_from(signed_in(Role.ADMIN).get("/account"))
    own = csrf_token_from(admin.get("/account"))
    assert foreign != own
    anonymous = app.test_client()
    for rule in unsafe_rules(app):
        url = url_for_rule(app, rule, target.id)
        for method in sorted((rule.methods or set()) & UNSAFE_METHODS):
            assert admin.open(url, method=method).status_code == 400, f"{method} {url}"
            assert admin.open(url, method=method, data={"csrf_token": ""}).status_code == 400
            assert admin.open(url, method=method,
                              data={"csrf_token": foreign}).status_code == 400, f"{method} {url}"
            assert admin.open(url, method=method,
                              data={"csrf_token": own + "x"}).status_code == 400
            assert anonymous.open(url, method=method).status_code == 400, f"{method} {url}"
    # The refused requests changed nothing: the admin is still signed in.
    assert admin.get("/users").status_code == 200


def test_every_unsafe_route_accepts_a_valid_token(
    app: Flask, admin: BrowserLikeClient, make_user: Callable[..., User],
) -> None:
    target = make_user(Role.TEAM)
    for rule in unsafe_rules(app):
        url = url_for_rule(app, rule, target.id)
        token = csrf_token_from(admin.get("/account"))
        response = admin.post(url, data={"csrf_token": token})
        assert response.status_code != 400, f"POST {url}"
        assert response.status_code < 500, f"POST {url}"
    assert admin.get("/users").status_code == 302  # the last one signed out


def test_sign_in_is_protected_against_login_csrf(
    client: BrowserLikeClient, make_user: Callable[..., User],
) -> None:
    user = make_user(Role.TEAM)
    credentials = {"email": user.email, "password": PASSWORD}
    assert client.post("/sign-in", data=credentials).status_code == 400
    assert client.get("/").status_code == 302  # not signed in
    token = csrf_token_from(client.get("/sign-in"))
    response = client.post("/sign-in", data={"csrf_token": token, **credentials})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_csrf_failures_are_logged(admin: BrowserLikeClient,
                                  caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="partnership"):
        assert admin.post("/session/extend").status_code == 400
    refused = [r for r in caplog.records if r.getMessage() == "csrf refused"]
    assert len(refused) == 1
    assert refused[0].levelno == logging.WARNING
    assert refused[0].fields["path"] == "/session/extend"  # type: ignore[attr-defined]


@pytest.fixture
def https_admin(https_client: HttpsClient, make_user: Callable[..., User]) -> HttpsClient:
    user = make_user(Role.ADMIN)
    assert https_client.sign_in(user.email).status_code == 302
    return https_client


def test_over_https_a_foreign_or_missing_referer_is_refused(https_admin: HttpsClient) -> None:
    token = https_admin.token("/account")
    data = {"csrf_token": token}
    bad_referers = [
        "https://evil.example/",
        "https://evil.example/session/extend",
        "https://localhost.evil.example/",
        "http://localhost/account",  # same host, but not over TLS
        "https://localhost:8443/account",
        "null",
    ]
    for referer in bad_referers:
        response = https_admin.post("/session/extend", data, referer=referer)
        assert response.status_code == 400, referer
    assert https_admin.post("/session/extend", data, referer=None).status_code == 400
    same_origin = https_admin.post("/session/extend", data, referer=f"{HTTPS}/account")
    assert same_origin.status_code == 204


def test_over_https_sign_in_needs_a_same_origin_referer(
    https_client: HttpsClient, make_user: Callable[..., User],
) -> None:

    user = make_user(Role.TEAM)
    token = https_client.token("/sign-in")
    data = {"csrf_token": token, "email": user.email, "password": PASSWORD}
    assert https_client.post("/sign-in", data, referer="https://evil.example/").status_code == 400
    assert https_client.post("/sign-in", data, referer=None).status_code == 400
    assert https_client.post("/sign-in", data).status_code == 302
