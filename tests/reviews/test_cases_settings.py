"""Who may see a case (and adding or taking off people), and a partnership's review settings
and closure days: both kept by the team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import CaseMember, ClockStart, ClosureDay, ReviewSettings, Stage
from tests.meetings import sign_in
from tests.register.builders import date_parts, field_error
from tests.reviews.records_cases import World, add_case, build_world, case_row
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def rows_of(response: object) -> dict[str, str]:
    """Who can see the case: name -> why (the table on the people page)."""
    html = page(response)  # type: ignore[arg-type]
    table = html.find("table")
    found = {}
    for row in table.find("tbody").find_all("tr"):
        name = row.find("th").get_text(strip=True)
        found[name] = row.find_all("td")[1].get_text(" ", strip=True)
    return found


def test_the_people_page_says_who_sees_the_case_and_why(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q")
    team = signed_in(Role.TEAM)
    seen = rows_of(team.get(f"/cases/{case_id}/people"))
    assert seen["Dana Chair"] == "Chair of Learning and Inquiry Group"
    assert seen["Mo Member"] == "Member of Learning and Inquiry Group (Member)"
    assert seen["Pat Partner"].startswith("Represents ")
    assert seen[team.user.name] == "Partnership team"  # type: ignore[attr-defined]
    for outsider in (world.other_chair, world.other_member, world.other_partner):
        assert outsider.name not in seen


def test_adding_someone_lets_them_see_the_case_and_taking_them_off_hides_it_again(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q")
    outsider = sign_in(app, world.other_chair)
    assert outsider.get(f"/cases/{case_id}").status_code == 404
    team = signed_in(Role.TEAM)
    url = f"/cases/{case_id}/people"
    missing = page(team.submit(url, {"user": str(world.other_chair.id), "reason": ""}))
    assert field_error(missing, "reason") == "Enter why they need to see the case"
    added = team.submit(url, {"user": str(world.other_chair.id),
                              "reason": "Chairs the board the review reports to"},
                        follow_redirects=True)
    assert "Omar Outside can now see Child Q" in page(added).get_text()
    assert rows_of(added)["Omar Outside"] == (
        "Added to the case: Chairs the board the review reports to")
    assert outsider.get(f"/cases/{case_id}").status_code == 200
    assert "Child Q" in page(outsider.get("/cases")).get_text()

    with app.app_context():
        member_id = db.session.scalars(sa.select(CaseMember.id)).one()
    team.submit(url, {"record": str(member_id), "remove": "1"})
    assert outsider.get(f"/cases/{case_id}").status_code == 404
    assert case_row(app, case_id).members == []


def test_the_chair_cannot_manage_who_sees_a_case(
    app: Flask, world: World,
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q")
    chair = sign_in(app, world.chair)
    assert chair.get(f"/cases/{case_id}/people").status_code == 404
    response = chair.post_with_token(f"/cases/{case_id}/people",
                                     {"user": str(world.other_chair.id), "reason": "x"},
                                     token_from="/account")
    assert response.status_code == 404
    assert case_row(app, case_id).members == []


def test_settings_change_the_clock_the_target_and_the_retention(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       aware_on=dt.date(2025, 4, 17))
    closed_id = add_case(app, world.partnership_id, world.group_id, "Child P",
                         aware_on=dt.date(2024, 1, 8), stage=Stage.CLOSED,
                         closed_on=dt.date(2024, 9, 30))
    team = signed_in(Role.TEAM)
    url = f"/cases/settings/{world.slug}"
    shown = page(team.get(url))
    version = shown.find("input", attrs={"name": "version"})["value"]
    bad = page(team.submit(url, {"version": version, "rapid_review_clock": "notification",
                                 "local_review_months": "0", "retention_years": "ten",
                                 "save": "Save settings"}))
    assert field_error(bad, "local_review_months") == "Months must be between 1 and 36"
    assert field_error(bad, "retention_years") == "Years must be a whole number, like 15"
    saved = team.submit(url, {"version": version, "rapid_review_clock": "notification",
                              "local_review_months": "9", "retention_years": "25",
                              "monitoring_weeks": "6", "save": "Save settings"},
                        follow_redirects=True)
    assert "Settings saved" in page(saved).get_text()
    with app.app_context():
        row = db.session.scalars(sa.select(ReviewSettings).where(
            ReviewSettings.partnership_id == world.partnership_id)).one()
        assert (row.rapid_review_clock, row.local_review_months, row.retention_years) == (
            ClockStart.NOTIFICATION, 9, 25)
    # Retention follows: from awareness while open, from closure once closed.
    assert case_row(app, case_id).retention_until == dt.date(2050, 4, 17)
    assert case_row(app, closed_id).retention_until == dt.date(2049, 9, 30)


def test_closure_days_are_added_with_a_reason_and_removed(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    url = f"/cases/settings/{world.slug}"
    weekend = page(team.submit(url, {**date_parts("day", dt.date(2025, 12, 27)),
                                     "reason": "Office closed", "add_closure": "1"}))
    assert field_error(weekend, "day") == (
        "27 December 2025 is a weekend or a bank holiday: it is never counted as a working day")
    added = team.submit(url, {**date_parts("day", dt.date(2025, 12, 29)),
                              "reason": "Office closed between Christmas and New Year",
                              "add_closure": "1"}, follow_redirects=True)
    assert "29 December 2025 added as a closure day" in page(added).get_text()
    twice = page(team.submit(url, {**date_parts("day", dt.date(2025, 12, 29)),
                                   "reason": "Again", "add_closure": "1"}))
    assert field_error(twice, "day") == "29 December 2025 is already a closure day"
    with app.app_context():
        closure_id = db.session.scalars(sa.select(ClosureDay.id)).one()
    team.submit(url, {"record": str(closure_id), "remove": "1"})
    with app.app_context():
        assert db.session.scalars(sa.select(ClosureDay)).all() == []
    assert signed_in(Role.CHAIR).get(url).status_code == 404
