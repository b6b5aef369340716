"""A published threshold document: fixed in the ORM and in the database, printed as an
accessible A4 PDF of exactly its sections, read in the reading room; and what a lapsed
signer is told changed, section by section."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.documents.pdf import render_pdf
from partnership.extensions import db
from partnership.jobs.services import run_pending
from partnership.policy import Role
from partnership.publishing import workflow
from partnership.publishing.documents import PrintedSignature
from partnership.publishing.models import PublicationStatus, Signature
from partnership.publishing.workflow import AlreadyPublished
from partnership.register.models import Partnership
from partnership.thresholds.adapter import ThresholdDocument
from partnership.thresholds.document import draft_html, pdf_request
from partnership.thresholds.models import ThresholdSection, ThresholdVersion
from partnership.thresholds.services import content_of
from tests.arrangements.conftest import SigningPartnership
from tests.documents.pdftools import pdf_info, pdf_text, tagged_tables
from tests.support.client import BrowserLikeClient, page
from tests.thresholds.conftest import add_sections

SECTIONS = [("Introduction", "Who this document is for."),
            ("Levels of need", "### Universal\n\nEvery child.\n\n| Level | Who helps |\n"
                               "|---|---|\n| Early help | A lead practitioner |"),
            ("How to get help", "Ring the Front Door.")]


def publish_one(app: Flask, signing: SigningPartnership, title: str = "HSCP thresholds") -> int:
    """Sign off (as the three partners' users) and publish a version; leave its file queued."""
    add_sections(app, signing.id, SECTIONS)
    with app.app_context():
        partnership = db.session.get(Partnership, signing.id)
        version = ThresholdVersion(partnership=partnership, title=title,
                                   status=PublicationStatus.DRAFT)
        db.session.add(version)
        db.session.flush()
        for user in signing.partner_users:
            workflow.sign(version, db.session.get(User, user.id))
        workflow.publish(version)
        db.session.commit()
        return version.id


def test_a_published_version_refuses_change_in_the_orm(
        app: Flask, signing: SigningPartnership) -> None:
    version_id = publish_one(app, signing)
    with app.app_context():
        version = db.session.get(ThresholdVersion, version_id)
        assert version is not None
        version.title = "Changed afterwards"
        with pytest.raises(AlreadyPublished):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(ThresholdVersion, version_id))
        with pytest.raises(AlreadyPublished):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AlreadyPublished):
            workflow.withdraw(db.session.get(ThresholdVersion, version_id))


@pytest.mark.parametrize("statement", [
    "UPDATE threshold_version SET title = 'Changed by hand' WHERE id = :id",
    "UPDATE threshold_version SET snapshot = NULL WHERE id = :id",
    "UPDATE threshold_version SET status = 'draft' WHERE id = :id",
    "DELETE FROM threshold_version WHERE id = :id",
    "UPDATE signature SET signed_by = 'Someone else' WHERE version_id = :id "
    "AND document = 'thresholds'",
    "INSERT INTO signature (document, version_id, partnership_id, partner_id, signed_by, role, "
    "signed_at, digest, comment, deputy_for, sealed) SELECT 'thresholds', :id, partnership_id, "
    "partner_id, 'Late', 'Late', signed_at, digest, '', '', false FROM signature "
    "WHERE version_id = :id AND document = 'thresholds' LIMIT 1",
])
def test_a_published_version_refuses_change_in_the_database(
        app: Flask, signing: SigningPartnership, statement: str) -> None:
    version_id = publish_one(app, signing)
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="never changes"):
            db.session.execute(sa.text(statement), {"id": version_id})
        db.session.rollback()
        # Filing the PDF once is the one change allowed after publication.
        assert run_pending() >= 1
        version = db.session.get(ThresholdVersion, version_id)
        assert version is not None and version.sha256 is not None
        with pytest.raises(sa.exc.DatabaseError, match="never changes"):
            db.session.execute(sa.text("UPDATE threshold_version SET sha256 = 'x' WHERE id = :id"),
                               {"id": version_id})
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Signature.id)).where(
            Signature.version_id == version_id, Signature.document == "thresholds")) == 3


def test_the_pdf_is_a_tagged_a4_document_of_the_sections(
        app: Flask, signing: SigningPartnership) -> None:
    add_sections(app, signing.id, SECTIONS)
    signatures = [PrintedSignature("Hillshire County Council", "Ada Council", "Chief Executive",
                                   "2026-11-02"),
                  PrintedSignature("Hillshire Integrated Care Board", "Dee Deputy", "Director",
                                   "2026-11-03", deputy_for="Ben Health, Chief Nurse",
                                   delegated_on="2026-10-01"),
                  PrintedSignature("Hillshire Constabulary")]
    with app.app_context(), app.test_request_context():
        partnership = db.session.get(Partnership, signing.id)
        content = content_of(partnership, "HSCP threshold document 2026")
        request = pdf_request(partnership, content, status="Published 7 December 2026",
                              day=dt.date(2026, 12, 7), signatures=signatures)
        rendered = render_pdf(**request)
        preview = page_of(draft_html(partnership))
    text = " ".join(pdf_text(rendered.data).split())
    for heading, _text in SECTIONS:
        assert heading in text
    assert "Hillshire Safeguarding Children Partnership" in text
    assert "Published 7 December 2026" in text and "Every child." in text
    assert "Awaiting sign-off" in text
    info = pdf_info(rendered.data)
    assert "Tagged:          yes" in info and "595.276 x 841.89 pts (A4)" in info
    cells = [cell for table in tagged_tables(rendered.data) for row in table for cell in row]
    assert ("Dee Deputy (for Ben Health, Chief Nurse, under a delegation dated 1 October 2026)"
            in [cell.text for cell in cells])
    headers = [cell for cell in cells if cell.tag == "TH"]
    assert len(headers) >= 6
    assert all(cell.scope in ("Column", "Row") for cell in headers), headers
    # The preview: every header cell says its scope too; it is a draft.
    assert all(th.get("scope") in ("col", "row") for th in preview.find_all("th"))
    assert "DRAFT" in preview.select_one(".cover__status").get_text()


def page_of(html: str):  # type: ignore[no-untyped-def]
    """Parse a standalone document page."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_the_reading_room_lists_the_published_document_to_read_and_download(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    version_id = publish_one(app, signing, "HSCP threshold document 2026")
    with app.app_context():
        run_pending()
    scrutineer = signed_in(Role.SCRUTINEER)
    room = page(scrutineer.get("/reading-room"))
    group = room.find(id="partnership-hscp").find(attrs={"data-group": "thresholds"})
    assert group is not None
    assert "HSCP threshold document 2026" in group.get_text()
    links = [a["href"] for a in group.find_all("a")]
    read = f"/partnerships/hscp/thresholds/versions/{version_id}.pdf"
    assert links == [read, f"{read}?download=1"]
    response = scrutineer.get(read)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_draft_is_not_in_the_reading_room(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_sections(app, signing.id, SECTIONS)
    with app.app_context():
        db.session.add(ThresholdVersion(partnership_id=signing.id, title="Only a draft",
                                        status=PublicationStatus.DRAFT))
        db.session.commit()
    room = page(signed_in(Role.SCRUTINEER).get("/reading-room"))
    assert "Only a draft" not in room.get_text()
    assert "No threshold document has been published yet" in room.get_text()


# --- what changed, in words ----------------------------------------------------------------


def _content(*sections: tuple[int, str, str]) -> dict[str, object]:
    return {"title": "T", "sections": [{"key": key, "heading": heading, "markdown": text,
                                        "order": order}
                                       for order, (key, heading, text) in enumerate(sections, 1)]}


def test_changes_name_sections_added_removed_retitled_rewritten_and_moved() -> None:
    signed = _content((1, "Introduction", "Hello."), (2, "Levels", "One.\n\nTwo."),
                      (3, "Help", "Ring us."), (4, "Consent", "Ask."))
    now = _content((2, "Levels of need", "One.\n\nTwo, rewritten."), (3, "Help", "Ring us."),
                   (1, "Introduction", "Hello."), (5, "Escalation", "Talk first."))
    said = [(change.where, change.what) for change in ThresholdDocument().changes(signed, now)]
    assert said == [
        ("Consent", "Removed from the document."),
        ("Levels of need", "Retitled: it was called “Levels”. Rewritten. Removed: “Two.” "
                           "Added: “Two, rewritten.”"),
        ("Introduction", "Moved: it now comes after “Help”."),
        ("Escalation", "Added to the document."),
    ]
    assert ThresholdDocument().changes(signed, signed) == []
    retitled = ThresholdDocument().changes(signed, {**signed, "title": "U"})
    assert [(c.where, c.what) for c in retitled] == [("Title", "“T” is now “U”.")]


def test_nothing_in_a_section_asks_for_a_child_or_family() -> None:
    assert {column.name for column in ThresholdSection.__table__.columns} == {
        "id", "partnership_id", "position", "heading", "markdown", "created_at", "version"}
