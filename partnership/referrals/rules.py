"""The rules of a referral, each worked out by one function: where it stands, its service-level
clocks, and what it is waiting for and on whom.

Service levels are settings (``REFERRAL_ACKNOWLEDGE_WORKING_DAYS``,
``REFERRAL_DECISION_WORKING_DAYS``), counted from the day the hub routed the referral to a
force or partnership, in working days by :mod:`partnership.kernel.dates` (weekends and England
and Wales bank holidays left out; the day of routing itself never counts). A referral with an
immediate risk is routed the day it is received. Nothing here is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from partnership.kernel.dates import add_working_days, long_date, working_days_between
from partnership.kernel.enums import LabelledEnum
from partnership.referrals.models import Referral, ReferralRoute

HUB = "The hub"


class Status(LabelledEnum):
    """Where a referral stands, from receipt to closure (worked out, never stored)."""

    RECEIVED = "received"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    DECIDED = "decided"
    CLOSED = "closed"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"received": "Received, not yet routed",
                "routed": "Routed, waiting for acknowledgement",
                "acknowledged": "Acknowledged, waiting for decisions",
                "decided": "Decided, ready to close",
                "closed": "Closed"}


def status_of(referral: Referral) -> Status:
    """Where the referral stands: closed; else by its routes."""
    if referral.closed_on is not None:
        return Status.CLOSED
    routes = referral.routes
    if not routes:
        return Status.RECEIVED
    if any(route.acknowledged_on is None and route.outcome is None for route in routes):
        return Status.ROUTED
    if any(route.outcome is None for route in routes):
        return Status.ACKNOWLEDGED
    return Status.DECIDED


def service_levels() -> tuple[int, int]:
    """The working days to acknowledge and to decide (the settings)."""
    config = current_app.config
    return (int(config["REFERRAL_ACKNOWLEDGE_WORKING_DAYS"]),
            int(config["REFERRAL_DECISION_WORKING_DAYS"]))


@dataclass(frozen=True)
class Clock:
    """One service-level clock of a route: from routing, by when, and when it was met."""

    name: str
    started_on: dt.date
    working_days: int
    due: dt.date
    met_on: dt.date | None
    today: dt.date

    @property
    def left(self) -> int:
        """Working days left (0 on the due day, negative once past)."""
        return working_days_between(self.today, self.due)

    @property
    def overdue(self) -> bool:
        """Not met and past its due day."""
        return self.met_on is None and self.due < self.today

    @property
    def taken(self) -> int | None:
        """Working days it took (None while open)."""
        return None if self.met_on is None else working_days_between(self.started_on,
                                                                     self.met_on)

    @property
    def met_in_time(self) -> bool | None:
        """Met on or before its due day (None while open)."""
        return None if self.met_on is None else self.met_on <= self.due

    def in_words(self) -> str:
        """"Due 9 December 2026 (2 working days left)", "Met on ... (late)"."""
        if self.met_on is not None:
            return (f"Met on {long_date(self.met_on)}"
                    + ("" if self.met_in_time else f", due {long_date(self.due)} (late)"))
        left = self.left
        if self.overdue:
            late = -left
            return (f"Overdue since {long_date(self.due)}"
                    + (f" ({late} working day{'s' if late != 1 else ''})" if late else ""))
        if left == 0:
            return f"Due today, {long_date(self.due)}"
        return f"Due {long_date(self.due)} ({left} working day{'s' if left != 1 else ''} left)"


def acknowledgement_clock(route: ReferralRoute, today: dt.date) -> Clock:
    """The route's clock to acknowledge the referral."""
    days, _ = service_levels()
    return Clock("Acknowledgement", route.routed_on, days,
                 add_working_days(route.routed_on, days), route.acknowledged_on, today)


def decision_clock(route: ReferralRoute, today: dt.date) -> Clock:
    """The route's clock to decide what to do."""
    _, days = service_levels()
    return Clock("Decision", route.routed_on, days, add_working_days(route.routed_on, days),
                 route.decided_on if route.outcome is not None else None, today)


@dataclass(frozen=True)
class Waiting:
    """One thing a referral is waiting for, and on whom."""

    referral: Referral
    on: str  # who must act: "The hub", or the force's or partnership's name
    what: str
    due: dt.date | None
    overdue: bool
    route: ReferralRoute | None = None
    same_day: bool = False  # an immediate risk that needs action today


def waiting_for(referral: Referral, today: dt.date) -> list[Waiting]:
    """What an open referral is waiting for, soonest first (nothing once it is closed)."""
    if referral.closed_on is not None:
        return []
    found: list[Waiting] = []
    routed_same_day = any(route.routed_on <= referral.received_on for route in referral.routes)
    if referral.immediate_risk and not routed_same_day:
        found.append(Waiting(referral, HUB, "Immediate risk: route it for same-day action",
                             referral.received_on, referral.received_on < today,
                             same_day=True))
    elif not referral.routes:
        found.append(Waiting(referral, HUB, "Route it to the forces or partnerships concerned",
                             None, False))
    for route in referral.routes:
        if route.outcome is not None:
            continue
        clock = (acknowledgement_clock(route, today) if route.acknowledged_on is None
                 else decision_clock(route, today))
        found.append(Waiting(referral, route.name, f"{clock.name}: {clock.in_words()}",
                             clock.due, clock.overdue, route=route))
    if referral.routes and all(route.outcome is not None for route in referral.routes):
        found.append(Waiting(referral, HUB, "Every decision is in: close it", None, False))
    far = dt.date.max
    return sorted(found, key=lambda w: (not w.same_day, not w.overdue, w.due or far, w.on))
