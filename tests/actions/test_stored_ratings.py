"""Each action's stored rating is the one rule's, and lists paged in SQL by it show exactly
what rating every action in Python shows: on the day it was made, after every kind of
write, and after days pass (until the day's refresh, lists rate everything themselves).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock, derived
from partnership.actions import services
from partnership.actions.models import Action, Status
from partnership.actions.queries import (
    ActionFilter,
    DueWindow,
    SortOrder,
    Source,
    Tally,
    listed,
    page_of,
    ratings_current,
    tally,
    tracked,
    worst_first,
)
from partnership.actions.rag import Rag
from partnership.audit.services import acting_as
from partnership.demo.register import load_synthetic_register
from partnership.demo.tracker import BulkTracker, Sizes, synthetic_partnership
from partnership.extensions import db
from partnership.plans.models import Plan
from partnership.register.models import Partnership
from tests.support.queries import sql_statements

TODAY = dt.date(2026, 11, 16)
AUTHOR = SimpleNamespace(id=None, name="Test officer")
SIZES = Sizes(strategic=3, activities=2, per_year=4, next_year=2, per_activity=3)


@dataclass(frozen=True)
class Tracker:
    partnership_id: int
    plan_id: int


@pytest.fixture
def tracker(app: Flask) -> Iterator[Tracker]:
    """A synthetic partnership's plan: some 150 actions over three years, with updates."""
    with clock.frozen(TODAY), app.app_context(), acting_as("tests"):
        load_synthetic_register(1)
        partnership_id = db.session.scalars(sa.select(Partnership.id).where(
            Partnership.slug == "synthetic-1")).one()
        made = synthetic_partnership(BulkTracker(TODAY, random.Random(7)),  # noqa: S311
                                     partnership_id, SIZES)
        late = sa.select(Action.id).where(Action.status == Status.IN_PROGRESS).limit(4)
        db.session.execute(sa.update(Action).where(Action.id.in_(late.scalar_subquery()))
                           .values(target_date=TODAY - dt.timedelta(days=10)))
        derived.refresh_all(TODAY)
        db.session.commit()
        yield Tracker(partnership_id, made.plan_id)


def stored() -> dict[int, tuple[str | None, bool | None]]:
    return {row.id: (row.rag, row.update_overdue) for row in db.session.execute(
        sa.select(Action.id, Action.rag, Action.update_overdue))}


def computed(today: dt.date) -> dict[int, tuple[str, bool]]:
    return {a.id: (a.rag.value, a.judgement.update_overdue) for a in tracked(today=today)}


FILTERS = [
    ActionFilter(),
    ActionFilter(sort=SortOrder.RATING),
    ActionFilter(sort=SortOrder.STALEST),
    ActionFilter(sort=SortOrder.TITLE),
    ActionFilter(attention=True, sort=SortOrder.RATING),
    ActionFilter(update_overdue=True),
    ActionFilter(due=DueWindow.OVERDUE),
    ActionFilter(due=DueWindow.NEXT_30),
    ActionFilter(due=DueWindow.NEXT_90, sort=SortOrder.TITLE),
    ActionFilter(due=DueWindow.NO_DATE),
    ActionFilter(source=Source.PLAN, status=Status.IN_PROGRESS),
    *(ActionFilter(rag=rag) for rag in Rag),
]


def assert_lists_agree(today: dt.date, size: int = 7) -> None:
    """Every filter and order, page by page: the SQL page is the Python page."""
    for flt in FILTERS:
        everything = tracked(flt, today)
        pages = max(1, -(-len(everything) // size))
        for number in (1, 2, pages, pages + 3):
            expected = page_of(everything, number, size)
            got = listed(flt, number, size, today)
            assert (got.total, got.number) == (expected.total, expected.number), flt
            assert [a.id for a in got.items] == [a.id for a in expected.items], (flt, number)
            assert [a.judgement for a in got.items] == [a.judgement for a in expected.items]
        worst = page_of(sorted(everything, key=worst_first), 1, size)
        assert [a.id for a in listed(flt, 1, size, today, worst=True).items] == [
            a.id for a in worst.items], flt
        assert tally(flt, today) == Tally(
            total=len(everything), open=sum(a.is_open for a in everything),
            red=sum(a.rag is Rag.RED for a in everything),
            amber=sum(a.rag is Rag.AMBER for a in everything),
            update_overdue=sum(a.judgement.update_overdue for a in everything),
            needing_attention=sum(a.judgement.needs_attention for a in everything)), flt


def test_the_stored_ratings_are_the_rules_and_lists_page_by_them(app: Flask,
                                                                 tracker: Tracker) -> None:
    with clock.frozen(TODAY), app.app_context():
        assert ratings_current(TODAY)
        assert stored() == computed(TODAY)
        kinds = {rag for rag, _ in stored().values()}
        assert {"red", "amber", "green", "complete"} <= kinds, kinds  # the data tests each
        assert_lists_agree(TODAY)


def test_every_write_keeps_the_stored_rating_the_rules(app: Flask, tracker: Tracker) -> None:
    with clock.frozen(TODAY), app.app_context(), acting_as("tests"):
        open_ids = [a.id for a in tracked(ActionFilter(status=Status.IN_PROGRESS), TODAY)]
        first, second, third = (db.session.get(Action, i) for i in open_ids[:3])
        # A lead rates it red; another is completed; a third's target date passes.
        services.record_progress(first, AUTHOR, {
            "narrative": "Behind: the trainer left", "status": Status.IN_PROGRESS,
            "percent_complete": 10, "proposed_rating": "red", "corrects": None})
        services.record_progress(second, AUTHOR, {
            "narrative": "Done", "status": Status.COMPLETE, "percent_complete": 100,
            "proposed_rating": None, "corrects": None})
        third.target_date = TODAY - dt.timedelta(days=1)
        db.session.commit()
        assert stored()[first.id][0] == "red"
        assert stored()[second.id][0] == "complete"
        assert stored()[third.id][0] == "red"
        # The plan's update interval shortened: many actions now wait too long for an update.
        plan = db.session.get(Plan, tracker.plan_id)
        before = sum(overdue for _, overdue in stored().values())
        plan.update_interval_days = 7
        db.session.commit()
        assert stored() == computed(TODAY)
        assert sum(overdue for _, overdue in stored().values()) > before
        # A new action is rated as it is made; a rolled-back change leaves nothing behind.
        db.session.add(Action(partnership_id=tracker.partnership_id, year=2026, title="New",
                              target_date=TODAY - dt.timedelta(days=3)))
        db.session.commit()
        first.status = Status.CANCELLED
        db.session.flush()
        db.session.rollback()
        assert stored() == computed(TODAY)
        assert_lists_agree(TODAY)


def test_as_days_pass_lists_rate_everything_until_the_days_refresh(app: Flask,
                                                                   tracker: Tracker) -> None:
    later = TODAY + dt.timedelta(days=45)
    with clock.frozen(later), app.app_context(), acting_as("tests"):
        assert not ratings_current(later)
        assert stored() != computed(later)  # time alone moved some ratings
        assert_lists_agree(later)  # rated here: still right
        assert derived.refresh_all().startswith("Changed for 31 December 2026: ")
        db.session.commit()
        assert ratings_current(later) and stored() == computed(later)
        assert_lists_agree(later)
        with sql_statements(app) as sent:
            listed(ActionFilter(), 2, 7)
        assert len(sent) == 4  # are today's ratings stored; how many; which; the page's rows
