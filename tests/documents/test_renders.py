"""Renders kept by content digest: one render per document, made by the worker, bounded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.documents import pdf, renders
from partnership.documents.models import DocumentRender, RenderStatus
from partnership.documents.pdf import RenderCache, RenderedPdf, RenderError
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.jobs.models import Job, JobStatus
from tests.support.clock import pin_clock

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class FakeRenderer:
    """Stands in for the child-process renderer: counts renders, fails when told."""

    def __init__(self) -> None:
        self.rendered: list[str] = []
        self.failure: Exception | None = None

    def __call__(self, html: str, *, title: str, **_: Any) -> RenderedPdf:
        if self.failure is not None:
            raise self.failure
        self.rendered.append(html)
        return RenderedPdf(data=f"%PDF-1.7 {title}: {html}".encode(), pages=2)


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> FakeRenderer:
    fake = FakeRenderer()
    monkeypatch.setattr(pdf, "_cache", RenderCache())
    monkeypatch.setattr(pdf, "_render_in_child", fake)
    pin_clock(monkeypatch, START)
    return fake


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def _rows() -> list[DocumentRender]:
    return list(db.session.scalars(sa.select(DocumentRender).order_by(DocumentRender.title)))


def _jobs() -> list[Job]:
    return list(db.session.scalars(sa.select(Job).order_by(Job.id)))


def test_a_new_document_is_stored_under_its_digest_and_queued_once(
        ctx: None, renderer: FakeRenderer) -> None:
    first = renders.request_render("<p>draft</p>", "Draft", "County", {"chart.svg": b"<svg/>"})
    again = renders.request_render("<p>draft</p>", "Draft", "County", {"chart.svg": b"<svg/>"})
    db.session.commit()

    assert first.status is again.status is RenderStatus.PREPARING
    assert first.digest == again.digest == pdf._digest(
        "<p>draft</p>", "Draft", "County", {"chart.svg": b"<svg/>"})
    assert len(_rows()) == 1
    assert [job.key for job in _jobs()] == [f"render-document:{first.digest}"]
    assert renderer.rendered == [], "nothing is rendered on the request path"


def test_the_worker_renders_each_digest_once(ctx: None, renderer: FakeRenderer) -> None:
    state = renders.request_render("<p>draft</p>", "Draft")
    renders.request_render("<p>another</p>", "Another")
    db.session.commit()

    assert jobs.run_pending() == 2
    for _ in range(3):
        renders.request_render("<p>draft</p>", "Draft")
        db.session.commit()
    assert jobs.run_pending() == 0

    ready = renders.request_render("<p>draft</p>", "Draft")
    assert ready.ready
    assert ready.digest == state.digest
    assert ready.pdf == b"%PDF-1.7 Draft: <p>draft</p>"
    assert ready.pages == 2
    assert sorted(renderer.rendered) == ["<p>another</p>", "<p>draft</p>"]
    row = db.session.get_one(DocumentRender, state.digest)
    assert row.size == len(ready.pdf)
    assert row.rendered_at == START
    assert row.render_seconds is not None


def test_a_document_that_cannot_be_rendered_fails_with_the_reason_and_can_be_retried(
        ctx: None, renderer: FakeRenderer) -> None:
    renderer.failure = RenderError("the PDF renderer failed: out of paper")
    state = renders.request_render("<p>draft</p>", "Draft")
    db.session.commit()
    jobs.run_pending()

    failed = renders.request_render("<p>draft</p>", "Draft")
    assert failed.failed
    assert failed.error == "the PDF renderer failed: out of paper"
    assert jobs.run_pending() == 0, "a failed render is not retried by itself"

    renderer.failure = None
    retried = renders.retry_render(state.digest)
    db.session.commit()
    assert retried is not None and retried.status is RenderStatus.PREPARING
    assert jobs.run_pending() == 1
    assert renders.request_render("<p>draft</p>", "Draft").ready
    assert len(_jobs()) == 1


def test_a_render_job_that_keeps_failing_shows_as_failed(
        ctx: None, renderer: FakeRenderer, monkeypatch: pytest.MonkeyPatch) -> None:
    renderer.failure = MemoryError("the worker ran out of memory")
    renders.request_render("<p>draft</p>", "Draft")
    db.session.commit()

    for hours in (1, 2, 3):
        jobs.run_pending()
        pin_clock(monkeypatch, START + dt.timedelta(hours=hours))

    (job,) = _jobs()
    assert job.status is JobStatus.FAILED
    state = renders.request_render("<p>draft</p>", "Draft")
    assert state.failed
    assert state.error == renders.GAVE_UP.format(attempts=3)


def test_render_now_stores_the_render_and_the_worker_then_has_nothing_to_do(
        ctx: None, renderer: FakeRenderer) -> None:
    rendered = renders.render_now("<p>draft</p>", "Draft")
    db.session.commit()

    assert rendered.data == b"%PDF-1.7 Draft: <p>draft</p>"
    assert jobs.run_pending() == 1
    assert renders.render_now("<p>draft</p>", "Draft") == rendered
    assert renderer.rendered == ["<p>draft</p>"]


def test_renders_not_wanted_lately_or_beyond_the_budget_are_dropped_with_their_jobs(
        app: Flask, renderer: FakeRenderer) -> None:
    app.config.update(RENDER_KEEP_DAYS=14)
    wanted = {"old": dt.timedelta(days=20), "pinned": dt.timedelta(days=30),
              "waiting": dt.timedelta(days=30), "newer": dt.timedelta(hours=2),
              "newest": dt.timedelta(hours=1)}
    with app.app_context():
        digest = {name: renders.request_render(f"<p>{name}</p>", name.title(),
                                               pin=name == "pinned").digest
                  for name in wanted}
        db.session.commit()
        jobs.run_pending()
        for name, ago in wanted.items():
            db.session.execute(sa.update(DocumentRender)
                               .where(DocumentRender.digest == digest[name])
                               .values(last_wanted_at=START - ago))
        db.session.execute(sa.update(DocumentRender)
                           .where(DocumentRender.digest == digest["waiting"])
                           .values(status=RenderStatus.PREPARING, pdf=None))
        sizes = {row.title: row.size for row in _rows()}
        assert sizes["Newer"] + sizes["Newest"] > 50 > sizes["Newest"]

        app.config["RENDER_BUDGET_BYTES"] = 50
        assert renders.prune() == 2
        db.session.commit()

        # "Old" was not wanted for 20 days; of the two newer only the most recently wanted
        # fits the budget; pinned and preparing renders always stay.
        assert {row.title for row in _rows()} == {"Pinned", "Waiting", "Newest"}
        assert jobs.job_with_key(renders.job_key(digest["old"])) is None
        assert jobs.job_with_key(renders.job_key(digest["newest"])) is not None

        # Asked for again, a dropped document is rendered again.
        pdf._cache.clear()  # the worker process's own cache would have spared the renderer
        assert renders.request_render("<p>old</p>", "Old").status is RenderStatus.PREPARING
        db.session.commit()
        assert jobs.run_pending() == 1
        assert renders.request_render("<p>old</p>", "Old").ready
        assert renderer.rendered.count("<p>old</p>") == 2
        app.config["RENDER_BUDGET_BYTES"] = 10**9
