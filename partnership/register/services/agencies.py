"""Relevant agencies: their groups, their rules and their financial contributions."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, has_app_context
from sqlalchemy.exc import IntegrityError

from partnership.audit.models import AuditEvent
from partnership.clock import today
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel import numbers
from partnership.kernel.dates import long_date
from partnership.register.models import (
    Agency,
    AgencyBasis,
    Contribution,
    Establishment,
    Partnership,
    Person,
    Sector,
)
from partnership.register.services import RegisterError, check_period
from partnership.register.services.bodies import history_with_parts

ACTIVE = "active"
INACTIVE = "inactive"
NAME_TAKEN = "There is already an agency called {name} in this partnership"
YEAR_TAKEN = "{agency} already has a contribution for {year}: change that one instead"


@dataclass
class GroupSection:
    """A group of agencies (such as "Health providers") and the members listed under it."""

    group: Agency
    members: list[Agency]


@dataclass
class SectorSection:
    """The agencies of one sector (None: not stated) that are not in a group."""

    sector: Sector | None
    agencies: list[Agency]

    @property
    def label(self) -> str:
        """Name the section: the sector, or that the sector is not stated."""
        return self.sector.label if self.sector is not None else "Sector not stated"


@dataclass
class AgencyRoster:
    """A partnership's agencies as the published arrangements list them: groups, then sectors."""

    groups: list[GroupSection] = field(default_factory=list)
    sectors: list[SectorSection] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Count the agencies and groups shown."""
        return len(self.groups) + sum(len(g.members) for g in self.groups) + sum(
            len(s.agencies) for s in self.sectors)


@dataclass
class YearTotal:
    """What the partnership's agencies contribute in one reporting year."""

    year: int
    label: str
    total: decimal.Decimal
    agencies: int


def agency_status(agency: Agency, on: dt.date) -> str:
    """Say whether the agency takes part on a date, in the words a list shows."""
    if agency.active_on(on):
        return "Active"
    if agency.active_from is not None and on < agency.active_from:
        return "Not yet active"
    return "No longer active"


def agency_roster(partnership: Partnership, *, sector: Sector | None = None,
                  status: str | None = None, on: dt.date | None = None) -> AgencyRoster:
    """Group the partnership's agencies (groups with their members, then by sector), filtered."""
    on = on or today()

    def shown(agency: Agency) -> bool:
        if sector is not None and agency.sector != sector:
            return False
        return status is None or agency.active_on(on) == (status == ACTIVE)

    roster = AgencyRoster()
    for group in (a for a in partnership.agencies if a.is_group):
        members = [m for m in group.members if shown(m)]
        if shown(group) or members:
            roster.groups.append(GroupSection(group, members))
    loose = [a for a in partnership.agencies if not a.is_group and a.group is None and shown(a)]
    for each in [*Sector, None]:
        in_sector = [a for a in loose if a.sector == each]
        if in_sector:
            roster.sectors.append(SectorSection(each, in_sector))
    return roster


@dataclass(frozen=True)
class DutyStart:
    """When an agency's duty under the arrangements starts, and where that date comes from."""

    day: dt.date | None
    source: str  # "agency" (its own date), "setting" (the regulations' date), "" (none)

    def describe(self, basis: AgencyBasis | None) -> str:
        """Say it for a page: the date, or that regulations will set it; "" when not stated."""
        if self.day is not None:
            said = long_date(self.day)
            return f"{said} (the date set by regulations)" if self.source == "setting" else said
        if basis is AgencyBasis.DESIGNATED_EDUCATION_CHILDCARE:
            return "From a date set by regulations"
        return ""


def education_duty_from() -> dt.date | None:
    """The day designated education and childcare agencies' duty starts (app setting)."""
    if not has_app_context():
        return None
    value = current_app.config.get("EDUCATION_DUTY_FROM")
    return value if isinstance(value, dt.date) else None


def duty_starts(agency: Agency) -> DutyStart:
    """Say the day an agency's duty starts: its own date; for a designated education or
    childcare agency without one, the date regulations set (``EDUCATION_DUTY_FROM``); an
    agency that takes part voluntarily has no duty."""
    if agency.basis is AgencyBasis.VOLUNTARY:
        return DutyStart(None, "")
    if agency.duty_from is not None:
        return DutyStart(agency.duty_from, "agency")
    if agency.basis is AgencyBasis.DESIGNATED_EDUCATION_CHILDCARE:
        setting = education_duty_from()
        return DutyStart(setting, "setting" if setting else "")
    return DutyStart(None, "")


def establishment_count(agency: Agency) -> int:
    """Count the schools and settings listed under an agency (one query)."""
    return db.session.scalar(sa.select(sa.func.count(Establishment.id)).where(
        Establishment.agency_id == agency.id)) or 0


def groups_of(partnership: Partnership, agency: Agency | None = None) -> list[Agency]:
    """Return the groups an agency may be placed in (never itself)."""
    return [a for a in partnership.agencies if a.is_group and a is not agency]


def people() -> list[Person]:
    """Return everyone in the register, by name, for choosing a champion, chair or member."""
    return list(db.session.scalars(sa.select(Person).order_by(Person.name, Person.id)))


def agency_problems(partnership: Partnership, agency: Agency | None,
                    values: Mapping[str, Any]) -> list[RegisterError]:
    """Return every rule the values break for a new (None) or existing agency."""
    problems = []
    name = str(values["name"]).casefold()
    if any(a.name.casefold() == name and a is not agency for a in partnership.agencies):
        problems.append(RegisterError(NAME_TAKEN.format(name=values["name"]), "name"))
    group: Agency | None = values.get("group")
    if group is not None:
        if agency is not None and group is agency:
            problems.append(RegisterError("An agency cannot be its own group", "group"))
        elif group.partnership_id != partnership.id or not group.is_group:
            problems.append(RegisterError("Select a group of agencies in this partnership",
                                          "group"))
        elif values.get("is_group"):
            problems.append(RegisterError(
                "A group of agencies cannot be inside another group: untick 'This is a group "
                "of agencies' or choose no group", "group"))
    if agency is not None and agency.members and not values.get("is_group"):
        problems.append(RegisterError(
            f"{agency.name} still has {len(agency.members)} member "
            f"agenc{'y' if len(agency.members) == 1 else 'ies'}: move them out of the group "
            "first", "is_group"))
    try:
        check_period(values.get("active_from"), values.get("active_to"), "active_to")
    except RegisterError as problem:
        problems.append(problem)
    if values.get("basis") is AgencyBasis.VOLUNTARY and values.get("duty_from") is not None:
        problems.append(RegisterError(
            "An agency that takes part voluntarily has no duty to start: leave the date blank "
            "or choose its legal basis", "duty_from"))
    return problems


def check_agency(partnership: Partnership, agency: Agency | None,
                 values: Mapping[str, Any]) -> None:
    """Raise a RegisterError for the first rule the values break."""
    problems = agency_problems(partnership, agency, values)
    if problems:
        raise problems[0]


def create_agency(partnership: Partnership, values: Mapping[str, Any]) -> Agency:
    """Add an agency to the partnership, or raise a RegisterError naming the field at fault."""
    check_agency(partnership, None, values)
    agency = Agency(partnership=partnership, **values)
    db.session.add(agency)
    try:
        db.session.flush()
    except IntegrityError:  # another request took the name between the check and the save
        raise RegisterError(NAME_TAKEN.format(name=values["name"]), "name") from None
    return agency


def update_agency(partnership: Partnership, agency: Agency, started_from: object,
                  values: Mapping[str, Any]) -> bool:
    """Change an agency if the rules allow and the editor saw its current version."""
    check_agency(partnership, agency, values)
    return apply_edit(agency, started_from, values)


def agency_or_404(partnership: Partnership, agency_id: int) -> Agency:
    """Return one of the partnership's agencies, or answer 404."""
    agency = db.session.get(Agency, agency_id)
    if agency is None or agency.partnership_id != partnership.id:
        abort(404)
    return agency


# --- contributions --------------------------------------------------------------------------


def reporting_year_label(partnership: Partnership, year: int) -> str:
    """Name a reporting year the way the partnership says it ("2023 to 2024", or "2023")."""
    if partnership.year_start_month == 1:
        return str(year)
    return f"{year} to {year + 1}"


def contribution_problems(agency: Agency, contribution: Contribution | None,
                          values: Mapping[str, Any]) -> list[RegisterError]:
    """Return every rule a contribution breaks: one per reporting year, a positive amount."""
    problems = []
    year = values["year"]
    if any(c.year == year and c is not contribution for c in agency.contributions):
        problems.append(RegisterError(YEAR_TAKEN.format(
            agency=agency.name, year=reporting_year_label(agency.partnership, year)), "year"))
    if values["amount"] <= 0:
        problems.append(RegisterError("Amount must be more than £0", "amount"))
    return problems


def add_contribution(agency: Agency, values: Mapping[str, Any]) -> Contribution:
    """Record an agency's contribution for a reporting year, or raise a RegisterError."""
    problems = contribution_problems(agency, None, values)
    if problems:
        raise problems[0]
    contribution = Contribution(agency=agency, **values)
    db.session.add(contribution)
    try:
        db.session.flush()
    except IntegrityError:  # the same year saved by another request a moment ago
        raise RegisterError(YEAR_TAKEN.format(
            agency=agency.name, year=reporting_year_label(agency.partnership, values["year"])),
            "year") from None
    return contribution


def update_contribution(contribution: Contribution, started_from: object,
                        values: Mapping[str, Any]) -> bool:
    """Correct a contribution if the rules allow and the editor saw its current version."""
    problems = contribution_problems(contribution.agency, contribution, values)
    if problems:
        raise problems[0]
    return apply_edit(contribution, started_from, values)


def contribution_or_404(agency: Agency, contribution_id: int) -> Contribution:
    """Return one of the agency's contributions, or answer 404."""
    for contribution in agency.contributions:
        if contribution.id == contribution_id:
            return contribution
    abort(404)


def remove_contribution(contribution: Contribution) -> None:
    """Delete a contribution recorded in error."""
    db.session.delete(contribution)
    db.session.flush()


def contribution_totals(partnership: Partnership) -> list[YearTotal]:
    """Total the agencies' contributions per reporting year, earliest first.

    Summed in Python from the stored two-place decimals: SQLite would sum them as floats.
    """
    totals: dict[int, list[decimal.Decimal]] = {}
    for contribution in db.session.scalars(
            sa.select(Contribution).join(Agency)
            .where(Agency.partnership_id == partnership.id)):
        totals.setdefault(contribution.year, []).append(contribution.amount)
    return [
        YearTotal(year, reporting_year_label(partnership, year), sum(amounts, decimal.Decimal(0)),
                  len(amounts))
        for year, amounts in sorted(totals.items())
    ]


def agency_history(agency: Agency) -> list[AuditEvent]:
    """Return the changes to an agency and to its contributions, newest first."""
    return history_with_parts(agency, agency.contributions, "contribution", "agency_id")


def pounds(amount: decimal.Decimal) -> str:
    """Write an amount of money as people read it: £12,500, or £12,500.50."""
    return numbers.pounds(numbers.pence(amount))
