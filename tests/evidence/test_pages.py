"""Evidence files through the pages: attached with a progress update (both saved or
neither), listed beside the update, downloaded safely and audited, removed; meeting papers;
who may download; the quota page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import ProgressUpdate
from partnership.audit.models import AuditEvent
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from partnership.meetings.models import Meeting
from partnership.policy import Role
from tests.actions import TODAY, add_action, add_area, add_update
from tests.evidence import attach_file, evidence_rows, samples, stored_files, stored_path
from tests.register.builders import field_error
from tests.reviews.records_cases import add_case, add_review_action
from tests.support.client import BrowserLikeClient, csrf_token_from, page
from tests.support.partnerships import add_partnership

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

PASSWORD = "correct horse battery staple"


def signed_in_to(app: Flask, user: User) -> BrowserLikeClient:
    """A client of this app signed in as the user."""
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


def file_part(data: bytes, filename: str, content_type: str = "application/octet-stream"
              ) -> tuple[io.BytesIO, str, str]:
    """A file field as the test client posts it (the browser's content type is ignored)."""
    return (io.BytesIO(data), filename, content_type)


def progress(narrative: str = "Audit tool agreed with the three agencies", **extra: Any
             ) -> dict[str, Any]:
    return {"narrative": narrative, "status": "in_progress", "percent_complete": "40",
            **extra}


def updates_of(app: Flask, action_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ProgressUpdate.narrative).where(
            ProgressUpdate.action_id == action_id).order_by(ProgressUpdate.id)))


def downloads(app: Flask, file_id: int) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "download", AuditEvent.record_type == "evidence_file",
            AuditEvent.record_id == str(file_id))))
        db.session.expunge_all()
        return rows


def test_a_file_attached_with_a_progress_update_is_listed_downloaded_and_removed(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    area = add_area(app)
    action_id = add_action(app, area.partnership_id, "Audit the front door")
    officer = signed_in(Role.TEAM)
    pdf = samples.pdf("Audit report")

    response = officer.submit(f"/actions/{action_id}/update", {
        **progress(), "evidence": file_part(pdf, "Front door audit.pdf", "text/html")})
    assert response.status_code == 302, page(response).select(".govuk-error-message")
    assert updates_of(app, action_id) == ["Audit tool agreed with the three agencies"]

    shown = page(officer.get(f"/actions/{action_id}"))
    card = shown.select_one(".govuk-summary-card")
    assert card is not None
    link = card.find("a", string="Front door audit.pdf")
    assert link is not None, "the file is listed beside its update"
    assert "by Test Team" in card.get_text(" ", strip=True)
    file_id = int(str(link["href"]).rsplit("/", 1)[-1])

    response = officer.get(link["href"])
    assert response.status_code == 200
    assert response.data == pdf
    assert response.headers["Content-Type"] == "application/pdf"  # sniffed, not the browser's
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Front door audit.pdf\"; "
        "filename*=UTF-8''Front%20door%20audit.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    [event] = downloads(app, file_id)
    assert (event.user_id, event.role) == (officer.user.id, "team")  # type: ignore[attr-defined]
    assert event.changes is not None and event.changes["filename"] == "Front door audit.pdf"
    assert event.partnerships == f",{area.partnership_id},"

    # The remove button posts back to the action's page.
    form = card.find("form", attrs={"action": f"/evidence/{file_id}/remove"})
    assert form is not None
    path = stored_path(app, file_id)
    response = officer.post(form["action"], data={
        "csrf_token": csrf_token_from(officer.get(f"/actions/{action_id}")),
        "next": form.find("input", attrs={"name": "next"})["value"]})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/actions/{action_id}"
    assert not path.exists()
    after = page(officer.get(f"/actions/{action_id}"))
    assert "File removed: Front door audit.pdf" in after.get_text()
    assert after.find("a", string="Front door audit.pdf") is None
    assert officer.get(f"/evidence/{file_id}").status_code == 404
    with app.app_context():
        kept = db.session.get_one(EvidenceFile, file_id)
        assert kept.removed_at is not None
        assert kept.removed_by_id == officer.user.id  # type: ignore[attr-defined]


def test_a_refused_file_saves_nothing_and_shows_the_problem_and_what_was_typed(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    area = add_area(app)
    action_id = add_action(app, area.partnership_id, "Audit the front door")
    officer = signed_in(Role.TEAM)
    before = stored_files(app)
    response = officer.submit(f"/actions/{action_id}/update", {
        **progress("Typed with care"),
        "evidence": file_part(b"MZ\x90\x00" + b"\x00" * 64, "Minutes.pdf", "application/pdf")})
    assert response.status_code == 200
    shown = page(response)
    assert shown.title is not None and shown.title.get_text().strip().startswith("Error:")
    assert "must be a PDF, Word, Excel" in (field_error(shown, "evidence") or "")
    assert shown.select_one(".govuk-error-summary a[href='#evidence']") is not None
    assert shown.find("textarea", attrs={"name": "narrative"}).get_text() == "Typed with care"
    assert updates_of(app, action_id) == []
    assert evidence_rows(app) == 0
    assert stored_files(app) == before

    # A problem with the update itself keeps no file either, and says to choose it again.
    response = officer.submit(f"/actions/{action_id}/update", {
        **progress(status="complete"), "evidence": file_part(samples.pdf(), "Fine.pdf")})
    shown = page(response)
    assert "A complete action must be 100% complete" in (
        field_error(shown, "percent_complete") or "")
    assert field_error(shown, "evidence") == (
        "Select the file again: nothing is kept until the update is saved")
    assert updates_of(app, action_id) == []
    assert evidence_rows(app) == 0
    assert stored_files(app) == before

    # The form posts files.
    form = page(officer.get(f"/actions/{action_id}/update")).find(
        "form", attrs={"action": f"/actions/{action_id}/update"})
    assert form["enctype"] == "multipart/form-data"
    assert form.find("input", attrs={"type": "file", "name": "evidence"}) is not None


def test_someone_who_cannot_see_the_record_gets_404_and_no_bytes_and_it_is_audited(
        app: Flask, make_user: Callable[..., User],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    area = add_area(app)
    update_id = add_update(app, add_action(app, area.partnership_id, "Audit"), TODAY)
    file_id = attach_file(app, "progress_update", ProgressUpdate, update_id, samples.pdf(),
                          "Audit.pdf")
    # Another partnership's officer.
    other = add_partnership(app, "elsewhere")
    outsider = make_user(Role.TEAM, partnerships=[other])
    client = signed_in_to(app, outsider)
    response = client.get(f"/evidence/{file_id}")
    assert response.status_code == 404
    assert b"%PDF" not in response.data
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    token = csrf_token_from(client.get("/account"))
    assert client.post(f"/evidence/{file_id}/remove",
                       data={"csrf_token": token}).status_code == 404
    assert stored_path(app, file_id).exists()
    assert downloads(app, file_id) == []
    with app.app_context():
        refusals = list(db.session.scalars(sa.select(AuditEvent.record_id).where(
            AuditEvent.action == "refused", AuditEvent.user_id == outsider.id)))
    assert refusals == [str(file_id), str(file_id)]

    # A file on an update of a case review's action is need-to-know like the case.
    case_id = add_case(app, area.partnership_id, area.board_id)
    review_action = add_review_action(app, case_id, "Share information at the front door")
    hidden_update = add_update(app, review_action, TODAY, "Protocol drafted")
    hidden_file = attach_file(app, "progress_update", ProgressUpdate, hidden_update,
                              b"Draft protocol\n", "Protocol.txt")
    agency = signed_in(Role.AGENCY)  # not on the case
    assert agency.get(f"/evidence/{hidden_file}").status_code == 404
    assert agency.get(f"/evidence/{file_id}").status_code == 200
    assert signed_in(Role.TEAM).get(f"/evidence/{hidden_file}").status_code == 200


def test_a_name_outside_ascii_is_sent_both_ways(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    area = add_area(app)
    update_id = add_update(app, add_action(app, area.partnership_id, "Audit"), TODAY)
    file_id = attach_file(app, "progress_update", ProgressUpdate, update_id,
                          b"Quoi de neuf\n", "Réunion; “notes”.txt")
    response = signed_in(Role.PARTNER).get(f"/evidence/{file_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"R_union_ _notes_.txt\"; "
        "filename*=UTF-8''R%C3%A9union%3B%20%E2%80%9Cnotes%E2%80%9D.txt")


def test_meeting_papers_are_added_by_the_team_and_downloaded_by_everyone_who_sees_the_meeting(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    area = add_area(app)
    with app.app_context():
        meeting = Meeting(body_id=area.board_id, held_on=TODAY)
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
    officer = signed_in(Role.TEAM)
    add_paper = {"href": f"/meetings/{meeting_id}/papers"}
    assert page(officer.get(f"/meetings/{meeting_id}")).find("a", attrs=add_paper) is not None
    response = officer.submit(f"/meetings/{meeting_id}/papers", {})
    assert field_error(page(response), "evidence") == "Select a file"
    response = officer.submit(f"/meetings/{meeting_id}/papers", {
        "evidence": file_part(samples.ooxml("word"), "Board report.docx")})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting_id}#papers"

    partner = signed_in(Role.PARTNER)
    shown = page(partner.get(f"/meetings/{meeting_id}"))
    link = shown.find("a", string="Board report.docx")
    assert link is not None
    assert shown.find("a", attrs=add_paper) is None
    assert shown.find("button", string="Remove") is None
    response = partner.get(link["href"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    file_id = int(str(link["href"]).rsplit("/", 1)[-1])
    token = csrf_token_from(partner.get("/account"))
    assert partner.post(f"/evidence/{file_id}/remove", data={"csrf_token": token}
                        ).status_code == 403
    assert partner.get(f"/meetings/{meeting_id}/papers").status_code == 403


def test_the_team_sees_the_quota_by_kind_of_record_and_the_largest_files(
        make_app: Callable[..., Flask], make_user: Callable[..., User]) -> None:
    app = make_app(EVIDENCE_QUOTA_BYTES=10 * 1024)
    area = add_area(app)
    update_id = add_update(app, add_action(app, area.partnership_id, "Audit"), TODAY)
    attach_file(app, "progress_update", ProgressUpdate, update_id, b"a" * 4096, "Big.txt")
    attach_file(app, "progress_update", ProgressUpdate, update_id, b"b" * 1024, "Small.txt")
    with app.app_context():
        meeting = Meeting(body_id=area.board_id, held_on=TODAY)
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
    attach_file(app, "meeting", Meeting, meeting_id, b"c" * 4096, "Papers.txt")
    officer = signed_in_to(app, make_user(Role.TEAM))
    overview = page(officer.get("/partnerships/wessex"))
    link = overview.find("a", string="Evidence files and storage used")
    assert link is not None
    shown = page(officer.get(link["href"]))
    assert shown.select_one("#evidence-used").get_text(strip=True) == "9 KB of 10 KB (90%)"
    assert "nearly full" in shown.get_text()
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")]
            for row in shown.select("table")[0].select("tbody tr")]
    assert rows == [["Progress updates", "2", "5 KB"], ["Meetings", "1", "4 KB"]]
    largest = [row.select_one("td").get_text(strip=True)
               for row in shown.select("table")[1].select("tbody tr")]
    assert largest[-1] == "Small.txt" and set(largest) == {"Big.txt", "Papers.txt", "Small.txt"}
    partner = signed_in_to(app, make_user(Role.PARTNER))
    assert partner.get(link["href"]).status_code == 403
    assert page(partner.get("/partnerships/wessex")).find(
        "a", string="Evidence files and storage used") is None


def test_paths_that_are_not_a_file_id_and_oversized_uploads_are_refused(
        make_app: Callable[..., Flask], make_user: Callable[..., User]) -> None:
    app = make_app(MAX_CONTENT_LENGTH=4096)
    area = add_area(app)
    action_id = add_action(app, area.partnership_id, "Audit")
    officer = signed_in_to(app, make_user(Role.TEAM))
    for path in ("../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/config.py", "C:%5cwin.ini",
                 "NUL", "0", "-1", "99999999999"):
        assert officer.get(f"/evidence/{path}").status_code == 404, path
    response = officer.submit(f"/actions/{action_id}/update", {
        **progress(), "evidence": file_part(b"a" * 5000, "Big.txt")})
    assert response.status_code == 413
    assert updates_of(app, action_id) == []
