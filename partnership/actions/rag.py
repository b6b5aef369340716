"""The one rule that rates an action red, amber or green and says when it needs attention.

Nothing here is stored: every page, export and report asks :func:`judge`, through
:func:`partnership.actions.rules.rating_as_at`, which gives it the facts as they stood on
the day asked about (today for the lists, a period's end for the yearly report). The rule
is written out for people in ``docs/action-rating.md``; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from partnership.actions.models import Rating, Status
from partnership.register.models import LabelledEnum

LITTLE_PROGRESS_BELOW = 75  # per cent complete
DEFAULT_UPDATE_INTERVAL_DAYS = 42
DEFAULT_WARNING_DAYS = 28


class Rag(LabelledEnum):
    """An action's derived rating."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    COMPLETE = "complete"
    NOT_JUDGED = "not_judged"
    CLOSED = "closed"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"not_judged": "Not judged on dates", "closed": "Closed"}

    @property
    def severity(self) -> int:
        """Order ratings from worst (0) to closed, for sorting."""
        return list(Rag).index(self)


@dataclass(frozen=True)
class Facts:
    """What the rule looks at for one action."""

    status: Status
    start_date: dt.date | None
    target_date: dt.date | None
    percent_complete: int | None
    created_on: dt.date
    last_update_on: dt.date | None = None
    latest_proposed: Rating | None = None
    carried_forward: bool = False


@dataclass(frozen=True)
class Settings:
    """The plan's settings the rule uses (defaults for actions outside any plan)."""

    update_interval_days: int = DEFAULT_UPDATE_INTERVAL_DAYS
    warning_days: int = DEFAULT_WARNING_DAYS


@dataclass(frozen=True)
class Judgement:
    """The rating, whether an update is overdue, and the reasons in words."""

    rag: Rag
    update_overdue: bool
    reasons: tuple[str, ...]
    closed_as: str = ""

    @property
    def label(self) -> str:
        """The rating in words; a closed action says how it closed."""
        return self.closed_as or self.rag.label

    @property
    def needs_attention(self) -> bool:
        """Red, amber or waiting too long for an update."""
        return self.rag in (Rag.RED, Rag.AMBER) or self.update_overdue


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def judge(facts: Facts, today: dt.date, settings: Settings = Settings()) -> Judgement:
    """Rate one action on ``today`` by the documented rule."""
    if facts.status is Status.COMPLETE:
        return Judgement(Rag.COMPLETE, False, ("Complete",))
    if facts.carried_forward:
        return Judgement(Rag.CLOSED, False, ("Carried forward to a later year",),
                         closed_as="Carried forward")
    if facts.status is Status.CANCELLED:
        return Judgement(Rag.CLOSED, False, ("Cancelled",), closed_as="Cancelled")
    if facts.status is Status.DEFERRED:
        return Judgement(Rag.NOT_JUDGED, False, ("Deferred",))

    reasons: list[str] = []
    overdue = _update_overdue(facts, today, settings)
    if overdue:
        since = facts.last_update_on
        reasons.append(f"No update since {_day(since)}" if since else "No update yet")
    if facts.status is Status.ONGOING:
        return Judgement(Rag.NOT_JUDGED, overdue, ("Ongoing", *reasons))

    red: list[str] = []
    amber: list[str] = []
    if facts.target_date is not None and facts.target_date < today:
        red.append(f"Target date {_day(facts.target_date)} has passed")
    if facts.latest_proposed is Rating.RED:
        red.append("Its lead rated it red in the latest update")
    percent = facts.percent_complete or 0
    if (facts.target_date is not None
            and today <= facts.target_date <= today + dt.timedelta(days=settings.warning_days)
            and percent < LITTLE_PROGRESS_BELOW):
        days = (facts.target_date - today).days
        amber.append(f"Due in {days} day{'s' if days != 1 else ''} "
                     f"with little progress ({percent}% complete)")
    if (facts.status is Status.NOT_STARTED and facts.start_date is not None
            and facts.start_date < today):
        amber.append(f"Not started, though due to start on {_day(facts.start_date)}")
    if facts.latest_proposed is Rating.AMBER:
        amber.append("Its lead rated it amber in the latest update")

    if red:
        return Judgement(Rag.RED, overdue, (*red, *amber, *reasons))
    if amber:
        return Judgement(Rag.AMBER, overdue, (*amber, *reasons))
    return Judgement(Rag.GREEN, overdue, ("On track", *reasons))


def _update_overdue(facts: Facts, today: dt.date, settings: Settings) -> bool:
    """An open action (not one due to start later) waits too long for an update."""
    if (facts.status is Status.NOT_STARTED and facts.start_date is not None
            and facts.start_date > today):
        return False
    baseline = max(day for day in (facts.last_update_on, facts.created_on,
                                   facts.start_date if facts.start_date and
                                   facts.start_date <= today else None) if day is not None)
    return (today - baseline).days > settings.update_interval_days
