"""Uptake: the places each agency (and each sector) attended against the places it was
expected to take up in a reporting year; the team keeps the expected numbers.

Agencies in a group (the schools under "Education settings", say) are counted under their
own names; a sector is the agency's sector in the register ("Sector not recorded" without).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.kernel.errors import DomainError
from partnership.register.models import Agency, Partnership, Sector
from partnership.training.models import Course, SessionAttendance, TrainingSession, UptakeTarget

NO_SECTOR = "Sector not recorded"
MAX_EXPECTED = 100_000


@dataclass(frozen=True)
class Uptake:
    """Attendance of one agency or sector against what was expected."""

    label: str
    expected: int | None
    attended: int
    booked: int

    @property
    def percent(self) -> int | None:
        """Attended as a percentage of expected, rounded (None without an expectation)."""
        if not self.expected:
            return None
        return round(self.attended * 100 / self.expected)

    @property
    def under(self) -> bool:
        """Below what was expected."""
        return self.expected is not None and self.attended < self.expected


@dataclass(frozen=True)
class UptakeTable:
    """Uptake in a period: by sector, by agency (sector by sector) and in total."""

    by_sector: list[Uptake]
    by_agency: list[tuple[str, list[Uptake]]]  # (sector label, its agencies)
    total: Uptake


def sector_label(sector: Sector | None) -> str:
    """Name an agency's sector as the uptake tables do."""
    return sector.label if sector is not None else NO_SECTOR


def years_of(partnership: Partnership, today: dt.date) -> list[int]:
    """The reporting years with sessions or expected places, and the current one, latest
    first."""
    month = partnership.year_start_month
    found = {reporting_year(today, month)}
    first = db.session.scalar(sa.select(sa.func.min(TrainingSession.starts_on)).join(Course)
                              .where(Course.partnership_id == partnership.id))
    if first is not None:
        found.update(range(reporting_year(first, month), reporting_year(today, month) + 1))
    found.update(db.session.scalars(sa.select(UptakeTarget.year).join(Agency).where(
        Agency.partnership_id == partnership.id).distinct()))
    return sorted(found, reverse=True)


def uptake_between(partnership: Partnership, start: dt.date, end: dt.date) -> UptakeTable:
    """Attendance at sessions held from ``start`` to ``end`` (cancelled ones left out) against
    the places expected in the reporting years that period touches (three statements)."""
    month = partnership.year_start_month
    years = range(reporting_year(start, month), reporting_year(end, month) + 1)
    agencies = {a.id: a for a in db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id,
                                Agency.is_group.is_(False)))}
    attended: dict[int, tuple[int, int]] = {
        agency_id: (int(came or 0), int(booked or 0))
        for agency_id, came, booked in db.session.execute(
            sa.select(SessionAttendance.agency_id, sa.func.sum(SessionAttendance.attended),
                      sa.func.sum(SessionAttendance.booked))
            .join(TrainingSession).join(Course)
            .where(Course.partnership_id == partnership.id,
                   TrainingSession.cancelled.is_(False),
                   TrainingSession.starts_on >= start, TrainingSession.starts_on <= end)
            .group_by(SessionAttendance.agency_id))}
    expected: dict[int, int] = defaultdict(int)
    for agency_id, number in db.session.execute(
            sa.select(UptakeTarget.agency_id, UptakeTarget.expected).join(Agency)
            .where(Agency.partnership_id == partnership.id, UptakeTarget.year.in_(list(years)))):
        expected[agency_id] += number
    sectors: dict[str, list[Uptake]] = defaultdict(list)
    for agency_id in set(attended) | set(expected):
        agency = agencies.get(agency_id)
        if agency is None:
            continue
        came, booked = attended.get(agency_id, (0, 0))
        sectors[sector_label(agency.sector)].append(
            Uptake(agency.name, expected.get(agency_id), came, booked))
    by_agency = [(label, sorted(rows, key=lambda row: row.label))
                 for label, rows in sorted(sectors.items(),
                                           key=lambda item: (item[0] == NO_SECTOR, item[0]))]
    by_sector = [_sum(label, rows) for label, rows in by_agency]
    return UptakeTable(by_sector, by_agency, _sum("All agencies", by_sector))


def _sum(label: str, rows: list[Uptake]) -> Uptake:
    expected = [row.expected for row in rows if row.expected is not None]
    return Uptake(label, sum(expected) if expected else None,
                  sum(row.attended for row in rows), sum(row.booked for row in rows))


def uptake_of_year(partnership: Partnership, year: int) -> UptakeTable:
    """Uptake in one reporting year."""
    return uptake_between(partnership, *year_span(year, partnership.year_start_month))


# --- expected places --------------------------------------------------------------------------


class ExpectedChanged(DomainError):
    """Expected places saved by someone else after the editor opened them."""


def targets_of(partnership: Partnership, year: int) -> dict[int, UptakeTarget]:
    """The expected places set for a reporting year, by agency id."""
    return {t.agency_id: t for t in db.session.scalars(
        sa.select(UptakeTarget).join(Agency).where(Agency.partnership_id == partnership.id,
                                                   UptakeTarget.year == year))}


def state_of(targets: Mapping[int, UptakeTarget]) -> str:
    """A fingerprint of the year's expected places as saved: changes when any is saved."""
    return ",".join(f"{agency_id}:{target.version}"
                    for agency_id, target in sorted(targets.items()))


def save_expected(partnership: Partnership, year: int, opened_at: str,
                  numbers: Mapping[int, int | None]) -> int:
    """Set the expected places of each agency for a year (blank: none expected), if nobody
    saved them since the editor opened them; return how many changed."""
    targets = targets_of(partnership, year)
    if state_of(targets) != opened_at:
        raise ExpectedChanged("Someone saved the expected places for this year after you "
                              "opened them: the page now shows theirs. Enter yours again")
    agencies = {a.id for a in db.session.scalars(sa.select(Agency).where(
        Agency.partnership_id == partnership.id, Agency.is_group.is_(False)))}
    changed = 0
    for agency_id, number in numbers.items():
        if agency_id not in agencies:
            continue
        if number is not None and not 0 <= number <= MAX_EXPECTED:
            raise DomainError(f"Expected places must be between 0 and {MAX_EXPECTED:,}",
                              f"agency_{agency_id}")
        target = targets.get(agency_id)
        if number is None:
            if target is not None:
                db.session.delete(target)
                changed += 1
        elif target is None:
            db.session.add(UptakeTarget(agency_id=agency_id, year=year, expected=number))
            changed += 1
        elif target.expected != number:
            target.expected = number
            changed += 1
    db.session.flush()
    return changed
