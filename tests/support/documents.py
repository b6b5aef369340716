"""Fetching a generated PDF the way a browser does: "being prepared", the worker, the PDF."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnership.jobs.services import run_pending
from tests.support.client import page

PREPARING = "This PDF is being prepared"


def assert_preparing(response: TestResponse) -> None:
    """The response is the "being prepared" page: 202, Retry-After, a meta refresh."""
    assert response.status_code == 202, f"expected 202 preparing, got {response.status_code}"
    assert response.headers.get("Retry-After")
    assert response.mimetype == "text/html"  # a browser shows it as a page, and reloads it
    shown = page(response)
    assert PREPARING in shown.get_text()
    assert shown.find("meta", attrs={"http-equiv": "refresh"}) is not None


def refresh_url(response: TestResponse) -> str:
    """The address a "being prepared" page reloads."""
    meta = page(response).find("meta", attrs={"http-equiv": "refresh"})
    assert meta is not None, "the page does not reload itself"
    return str(meta["content"]).split("url=", 1)[1]


def run_worker(client: FlaskClient) -> int:
    """Run every queued job now, as the worker would; return how many ran."""
    with client.application.app_context():
        return run_pending(worker="test worker")


def fetch_pdf(client: FlaskClient, url: str, **kwargs: object) -> TestResponse:
    """GET a PDF route: first "being prepared" (202), then, after the worker, the PDF (200).

    A PDF rendered before (same content) comes at once, so either first answer is accepted.
    """
    first = client.get(url, **kwargs)  # type: ignore[arg-type]
    if first.status_code == 200 and first.mimetype == "application/pdf":
        return first
    assert_preparing(first)
    run_worker(client)
    # Where the page reloads itself (a document the worker builds is followed by its job).
    again = refresh_url(first)
    second = client.get(again, **kwargs)  # type: ignore[arg-type]
    assert second.status_code == 200, f"GET {again} after the worker gave {second.status_code}"
    assert second.mimetype == "application/pdf"
    return second
