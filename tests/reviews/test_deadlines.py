"""Every deadline of a case, counted in working days across weekends, bank holidays and the
partnership's closure days; and the CSV of open deadlines for the board papers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from flask import Flask

from partnership.accounts.models import User
from partnership.register.models import Agency, Sector
from partnership.reviews.models import (
    Case,
    ClockStart,
    IncidentType,
    InformationRequest,
    LocalReview,
    Milestone,
    MilestoneKind,
    RapidReview,
    ReviewSettings,
    Stage,
)
from partnership.reviews.services.deadlines import (
    Deadline,
    deadlines_of,
    left_in_words,
    next_deadline,
)
from tests.reviews.records_cases import (
    add_case,
    add_closure,
    add_local_review,
    add_request,
    build_world,
    set_clock,
)

AWARE_BEFORE_CHRISTMAS = dt.date(2025, 12, 19)  # a Friday
AWARE_BEFORE_EASTER = dt.date(2026, 4, 2)  # Maundy Thursday: Good Friday 3, Easter Monday 6 April
AWARE_ON_A_MONDAY = dt.date(2026, 3, 9)
POLICE = Agency(name="Northshire Police", sector=Sector.OTHER)


def settings(clock: ClockStart = ClockStart.AWARENESS) -> ReviewSettings:
    return ReviewSettings(rapid_review_clock=clock, local_review_months=6, retention_years=15)


def case(aware_on: dt.date, stage: Stage = Stage.NOTIFICATION, **fields: object) -> Case:
    return Case(id=1, reference="Child Q", incident_type=IncidentType.DEATH, aware_on=aware_on,
                stage=stage, **fields)


def named(deadlines: list[Deadline], name: str) -> Deadline:
    return next(d for d in deadlines if d.name == name)


# --- the statutory clocks ------------------------------------------------------------------


def test_across_christmas_the_notification_and_rapid_review_skip_the_bank_holidays() -> None:
    found = deadlines_of(case(AWARE_BEFORE_CHRISTMAS), settings(), (), AWARE_BEFORE_CHRISTMAS)
    notification = named(found, "Serious incident notification")
    # Mon 22, Tue 23, Wed 24, (Christmas Day, Boxing Day, the weekend) Mon 29, Tue 30.
    assert (notification.clock_start, notification.working_days, notification.due) == (
        AWARE_BEFORE_CHRISTMAS, 5, dt.date(2025, 12, 30))
    assert notification.working_days_left == 5
    # 15 working days: New Year's Day is skipped too.
    rapid = named(found, "Rapid Review")
    assert (rapid.clock_start, rapid.working_days, rapid.due) == (
        AWARE_BEFORE_CHRISTMAS, 15, dt.date(2026, 1, 14))
    assert [d.name for d in found] == ["Serious incident notification", "Rapid Review"]


def test_across_easter_good_friday_and_easter_monday_are_not_counted() -> None:
    found = deadlines_of(case(AWARE_BEFORE_EASTER), settings(), (), AWARE_BEFORE_EASTER)
    # Tue 7, Wed 8, Thu 9, Fri 10, Mon 13 April 2026.
    assert named(found, "Serious incident notification").due == dt.date(2026, 4, 13)
    assert named(found, "Rapid Review").due == dt.date(2026, 4, 27)


def test_weekends_and_a_partnership_closure_day_are_not_counted() -> None:
    plain = deadlines_of(case(AWARE_ON_A_MONDAY), settings(), (), AWARE_ON_A_MONDAY)
    assert named(plain, "Serious incident notification").due == dt.date(2026, 3, 16)
    closed = deadlines_of(case(AWARE_ON_A_MONDAY), settings(), {dt.date(2026, 3, 11)},
                          AWARE_ON_A_MONDAY)
    assert named(closed, "Serious incident notification").due == dt.date(2026, 3, 17)


def test_working_days_left_is_zero_on_the_due_day_and_negative_after() -> None:
    due = dt.date(2025, 12, 30)

    def notification_on(today: dt.date) -> Deadline:
        return named(deadlines_of(case(AWARE_BEFORE_CHRISTMAS), settings(), (), today),
                     "Serious incident notification")

    before, on_the_day, after = (notification_on(due - dt.timedelta(days=1)),
                                 notification_on(due), notification_on(dt.date(2026, 1, 2)))
    assert (before.working_days_left, before.overdue, left_in_words(before)) == (
        1, False, "1 working day left")
    assert (on_the_day.working_days_left, on_the_day.overdue, left_in_words(on_the_day)) == (
        0, False, "Due today")
    # 31 December and 2 January are working days; New Year's Day is not.
    assert (after.working_days_left, after.overdue, left_in_words(after)) == (
        -2, True, "2 working days overdue")


def test_a_friday_deadline_is_overdue_over_the_weekend_though_no_working_day_has_passed() -> None:
    # Aware Friday 6 March 2026: the notification is due Friday 13 March.
    saturday = dt.date(2026, 3, 14)
    notification = named(deadlines_of(case(dt.date(2026, 3, 6)), settings(), (), saturday),
                         "Serious incident notification")
    assert notification.due == dt.date(2026, 3, 13)
    assert (notification.working_days_left, notification.overdue) == (0, True)
    assert left_in_words(notification) == "Overdue since 13 March 2026"


def test_the_rapid_review_clock_can_start_at_notification() -> None:
    waiting = deadlines_of(case(AWARE_BEFORE_CHRISTMAS), settings(ClockStart.NOTIFICATION), (),
                           AWARE_BEFORE_CHRISTMAS)
    assert [d.name for d in waiting] == ["Serious incident notification"]

    notified = case(AWARE_BEFORE_CHRISTMAS, notified_on=dt.date(2025, 12, 23))
    found = deadlines_of(notified, settings(ClockStart.NOTIFICATION), (), dt.date(2025, 12, 23),
                         include_met=True)
    rapid = named(found, "Rapid Review")
    assert rapid.clock_start == dt.date(2025, 12, 23)
    assert rapid.due == dt.date(2026, 1, 16)
    assert named(found, "Serious incident notification").met_on == dt.date(2025, 12, 23)
    # Once started, the Rapid Review keeps the start it was given.
    started = case(AWARE_BEFORE_CHRISTMAS, stage=Stage.RAPID_REVIEW,
                   rapid_review=RapidReview(started_on=dt.date(2025, 12, 22)))
    assert named(deadlines_of(started, settings(ClockStart.NOTIFICATION), (),
                              dt.date(2025, 12, 22)), "Rapid Review").due == dt.date(2026, 1, 15)


def test_met_deadlines_drop_out_and_the_rest_come_soonest_first() -> None:
    today = dt.date(2026, 1, 5)
    rapid = RapidReview(started_on=AWARE_BEFORE_CHRISTMAS, requests=[
        InformationRequest(agency=POLICE, requested_on=dt.date(2025, 12, 22),
                           due_on=dt.date(2026, 1, 7)),
        InformationRequest(agency=Agency(name="Abbey School", sector=Sector.EDUCATION),
                           requested_on=dt.date(2025, 12, 22), due_on=dt.date(2026, 1, 2),
                           received_on=dt.date(2026, 1, 2))])
    reviewed = case(AWARE_BEFORE_CHRISTMAS, stage=Stage.RAPID_REVIEW,
                    notified_on=dt.date(2025, 12, 22), rapid_review=rapid)
    found = deadlines_of(reviewed, settings(), (), today)
    assert [(d.name, d.due) for d in found] == [
        ("Information from Northshire Police", dt.date(2026, 1, 7)),
        ("Rapid Review", dt.date(2026, 1, 14))]
    police = found[0]
    assert (police.clock_start, police.working_days, police.working_days_left) == (
        dt.date(2025, 12, 22), None, 2)
    every = deadlines_of(reviewed, settings(), (), today, include_met=True)
    assert [d.name for d in every] == [
        "Serious incident notification", "Information from Abbey School",
        "Information from Northshire Police", "Rapid Review"]
    assert next_deadline(reviewed, settings(), (), today) == police
    # After the Rapid Review is sent to the panel it is met.
    rapid.sent_to_panel_on = dt.date(2026, 1, 12)
    assert [d.name for d in deadlines_of(reviewed, settings(), (), today)] == [
        "Information from Northshire Police"]


def test_the_local_review_target_is_a_calendar_date_and_milestones_have_their_own() -> None:
    today = dt.date(2026, 3, 2)
    local = LocalReview(decided_on=dt.date(2026, 1, 20), target_on=dt.date(2026, 7, 20),
                        milestones=[
                            Milestone(kind=MilestoneKind.DRAFT_RECEIVED,
                                      due_on=dt.date(2026, 2, 27)),
                            Milestone(kind=MilestoneKind.APPROVED_BY_GROUP,
                                      due_on=dt.date(2026, 4, 1), done_on=dt.date(2026, 2, 2)),
                            Milestone(kind=MilestoneKind.PUBLISHED)])
    reviewed = case(dt.date(2025, 12, 1), stage=Stage.LOCAL_REVIEW,
                    notified_on=dt.date(2025, 12, 2), local_review=local)
    found = deadlines_of(reviewed, settings(), (), today)
    assert [(d.name, d.due, d.working_days, d.overdue) for d in found] == [
        ("Draft report received", dt.date(2026, 2, 27), None, True),
        ("Local review completed and published", dt.date(2026, 7, 20), None, False)]
    target = found[1]
    assert target.clock_start == dt.date(2026, 1, 20)
    local.published_on = dt.date(2026, 7, 1)
    assert [d.name for d in deadlines_of(reviewed, settings(), (), today)] == [
        "Draft report received"]


def test_a_closed_case_has_no_open_deadlines() -> None:
    closed = case(AWARE_BEFORE_CHRISTMAS, stage=Stage.CLOSED, closed_on=dt.date(2026, 1, 2))
    assert deadlines_of(closed, settings(), (), dt.date(2026, 2, 1)) == []
    assert next_deadline(closed, settings(), (), dt.date(2026, 2, 1)) is None


# --- the command for the board papers --------------------------------------------------------

def test_the_command_prints_every_open_deadline_as_csv_soonest_first(
    app: Flask, make_user: Callable[..., User],
) -> None:
    world = build_world(app, make_user)
    set_clock(app, world.partnership_id, rapid_review_clock=ClockStart.AWARENESS)
    add_closure(app, world.partnership_id, dt.date(2025, 12, 31), "Office closed")
    christmas = add_case(app, world.partnership_id, world.group_id, "Child Q",
                         aware_on=AWARE_BEFORE_CHRISTMAS, stage=Stage.RAPID_REVIEW,
                         rapid_from=AWARE_BEFORE_CHRISTMAS)
    add_request(app, christmas, world.police_id, dt.date(2025, 12, 22), dt.date(2026, 1, 6))
    add_request(app, christmas, world.school_id, dt.date(2025, 12, 22), dt.date(2026, 1, 5),
                received_on=dt.date(2026, 1, 5))
    local = add_case(app, world.partnership_id, world.group_id, "Child R",
                     aware_on=dt.date(2025, 6, 2), stage=Stage.LOCAL_REVIEW,
                     notified_on=dt.date(2025, 6, 3))
    add_local_review(app, local, dt.date(2025, 7, 1), dt.date(2026, 1, 1),
                     {MilestoneKind.DRAFT_RECEIVED: (dt.date(2025, 12, 1), None)})
    add_case(app, world.partnership_id, world.group_id, "Child S", aware_on=dt.date(2024, 1, 8),
             stage=Stage.CLOSED, closed_on=dt.date(2024, 6, 3))
    add_case(app, world.other_partnership_id, None, "Child T", aware_on=dt.date(2026, 1, 5))

    result = app.test_cli_runner().invoke(args=["reviews", "deadlines", world.slug,
                                                "--on", "2026-01-05"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows == [
        ["reference", "stage", "deadline", "clock_start", "working_days", "due",
         "working_days_left"],
        ["Child R", "Local child safeguarding practice review", "Draft report received", "",
         "", "2025-12-01", "-21"],
        # Christmas, Boxing Day, the closure day and New Year's Day are not counted.
        ["Child Q", "Rapid Review", "Serious incident notification", "2025-12-19", "5",
         "2025-12-30", "-2"],
        ["Child R", "Local child safeguarding practice review",
         "Local review completed and published", "2025-07-01", "", "2026-01-01", "-2"],
        ["Child Q", "Rapid Review", "Information from Northshire Police", "2025-12-22", "",
         "2026-01-06", "1"],
        ["Child Q", "Rapid Review", "Rapid Review", "2025-12-19", "15", "2026-01-15", "8"],
    ]


def test_the_command_refuses_an_unknown_partnership(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["reviews", "deadlines", "nowhere"])
    assert result.exit_code != 0
    assert "There is no partnership with the slug 'nowhere'" in result.output
