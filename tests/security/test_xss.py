"""Stored and reflected XSS: every text an administrator can set is escaped wherever it shows.

SECURITY.md 1e and 4.4. Each payload is stored with a marker (``q0:``, ``q1:`` ...) so a test
can tell the stored value apart from anything else on the page (a ``49`` in a timestamp or a
request id is not a template injection).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.test import TestResponse
from werkzeug.wrappers import Response

from partnership.accounts.models import User
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.support.client import BrowserLikeClient, page
from tests.support.partnerships import add_partnership

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")


PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "javascript:alert(1)",
]
MARKED = [f"q{i}:{payload}" for i, payload in enumerate(PAYLOADS)]
COMBINED = " ".join(MARKED)


def assert_escaped(response: TestResponse, shown: list[str], where: str) -> None:
    """Check a page that shows the marked payloads ``shown`` renders them as inert text."""
    html = response.get_data(as_text=True)
    for payload in PAYLOADS[:2]:
        assert payload not in html, f"{where}: {payload!r} rendered unescaped"
    assert not re.search(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", html,
                         re.IGNORECASE), f"{where}: javascript: URL rendered"
    for i in range(len(PAYLOADS)):
        assert f"q{i}:49" not in html, f"{where}: template expression evaluated"
    soup = page(response)
    for script in soup.find_all("script"):
        assert script.get("src") and not script.get_text().strip(), f"{where}: inline script"
    for element in soup.find_all(True):
        handlers = [a for a in element.attrs if a.lower().startswith("on")]
        assert not handlers, f"{where}: event handler attribute {handlers} on <{element.name}>"
    text = soup.get_text(" ")
    attributes = " ".join(
        str(v) for el in soup.find_all(True) for v in el.attrs.values() if isinstance(v, str)
    )
    for marked in shown:
        assert marked in text or marked in attributes, f"{where}: {marked!r} is not shown"
    if any(MARKED[0] in s for s in shown):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, where
    if any(MARKED[2] in s for s in shown):
        assert "q2:{{7*7}}" in html, where


def form_values(response: TestResponse) -> dict[str, str]:
    """The current values of an edit form (text inputs and checked radios)."""
    form = next(f for f in page(response).find_all("form", method="post")
                if f.find("input", attrs={"name": "version"}))
    values: dict[str, str] = {}
    for field in form.find_all("input"):
        name = field.get("name")
        if not name:
            continue
        if field.get("type") in ("radio", "checkbox") and not field.has_attr("checked"):
            continue
        values[str(name)] = str(field.get("value", ""))
    return values


def edit_user(admin: BrowserLikeClient, user_id: int, **changes: str) -> TestResponse:
    shown = admin.get(f"/users/{user_id}/edit")
    assert shown.status_code == 200
    return admin.post(f"/users/{user_id}/edit", data={**form_values(shown), **changes})


@pytest.fixture
def stored(app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
           make_user: Callable[..., User]) -> dict[str, object]:
    """An admin stores every payload through the real forms."""
    admin = signed_in(Role.ADMIN)
    serves = add_partnership(app, "north")  # every account but an admin serves one
    victim = make_user(Role.TEAM)
    created = []
    for i, marked in enumerate(MARKED):
        response = admin.submit("/users/new", {
            "name": marked, "email": f"xss{i}@example.org", "role": Role.TEAM.value,
            "password": PASSWORD, "partnerships": serves,
        }, follow_redirects=True)
        assert response.status_code == 200
        assert_escaped(response, [marked], f"created {marked!r} (detail page with flash)")
        created.append(int(response.request.path.rsplit("/", 1)[1]))
    for marked in [*MARKED, COMBINED]:
        response = edit_user(admin, victim.id, name=marked)
        assert response.status_code == 302, f"edit to {marked!r} failed"
    return {"admin": admin, "victim": victim, "created": created}


def test_stored_names_are_escaped_on_every_page(app: Flask, stored: dict[str, object]) -> None:
    admin: BrowserLikeClient = stored["admin"]  # type: ignore[assignment]
    victim: User = stored["victim"]  # type: ignore[assignment]
    created: list[int] = stored["created"]  # type: ignore[assignment]

    pages = {
        "/users": [*MARKED, COMBINED],
        f"/users/{victim.id}": [COMBINED, *MARKED],  # detail and its history
        f"/users/{victim.id}/edit": [COMBINED],
        f"/users/{victim.id}/password": [COMBINED],
        "/audit": [*MARKED, COMBINED],
    }
    pages.update({f"/users/{user_id}": [marked] for user_id, marked in zip(created, MARKED,
                                                                           strict=True)})
    for path, shown in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        assert_escaped(response, shown, path)

    # The victim's own home page, once they sign in.
    victim_client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert victim_client.sign_in(victim.email, PASSWORD).status_code == 302
    for path in ("/", "/account"):
        response = victim_client.get(path)
        assert response.status_code == 200
        assert_escaped(response, [COMBINED], f"victim {path}")


def test_the_conflict_page_escapes_both_versions(stored: dict[str, object]) -> None:
    admin: BrowserLikeClient = stored["admin"]  # type: ignore[assignment]
    victim: User = stored["victim"]  # type: ignore[assignment]
    stale = form_values(admin.get(f"/users/{victim.id}/edit"))
    assert edit_user(admin, victim.id, name=MARKED[1]).status_code == 302  # someone else saves
    response = admin.post(f"/users/{victim.id}/edit", data={**stale, "name": COMBINED})
    assert response.status_code == 409
    assert_escaped(response, [COMBINED, MARKED[1]], "conflict page")
    # The hidden copy of what the user typed survives the round trip exactly.
    hidden = page(response).find("input", attrs={"type": "hidden", "name": "name"})
    assert hidden is not None and hidden["value"] == COMBINED


def test_rejected_input_is_escaped_when_shown_back(signed_in: Callable[[Role],
                                                                       BrowserLikeClient]
                                                   ) -> None:
    admin = signed_in(Role.ADMIN)
    for marked in MARKED:
        response = admin.submit("/users/new", {"name": "", "email": marked,
                                               "role": Role.TEAM.value, "password": ""})
        assert response.status_code == 200
        assert_escaped(response, [marked], f"new user form with email {marked!r}")


def test_audit_search_terms_are_escaped(signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    for marked in MARKED:
        query = urlencode({"actor": marked, "record_type": marked, "record_id": marked,
                           "action": marked, "date_from": marked})
        response = team.get(f"/audit?{query}")
        assert response.status_code == 200
        assert_escaped(response, [marked], f"audit search for {marked!r}")


@pytest.mark.parametrize("html", [
    f"<p>{MARKED[0]}</p>",
    f'<input value="{MARKED[1]}">',
    "<p>q2:49</p>",
    '<a href="javascript:alert(1)">x</a>',
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
])
def test_the_escaping_check_would_catch_raw_output(html: str) -> None:
    """The checks above are not vacuous: unescaped output fails them."""
    with pytest.raises(AssertionError):
        assert_escaped(Response(html, mimetype="text/html"), [], "self-test")  # type: ignore[arg-type]
