"""Documents too costly to build in a request are built by the worker too, then rendered once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.audit.models import AuditEvent
from partnership.documents import pdf, renders
from partnership.documents.pdf import RenderCache, RenderedPdf
from partnership.extensions import db
from partnership.jobs.models import Job
from partnership.policy import Role
from tests.arrangements.conftest import build_partnership
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import pin_clock
from tests.support.documents import assert_preparing, run_worker

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
URL = "/partnerships/hscp/arrangements/draft.pdf"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count renders (a tiny PDF each)."""
    titles: list[str] = []

    def fake(html: str, *, title: str, **_: Any) -> RenderedPdf:
        titles.append(title)
        return RenderedPdf(data=f"%PDF-1.7 {title}".encode(), pages=1)

    monkeypatch.setattr(pdf, "_cache", RenderCache())
    monkeypatch.setattr(pdf, "_render_in_child", fake)
    pin_clock(monkeypatch, NOON)
    return titles


@pytest.fixture
def partnership_id(app: Flask) -> int:
    with app.app_context():
        return build_partnership().id


def _refresh_url(response: Any) -> str:
    meta = page(response).find("meta", attrs={"http-equiv": "refresh"})
    assert meta is not None
    return str(meta["content"]).split("url=", 1)[1]


def _exports(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "export")) or 0


def test_the_page_queues_a_build_and_follows_it_to_the_pdf(
        app: Flask, partnership_id: int, rendered: list[str],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)

    first = team.get(URL)

    assert_preparing(first)
    follow = _refresh_url(first)
    assert follow.startswith(f"{URL}?job=")
    assert_preparing(team.get(follow))
    assert rendered == [], "the request neither built nor rendered the document"
    with app.app_context():
        (job,) = db.session.scalars(sa.select(Job)).all()
        assert job.kind == renders.BUILD_JOB
        assert job.payload["args"] == {"partnership_id": partnership_id, "day": "2026-03-02"}

    assert run_worker(team) == 1  # the build renders the new document itself
    ready = team.get(follow)

    assert ready.status_code == 200
    assert ready.mimetype == "application/pdf"
    assert ready.headers["Content-Disposition"].startswith("attachment; filename=hscp-")
    assert len(rendered) == 1
    assert _exports(app) == 1
    # Asked for again within seconds, the build just made answers at once.
    assert team.get(URL).status_code == 200


def test_an_unchanged_document_built_again_is_not_rendered_again(
        app: Flask, partnership_id: int, rendered: list[str],
        signed_in: Callable[[Role], BrowserLikeClient],
        monkeypatch: pytest.MonkeyPatch) -> None:
    team, scrutineer = signed_in(Role.TEAM), signed_in(Role.SCRUTINEER)
    follow = _refresh_url(team.get(URL))
    run_worker(team)
    assert team.get(follow).status_code == 200

    pin_clock(monkeypatch, NOON + dt.timedelta(minutes=5))
    later = scrutineer.get(URL)
    assert_preparing(later)
    run_worker(scrutineer)

    assert scrutineer.get(_refresh_url(later)).status_code == 200
    assert len(rendered) == 1, "the same content is rendered once"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 2


def test_a_job_of_another_document_is_not_followed(
        app: Flask, partnership_id: int, rendered: list[str],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    with app.app_context():
        other = build_partnership("other", "Otherton Safeguarding Children Partnership")
        other_slug = other.slug
    other_url = f"/partnerships/{other_slug}/arrangements/draft.pdf"
    follow_other = _refresh_url(team.get(other_url))
    run_worker(team)
    assert team.get(follow_other).status_code == 200

    borrowed = team.get(f"{URL}?job={follow_other.rsplit('=', 1)[1]}")

    assert_preparing(borrowed)  # a build of its own, not the other partnership's PDF
    assert _refresh_url(borrowed) != f"{URL}?job={follow_other.rsplit('=', 1)[1]}"
