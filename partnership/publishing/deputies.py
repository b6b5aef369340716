"""Deputies: a partner's representative names someone who may sign off documents for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.accounts.models import User
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.publishing.models import Delegation
from partnership.register.models import Partnership, Person, Representative
from partnership.register.services.partnerships import partners_in_order
from partnership.register.services.people import person_choices


class DelegationProblem(DomainError):
    """A delegation that cannot be recorded as asked; ``field`` says where."""


@dataclass(frozen=True)
class DelegationRow:
    """A delegation as the deputies page lists it."""

    delegation: Delegation
    partner: str
    current: bool

    @property
    def dates(self) -> str:
        """Say from when, and until when, the deputy may sign."""
        start = long_date(self.delegation.starts_on)
        if self.delegation.ends_on is None:
            return f"From {start}"
        return f"{start} to {long_date(self.delegation.ends_on)}"


def delegations(partnership: Partnership, day: dt.date | None = None) -> list[DelegationRow]:
    """Return the partnership's delegations, current ones first, newest first."""
    day = day or clock.today()
    rows = db.session.scalars(
        sa.select(Delegation).where(Delegation.partnership_id == partnership.id)
        .order_by(Delegation.starts_on.desc(), Delegation.id.desc()))
    found = [DelegationRow(row, row.partner.name_on(day), row.active_on(day)) for row in rows]
    return sorted(found, key=lambda row: not row.current)


def lead_posts(partnership: Partnership, day: dt.date | None = None) -> list[Representative]:
    """Return the representatives who may name a deputy now (each partner's, in order); a post
    recorded with no one named in it has no one to delegate."""
    day = day or clock.today()
    return [post for partner in partners_in_order(partnership)
            for post in partner.representatives_on(day) if post.person is not None]


def deputy_choices() -> list[tuple[int, str]]:
    """Return everyone in the register, by name (a deputy is often not a representative)."""
    return person_choices()


def add_delegation(partnership: Partnership, lead: Representative | None,
                   deputy: Person | None, starts_on: dt.date, ends_on: dt.date | None,
                   user: User) -> Delegation:
    """Record that ``deputy`` may sign for ``lead``'s partner from ``starts_on``."""
    if lead is None or lead.partner.partnership_id != partnership.id or lead.person is None:
        raise DelegationProblem("Select one of the partners' representatives", field="lead")
    if deputy is None:
        raise DelegationProblem("Select a person in the register", field="deputy")
    if deputy.id == lead.person_id:
        raise DelegationProblem("The deputy must be someone other than the person delegating",
                                field="deputy")
    if ends_on is not None and ends_on < starts_on:
        raise DelegationProblem("End date must be the same as or after the start date",
                                field="ends_on")
    clash = db.session.scalars(sa.select(Delegation).where(
        Delegation.lead_id == lead.person_id, Delegation.deputy_id == deputy.id,
        Delegation.partner_id == lead.partner_id)).all()
    for other in clash:
        if (other.ends_on is None or starts_on <= other.ends_on) and (
                ends_on is None or other.starts_on <= ends_on):
            raise DelegationProblem(
                f"{deputy.name} is already {lead.person.name}'s deputy for some of these "
                "dates: end that delegation first", field="starts_on")
    delegation = Delegation(partnership_id=partnership.id, partner_id=lead.partner_id,
                            lead_id=lead.person_id, deputy_id=deputy.id, starts_on=starts_on,
                            ends_on=ends_on, created_by_id=user.id)
    db.session.add(delegation)
    db.session.flush()
    return delegation


def end_delegation(delegation: Delegation, day: dt.date | None = None) -> None:
    """End a delegation today: the deputy may no longer sign from tomorrow."""
    day = day or clock.today()
    if delegation.ends_on is not None and delegation.ends_on <= day:
        raise DelegationProblem("This delegation has ended already")
    delegation.ends_on = max(day, delegation.starts_on)
    db.session.flush()
