"""The action rules (partnership.actions.rules) on hand-worked records, edges included.

The period is 2024-25: 1 April 2024 to 31 March 2025.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from partnership.actions.models import Rating, Status
from partnership.actions.rag import Rag, Settings
from partnership.actions.rules import (
    ActionRecord,
    Step,
    carried_forward,
    carried_on,
    closed_by,
    complete_by,
    completed_in,
    completion_date,
    facts_as_at,
    percent_as_at,
    rating_as_at,
    status_as_at,
    steps,
    unfinished_at,
)

START, END = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
DAY = dt.timedelta(days=1)


def action(status: Status = Status.IN_PROGRESS, log: tuple[Step, ...] | None = (),
           **fields: object) -> ActionRecord:
    base = ActionRecord(status=status, start_date=dt.date(2024, 5, 1),
                        target_date=dt.date(2025, 2, 28), created_on=dt.date(2024, 3, 20),
                        log=log)
    return replace(base, **fields)  # type: ignore[arg-type]


def done_on(day: dt.date, *earlier: Step) -> ActionRecord:
    return action(Status.COMPLETE, log=(*earlier, Step(day, Status.COMPLETE, 100)),
                  completed_on=day, percent_complete=100)


# --- completed in a period, complete by a day ---------------------------------------------------


def test_completed_on_the_periods_last_day_counts_in_it_and_the_day_after_does_not() -> None:
    on_last_day, day_after = done_on(END), done_on(END + DAY)

    assert completed_in(on_last_day, START, END) and complete_by(on_last_day, END)
    assert not completed_in(day_after, START, END) and not complete_by(day_after, END)
    assert completed_in(day_after, END + DAY, END + 365 * DAY)


def test_completed_on_the_first_day_counts_and_the_day_before_belongs_to_the_last_period() -> None:
    first, before = done_on(START), done_on(START - DAY)

    assert completed_in(first, START, END)
    assert not completed_in(before, START, END) and complete_by(before, END)


def test_an_undated_completion_counts_in_any_period_the_plans_rule() -> None:
    undated = action(Status.COMPLETE, completed_on=None)

    assert completed_in(undated, START, END) and complete_by(undated, START - DAY)
    assert completion_date(undated, END) is None


def test_an_action_reopened_after_the_period_was_complete_at_its_end() -> None:
    # Completed 10 February 2025, reopened by an update on 5 May 2025: in progress now.
    reopened = action(Status.IN_PROGRESS, percent_complete=80, log=(
        Step(dt.date(2024, 9, 1), Status.IN_PROGRESS, 40),
        Step(dt.date(2025, 2, 10), Status.COMPLETE, 100),
        Step(dt.date(2025, 5, 5), Status.IN_PROGRESS, 80)))

    assert completed_in(reopened, START, END)
    assert completion_date(reopened, END) == dt.date(2025, 2, 10)
    assert not complete_by(reopened, dt.date(2025, 5, 5))
    assert status_as_at(reopened, dt.date(2025, 2, 9)) is Status.IN_PROGRESS
    assert percent_as_at(reopened, END) == 100
    assert percent_as_at(reopened, dt.date(2025, 1, 1)) == 40
    assert percent_as_at(reopened, dt.date(2025, 6, 1)) == 80


def test_an_action_reopened_in_the_period_and_completed_again_after_it() -> None:
    again = done_on(dt.date(2025, 4, 20), Step(dt.date(2024, 11, 1), Status.COMPLETE, 100),
                    Step(dt.date(2025, 1, 15), Status.IN_PROGRESS, 90))

    assert not completed_in(again, START, END) and not complete_by(again, END)
    assert complete_by(again, dt.date(2024, 12, 1))
    assert completion_date(again, dt.date(2024, 12, 1)) == dt.date(2024, 11, 1)
    assert completed_in(again, dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_the_completion_date_wins_over_updates_dated_after_it() -> None:
    done = done_on(dt.date(2025, 1, 10))
    later = Step(dt.date(2025, 2, 1), Status.IN_PROGRESS)
    done = replace(done, log=(*(done.log or ()), later))

    assert complete_by(done, END) and completion_date(done, END) == dt.date(2025, 1, 10)


def test_a_corrected_update_is_left_out_its_correction_speaks_from_its_own_date() -> None:
    wrong = steps([(1, dt.date(2025, 3, 1), "complete", 100, None, None),
                   (2, dt.date(2025, 4, 2), "in_progress", 70, "amber", 1)])
    record = action(Status.IN_PROGRESS, percent_complete=70, log=wrong)

    assert [s.corrected for s in wrong] == [True, False]
    assert not complete_by(record, END)
    assert status_as_at(record, END) is Status.IN_PROGRESS  # before the first standing change


# --- closed: cancelled or carried forward -------------------------------------------------------


def test_cancelled_the_day_after_the_period_was_open_at_its_end() -> None:
    cancelled = action(Status.CANCELLED, log=(Step(dt.date(2024, 6, 1), Status.IN_PROGRESS),
                                              Step(END + DAY, Status.CANCELLED)))

    assert not closed_by(cancelled, END) and closed_by(cancelled, END + DAY)
    assert unfinished_at(cancelled, END)


def test_cancelled_by_editing_holds_from_the_day_after_the_last_update() -> None:
    edited = action(Status.CANCELLED, log=(Step(dt.date(2024, 6, 1), Status.IN_PROGRESS),))
    never_updated = action(Status.CANCELLED)

    assert not closed_by(edited, dt.date(2024, 6, 1)) and closed_by(edited, dt.date(2024, 6, 2))
    assert closed_by(never_updated, START)


def test_carried_forward_takes_effect_at_the_copy_or_the_years_end_whichever_is_first() -> None:
    assert carried_on(dt.date(2025, 5, 2), END) == END  # carried after the year ended
    assert carried_on(dt.date(2025, 2, 1), END) == dt.date(2025, 2, 1)
    assert carried_on(None, END) is None
    carried = action(carried_on=END)

    assert carried_forward(carried, END) and closed_by(carried, END)
    assert not carried_forward(carried, END - DAY) and not closed_by(carried, END - DAY)
    assert rating_as_at(carried, END).rag is Rag.CLOSED


def test_a_complete_action_is_never_closed() -> None:
    assert not closed_by(replace(done_on(dt.date(2025, 1, 5)), carried_on=END), END)


# --- the rating on a day ------------------------------------------------------------------------


def test_the_rating_at_the_periods_end_is_not_todays() -> None:
    # Due 28 February 2025, amber in the lead's last update of the period, completed in May.
    late = done_on(dt.date(2025, 5, 12), Step(dt.date(2025, 1, 20), Status.IN_PROGRESS, 60,
                                              Rating.AMBER),
                   Step(dt.date(2025, 3, 10), Status.IN_PROGRESS, 70, Rating.AMBER))

    at_end = rating_as_at(late, END)
    assert at_end.rag is Rag.RED  # the target date had passed
    assert at_end.reasons[:2] == ("Target date 28 February 2025 has passed",
                                  "Its lead rated it amber in the latest update")
    facts = facts_as_at(late, END)
    assert (facts.status, facts.percent_complete, facts.last_update_on) == (
        Status.IN_PROGRESS, 70, dt.date(2025, 3, 10))
    assert rating_as_at(late, dt.date(2025, 6, 1)).rag is Rag.COMPLETE


def test_without_a_log_the_action_is_rated_as_it_stands() -> None:
    record = action(log=None, percent_complete=50, last_update_on=dt.date(2025, 3, 20),
                    latest_proposed=Rating.RED)

    assert status_as_at(record, START) is Status.IN_PROGRESS
    assert rating_as_at(record, END, Settings()).rag is Rag.RED


@pytest.mark.parametrize(("day", "rag"), [
    (dt.date(2024, 5, 1), Rag.GREEN),  # the start day: not yet late to start
    (dt.date(2024, 5, 2), Rag.AMBER),  # not started, though due to start
    (dt.date(2024, 7, 1), Rag.GREEN),  # started by the update of 20 June
])
def test_a_late_start_is_judged_from_the_log(day: dt.date, rag: Rag) -> None:
    record = action(Status.IN_PROGRESS, percent_complete=30, log=(
        Step(dt.date(2024, 4, 20), Status.NOT_STARTED, 0),
        Step(dt.date(2024, 6, 20), Status.IN_PROGRESS, 30)))

    assert rating_as_at(record, day).rag is rag
