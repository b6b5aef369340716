"""Attendance per agency over a reporting year, checked against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.meetings.models import MeetingStatus, Presence
from partnership.meetings.services import attendance_by_agency
from partnership.policy import Role
from tests.meetings import add_meeting, add_member, counting_queries, record_attendance
from tests.register.records import add_agency, add_area, add_body
from tests.support.client import BrowserLikeClient, page

HELD = {"status": MeetingStatus.HELD}
YEAR = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    ids = {"partnership": add_area(app, "northshire", year_start_month=4)}
    for name in ("Police", "Council", "Health", "Schools"):
        ids[name] = add_agency(app, "northshire", name)
    ids["board"] = add_body(app, "Safeguarding Board", slug="northshire")
    ids["group"] = add_body(app, "Learning Group", slug="northshire")
    add_member(app, ids["board"], ids["Police"], "Chief Constable")
    add_member(app, ids["board"], ids["Police"], "Head of Public Protection")  # two seats
    add_member(app, ids["board"], ids["Council"])
    add_member(app, ids["group"], ids["Council"])
    add_member(app, ids["group"], ids["Health"])
    police, council, health, schools = (ids[n] for n in ("Police", "Council", "Health",
                                                          "Schools"))
    board, group = ids["board"], ids["group"]
    record_attendance(app, add_meeting(app, board, dt.date(2025, 5, 10), **HELD),
                      {police: Presence.PRESENT, council: Presence.DEPUTY})
    record_attendance(app, add_meeting(app, board, dt.date(2025, 8, 10), **HELD),
                      {police: Presence.APOLOGIES, council: Presence.ABSENT,
                       schools: Presence.PRESENT})  # Schools came once, as a guest
    record_attendance(app, add_meeting(app, board, dt.date(2025, 11, 10), **HELD),
                      {police: Presence.PRESENT})  # nothing recorded for the Council
    # None of these count: not held, cancelled, or in the year before.
    record_attendance(app, add_meeting(app, board, dt.date(2025, 12, 10)),
                      {police: Presence.PRESENT})
    add_meeting(app, board, dt.date(2026, 2, 10), status=MeetingStatus.CANCELLED)
    record_attendance(app, add_meeting(app, board, dt.date(2025, 3, 10), **HELD),
                      {police: Presence.ABSENT})
    record_attendance(app, add_meeting(app, group, dt.date(2025, 6, 1), **HELD),
                      {council: Presence.PRESENT, health: Presence.ABSENT})
    return ids


def figures(rows: list) -> dict[str, tuple[int, ...]]:
    return {row.agency_name: (row.held, row.present, row.deputy, row.apologies, row.absent,
                              row.not_recorded) for row in rows}


def test_attendance_per_agency_for_one_body(app: Flask, world: dict[str, int]) -> None:
    with app.app_context(), counting_queries(app) as statements:
        rows = attendance_by_agency([world["board"]], *YEAR)
    assert len(statements) == 1
    assert figures(rows) == {
        "Council": (3, 0, 1, 0, 1, 1),
        "Police": (3, 2, 0, 1, 0, 0),
        "Schools": (1, 1, 0, 0, 0, 0),
    }
    rates = {row.agency_name: row.rate_words for row in rows}
    assert rates == {"Council": "33%", "Police": "67%", "Schools": "100%"}


def test_attendance_over_several_bodies(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        rows = attendance_by_agency([world["board"], world["group"]], *YEAR)
        assert attendance_by_agency([], *YEAR) == []
    assert figures(rows) == {
        "Council": (4, 1, 1, 0, 1, 1),
        "Health": (1, 0, 0, 0, 1, 0),
        "Police": (3, 2, 0, 1, 0, 0),
        "Schools": (1, 1, 0, 0, 0, 0),
    }
    assert {row.agency_name: row.rate_words for row in rows}["Council"] == "50%"


def test_the_attendance_page_shows_the_year_as_a_table(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    html = page(signed_in(Role.AGENCY).get(
        f"/meetings/body/{world['board']}/attendance?year=2025"))
    table = html.select_one("main table")
    assert table.select_one("caption").get_text(" ", strip=True) == (
        "Attendance by member agency at meetings of Safeguarding Board held in 2025\u201326")
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")]
            for row in table.select("tbody tr")]
    assert rows == [["Council", "3", "0", "1", "0", "1", "1", "33%"],
                    ["Police", "3", "2", "0", "1", "0", "0", "67%"],
                    ["Schools", "1", "1", "0", "0", "0", "0", "100%"]]
    earlier = page(signed_in(Role.AGENCY).get(
        f"/meetings/body/{world['board']}/attendance?year=2024"))
    assert [[c.get_text(strip=True) for c in r.select("th, td")][:2]
            for r in earlier.select("main tbody tr")] == [["Council", "1"], ["Police", "1"]]
