"""Attendance from a booking system's file: every row checked, every problem named by row and
column, nothing saved on any error; a checked file previewed then imported all at once;
names never read; the same file imported twice changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.policy import Role
from partnership.training.models import SessionAttendance
from tests.support.client import BrowserLikeClient, csrf_token_from, page
from tests.training.world import BASE, World, add_line, world


@pytest.fixture
def ids(app: Flask) -> World:
    return world(app)


def upload(client: BrowserLikeClient, content: str, name: str = "bookings.csv"):  # type: ignore[no-untyped-def]
    token = csrf_token_from(client.get(f"{BASE}/import"))
    return client.post(f"{BASE}/import", data={
        "csrf_token": token, "spreadsheet": (io.BytesIO(content.encode()), name)},
        content_type="multipart/form-data")


def held_day() -> str:
    return (clock.today() - dt.timedelta(days=120)).strftime("%d/%m/%Y")


def lines(app: Flask) -> list[tuple[str, int, int]]:
    with app.app_context():
        return [(line.role, line.booked, line.attended) for line in db.session.scalars(
            sa.select(SessionAttendance).order_by(SessionAttendance.role))]


def test_a_file_with_problems_is_refused_row_by_row_and_nothing_is_saved(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    coming = (clock.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    content = (
        "Course,Date,Organisation,Job role,Status,Delegate name\n"
        f"Recognising neglect,{held_day()},Eastvale Police,Response officer,Attended,A Person\n"
        f"Recognising neglect,{held_day()},Nowhere Trust,Nurse,Attended,B Person\n"
        f"Recognising neglec,{held_day()},Eastvale Council,Social worker,Attended,C\n"
        f"Recognising neglect,{coming},Eastvale Council,Social worker,Attended,D\n"
        f"Recognising neglect,31/02/2025,Eastvale Council,,Maybe,E\n")
    response = upload(team, content)
    html = page(response)
    assert html.title is not None and html.title.get_text().startswith("Error:")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in html.select("#problems + .app-table-scroll table tbody tr")]
    assert [row[:2] for row in rows] == [
        ["3", "Organisation"], ["4", "Course"], ["5", "Status"], ["6", "Date"],
        ["6", "Job role"], ["6", "Status"]]
    assert "no agency 'Nowhere Trust' in the register" in rows[0][2]
    assert "the session has not taken place yet" in rows[2][2]
    assert lines(app) == []


def test_a_checked_file_is_previewed_then_imported_once(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_line(app, ids.held, ids.police, "Response officer", 2, 2)
    team = signed_in(Role.TEAM)
    day = held_day()
    content = (
        "Course,Date,Agency,Role,Status,Number,Email\n"
        f"Recognising neglect,{day},Eastvale Police,Response officer,Attended,,a@example.org\n"
        f"Recognising neglect,{day},Eastvale Police,Response officer,Did not attend,,\n"
        f"Recognising neglect,{day},Eastvale Police,Response officer,Attended,,\n"
        f"Recognising neglect,{day},Eastvale Primary Schools,Designated safeguarding lead,"
        "Attended,3,\n"
        f"Recognising neglect,{day},Eastvale Council,Social worker,Cancelled,,\n")
    html = page(upload(team, content))
    text = html.get_text(" ", strip=True)
    assert "Recognising neglect" in text and "Import 2 lines of attendance" in text
    assert "Not read, and never saved: the column Email." in text
    assert "Left out, as the booking was cancelled: row 6." in text
    assert lines(app) == [("Response officer", 2, 2)]  # nothing saved by the check
    sealed = html.find("input", attrs={"name": "sealed"})["value"]
    token = csrf_token_from(team.get(f"{BASE}/import"))
    done = team.post(f"{BASE}/import/confirm", data={"csrf_token": token, "sealed": sealed},
                     follow_redirects=True)
    assert "1 new line of attendance, 1 changed" in page(done).get_text()
    assert lines(app) == [("Designated safeguarding lead", 3, 3), ("Response officer", 3, 2)]
    again = team.post(f"{BASE}/import/confirm", data={"csrf_token": token, "sealed": sealed},
                      follow_redirects=True)
    assert "saved after the file was checked" in page(again).get_text()
    html = page(upload(team, content))
    assert "Import 2 lines" in html.get_text() and lines(app)[1] == ("Response officer", 3, 2)


def test_the_template_lists_recent_and_coming_sessions(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    response = signed_in(Role.TEAM).get(f"{BASE}/import/template.csv")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    assert text.splitlines()[0] == "Course,Date,Agency,Role,Status,Number"
    # the coming session; the one held 120 days ago is older than three months
    assert text.splitlines()[1:] == [
        f"Recognising neglect,{(clock.today() + dt.timedelta(days=30)):%d/%m/%Y},,,,"]
    assert signed_in(Role.AGENCY).get(f"{BASE}/import").status_code == 403
