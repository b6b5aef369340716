"""The board pages in SQL by each open case's kept urgency, and shows exactly what working
out every case shows: page by page, after changes to a case, and as days pass (until the
day's refresh the board works every case out itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock, derived
from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.demo.register import load_synthetic_register
from partnership.demo.reviews import load_synthetic_reviews
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import Case, InformationRequest, Stage
from partnership.reviews.services.board import (
    OPEN_STAGES,
    URGENCY,
    board_order,
    board_page,
    case_list_page,
    cases_for,
    cases_for_refresh,
    standings,
)
from tests.support.queries import sql_statements

TODAY = dt.date(2026, 11, 16)
SIZE = 7


@pytest.fixture
def team(app: Flask, make_user: Callable[..., User]) -> Iterator[User]:
    """A team officer serving two synthetic partnerships of twenty cases each."""
    user = make_user(Role.TEAM)
    with clock.frozen(TODAY), app.app_context(), acting_as("tests"):
        load_synthetic_register(2)
        load_synthetic_reviews(TODAY)
        derived.refresh_all(TODAY)
        db.session.commit()
        yield db.session.get_one(User, user.id)


def worked_out(user: User, today: dt.date) -> list[tuple[int, bool, dt.date | None]]:
    rows = board_order(standings(cases_for(user, open_only=True), today, with_actions=True))
    return [(row.case.id, bool(row.chase), row.next.due if row.next else None) for row in rows]


def assert_board_agrees(user: User, today: dt.date) -> None:
    everything = worked_out(user, today)
    pages = -(-len(everything) // SIZE)
    for number in range(1, pages + 2):
        shown = board_page(user, today, number, SIZE)
        start = (min(number, pages) - 1) * SIZE
        assert [row.case.id for row in shown.rows] == [
            case_id for case_id, _, _ in everything[start:start + SIZE]], number
        assert shown.page.total == len(everything)
        assert shown.chasing == sum(chasing for _, chasing, _ in everything)


def stored_agrees(today: dt.date) -> None:
    kept = {row.id: (row.chasing, row.next_due) for row in db.session.execute(
        sa.select(Case.id, Case.chasing, Case.next_due).where(Case.stage.in_(OPEN_STAGES)))}
    assert kept == {case_id: (chasing, due) for case_id, chasing, due
                    in worked_out_all(today)}


def worked_out_all(today: dt.date) -> list[tuple[int, bool, dt.date | None]]:
    return [(row.case.id, bool(row.chase), row.next.due if row.next else None)
            for row in standings(cases_for_refresh(None), today, with_actions=True)]


def test_the_board_pages_by_the_kept_urgency(app: Flask, team: User) -> None:
    with clock.frozen(TODAY), app.app_context():
        assert derived.current(URGENCY, TODAY)
        stored_agrees(TODAY)
        everything = worked_out(team, TODAY)
        assert len(everything) > 2 * SIZE and any(c for _, c, _ in everything) and not all(
            c for _, c, _ in everything)  # the data tests both halves of the order
        assert_board_agrees(team, TODAY)
        with sql_statements(app) as first:
            board_page(team, TODAY, 1, SIZE)
        with sql_statements(app) as last:
            board_page(team, TODAY, 3, SIZE)
        # What a page of cases loads is one statement per kind of record (fewer where the
        # page has none of a kind), never one per case.
        assert max(len(first), len(last)) <= 20 < 3 * SIZE, "\n".join(
            " ".join(q.split())[:120] for q in last)
        listed = case_list_page(team, TODAY, 2, SIZE)
        ordered = sorted(db.session.execute(sa.select(Case.reference, Case.id)).all())
        assert [case.id for case in listed.cases] == [i for _, i in ordered[SIZE:2 * SIZE]]


def test_a_change_to_a_case_moves_it_on_the_board(app: Flask, team: User) -> None:
    with clock.frozen(TODAY), app.app_context(), acting_as("tests"):
        waiting = db.session.scalars(sa.select(InformationRequest).where(
            InformationRequest.received_on.is_(None),
            InformationRequest.waived_on.is_(None))).first()
        assert waiting is not None
        waiting.received_on = TODAY
        case = db.session.scalars(sa.select(Case).where(
            Case.stage == Stage.NOTIFICATION)).first()
        assert case is not None
        case.stage = Stage.CLOSED
        case.closed_on = TODAY
        db.session.commit()
        stored_agrees(TODAY)
        assert_board_agrees(team, TODAY)


def test_as_days_pass_the_board_works_every_case_out_until_the_days_refresh(
        app: Flask, team: User) -> None:
    later = TODAY + dt.timedelta(days=20)
    with clock.frozen(later), app.app_context(), acting_as("tests"):
        assert not derived.current(URGENCY, later)
        assert_board_agrees(team, later)
        derived.refresh_all()
        db.session.commit()
        assert derived.current(URGENCY, later)
        stored_agrees(later)
        assert_board_agrees(team, later)
