"""The evidence service: what it keeps, what it refuses (read from the content, never the
name or the browser's word), the quota, removal, and the store kept in step with commits."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from config import TestConfig
from partnership import create_app
from partnership.accounts.models import User
from partnership.actions.models import ProgressUpdate
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as, history_of
from partnership.evidence import services
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.meetings.models import Meeting
from partnership.policy import Role
from tests.actions import TODAY, add_action, add_area, add_update
from tests.evidence import (
    attach_file,
    evidence_rows,
    samples,
    stored_files,
    stored_path,
    upload,
)
from tests.meetings import counting_queries


@pytest.fixture
def update_id(app: Flask) -> int:
    """A progress update on an action of a partnership."""
    area = add_area(app)
    action = add_action(app, area.partnership_id, "Audit the front door")
    return add_update(app, action, TODAY, "Audit booked")


def attach(app: Flask, update_id: int, data: bytes, filename: str, user: Any = None) -> int:
    return attach_file(app, "progress_update", ProgressUpdate, update_id, data, filename, user)


def refusal(app: Flask, update_id: int, data: bytes, filename: str) -> str:
    """Try to attach; return the message the uploader reads (and check nothing was kept)."""
    before_files, before_rows = stored_files(app), evidence_rows(app)
    with app.app_context(), acting_as("tests"):
        owner = db.session.get_one(ProgressUpdate, update_id)
        with pytest.raises(DomainError) as refused:
            services.attach("progress_update", owner, upload(data, filename, "image/png"), None)
        db.session.rollback()
    assert refused.value.field == "evidence"
    assert stored_files(app) == before_files, "a refused file left bytes behind"
    assert evidence_rows(app) == before_rows
    return refused.value.message


ACCEPTED: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("pdf", samples.pdf, "Minutes.pdf", "application/pdf"),
    ("docx", lambda: samples.ooxml("word"), "Report.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", lambda: samples.ooxml("xl"), "Audit tool.XLSX",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pptx", lambda: samples.ooxml("ppt"), "Briefing.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("odt", lambda: samples.odf("text"), "Notes.odt", "application/vnd.oasis.opendocument.text"),
    ("ods", lambda: samples.odf("spreadsheet"), "Returns.ods",
     "application/vnd.oasis.opendocument.spreadsheet"),
    ("doc", lambda: samples.ole("WordDocument"), "Old report.doc", "application/msword"),
    ("xls", lambda: samples.ole("Workbook"), "Old tool.xls", "application/vnd.ms-excel"),
    ("ppt", lambda: samples.ole("PowerPoint Document"), "Old slides.ppt",
     "application/vnd.ms-powerpoint"),
    ("png", samples.image, "Chart.png", "image/png"),
    ("jpeg", lambda: samples.image("JPEG"), "Photo of the wall chart.jpg", "image/jpeg"),
    ("gif", lambda: samples.image("GIF"), "Diagram.gif", "image/gif"),
    ("csv", lambda: b"Agency,Returned\nPolice,Yes\n", "Returns.csv", "text/csv"),
    ("csv-excel", lambda: "Agency,Café\nPolice,Oui\n".encode("cp1252"), "Excel.csv",
     "text/csv"),
    ("txt", lambda: "Notes from the visit\n\tIndented \u2013 and a dash\n".encode(), "Notes.txt",
     "text/plain"),
]


@pytest.mark.parametrize(("make", "filename", "media_type"),
                         [row[1:] for row in ACCEPTED], ids=[row[0] for row in ACCEPTED])
def test_each_allowed_kind_is_kept_with_its_sniffed_type_size_and_digest(
        app: Flask, update_id: int, make: Callable[[], bytes], filename: str,
        media_type: str) -> None:
    data = make()
    file_id = attach(app, update_id, data, filename)
    with app.app_context():
        evidence = db.session.get_one(EvidenceFile, file_id)
        assert (evidence.filename, evidence.media_type, evidence.size, evidence.sha256) == (
            filename, media_type, len(data), hashlib.sha256(data).hexdigest())
        assert evidence.owner_kind == "progress_update"
        assert evidence.owner_id == update_id
        assert isinstance(evidence.owner, ProgressUpdate)
        assert evidence.partnership_id == evidence.owner.action.partnership_id
        # Stored under a random name, never the uploader's, readable by the service only.
        assert len(evidence.stored_name) == 64
        assert filename not in evidence.stored_name
    path = stored_path(app, file_id)
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(("data", "filename", "message"), [
    (EXE, "Minutes.pdf", "must be a PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, "
                         "GIF, CSV or text file"),
    (HTML, "Chart.png", "must be a PDF"),
    (b"  \n<svg onload='alert(1)'/>", "Notes.txt", "must be a PDF"),
    (b"%PDF-1.7\n%fake", "Chart.png", "name ends in .png but it is a PDF: rename it to end in "
                                      ".pdf"),
    (b"%PDF-1.7\n%fake", "Minutes", "is a PDF: its name must end in .pdf"),
    (b"Agency,Returned\n", "Returns.xlsx", "is text: its name must end in .csv or .txt"),
    (b"", "Empty.pdf", "The selected file is empty"),
    (None, "Report.docm", "contains macros"),
    (None, "Old.doc", "contains macros"),
    (None, "Archive.docx", "must be a PDF"),
    (b"\x00\x01binary\x00", "Data.csv", "must be a PDF"),
], ids=["exe-as-pdf", "html-as-png", "svg-as-txt", "pdf-named-png", "no-extension",
        "csv-named-xlsx", "empty", "ooxml-macros", "ole-macros", "plain-zip", "binary-as-csv"])
def test_a_file_that_is_not_what_it_says_or_not_allowed_is_refused_and_nothing_is_kept(
        app: Flask, update_id: int, data: bytes | None, filename: str, message: str) -> None:
    if data is None:
        data = {"Report.docm": samples.ooxml("word", macros=True),
                "Old.doc": samples.ole(macros=True),
                "Archive.docx": samples.zip_of({"payload.exe": EXE})}[filename]
    assert message in refusal(app, update_id, data, filename)


def test_a_file_over_the_size_limit_is_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(EVIDENCE_MAX_BYTES=1024)
    area = add_area(app)
    update_id = add_update(app, add_action(app, area.partnership_id, "Audit"), TODAY)
    assert refusal(app, update_id, b"a" * 1025, "Big.txt") == (
        "The selected file must be smaller than 1 KB")
    attach(app, update_id, b"a" * 1024, "Just fits.txt")


def test_the_quota_counts_kept_files_and_refuses_one_that_would_pass_it(
        make_app: Callable[..., Flask], make_user: Callable[..., User]) -> None:
    app = make_app(EVIDENCE_QUOTA_BYTES=3000)
    area = add_area(app)
    update_id = add_update(app, add_action(app, area.partnership_id, "Audit"), TODAY)
    other = add_area(app, "mercia", "Mercia Partnership")
    elsewhere = add_update(app, add_action(app, other.partnership_id, "Elsewhere"), TODAY)
    first = attach(app, update_id, b"a" * 2000, "First.txt")
    attach(app, elsewhere, b"b" * 2000, "Other partnership.txt")  # its own quota
    message = refusal(app, update_id, b"c" * 1001, "Second.txt")
    assert message.startswith("There is no room for this file: the partnership's evidence "
                              "files use 2 KB of 2.9 KB")
    attach(app, update_id, b"c" * 1000, "Fits exactly.txt")
    with app.app_context():
        assert services.usage(area.partnership_id) == services.Usage(3000, 3000, 2)
        # A removed file frees its room.
        with acting_as("tests"):
            services.remove(db.session.get_one(EvidenceFile, first), None)
            db.session.commit()
        assert services.usage(area.partnership_id) == services.Usage(1000, 3000, 1)
    attach(app, update_id, b"d" * 2000, "After removal.txt")


def test_the_stored_bytes_go_when_the_transaction_rolls_back(app: Flask, update_id: int
                                                             ) -> None:
    before = stored_files(app)
    with app.app_context(), acting_as("tests"):
        owner = db.session.get_one(ProgressUpdate, update_id)
        evidence = services.attach("progress_update", owner, upload(b"draft", "a.txt"), None)
        path = services.store.path_of(evidence.stored_name)
        assert path.exists()
        db.session.rollback()
        assert not path.exists()
        # And when the session is closed without a commit (a request that ends early).
        evidence = services.attach("progress_update", owner, upload(b"draft", "b.txt"), None)
        path = services.store.path_of(evidence.stored_name)
        db.session.close()
        assert not path.exists()
    assert stored_files(app) == before


def test_removing_a_file_deletes_its_bytes_on_commit_and_keeps_its_row_and_history(
        app: Flask, update_id: int, make_user: Callable[..., User]) -> None:
    officer = make_user(Role.TEAM)
    file_id = attach(app, update_id, samples.pdf(), "Minutes.pdf", officer)
    path = stored_path(app, file_id)
    with app.app_context(), acting_as("tests"):
        evidence = db.session.get_one(EvidenceFile, file_id)
        services.remove(evidence, officer)
        assert path.exists(), "the bytes stay until the removal is committed"
        db.session.rollback()
        assert path.exists(), "a rolled-back removal deletes nothing"
        evidence = db.session.get_one(EvidenceFile, file_id)
        services.remove(evidence, officer)
        db.session.commit()
    assert not path.exists()
    with app.app_context():
        evidence = db.session.get_one(EvidenceFile, file_id)
        assert evidence.removed_at is not None
        assert evidence.removed_by_id == officer.id
        assert evidence.filename == "Minutes.pdf"
        actions = [event.action for event in history_of(evidence)]
        assert actions == ["update", "create"]
        assert services.files_for("progress_update", [update_id]) == {update_id: []}
        with pytest.raises(DomainError, match="already been removed"):
            services.remove(evidence, officer)
        with pytest.raises(DomainError, match="was removed"):
            services.open_file(evidence)


def test_files_for_lists_each_record_s_files_in_one_query(app: Flask, update_id: int) -> None:
    with app.app_context():
        action_id = db.session.get_one(ProgressUpdate, update_id).action_id
    second = add_update(app, action_id, TODAY, "More")
    bare = add_update(app, action_id, TODAY, "Nothing attached")
    first_files = [attach(app, update_id, b"one", "One.txt"),
                   attach(app, update_id, b"two", "Two.txt")]
    removed = attach(app, second, b"gone", "Gone.txt")
    kept = attach(app, second, b"kept", "Kept.csv")
    with app.app_context(), acting_as("tests"):
        services.remove(db.session.get_one(EvidenceFile, removed), None)
        db.session.commit()
    with counting_queries(app) as statements, app.app_context():
        found = services.files_for("progress_update", [update_id, second, bare])
        names = {owner: [(f.id, f.filename, f.uploaded_by) for f in files]
                 for owner, files in found.items()}
    assert len(statements) == 1
    assert names == {update_id: [(first_files[0], "One.txt", None),
                                 (first_files[1], "Two.txt", None)],
                     second: [(kept, "Kept.csv", None)], bare: []}
    with app.app_context():
        assert services.files_for("meeting", [update_id]) == {update_id: []}
        assert services.files_for("progress_update", []) == {}


@pytest.mark.parametrize(("raw", "clean"), [
    ("C:\\fakepath\\Minutes.pdf", "Minutes.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ('Board "final" <v2>.pdf', "Board final v2 .pdf"),
    ("  Notes\x00\x1b.txt  ", "Notes .txt"),
    ("Réunion du conseil.pdf", "Réunion du conseil.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ("...", ""),
])
def test_uploaded_names_are_kept_as_safe_plain_names(raw: str, clean: str) -> None:
    assert services.clean_filename(raw) == clean


def test_sizes_are_written_as_people_say_them() -> None:
    assert [services.human_size(n) for n in (1, 512, 1024, 1536, 20 * 1024 ** 2,
                                              2 * 1024 ** 3)] == [
        "1 byte", "512 bytes", "1 KB", "1.5 KB", "20 MB", "2 GB"]


def test_a_record_that_is_not_of_the_owner_kind_is_a_programming_error(
        app: Flask, update_id: int) -> None:
    with app.app_context():
        owner = db.session.get_one(ProgressUpdate, update_id)
        with pytest.raises(ValueError, match="not a record of the evidence owner kind"):
            services.attach("meeting", owner, upload(b"x", "x.txt"), None)
        with pytest.raises(DomainError, match="Select a file"):
            services.attach("progress_update", owner, None, None)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.record_type == "evidence_file")) == 0


def test_a_record_deleted_with_files_on_it_takes_them_with_it(app: Flask) -> None:
    area = add_area(app)
    with app.app_context(), acting_as("tests"):
        meeting = Meeting(body_id=area.board_id, held_on=TODAY)
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
    file_id = attach_file(app, "meeting", Meeting, meeting_id, b"agenda", "Agenda.txt")
    path = stored_path(app, file_id)
    with app.app_context(), acting_as("tests"):
        db.session.delete(db.session.get_one(Meeting, meeting_id))
        db.session.flush()
        assert path.exists(), "the bytes stay until the deletion is committed"
        db.session.commit()
    assert not path.exists()
    with app.app_context():
        evidence = db.session.get_one(EvidenceFile, file_id)
        assert evidence.removed_at is not None
        assert [event.action for event in history_of(evidence)] == ["update", "create"]
        assert services.usage(evidence.partnership_id).files == 0


def test_a_savepoint_rolled_back_takes_its_files_and_the_rest_are_kept(
        app: Flask, update_id: int) -> None:
    before = stored_files(app)
    with app.app_context(), acting_as("tests"):
        owner = db.session.get_one(ProgressUpdate, update_id)
        kept = services.attach("progress_update", owner, upload(b"kept", "Kept.txt"), None)
        savepoint = db.session.begin_nested()
        dropped = services.attach("progress_update", owner, upload(b"no", "Dropped.txt"), None)
        dropped_path = services.store.path_of(dropped.stored_name)
        savepoint.rollback()
        assert not dropped_path.exists()
        with db.session.begin_nested():  # released: its file stays with the transaction
            inner = services.attach("progress_update", owner, upload(b"in", "Inner.txt"), None)
        db.session.commit()
        names = {kept.stored_name, inner.stored_name}
    assert stored_files(app) == before | names


def test_the_check_command_finds_missing_bytes_and_stray_files(
        make_app: Callable[..., Flask], tmp_path: Path) -> None:
    # A folder of its own: the command looks at every file in it.
    app = make_app(EVIDENCE_DIR=str(tmp_path / "evidence"))
    area = add_area(app)
    update_id = add_update(app, add_action(app, area.partnership_id, "Audit"), TODAY)
    kept = attach(app, update_id, b"kept", "Kept.txt")
    lost = attach(app, update_id, b"lost", "Lost.txt")
    stored_path(app, lost).unlink()
    folder = tmp_path / "evidence"
    stray, fresh = folder / ("0" * 64), folder / ("1" * 64)
    stray.write_bytes(b"left by a crash")
    fresh.write_bytes(b"an upload still in its transaction")
    os.utime(stray, (0, 0))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["evidence", "check"])
    assert result.exit_code == 1
    assert f"missing: evidence file {lost} has no bytes" in result.output
    assert f"stray: {stray.name}" in result.output
    assert fresh.name not in result.output
    result = runner.invoke(args=["evidence", "check", "--delete-stray"])
    assert f"deleted: {stray.name}" in result.output
    assert not stray.exists() and fresh.exists() and stored_path(app, kept).exists()


def test_the_app_refuses_an_evidence_folder_inside_the_web_root(app: Flask) -> None:
    static = Path(app.static_folder or "")
    with pytest.raises(RuntimeError, match="must be outside the web root"):
        create_app(TestConfig, EVIDENCE_DIR=str(static / "uploads"))
