"""Every deadline of a case, computed in one place.

A case's clocks are statutory or agreed: the serious incident notification (5 working days
from awareness), the Rapid Review (15 working days from the partnership's clock start:
awareness or notification), the local review's target for completion and publication (a
number of months after the decision, a calendar date), the agencies' information for the
Rapid Review and the local review's milestones (dates the group set). Working days are
counted by :mod:`partnership.kernel.dates` (weekends, England and Wales bank holidays, and the
partnership's closure days); nothing else here counts days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from partnership.extensions import db
from partnership.kernel.dates import add_working_days, long_date, working_days_between
from partnership.reviews.models import (
    Case,
    ClockStart,
    ClosureDay,
    LocalReview,
    MilestoneKind,
    PublicationDecision,
    ReviewSettings,
    Stage,
)

NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15


class DeadlineKind:
    """What a deadline is for (the board groups and words them by it)."""

    NOTIFICATION = "notification"
    RAPID_REVIEW = "rapid_review"
    LOCAL_REVIEW = "local_review"
    INFORMATION = "information"
    MILESTONE = "milestone"


# The stages in which each kind of deadline is live: once the case has left them, an unmet
# deadline of that kind is closed (the board never shows a deadline of a stage the case has
# left). The notification is a duty of the whole case and carries over until it is made;
# a local review's publication carries over into the action plan when the report is still
# to be published.
LIVE_IN: dict[str, tuple[Stage, ...]] = {
    DeadlineKind.NOTIFICATION: tuple(s for s in Stage if s is not Stage.CLOSED),
    DeadlineKind.RAPID_REVIEW: (Stage.NOTIFICATION, Stage.RAPID_REVIEW),
    DeadlineKind.INFORMATION: (Stage.NOTIFICATION, Stage.RAPID_REVIEW),
    DeadlineKind.LOCAL_REVIEW: (Stage.LOCAL_REVIEW, Stage.ACTION_PLAN),
    DeadlineKind.MILESTONE: (Stage.LOCAL_REVIEW,),
}


@dataclass(frozen=True)
class Deadline:
    """One deadline of a case: what, from when, by when, and how long is left (or was met)."""

    reference: str
    stage: Stage
    name: str
    clock_start: dt.date | None
    working_days: int | None  # None: a calendar date, or a date someone set
    due: dt.date
    working_days_left: int  # 0 on the due day, negative once it has passed
    met_on: dt.date | None
    kind: str = DeadlineKind.NOTIFICATION
    case_id: int | None = None
    judged_on: dt.date | None = None  # the day "left" and "overdue" were worked out on
    closed: bool = False  # unmet, but its stage is over: the case moved on

    @property
    def is_open(self) -> bool:
        """Still to be met (and its stage not left)."""
        return self.met_on is None and not self.closed

    @property
    def overdue(self) -> bool:
        """Open and past its due date (a weekend after a Friday deadline counts)."""
        if not self.is_open:
            return False
        if self.judged_on is not None:
            return self.due < self.judged_on
        return self.working_days_left < 0

    @property
    def late(self) -> bool:
        """Met, but after its due date."""
        return self.met_on is not None and self.met_on > self.due


def left_in_words(deadline: Deadline) -> str:
    """Say how long is left: "3 working days left", "Due today", "2 working days overdue"."""
    if not deadline.is_open:
        if deadline.met_on is None:
            return "Closed when the case moved on"
        return f"Met on {long_date(deadline.met_on)}"
    left = deadline.working_days_left
    if left > 0:
        return f"{left} working day{'s' if left != 1 else ''} left"
    if left == 0 and not deadline.overdue:
        return "Due today"
    if left == 0:
        return f"Overdue since {long_date(deadline.due)}"
    return f"{-left} working day{'s' if left != -1 else ''} overdue"


def rapid_review_clock_start(case: Case, settings: ReviewSettings) -> dt.date | None:
    """The day the Rapid Review's 15 working days run from (None: not known yet)."""
    if case.rapid_review is not None and case.rapid_review.started_on is not None:
        return case.rapid_review.started_on
    if settings.rapid_review_clock is ClockStart.NOTIFICATION:
        return case.notified_on
    return case.aware_on


def notification_due(case: Case, closures: Collection[dt.date]) -> dt.date:
    """The day the serious incident notification is due: 5 working days after awareness."""
    return add_working_days(case.aware_on, NOTIFICATION_WORKING_DAYS, closures)


def notification_is_late(case: Case, closures: Collection[dt.date]) -> bool:
    """Say whether the notification was made after its due date."""
    return case.notified_on is not None and case.notified_on > notification_due(case, closures)


def _local_review_met(case: Case) -> dt.date | None:
    local = case.local_review
    assert local is not None
    if local.published_on is not None:
        return local.published_on
    done = {m.kind: m.done_on for m in local.milestones}
    if done.get(MilestoneKind.PUBLISHED):
        return done[MilestoneKind.PUBLISHED]
    if local.publication_decision is PublicationDecision.DO_NOT_PUBLISH:
        return done.get(MilestoneKind.PUBLICATION_DECISION)
    return None


def _publication_pending(case: Case) -> bool:
    """A local review whose report is to be published, not yet published."""
    local = case.local_review
    return (local is not None and local.publication_decision is not
            PublicationDecision.DO_NOT_PUBLISH and _local_review_met(case) is None)


def last_checkpoint(local: LocalReview) -> dt.date:
    """The day the local review was last monitored (its decision, if never)."""
    return max((entry.recorded_on for entry in local.monitoring), default=local.decided_on)


def next_checkpoint(local: LocalReview, weeks: int) -> dt.date:
    """When the local review is next to be monitored: the setting's weeks after the last
    check (regulation 14 of the 2018 regulations: time and quality, at regular intervals)."""
    return last_checkpoint(local) + dt.timedelta(weeks=weeks or 6)


@dataclass(frozen=True)
class Checkpoint:
    """The next scheduled check of a local review's time and quality."""

    due: dt.date
    checks: int  # how many have been recorded
    last: dt.date | None
    judged_on: dt.date

    @property
    def overdue(self) -> bool:
        """Its day has passed with no check recorded."""
        return self.due < self.judged_on

    @property
    def in_words(self) -> str:
        """Say it: "Next monitoring check due 3 March 2026 (2 recorded, the last on ...)"."""
        done = (f"{self.checks} recorded, the last on {long_date(self.last)}"
                if self.last is not None else "none recorded yet")
        when = ("overdue since" if self.overdue else "due")
        return f"Next monitoring check {when} {long_date(self.due)} ({done})"


def checkpoint(case: Case, settings: ReviewSettings, today: dt.date) -> Checkpoint | None:
    """The next monitoring check of the case's local review while it is live (None once the
    review is complete or the case has left it)."""
    local = case.local_review
    if local is None or case.stage is not Stage.LOCAL_REVIEW or _local_review_met(case):
        return None
    entries = list(local.monitoring)
    return Checkpoint(due=next_checkpoint(local, settings.monitoring_weeks),
                      checks=len(entries),
                      last=max((e.recorded_on for e in entries), default=None),
                      judged_on=today)


def deadlines_of(case: Case, settings: ReviewSettings, closures: Collection[dt.date],
                 today: dt.date, *, include_met: bool = False) -> list[Deadline]:
    """Return the case's deadlines, soonest first: the open ones (all of them, met or not,
    with ``include_met``). A closed case has no open deadlines."""
    found: list[Deadline] = []

    def add(name: str, kind: str, due: dt.date, met_on: dt.date | None, *,
            clock_start: dt.date | None = None, working_days: int | None = None) -> None:
        live = case.stage in LIVE_IN[kind]
        if (kind == DeadlineKind.INFORMATION and request_waived) or (
                kind == DeadlineKind.LOCAL_REVIEW and case.stage is Stage.ACTION_PLAN
                and not _publication_pending(case)):
            live = False
        found.append(Deadline(
            reference=case.reference, stage=case.stage, name=name, clock_start=clock_start,
            working_days=working_days, due=due,
            working_days_left=working_days_between(today, due, closures), met_on=met_on,
            kind=kind, case_id=case.id, judged_on=today,
            closed=met_on is None and not live))

    request_waived = False

    add("Serious incident notification", DeadlineKind.NOTIFICATION,
        notification_due(case, closures), case.notified_on, clock_start=case.aware_on,
        working_days=NOTIFICATION_WORKING_DAYS)

    rapid = case.rapid_review
    if rapid is not None or case.stage is Stage.NOTIFICATION:
        start = rapid_review_clock_start(case, settings)
        if start is not None:
            add("Rapid Review", DeadlineKind.RAPID_REVIEW,
                add_working_days(start, RAPID_REVIEW_WORKING_DAYS, closures),
                rapid.sent_to_panel_on if rapid is not None else None,
                clock_start=start, working_days=RAPID_REVIEW_WORKING_DAYS)
        if rapid is not None:
            for request in rapid.requests:
                request_waived = request.received_on is None and bool(
                    (request.waived_reason or "").strip())
                add(f"Information from {request.agency.name}", DeadlineKind.INFORMATION,
                    request.due_on, request.received_on, clock_start=request.requested_on)
            request_waived = False

    local = case.local_review
    if local is not None:
        add("Local review completed and published", DeadlineKind.LOCAL_REVIEW,
            local.target_on, _local_review_met(case), clock_start=local.decided_on)
        for milestone in local.milestones:
            if milestone.due_on is not None:
                add(milestone.kind.label, DeadlineKind.MILESTONE, milestone.due_on,
                    milestone.done_on)

    found.sort(key=lambda d: (d.due, d.name))
    if include_met:
        return found
    if case.stage is Stage.CLOSED:
        return []
    return [d for d in found if d.is_open]


def next_deadline(case: Case, settings: ReviewSettings, closures: Collection[dt.date],
                  today: dt.date) -> Deadline | None:
    """The case's soonest open deadline (an overdue one first), or None."""
    open_ones = deadlines_of(case, settings, closures, today)
    return open_ones[0] if open_ones else None


# --- the settings and closure days of many partnerships at once ------------------------------


def default_settings(partnership_id: int) -> ReviewSettings:
    """The settings a partnership has until someone changes them (not saved)."""
    return ReviewSettings(partnership_id=partnership_id,
                          rapid_review_clock=ClockStart.AWARENESS,
                          local_review_months=6, retention_years=15, monitoring_weeks=6)


def settings_by_partnership(partnership_ids: Iterable[int]) -> dict[int, ReviewSettings]:
    """Each partnership's settings (the defaults where none are saved): one query."""
    ids = sorted(set(partnership_ids))
    found: Mapping[int, ReviewSettings] = {}
    if ids:
        found = {row.partnership_id: row for row in db.session.scalars(
            sa.select(ReviewSettings).where(ReviewSettings.partnership_id.in_(ids)))}
    return {pid: found.get(pid) or default_settings(pid) for pid in ids}


def closures_by_partnership(partnership_ids: Iterable[int]) -> dict[int, frozenset[dt.date]]:
    """Each partnership's closure days: one query."""
    ids = sorted(set(partnership_ids))
    days: dict[int, set[dt.date]] = {pid: set() for pid in ids}
    if ids:
        for pid, day in db.session.execute(
                sa.select(ClosureDay.partnership_id, ClosureDay.day)
                .where(ClosureDay.partnership_id.in_(ids))):
            days[pid].add(day)
    return {pid: frozenset(found) for pid, found in days.items()}


def closures_of(partnership_id: int) -> frozenset[dt.date]:
    """One partnership's closure days."""
    return closures_by_partnership([partnership_id])[partnership_id]


# --- slippage of a local review against its target -------------------------------------------


@dataclass(frozen=True)
class Slippage:
    """Where a local review stands against its target (the partnership's months from the
    decision, usually six): completed or not, how many weeks past it, and whether the last
    monitoring check found it behind time."""

    target: dt.date
    months: int
    completed: dt.date | None
    weeks_past: int  # whole weeks after the target (0: not past it)
    behind_at_last_check: bool

    @property
    def slipped(self) -> bool:
        """Completed after its target, or still open past it."""
        return self.weeks_past > 0 or (
            self.completed is not None and self.completed > self.target)

    @property
    def in_words(self) -> str:
        """Say it: "3 weeks past its 6-month target (1 June 2026)"."""
        target = f"its {self.months}-month target ({long_date(self.target)})"
        weeks = f"{self.weeks_past} week{'s' if self.weeks_past != 1 else ''}"
        if self.completed is not None:
            if self.completed <= self.target:
                return f"Completed {long_date(self.completed)}, within {target}"
            if self.weeks_past == 0:
                return f"Completed {long_date(self.completed)}, just after {target}"
            return f"Completed {long_date(self.completed)}, {weeks} after {target}"
        if self.weeks_past > 0:
            return f"Slipped: {weeks} past {target}"
        if self.behind_at_last_check:
            return f"Behind time at the last monitoring check; {target}"
        return f"On track for {target}"


def slippage(case: Case, settings: ReviewSettings, today: dt.date) -> Slippage | None:
    """The case's local review against its target, or None if it has none."""
    local = case.local_review
    if local is None:
        return None
    completed = _local_review_met(case)
    end = completed if completed is not None else today
    weeks = max(0, (end - local.target_on).days // 7)
    latest = max(local.monitoring, key=lambda e: (e.recorded_on, e.id), default=None)
    return Slippage(target=local.target_on, months=settings.local_review_months,
                    completed=completed, weeks_past=weeks,
                    behind_at_last_check=latest is not None and not latest.on_time)
