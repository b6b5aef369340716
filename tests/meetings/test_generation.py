"""Generating a reporting year's meetings from a body's frequency: the dates, then the page."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.kernel.dates import reporting_year, year_span
from partnership.meetings.services import CannotGenerate, meeting_dates, nth_weekday
from partnership.policy import Role
from partnership.register.models import Frequency
from tests.meetings import TODAY, add_meeting, meeting_dates_of
from tests.register.records import add_area, add_body
from tests.support.client import BrowserLikeClient, page

APRIL_2025 = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
TUESDAY, FRIDAY = 1, 4
SECOND_TUESDAYS = [dt.date(2025, 4, 8), dt.date(2025, 5, 13), dt.date(2025, 6, 10),
                   dt.date(2025, 7, 8), dt.date(2025, 8, 12), dt.date(2025, 9, 9),
                   dt.date(2025, 10, 14), dt.date(2025, 11, 11), dt.date(2025, 12, 9),
                   dt.date(2026, 1, 13), dt.date(2026, 2, 10), dt.date(2026, 3, 10)]


def second_tuesdays(frequency: Frequency, first_month: int | None = None) -> list[dt.date]:
    return meeting_dates(frequency, *APRIL_2025, weekday=TUESDAY, week=2,
                         first_month=first_month)


def test_monthly_bodies_meet_twelve_times_on_the_chosen_day() -> None:
    assert second_tuesdays(Frequency.MONTHLY) == SECOND_TUESDAYS


@pytest.mark.parametrize(("frequency", "months"), [
    (Frequency.BIMONTHLY, [4, 6, 8, 10, 12, 2]),
    (Frequency.QUARTERLY, [4, 7, 10, 1]),
    (Frequency.FOUR_MONTHLY, [4, 8, 12]),
    (Frequency.TWICE_YEARLY, [4, 10]),
    (Frequency.TERMLY, [6, 10, 2]),  # summer, autumn and spring terms, in date order
])
def test_every_few_months_from_the_start_of_the_year(frequency: Frequency,
                                                      months: list[int]) -> None:
    assert second_tuesdays(frequency) == [d for m in months for d in SECOND_TUESDAYS
                                          if d.month == m]


def test_the_cycle_can_start_later_in_the_year_and_wraps_round() -> None:
    assert second_tuesdays(Frequency.QUARTERLY, first_month=5) == [
        dt.date(2025, 5, 13), dt.date(2025, 8, 12), dt.date(2025, 11, 11), dt.date(2026, 2, 10)]
    assert second_tuesdays(Frequency.FOUR_MONTHLY, first_month=7) == [
        dt.date(2025, 7, 8), dt.date(2025, 11, 11), dt.date(2026, 3, 10)]


def test_six_weekly_bodies_meet_every_42_days_across_the_year() -> None:
    assert second_tuesdays(Frequency.SIX_WEEKLY) == [
        dt.date(2025, 4, 8), dt.date(2025, 5, 20), dt.date(2025, 7, 1), dt.date(2025, 8, 12),
        dt.date(2025, 9, 23), dt.date(2025, 11, 4), dt.date(2025, 12, 16),
        dt.date(2026, 1, 27), dt.date(2026, 3, 10)]
    # Anchored in June, the cycle also reaches back to the start of the year.
    from_june = second_tuesdays(Frequency.SIX_WEEKLY, first_month=6)
    assert from_june[0] == dt.date(2025, 4, 29) and dt.date(2025, 6, 10) in from_june
    assert all(b - a == dt.timedelta(days=42) for a, b in itertools.pairwise(from_june))


def test_the_last_weekday_of_the_month_and_a_calendar_year() -> None:
    assert nth_weekday(2025, 10, FRIDAY, 5) == dt.date(2025, 10, 31)
    assert nth_weekday(2026, 2, FRIDAY, 5) == dt.date(2026, 2, 27)
    assert nth_weekday(2025, 10, FRIDAY, 1) == dt.date(2025, 10, 3)
    calendar_year = meeting_dates(Frequency.TWICE_YEARLY, dt.date(2025, 1, 1),
                                  dt.date(2025, 12, 31), weekday=FRIDAY, week=5)
    assert calendar_year == [dt.date(2025, 1, 31), dt.date(2025, 7, 25)]


def test_ad_hoc_bodies_have_no_dates_to_generate() -> None:
    with pytest.raises(CannotGenerate, match="meets as needed"):
        meeting_dates(Frequency.AD_HOC, *APRIL_2025, weekday=TUESDAY, week=2)


# --- the page --------------------------------------------------------------------------------


@pytest.fixture
def board(app: Flask) -> int:
    add_area(app, "northshire", year_start_month=4)
    return add_body(app, "Safeguarding Board", slug="northshire", frequency=Frequency.QUARTERLY)


def choices(year: int, **extra: str) -> dict[str, str]:
    return {"year": str(year), "weekday": str(TUESDAY), "week": "2", "first_month": "",
            "starts_at": "14:00", "location": "County Hall", **extra}


def test_the_team_previews_a_year_then_creates_it_skipping_dates_already_taken(
    app: Flask, board: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    year = reporting_year(TODAY, 4)
    first_day, last_day = year_span(year, 4)
    expected = meeting_dates(Frequency.QUARTERLY, first_day, last_day, weekday=TUESDAY, week=2)
    add_meeting(app, board, expected[1], location="Already booked")
    team = signed_in(Role.TEAM)
    url = f"/meetings/body/{board}/generate"

    preview = team.submit(url, {**choices(year), "preview": "Preview the meetings"})
    assert preview.status_code == 200
    text = page(preview).get_text(" ", strip=True)
    assert "The meetings that will be added" in text
    assert "Safeguarding Board already has a meeting on this date" in text
    assert meeting_dates_of(app, board) == [expected[1]]  # a preview creates nothing

    created = team.submit(url, {**choices(year), "create": "Create these meetings"},
                          follow_redirects=True)
    banner = page(created).select_one(".govuk-notification-banner--success").get_text(
        " ", strip=True)
    assert "3 meetings added" in banner and "1 date skipped" in banner
    assert meeting_dates_of(app, board) == expected and len(expected) == 4

    again = team.submit(url, {**choices(year), "create": "Create these meetings"},
                        follow_redirects=True)
    assert "0 meetings added" in page(again).get_text(" ")
    assert meeting_dates_of(app, board) == expected


def test_an_ad_hoc_body_is_told_nothing_can_be_generated(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_area(app, "northshire")
    group = add_body(app, "Task Group", slug="northshire", frequency=Frequency.AD_HOC)
    team = signed_in(Role.TEAM)
    html = page(team.get(f"/meetings/body/{group}/generate"))
    assert "no dates can be generated" in html.get_text(" ")
    assert html.select("main form[method=post]") == []
    posted = team.post_with_token(f"/meetings/body/{group}/generate",
                                  choices(reporting_year(TODAY), create="Create"),
                                  token_from="/account")
    assert posted.status_code == 200
    assert meeting_dates_of(app, group) == []


def test_generating_needs_a_day_and_week(
    app: Flask, board: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    year = reporting_year(TODAY, 4)
    response = team.submit(f"/meetings/body/{board}/generate",
                           {**choices(year, weekday="", week=""), "create": "Create"})
    text = page(response).get_text(" ")
    assert "Select the day of the week it meets on" in text
    assert "Select which week of the month it meets in" in text
    assert meeting_dates_of(app, board) == []
