"""A test client that behaves like a browser: it reads CSRF tokens from the page it was shown."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def page(response: TestResponse) -> BeautifulSoup:
    """Parse a response's HTML."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token_from(response: TestResponse) -> str:
    """Return the CSRF token from the first form on a page."""
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no CSRF token on the page"
    return str(field["value"])


class BrowserLikeClient(FlaskClient):
    """FlaskClient plus `submit`: GET the form page, then POST with its CSRF token."""

    def submit(
        self, form_url: str, data: dict[str, Any] | None = None, *, action: str | None = None,
        follow_redirects: bool = False, **kwargs: Any,
    ) -> TestResponse:
        """Load ``form_url``, take its CSRF token and POST ``data`` to ``action`` (or itself)."""
        shown = self.get(form_url)
        assert shown.status_code == 200, f"GET {form_url} gave {shown.status_code}"
        payload = {"csrf_token": csrf_token_from(shown), **(data or {})}
        return self.post(action or form_url, data=payload, follow_redirects=follow_redirects,
                         **kwargs)

    def post_with_token(self, url: str, data: dict[str, Any] | None = None, *,
                        token_from: str = "/", **kwargs: Any) -> TestResponse:
        """POST to ``url`` with a CSRF token taken from the page at ``token_from``."""
        token = csrf_token_from(self.get(token_from))
        return self.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    def sign_in(self, email: str, password: str, *, next_url: str | None = None) -> TestResponse:
        """Sign in through the real form."""
        url = "/sign-in" + (f"?next={next_url}" if next_url else "")
        return self.submit(url, {"email": email, "password": password})

    def sign_out(self) -> TestResponse:
        """Sign out through the real (POST) control."""
        return self.post_with_token("/sign-out", token_from="/account")
