"""The chair's board: every open case the chair may see, its next deadline and working days
left, what is overdue (information, sign-offs, milestones, the notification, red actions),
and each case's timeline, in a fixed number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import Case, MilestoneKind, MonitoringEntry, Stage, StageMove
from tests.meetings import counting_queries, sign_in
from tests.reviews.records_cases import (
    World,
    add_case,
    add_local_review,
    add_request,
    add_review_action,
    build_world,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

TODAY = dt.date(2026, 1, 12)  # a Monday


fixed_today = clock_at(TODAY)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def board_rows(response: object) -> dict[str, list[str]]:
    """The board's table: reference -> the text of each cell after the first."""
    html = page(response)  # type: ignore[arg-type]
    rows = {}
    for row in html.select("table.app-board tbody tr"):
        reference = row.find("th").find("a").get_text(strip=True)
        rows[reference] = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    return rows


def test_the_chair_sees_where_every_case_stands_and_what_to_chase(
    app: Flask, world: World,
) -> None:
    in_progress = add_case(app, world.partnership_id, world.group_id, "Child A",
                           aware_on=dt.date(2026, 1, 5), notified_on=dt.date(2026, 1, 7),
                           stage=Stage.RAPID_REVIEW, rapid_from=dt.date(2026, 1, 5))
    add_request(app, in_progress, world.police_id, dt.date(2026, 1, 6), dt.date(2026, 1, 9))
    add_request(app, in_progress, world.school_id, dt.date(2026, 1, 6), dt.date(2026, 1, 9),
                received_on=dt.date(2026, 1, 8))
    add_case(app, world.partnership_id, world.group_id, "Child B",
             aware_on=dt.date(2025, 12, 1), stage=Stage.RAPID_REVIEW,
             rapid_from=dt.date(2025, 12, 1))
    drafting = add_case(app, world.partnership_id, world.group_id, "Child C",
                        aware_on=dt.date(2025, 3, 3), notified_on=dt.date(2025, 3, 12),
                        stage=Stage.LOCAL_REVIEW)
    add_local_review(app, drafting, dt.date(2025, 5, 1), dt.date(2025, 11, 1), {
        MilestoneKind.DRAFT_RECEIVED: (dt.date(2026, 1, 2), None),
        MilestoneKind.APPROVED_BY_GROUP: (dt.date(2026, 2, 2), None)})
    add_review_action(app, drafting, "Train staff on bruising in non-mobile babies",
                      target_date=dt.date(2025, 12, 1))
    add_case(app, world.partnership_id, world.group_id, "Child D", aware_on=dt.date(2024, 1, 8),
             notified_on=dt.date(2024, 1, 9), stage=Stage.CLOSED, closed_on=dt.date(2024, 9, 2))
    add_case(app, world.partnership_id, world.board_id, "Child E")  # not the chair's group

    chair = sign_in(app, world.chair)
    response = chair.get("/cases/board")
    text = page(response).get_text(" ", strip=True)
    assert "3 open cases; 3 with something overdue to chase." in text
    rows = board_rows(response)
    assert list(rows) == ["Child C", "Child B", "Child A"]  # the longest overdue first

    next_deadline, left, chase, _timeline = rows["Child A"]
    assert next_deadline == "Information from Northshire Police due 9 Jan 2026"
    assert left == "1 working day overdue"
    assert chase == "Information from Northshire Police: due 9 January 2026, 1 working day overdue"

    next_deadline, left, chase, timeline = rows["Child B"]
    # Aware Monday 1 December: notification due Monday 8 December, Rapid Review 22 December.
    assert next_deadline == "Serious incident notification due 8 Dec 2025"
    assert left == "22 working days overdue"
    assert "Serious incident notification: due 8 December 2025, 22 working days overdue" in chase
    assert "Rapid Review: due 22 December 2025, 12 working days overdue" in chase
    for partner in ("Local authority", "Health", "Police"):
        assert f"Rapid Review sign-off missing from {partner}" in chase
    assert "1 Dec 2025 : Partners became aware" in timeline
    assert "22 Dec 2025 : Due Rapid Review" in timeline

    next_deadline, left, chase, timeline = rows["Child C"]
    assert next_deadline == "Local review completed and published due 1 Nov 2025"
    assert left == "48 working days overdue"
    assert "Draft report received: due 2 January 2026, 6 working days overdue" in chase
    assert "Local review completed and published: due 1 November 2025" in chase
    assert "Action rated red: Train staff on bruising in non-mobile babies (recommendation 1)" \
        in chase
    assert "Rapid Review sign-off" not in chase
    assert "1 May 2025 : Decision to carry out a local review" in timeline
    assert "12 Mar 2025 : Notified to the national panel (late)" in timeline

    # Filtering by partnership keeps the same cases; the closed one is only in the list.
    assert list(board_rows(chair.get(f"/cases/board?partnership={world.slug}"))) == list(rows)
    assert "Child D" in page(chair.get("/cases")).get_text()


def test_a_case_with_nothing_overdue_says_so(app: Flask, world: World) -> None:
    add_case(app, world.partnership_id, world.group_id, "Child A",
             aware_on=dt.date(2026, 1, 8), stage=Stage.RAPID_REVIEW,
             rapid_from=dt.date(2026, 1, 8))
    rows = board_rows(sign_in(app, world.member).get("/cases/board"))
    next_deadline, left, chase, _timeline = rows["Child A"]
    assert next_deadline == "Serious incident notification due 15 Jan 2026"
    assert left == "3 working days left"
    assert chase == "Nothing overdue"


def test_the_board_takes_a_fixed_number_of_queries(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    def add_cases(first: int, count: int) -> None:
        for number in range(first, first + count):
            case_id = add_case(app, world.partnership_id, world.group_id, f"Child {number}",
                               aware_on=dt.date(2025, 11, 3), stage=Stage.RAPID_REVIEW,
                               rapid_from=dt.date(2025, 11, 3))
            add_request(app, case_id, world.police_id, dt.date(2025, 11, 4),
                        dt.date(2025, 11, 10))
            add_local_review(app, case_id, dt.date(2025, 12, 1), dt.date(2026, 6, 1),
                             {MilestoneKind.DRAFT_RECEIVED: (dt.date(2026, 1, 2), None)})
            add_review_action(app, case_id, f"Action {number}", target_date=dt.date(2025, 12, 1))
            with app.app_context(), acting_as("tests"):  # a check and a move on each case
                case = db.session.get_one(Case, case_id)
                assert case.local_review is not None
                case.local_review.monitoring.append(MonitoringEntry(
                    recorded_on=dt.date(2025, 12, 15), on_time=False))
                case.moves.append(StageMove(from_stage=Stage.NOTIFICATION,
                                            to_stage=Stage.RAPID_REVIEW,
                                            moved_on=dt.date(2025, 11, 3)))
                db.session.commit()

    clients = {"chair": sign_in(app, world.chair), "team": signed_in(Role.TEAM)}
    add_cases(1, 2)
    counts = {}
    for who, client in clients.items():
        client.get("/cases/board")  # warm up
        with counting_queries(app) as few:
            assert client.get("/cases/board").status_code == 200
        counts[who] = len(few)
    add_cases(3, 8)
    for who, client in clients.items():
        with counting_queries(app) as many:
            response = client.get("/cases/board")
        assert "10 open cases" in page(response).get_text(), who
        assert len(many) == counts[who], (who, counts[who], len(many))
        with counting_queries(app) as listed:
            client.get("/cases")
        assert len(listed) <= counts[who], who


def test_the_board_is_linked_from_the_chairs_and_teams_home_pages(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    for client in (sign_in(app, world.chair), signed_in(Role.TEAM)):
        links = {a["href"] for a in page(client.get("/")).find_all("a", href=True)}
        assert "/cases/board" in links
