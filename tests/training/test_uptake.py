"""Uptake by sector and agency against the places expected, for a reporting year; the team
sets the expected places without overwriting anyone's; the follow-ups due list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.policy import Role
from partnership.training.models import PracticeChange, SessionFormat, TrainingSession
from tests.support.client import BrowserLikeClient, page
from tests.training.world import (
    BASE,
    World,
    add_follow_up,
    add_line,
    agency_lead,
    set_expected,
    world,
)


@pytest.fixture
def ids(app: Flask) -> World:
    return world(app)


def held_year() -> int:
    return reporting_year(clock.today() - dt.timedelta(days=120), 4)


LAST_YEAR_DAY = 400  # days ago: always in a reporting year that is over


def add_old_session(app: Flask, ids: World) -> int:
    with app.app_context():
        session = TrainingSession(course_id=ids.course, trainer="T", places=20,
                                  format=SessionFormat.ONLINE,
                                  starts_on=clock.today() - dt.timedelta(days=LAST_YEAR_DAY))
        db.session.add(session)
        db.session.commit()
        return session.id


def test_uptake_by_sector_and_agency_against_expected(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    old = add_old_session(app, ids)
    year = reporting_year(clock.today() - dt.timedelta(days=LAST_YEAR_DAY), 4)
    add_line(app, old, ids.police, "Response officer", 10, 9)
    add_line(app, old, ids.school, "Designated safeguarding lead", 12, 12)
    set_expected(app, ids.police, year, 18)
    set_expected(app, ids.council, year, 10)
    reader = signed_in(Role.SCRUTINEER)
    html = page(reader.get(f"{BASE}/uptake?year={year}"))
    sectors = [[c.get_text(" ", strip=True) for c in tr.select("th, td")]
               for tr in html.select("#by-sector tbody tr")]
    assert sectors == [
        ["Education", "Not set", "12", "\u2013"],
        ["Local authority", "10", "0", "0% Below expected"],
        ["Police and justice", "18", "9", "50% Below expected"],
        ["All agencies", "28", "21", "75% Below expected"]]
    agencies = [tr.get_text(" ", strip=True) for tr in html.select("#by-agency tbody tr")]
    assert "Eastvale Police 18 9 50% Below expected" in agencies

    # This year is under way: no agency is marked below what it was expected to take yet.
    current = reporting_year(clock.today(), 4)
    set_expected(app, ids.police, current, 18)
    html = page(reader.get(f"{BASE}/uptake?year={current}"))
    assert "is under way" in html.get_text()
    assert "Below expected" not in html.get_text()


def test_the_team_sets_expected_places_without_overwriting_anyone_s(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    year = held_year()
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"{BASE}/uptake/expected?year={year}"
    opened = page(second.get(url)).find("input", attrs={"name": "opened_at"})["value"]
    first.submit(url, {f"agency_{ids.police}": "20", f"agency_{ids.school}": "",
                       f"agency_{ids.council}": "15"})
    html = page(first.get(f"{BASE}/uptake?year={year}"))
    assert "Eastvale Police 20 0 0%" in html.get_text(" ", strip=True)
    response = second.post(url, data={
        "csrf_token": page(second.get(url)).find("input", attrs={"name": "csrf_token"})["value"],
        "opened_at": opened, f"agency_{ids.police}": "5"})
    assert response.status_code == 409
    assert "Someone saved the expected places" in page(response).get_text()
    bad = first.submit(url, {f"agency_{ids.police}": "many"})
    assert "Expected places for Eastvale Police must be a whole number" in page(bad).get_text()


def test_the_follow_ups_due_list_waiting_first(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_line(app, ids.held, ids.police, "Response officer", 4, 4)
    add_line(app, ids.held, ids.council, "Social worker", 2, 2)
    add_line(app, ids.coming, ids.council, "Social worker", 2, 0)
    add_follow_up(app, ids.held, ids.council, PracticeChange.YES, "An example.",
                  clock.today())
    add_follow_up(app, ids.held, ids.council, PracticeChange.NO, "", clock.today())
    lead = agency_lead(app, signed_in, ids.police)
    html = page(lead.get(f"{BASE}/follow-ups"))
    rows = [tr.get_text(" ", strip=True) for tr in html.select("#due tbody tr")]
    assert len(rows) == 2
    assert rows[0].startswith("Recognising neglect") and "Eastvale Police" in rows[0]
    assert "4 0 4 waiting Record an answer" in rows[0]
    assert "Eastvale Council" in rows[1] and rows[1].endswith("2 2")
