"""The rating rule's edges (docs/action-rating.md): one day either side of every line it draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from partnership.actions.models import Rating, Status
from partnership.actions.rag import Facts, Rag, Settings, judge

TODAY = dt.date(2025, 6, 16)
DAY = dt.timedelta(days=1)
SETTINGS = Settings(update_interval_days=42, warning_days=28)


def facts(**changes: object) -> Facts:
    """An action in progress, half done, due in three months, updated last week."""
    base = Facts(status=Status.IN_PROGRESS, start_date=TODAY - 60 * DAY,
                 target_date=TODAY + 90 * DAY, percent_complete=50,
                 created_on=TODAY - 60 * DAY, last_update_on=TODAY - 7 * DAY)
    return replace(base, **changes)  # type: ignore[arg-type]


def rate(**changes: object) -> Rag:
    return judge(facts(**changes), TODAY, SETTINGS).rag


def test_an_action_on_track_is_green() -> None:
    judgement = judge(facts(), TODAY, SETTINGS)
    assert (judgement.rag, judgement.update_overdue, judgement.reasons) == (
        Rag.GREEN, False, ("On track",))
    assert not judgement.needs_attention


def test_a_target_date_today_is_not_yet_missed_but_yesterday_is() -> None:
    assert rate(target_date=TODAY, percent_complete=90) is Rag.GREEN
    assert rate(target_date=TODAY, percent_complete=10) is Rag.AMBER  # due today, little done
    missed = judge(facts(target_date=TODAY - DAY, percent_complete=90), TODAY, SETTINGS)
    assert missed.rag is Rag.RED
    assert missed.reasons[0] == "Target date 15 June 2025 has passed"
    assert missed.needs_attention


def test_the_warning_window_ends_exactly_warning_days_ahead() -> None:
    assert rate(target_date=TODAY + 28 * DAY, percent_complete=50) is Rag.AMBER
    assert rate(target_date=TODAY + 29 * DAY, percent_complete=50) is Rag.GREEN
    amber = judge(facts(target_date=TODAY + 28 * DAY, percent_complete=50), TODAY, SETTINGS)
    assert amber.reasons == ("Due in 28 days with little progress (50% complete)",)
    tighter = Settings(update_interval_days=42, warning_days=7)
    assert judge(facts(target_date=TODAY + 8 * DAY), TODAY, tighter).rag is Rag.GREEN
    assert judge(facts(target_date=TODAY + 7 * DAY), TODAY, tighter).rag is Rag.AMBER


def test_little_progress_means_below_75_per_cent() -> None:
    due_soon = TODAY + 10 * DAY
    assert rate(target_date=due_soon, percent_complete=74) is Rag.AMBER
    assert rate(target_date=due_soon, percent_complete=75) is Rag.GREEN
    assert rate(target_date=due_soon, percent_complete=None) is Rag.AMBER  # no figure: 0%


def test_an_update_exactly_at_the_interval_is_on_time_one_day_later_is_overdue() -> None:
    on_time = judge(facts(last_update_on=TODAY - 42 * DAY), TODAY, SETTINGS)
    assert (on_time.rag, on_time.update_overdue) == (Rag.GREEN, False)
    late = judge(facts(last_update_on=TODAY - 43 * DAY), TODAY, SETTINGS)
    assert (late.rag, late.update_overdue) == (Rag.GREEN, True)
    assert late.needs_attention
    assert late.reasons == ("On track", "No update since 4 May 2025")
    weekly = Settings(update_interval_days=7, warning_days=28)
    assert judge(facts(last_update_on=TODAY - 8 * DAY), TODAY, weekly).update_overdue


def test_with_no_update_the_clock_runs_from_the_start_or_creation() -> None:
    never = facts(last_update_on=None, created_on=TODAY - 100 * DAY, start_date=TODAY - 42 * DAY)
    assert not judge(never, TODAY, SETTINGS).update_overdue
    never = replace(never, start_date=TODAY - 43 * DAY)
    judgement = judge(never, TODAY, SETTINGS)
    assert judgement.update_overdue
    assert "No update yet" in judgement.reasons
    added_recently = facts(last_update_on=None, start_date=None, created_on=TODAY - 10 * DAY)
    assert not judge(added_recently, TODAY, SETTINGS).update_overdue


def test_not_started_is_fine_until_its_start_date_then_amber() -> None:
    later = facts(status=Status.NOT_STARTED, start_date=TODAY + DAY, last_update_on=None,
                  created_on=TODAY - 200 * DAY, percent_complete=None)
    judgement = judge(later, TODAY, SETTINGS)
    assert (judgement.rag, judgement.update_overdue) == (Rag.GREEN, False)
    assert judge(replace(later, start_date=TODAY), TODAY, SETTINGS).rag is Rag.GREEN
    late_start = judge(replace(later, start_date=TODAY - DAY), TODAY, SETTINGS)
    assert late_start.rag is Rag.AMBER
    assert late_start.reasons[0] == "Not started, though due to start on 15 June 2025"


def test_deferred_is_not_judged_and_never_waits_for_an_update() -> None:
    judgement = judge(facts(status=Status.DEFERRED, target_date=TODAY - 30 * DAY,
                            last_update_on=TODAY - 400 * DAY), TODAY, SETTINGS)
    assert (judgement.rag, judgement.update_overdue, judgement.needs_attention) == (
        Rag.NOT_JUDGED, False, False)


def test_ongoing_is_not_judged_on_dates_but_still_needs_updates() -> None:
    past_target = facts(status=Status.ONGOING, target_date=TODAY - 30 * DAY)
    assert judge(past_target, TODAY, SETTINGS).rag is Rag.NOT_JUDGED
    stale = judge(replace(past_target, last_update_on=TODAY - 43 * DAY), TODAY, SETTINGS)
    assert (stale.rag, stale.update_overdue, stale.needs_attention) == (
        Rag.NOT_JUDGED, True, True)
    assert stale.reasons == ("Ongoing", "No update since 4 May 2025")


@pytest.mark.parametrize(("status", "carried", "expected", "reason"), [
    (Status.COMPLETE, False, Rag.COMPLETE, "Complete"),
    (Status.CANCELLED, False, Rag.CLOSED, "Cancelled"),
    (Status.IN_PROGRESS, True, Rag.CLOSED, "Carried forward to a later year"),
    (Status.NOT_STARTED, True, Rag.CLOSED, "Carried forward to a later year"),
])
def test_finished_actions_are_neither_rated_nor_chased(
    status: Status, carried: bool, expected: Rag, reason: str,
) -> None:
    judgement = judge(facts(status=status, carried_forward=carried, target_date=TODAY - 90 * DAY,
                            last_update_on=TODAY - 300 * DAY,
                            latest_proposed=Rating.RED), TODAY, SETTINGS)
    assert (judgement.rag, judgement.update_overdue, judgement.reasons) == (
        expected, False, (reason,))


def test_the_leads_own_red_or_amber_counts_green_does_not_override_the_dates() -> None:
    red = judge(facts(latest_proposed=Rating.RED), TODAY, SETTINGS)
    assert red.rag is Rag.RED
    assert red.reasons == ("Its lead rated it red in the latest update",)
    amber = judge(facts(latest_proposed=Rating.AMBER), TODAY, SETTINGS)
    assert (amber.rag, amber.reasons) == (
        Rag.AMBER, ("Its lead rated it amber in the latest update",))
    assert rate(latest_proposed=Rating.GREEN, target_date=TODAY - DAY) is Rag.RED


def test_every_reason_is_given_worst_first() -> None:
    judgement = judge(facts(target_date=TODAY - DAY, latest_proposed=Rating.AMBER,
                            last_update_on=TODAY - 50 * DAY), TODAY, SETTINGS)
    assert judgement.rag is Rag.RED
    assert judgement.reasons == ("Target date 15 June 2025 has passed",
                                 "Its lead rated it amber in the latest update",
                                 "No update since 27 April 2025")
