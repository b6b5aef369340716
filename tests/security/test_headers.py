"""Response headers and hardening on every kind of response (SECURITY.md 1f, 4.9)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from partnership.accounts.models import User
from partnership.policy import Role
from tests.support.client import BrowserLikeClient, page

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")

MIN_HSTS_SECONDS = 31536000
FAVICON = "/static/images/favicon.svg"


def csp_directives(response: TestResponse) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{response.request.path}: no Content-Security-Policy"
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_secure_headers(response: TestResponse) -> None:
    where = f"{response.request.method} {response.request.path} ({response.status_code})"
    csp = csp_directives(response)
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("base-uri") == ["'none'"], where
    assert csp.get("frame-ancestors") == ["'none'"], where
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src, f"{where}: no script-src or default-src"
    assert "'unsafe-inline'" not in script_src, where
    assert "'unsafe-eval'" not in script_src, where
    assert "*" not in script_src, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert "Access-Control-Allow-Origin" not in response.headers, where


def assert_hsts(response: TestResponse) -> None:
    value = response.headers.get("Strict-Transport-Security", "")
    match = re.search(r"max-age=(\d+)", value)
    assert match, f"{response.request.path}: no HSTS max-age in {value!r}"
    assert int(match.group(1)) >= MIN_HSTS_SECONDS
    assert "includesubdomains" in value.lower()


@pytest.fixture
def boom_app(make_app: Callable[..., Flask]) -> Flask:
    """An app that turns exceptions into the 500 page, with a route that always fails."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)  # before the app's first request
    return app


def every_kind_of_response(app: Flask, signed_in: Callable[[Role], BrowserLikeClient]
                           ) -> dict[str, TestResponse]:
    team = signed_in(Role.TEAM)
    anonymous = app.test_client()
    return {
        "signed-in page": team.get("/"),
        "sign-in page": anonymous.get("/sign-in"),
        "404": anonymous.get("/no-such-page"),
        "403": team.get("/users"),
        "500": anonymous.get("/boom"),
        "static file": anonymous.get(FAVICON),
        "health check": anonymous.get("/healthz"),
        "405": anonymous.open("/sign-in", method="TRACE"),
        "redirect to sign in": anonymous.get("/"),
    }


def test_every_kind_of_response_carries_the_security_headers(
    boom_app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    responses = every_kind_of_response(boom_app, signed_in)
    expected = {"signed-in page": 200, "sign-in page": 200, "404": 404, "403": 403, "500": 500,
                "static file": 200, "health check": 200, "405": 405,
                "redirect to sign in": 302}
    assert {name: r.status_code for name, r in responses.items()} == expected
    for response in responses.values():
        assert_secure_headers(response)


def test_production_config_sends_hsts_on_every_response(
    production_app: Flask, make_user: Callable[..., User], https_client,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(Role.TEAM)
    anonymous = https_client
    responses = [
        anonymous.get("/sign-in"),
        anonymous.get("/no-such-page"),
        anonymous.get(FAVICON),
        anonymous.get("/healthz"),
        anonymous.get("/console"),
    ]
    assert anonymous.sign_in(user.email).status_code == 302
    responses += [anonymous.get("/"), anonymous.get("/users")]
    assert [r.status_code for r in responses] == [200, 404, 200, 200, 404, 200, 403]
    for response in responses:
        assert_hsts(response)
        assert_secure_headers(response)


def test_signed_in_pages_are_not_stored(signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    admin = signed_in(Role.ADMIN)
    for path in ("/", "/account", "/users", f"/users/{admin.user.id}",  # type: ignore[attr-defined]
                 "/audit", "/no-such-page", "/accessibility-statement"):
        response = admin.get(path)
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_trace_is_not_allowed(client: BrowserLikeClient) -> None:
    for path in ("/", "/sign-in", "/healthz"):
        assert client.open(path, method="TRACE").status_code == 405


def test_there_is_no_debug_console(client: BrowserLikeClient,
                                   signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    assert client.get("/console").status_code == 404
    assert signed_in(Role.ADMIN).get("/console").status_code == 404


def test_the_500_page_gives_nothing_away(boom_app: Flask) -> None:
    response = boom_app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "ZeroDivisionError", "division by zero", "lambda", 'File "',
                 "SECRET_KEY", boom_app.config["SECRET_KEY"], "sqlite://", "postgresql"):
        assert leak not in body, leak
    assert "Sorry, there is a problem with the service" in body


def test_an_unlisted_host_is_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(TRUSTED_HOSTS=["localhost"])
    client = app.test_client()
    assert client.get("/sign-in").status_code == 200
    refused = client.get("/sign-in", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "evil.example" not in refused.get_data(as_text=True)
    assert_secure_headers(refused)
    assert client.post("/sign-in", headers={"Host": "evil.example"}).status_code == 400


def _same_site(url: str) -> bool:
    """A path on this site, a fragment, or an absolute URL to this host; nothing else."""
    if url.startswith("#"):
        return True
    if url.startswith("//"):
        return False
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "localhost"
    return url.startswith("/")


def crawl(client: BrowserLikeClient, start: Iterable[str], limit: int = 60
          ) -> dict[str, TestResponse]:
    """GET every same-site page reachable by links from ``start`` (never POST)."""
    seen: dict[str, TestResponse] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code in (301, 302, 303):
            queue.append(urlsplit(response.headers["Location"]).path)
            continue
        if response.mimetype != "text/html":
            continue
        for link in page(response).find_all("a", href=True):
            href = str(link["href"])
            parts = urlsplit(href)
            if href.startswith("/") and not href.startswith("//") and not parts.netloc:
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in seen:
                    queue.append(target)
    return seen


RESOURCE_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "object": ("data",),
    "embed": ("src",),
    "form": ("action",),
}


def external_references(response: TestResponse) -> list[str]:
    html = page(response)
    found = []
    for tag, attributes in RESOURCE_ATTRIBUTES.items():
        for element in html.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if value is None:
                    continue
                urls = [str(value)]
                if attribute == "srcset":
                    urls = [u.split()[0] for u in str(value).split(",") if u.strip()]
                found += [f"<{tag} {attribute}={u}>" for u in urls if not _same_site(u)]
    for style in html.find_all(style=True):
        if re.search(r"url\(\s*['\"]?(https?:)?//", str(style["style"])):
            found.append(f"inline style {style['style']}")
    for block in html.find_all("style"):
        if re.search(r"(url\(\s*['\"]?|@import\s+['\"]?)(https?:)?//", block.get_text()):
            found.append("<style> block with an external url")
    return found


@pytest.fixture
def reachable_pages(app: Flask, signed_in: Callable[[Role], BrowserLikeClient]
                    ) -> dict[str, dict[str, TestResponse]]:
    """Every page an anonymous visitor, a team officer and an administrator can reach."""
    admin = signed_in(Role.ADMIN)
    team = signed_in(Role.TEAM)
    anonymous = app.test_client()
    admin_id = admin.user.id  # type: ignore[attr-defined]
    team_id = team.user.id  # type: ignore[attr-defined]
    return {
        "anonymous": crawl(anonymous, ["/sign-in", "/accessibility-statement"]),  # type: ignore[arg-type]
        "team": crawl(team, ["/", "/account", "/account/password", "/audit"]),
        "admin": crawl(admin, ["/", "/users", "/users/new", f"/users/{team_id}",
                               f"/users/{team_id}/edit", f"/users/{team_id}/password",
                               f"/users/{admin_id}", "/audit"]),
        "after sign-out": {"/sign-out": team.sign_out(), "/sign-in": team.get("/sign-in")},
    }


def test_no_page_loads_anything_from_another_site(
    reachable_pages: dict[str, dict[str, TestResponse]],
) -> None:
    html_pages = 0
    for who, pages in reachable_pages.items():
        for path, response in pages.items():
            if response.mimetype == "text/html" and response.status_code == 200:
                html_pages += 1
                assert external_references(response) == [], f"{who} {path}"
    assert html_pages >= 12, "the crawl reached too few pages to mean anything"
    admin_pages = reachable_pages["admin"]
    assert "/users" in admin_pages and "/audit" in admin_pages


def test_the_stylesheet_loads_nothing_from_another_site(client: BrowserLikeClient) -> None:
    html = page(client.get("/sign-in"))
    stylesheets = [str(link["href"]) for link in html.find_all("link", rel="stylesheet")]
    assert stylesheets
    for href in stylesheets:
        css = client.get(href).get_data(as_text=True)
        assert not re.search(r"(url\(\s*['\"]?|@import\s+['\"]?)(https?:)?//", css), href


def test_no_cookie_but_the_session_cookie_is_set(
    app: Flask, reachable_pages: dict[str, dict[str, TestResponse]],
) -> None:
    names = set()
    for pages in reachable_pages.values():
        for response in pages.values():
            for header in response.headers.getlist("Set-Cookie"):
                names.add(header.split("=", 1)[0].strip())
    assert names == {app.config["SESSION_COOKIE_NAME"]}


def test_no_cookie_but_the_session_cookie_in_production(
    production_app: Flask, make_user: Callable[..., User], https_client,  # type: ignore[no-untyped-def]
) -> None:

    user = make_user(Role.ADMIN)
    responses = [https_client.get("/sign-in"), https_client.sign_in(user.email),
                 https_client.get("/"), https_client.get("/users")]
    cookies = [h for r in responses for h in r.headers.getlist("Set-Cookie")]
    assert cookies
    for header in cookies:
        assert header.startswith("__Host-session="), header
        assert "Secure" in header and "HttpOnly" in header, header


def test_an_oversized_request_is_refused(app: Flask, client: BrowserLikeClient) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 50 * 1024 * 1024
    body = b"email=" + b"a" * limit
    response = client.post("/sign-in", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert_secure_headers(response)


def test_a_lowered_limit_is_enforced(make_app: Callable[..., Flask]) -> None:
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()
    assert client.post("/sign-in", data={"email": "a" * 2048}).status_code == 413
    assert client.post("/sign-in", data={"email": "a" * 100}).status_code == 400  # no token
