"""The demo's evidence files: the county board's papers and a progress update's evidence,
downloadable by the demo accounts; a demo load that fails leaves no files behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.actions.models import ProgressUpdate
from partnership.audit.services import acting_as
from partnership.demo.evidence import load_demo_evidence
from partnership.demo.loader import DemoLoadError, one_transaction
from partnership.evidence import services, store
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from tests.actions import TODAY, add_action, add_area, add_update
from tests.evidence import stored_files, upload
from tests.support.client import BrowserLikeClient, page

DEMO_PASSWORDS = {"officer@demo.example": "demo officer heron teapot",
                  "partner@demo.example": "demo partner badger violin"}


def demo_client(app: Flask, email: str) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(email, DEMO_PASSWORDS[email]).status_code == 302
    return client


@pytest.mark.demo
def test_the_demo_board_papers_are_listed_and_downloaded(app: Flask) -> None:
    with app.app_context():
        files = list(db.session.scalars(
            sa.select(EvidenceFile).where(EvidenceFile.owner_kind.in_(
                ["meeting", "progress_update"])).order_by(EvidenceFile.id)))
        kinds = sorted({(f.owner_kind, f.media_type) for f in files})
        paper = next(f for f in files if f.owner_kind == "meeting")
        meeting_id, paper_id, name = paper.owner_id, paper.id, paper.filename
        assert all(store.exists(f.stored_name) for f in files)
    assert kinds == [("meeting", "application/pdf"), ("progress_update", "image/png"),
                     ("progress_update", "text/csv")]
    partner = demo_client(app, "partner@demo.example")
    shown = page(partner.get(f"/meetings/{meeting_id}"))
    assert shown.find("a", href=f"/evidence/{paper_id}").get_text(strip=True) == name
    response = partner.get(f"/evidence/{paper_id}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    officer = demo_client(app, "officer@demo.example")
    quota = page(officer.get("/partnerships/wscp/evidence"))
    assert {row.select_one("th").get_text(strip=True)
            for row in quota.select("table")[0].select("tbody tr")} >= {
        "Meetings", "Progress updates"}


@pytest.mark.demo
def test_a_demo_load_that_fails_leaves_no_files_behind(app: Flask) -> None:
    before = stored_files(app)
    with app.app_context(), acting_as("tests"):
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceFile))
        with one_transaction():
            assert load_demo_evidence(clock.today()) == {"evidence files": 5}
            assert len(stored_files(app)) == len(before) + 5
        db.session.rollback()  # as the demo command does when a later stage fails
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceFile)) == rows
    assert stored_files(app) == before


def test_the_demo_loader_adds_nothing_without_the_county(app: Flask) -> None:
    with app.app_context():
        assert load_demo_evidence(None) == {"evidence files": 0}


def test_no_file_is_left_behind_by_a_commit_the_demo_load_refuses(app: Flask) -> None:
    """The demo's one transaction refuses a commit part-way; what was written goes with it."""
    area = add_area(app)
    update_id = add_update(app, add_action(app, area.partnership_id, "Audit"), TODAY)
    before = stored_files(app)
    with app.app_context(), acting_as("tests"):
        with pytest.raises(DemoLoadError), one_transaction():
            services.attach("progress_update", db.session.get_one(ProgressUpdate, update_id),
                            upload(b"notes", "Notes.txt"), None)
            db.session.commit()
        db.session.rollback()
    assert stored_files(app) == before
