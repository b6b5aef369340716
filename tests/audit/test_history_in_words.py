"""Histories read in words: one entry per save, names instead of ids, labels and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, g, render_template_string
from flask_login import login_user

from partnership.accounts.models import User
from partnership.audit.history import history_in_words
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.meetings.models import Attendance, Meeting, Presence
from partnership.policy import Role
from partnership.register.models import Agency
from tests.actions import add_area

HISTORY = '{% from "macros.html" import history_table %}{{ history_table(events) }}'


def _meeting_events(meeting_id: int) -> list[AuditEvent]:
    ids = [str(i) for i in db.session.scalars(
        sa.select(Attendance.id).where(Attendance.meeting_id == meeting_id))]
    return list(db.session.scalars(sa.select(AuditEvent).where(sa.or_(
        sa.and_(AuditEvent.record_type == "meeting", AuditEvent.record_id == str(meeting_id)),
        sa.and_(AuditEvent.record_type == "attendance", AuditEvent.record_id.in_(ids))))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))


def test_an_attendance_register_saved_at_once_is_one_entry_naming_the_agencies(
        app: Flask, make_user: Callable[..., User]) -> None:
    area = add_area(app)
    officer = make_user(Role.TEAM, name="Tess Officer")
    with app.app_context():
        names = [f"Wessex Agency {n}" for n in range(5)]
        db.session.add_all(Agency(partnership_id=area.partnership_id, name=name,
                                  sector=db.session.get_one(Agency, area.police_id).sector)
                           for name in names)
        meeting = Meeting(body_id=area.board_id, held_on=dt.date(2026, 12, 7))
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
        agencies = db.session.scalars(sa.select(Agency).where(Agency.name.in_(names))).all()
    with app.test_request_context():
        login_user(db.session.get_one(User, officer.id))
        g.request_id = "one-save"  # one request: the register and the meeting's location
        meeting = db.session.get_one(Meeting, meeting_id)
        meeting.location = "Council chamber"
        for agency in agencies:
            db.session.add(Attendance(meeting=meeting, agency=agency, presence=Presence.DEPUTY,
                                      attendee="A deputy"))
        db.session.add(Attendance(meeting=meeting,
                                  agency=db.session.get_one(Agency, area.police_id),
                                  presence=Presence.APOLOGIES))
        db.session.commit()
        events = _meeting_events(meeting_id)
        entries = history_in_words(events)
        html = page_of(render_template_string(HISTORY, events=events))

    saves = [entry for entry in entries if entry.groups and entry.actor == "Tess Officer"]
    assert len(saves) == 1, [entry.groups for entry in entries]
    assert {group.summary for group in saves[0].groups} == {
        "Changed 1 meeting record", "Added 6 attendance records"}
    text = html.get_text(" ", strip=True)
    assert len(html.select(".app-history tbody > tr")) == len(entries)
    for name in [*names, "Wessex Police"]:
        assert f"Agency : {name}" in text, name
    assert "Sent a deputy" in text and "Apologies given" in text
    assert "Council chamber" in text and "(none) → Council chamber" in text
    assert "agency_id" not in text and "Agency id" not in text
    assert "Presence : deputy" not in text and "apologies" not in text  # codes never shown


def page_of(html: str):  # type: ignore[no-untyped-def]
    """Parse a rendered fragment."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_a_date_in_a_history_reads_as_a_date(app: Flask, make_user: Callable[..., User]) -> None:
    area = add_area(app)
    with app.test_request_context():
        g.request_id = "dated"
        meeting = Meeting(body_id=area.board_id, held_on=dt.date(2026, 12, 7))
        db.session.add(meeting)
        db.session.commit()
        entries = history_in_words(_meeting_events(meeting.id))
    fields = {f.label: f.after for f in entries[0].groups[0].records[0].fields}
    assert fields["Held on"] == "7 December 2026"
    assert fields["Body"] == "Wessex Board"
