"""PDF pages answer at once: "being prepared" (202) until the worker has rendered the PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.audit.models import AuditEvent
from partnership.documents import pdf
from partnership.documents.pdf import RenderCache, RenderedPdf, RenderError
from partnership.extensions import db
from partnership.jobs.models import Job
from partnership.policy import Role
from partnership.web import CONTENT_SECURITY_POLICY
from tests.plans.records import TODAY, Built, build_plan
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import pin_clock
from tests.support.documents import PREPARING, assert_preparing, fetch_pdf, run_worker


class FakeRenderer:
    """Stands in for the child-process renderer: counts renders, fails when told."""

    def __init__(self) -> None:
        self.rendered = 0
        self.failure: Exception | None = None

    def __call__(self, html: str, *, title: str, **_: Any) -> RenderedPdf:
        if self.failure is not None:
            raise self.failure
        self.rendered += 1
        return RenderedPdf(data=f"%PDF-1.7 {title}".encode(), pages=1)


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> FakeRenderer:
    fake = FakeRenderer()
    monkeypatch.setattr(pdf, "_cache", RenderCache())
    monkeypatch.setattr(pdf, "_render_in_child", fake)
    pin_clock(monkeypatch, TODAY)
    return fake


@pytest.fixture
def built(app: Flask) -> Built:
    return build_plan(app)


def _exports(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "export", AuditEvent.record_type == "plan")) or 0


def test_the_pdf_is_prepared_by_the_worker_then_sent_and_audited_once(
        app: Flask, built: Built, renderer: FakeRenderer,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    client = signed_in(Role.SCRUTINEER)
    url = f"/plans/{built.plan_id}/plan.pdf?year=2025"

    first = client.get(url)
    assert_preparing(first)
    assert first.headers["Retry-After"] == "3"
    assert renderer.rendered == 0, "the request did not render"
    assert _exports(app) == 0, "nothing was sent yet"
    shown = page(first)
    assert shown.find("h1").get_text(strip=True) == PREPARING
    assert ("This PDF is being prepared. This page will update by itself; it usually takes "
            "under a minute.") in shown.get_text(" ", strip=True)
    back = shown.find("a", string="Back to the plan")
    assert back is not None and back["href"] == f"/plans/{built.plan_id}?year=2025"
    refresh = shown.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"] == f"3; url={url}"
    assert_preparing(client.get(url))

    assert run_worker(client) == 1
    ready = client.get(url)

    assert ready.status_code == 200
    assert ready.mimetype == "application/pdf"
    assert ready.data.startswith(b"%PDF")
    assert ready.headers["Content-Disposition"] == (
        "inline; filename=wscp-business-plan-2025-26.pdf")
    assert renderer.rendered == 1
    assert _exports(app) == 1


def test_the_preparing_page_keeps_the_csp_and_has_no_inline_script(
        app: Flask, built: Built, renderer: FakeRenderer,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    client = signed_in(Role.TEAM)

    response = client.get(f"/plans/{built.plan_id}/plan.pdf?year=2025")

    assert response.status_code == 202
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    shown = page(response)
    for script in shown.find_all("script"):
        assert script.get("src"), f"inline script: {script}"
        assert not script.get_text(strip=True)
    handlers = [(tag.name, name) for tag in shown.find_all(True) for name in tag.attrs
                if name.lower().startswith("on")]
    assert handlers == []
    assert "javascript:" not in response.get_data(as_text=True)


def test_many_requests_for_one_document_queue_one_render(
        app: Flask, built: Built, renderer: FakeRenderer,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    url = f"/plans/{built.plan_id}/plan.pdf?year=2025"
    readers = [signed_in(role) for role in (Role.TEAM, Role.SCRUTINEER, Role.CHAIR)]

    for reader in readers:
        assert_preparing(reader.get(url))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 1

    for reader in readers:
        fetch_pdf(reader, url)
    assert renderer.rendered == 1


def test_a_failed_render_says_why_and_can_be_tried_again(
        app: Flask, built: Built, renderer: FakeRenderer,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    client = signed_in(Role.TEAM)
    url = f"/plans/{built.plan_id}/plan.pdf?year=2025"
    renderer.failure = RenderError("rendering took longer than 60 seconds")
    assert_preparing(client.get(url))
    run_worker(client)

    failed = client.get(url)

    assert failed.status_code == 500
    assert failed.mimetype == "text/html"
    shown = page(failed)
    assert shown.find("h1").get_text(strip=True) == "The PDF could not be made"
    assert "rendering took longer than 60 seconds" in shown.get_text()
    assert shown.find("meta", attrs={"http-equiv": "refresh"}) is None
    again = shown.find("a", string="Try again")
    assert again is not None and again["href"] == f"{url}&retry=1"
    assert _exports(app) == 0

    renderer.failure = None
    retried = client.get(again["href"])
    assert_preparing(retried)
    # The page reloads its own address without "retry": reloading never queues it again.
    assert page(retried).find("meta", attrs={"http-equiv": "refresh"})["content"] == (
        f"3; url={url}")
    assert run_worker(client) == 1
    assert client.get(url).status_code == 200
    assert renderer.rendered == 1
