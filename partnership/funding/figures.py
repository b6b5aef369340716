"""A reporting year's budget worked out from the figures: the one home of every derived
money value (received against agreed, each partner's share, spending against each line,
the opening balance carried from the year before and the position at the year's end).

Read in a fixed number of SQL statements, however many agencies, receipts, lines and
payments there are. Every amount is in whole pence (int): exact, and what documents and
the yearly report hold.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from partnership.extensions import db
from partnership.funding.models import (
    BudgetLine,
    ContributorPartner,
    IncomeKind,
    InKind,
    Receipt,
    Spending,
)
from partnership.kernel.dates import long_date, reporting_year, year_label, year_span
from partnership.kernel.numbers import pence, percent
from partnership.register.models import (
    Agency,
    Contribution,
    PartnerKind,
    Partnership,
    StatutoryPartner,
)

OTHER_CONTRIBUTORS = "Other contributors"
PARTNER_WORDS = {PartnerKind.LOCAL_AUTHORITY: "Local authority", PartnerKind.HEALTH: "Health",
                 PartnerKind.POLICE: "Police"}


def pence_of(amount: Any) -> int:
    """Whole pence of a stored amount or an SQL sum of them (None: nothing, so 0)."""
    if amount is None:
        return 0
    return pence(amount if isinstance(amount, decimal.Decimal) else decimal.Decimal(str(amount)))


@dataclass(frozen=True)
class Contributor:
    """One agency's money for the year: agreed (the register's), received, given in kind."""

    agency_id: int
    name: str
    partner: str  # the statutory partner it counts under, or OTHER_CONTRIBUTORS
    partner_kind: PartnerKind | None
    agreed: int
    received: int
    in_kind: str
    in_kind_value: int

    @property
    def outstanding(self) -> int:
        """What is still to come of the agreed contribution (never below nothing)."""
        return max(self.agreed - self.received, 0)


@dataclass(frozen=True)
class Share:
    """A statutory partner's (or the other contributors') part of the agreed contributions."""

    label: str
    kind: PartnerKind | None
    agreed: int
    received: int
    percent: int | None
    contributors: tuple[Contributor, ...]


@dataclass(frozen=True)
class OtherIncome:
    """A grant or other income received for the year."""

    id: int
    source: str
    kind: IncomeKind
    received_on: dt.date
    description: str
    amount: int


@dataclass(frozen=True)
class LineFigures:
    """A budget line: the amount set and what was spent against it."""

    id: int
    heading: str
    budget: int
    spent: int
    payments: int

    @property
    def remaining(self) -> int:
        """What is left of the line (negative: overspent)."""
        return self.budget - self.spent


@dataclass(frozen=True)
class InKindFigures:
    """One contribution in kind: who gave what, and its estimated value."""

    id: int
    agency: str
    description: str
    value: int


@dataclass(frozen=True)
class Budget:
    """A reporting year's budget, every figure worked out from what is recorded."""

    partnership_id: int
    year: int
    month: int
    shares: tuple[Share, ...]
    other_income: tuple[OtherIncome, ...]
    lines: tuple[LineFigures, ...]
    in_kind: tuple[InKindFigures, ...]
    opening: int  # carried forward from the years before (0 before the first recorded year)
    earlier_years: bool  # whether anything was recorded for an earlier year

    @property
    def label(self) -> str:
        """Name the year: "2025-26" (with an en dash)."""
        return year_label(self.year, self.month)

    @property
    def previous_label(self) -> str:
        """Name the year before."""
        return year_label(self.year - 1, self.month)

    @property
    def next_label(self) -> str:
        """Name the year after."""
        return year_label(self.year + 1, self.month)

    @property
    def first_day(self) -> dt.date:
        """The year's first day."""
        return year_span(self.year, self.month)[0]

    @property
    def last_day(self) -> dt.date:
        """The year's last day."""
        return year_span(self.year, self.month)[1]

    def ended_by(self, day: dt.date) -> bool:
        """Say whether the year had ended by a day."""
        return day > self.last_day

    @property
    def contributors(self) -> list[Contributor]:
        """Every contributor, partner by partner (others last), largest first."""
        return [c for share in self.shares for c in share.contributors]

    @property
    def agreed(self) -> int:
        """The contributions agreed for the year."""
        return sum(share.agreed for share in self.shares)

    @property
    def received(self) -> int:
        """The agreed contributions received."""
        return sum(share.received for share in self.shares)

    @property
    def outstanding(self) -> int:
        """Agreed contributions not (yet) received."""
        return sum(c.outstanding for c in self.contributors)

    @property
    def other_income_total(self) -> int:
        """Grants and other income received."""
        return sum(row.amount for row in self.other_income)

    @property
    def income(self) -> int:
        """Everything received: contributions, grants and other income."""
        return self.received + self.other_income_total

    @property
    def in_kind_total(self) -> int:
        """The estimated value of the contributions in kind."""
        return sum(row.value for row in self.in_kind)

    @property
    def budget_total(self) -> int:
        """The amount set across the budget lines."""
        return sum(line.budget for line in self.lines)

    @property
    def spent(self) -> int:
        """Everything spent against the budget lines."""
        return sum(line.spent for line in self.lines)

    @property
    def closing(self) -> int:
        """The position at the year's end (or so far): carried forward to the next year."""
        return self.opening + self.income - self.spent

    @property
    def recorded(self) -> bool:
        """Say whether anything at all is recorded for the year."""
        return bool(self.contributors or self.other_income or self.lines or self.in_kind)


def _partner_labels(partners: Iterable[StatutoryPartner], day: dt.date
                    ) -> dict[int, tuple[str, PartnerKind]]:
    """Each partner's organisation as it was named on a day (or the kind's plain word)."""
    found = {}
    for partner in partners:
        named = [row for row in partner.names if row.valid_from <= day
                 and (row.valid_to is None or day <= row.valid_to)]
        label = named[-1].name if named else (
            partner.names[-1].name if partner.names else PARTNER_WORDS[partner.kind])
        found[partner.id] = (label, partner.kind)
    return found


def budget_of(partnership: Partnership, year: int) -> Budget:
    """Work out a reporting year's budget from what is recorded (a fixed number of queries)."""
    pid, month = partnership.id, partnership.year_start_month
    last_day = year_span(year, month)[1]
    partners = list(db.session.scalars(
        sa.select(StatutoryPartner).where(StatutoryPartner.partnership_id == pid)
        .options(selectinload(StatutoryPartner.names))))
    labels = _partner_labels(partners, last_day)
    counts_under = {agency_id: partner_id for agency_id, partner_id in db.session.execute(
        sa.select(ContributorPartner.agency_id, ContributorPartner.partner_id)
        .where(ContributorPartner.partnership_id == pid))}

    names: dict[int, str] = {}
    agreed: dict[int, int] = {}
    for agency_id, name, amount in db.session.execute(
            sa.select(Agency.id, Agency.name, Contribution.amount)
            .join(Contribution, Contribution.agency_id == Agency.id)
            .where(Agency.partnership_id == pid, Contribution.year == year)):
        names[agency_id] = name
        agreed[agency_id] = agreed.get(agency_id, 0) + pence_of(amount)

    received: dict[int, int] = {}
    other: list[OtherIncome] = []
    for row in db.session.execute(
            sa.select(Receipt.id, Receipt.kind, Receipt.agency_id, Agency.name, Receipt.source,
                      Receipt.received_on, Receipt.description, Receipt.amount)
            .outerjoin(Agency, Agency.id == Receipt.agency_id)
            .where(Receipt.partnership_id == pid, Receipt.year == year)
            .order_by(Receipt.received_on, Receipt.id)):
        if row.kind == IncomeKind.CONTRIBUTION and row.agency_id is not None:
            names[row.agency_id] = row.name
            received[row.agency_id] = received.get(row.agency_id, 0) + pence_of(row.amount)
        else:
            other.append(OtherIncome(row.id, row.name or row.source, IncomeKind(row.kind),
                                     row.received_on, row.description, pence_of(row.amount)))

    in_kind: list[InKindFigures] = []
    given: dict[int, list[InKindFigures]] = {}
    for row in db.session.execute(
            sa.select(InKind.id, InKind.agency_id, Agency.name, InKind.description, InKind.value)
            .join(Agency, Agency.id == InKind.agency_id)
            .where(InKind.partnership_id == pid, InKind.year == year)
            .order_by(Agency.name, InKind.id)):
        entry = InKindFigures(row.id, row.name, row.description, pence_of(row.value))
        in_kind.append(entry)
        given.setdefault(row.agency_id, []).append(entry)
        names[row.agency_id] = row.name

    spent = {line_id: (pence_of(total), count) for line_id, total, count in db.session.execute(
        sa.select(Spending.line_id, sa.func.sum(Spending.amount), sa.func.count())
        .join(BudgetLine, BudgetLine.id == Spending.line_id)
        .where(BudgetLine.partnership_id == pid, BudgetLine.year == year)
        .group_by(Spending.line_id))}
    lines = tuple(
        LineFigures(line_id, heading, pence_of(amount), *spent.get(line_id, (0, 0)))
        for line_id, heading, amount in db.session.execute(
            sa.select(BudgetLine.id, BudgetLine.heading, BudgetLine.amount)
            .where(BudgetLine.partnership_id == pid, BudgetLine.year == year)
            .order_by(BudgetLine.position, BudgetLine.id)))

    opening, earlier = _carried_into(pid, year)

    contributors = [
        Contributor(agency_id, names[agency_id],
                    labels[counts_under[agency_id]][0]
                    if counts_under.get(agency_id) in labels else OTHER_CONTRIBUTORS,
                    labels[counts_under[agency_id]][1]
                    if counts_under.get(agency_id) in labels else None,
                    agreed.get(agency_id, 0), received.get(agency_id, 0),
                    "; ".join(entry.description for entry in given.get(agency_id, ())),
                    sum(entry.value for entry in given.get(agency_id, ())))
        for agency_id in names]
    return Budget(pid, year, month, _shares(contributors, partners, labels), tuple(other),
                  lines, tuple(in_kind), opening, earlier)


def _shares(contributors: list[Contributor], partners: list[StatutoryPartner],
            labels: dict[int, tuple[str, PartnerKind]]) -> tuple[Share, ...]:
    """Group the contributors under their partners, in the guidance's order, others last;
    each share is a part of the agreed total."""
    order = list(PartnerKind)
    groups: list[tuple[str, PartnerKind | None]] = [
        labels[p.id] for p in sorted(partners, key=lambda p: order.index(p.kind))]
    groups.append((OTHER_CONTRIBUTORS, None))
    whole = sum(c.agreed for c in contributors)
    shares = []
    for label, kind in groups:
        members = sorted((c for c in contributors if c.partner_kind == kind),
                         key=lambda c: (-c.agreed, -c.received, c.name))
        if kind is None and not members:
            continue
        agreed = sum(c.agreed for c in members)
        shares.append(Share(label, kind, agreed, sum(c.received for c in members),
                            percent(agreed, whole), tuple(members)))
    return tuple(shares)


def _carried_into(pid: int, year: int) -> tuple[int, bool]:
    """The balance carried into a year: everything received before it less everything spent
    before it (the chain starts at nothing in the first year anything was recorded)."""
    received, receipts = db.session.execute(
        sa.select(sa.func.sum(Receipt.amount), sa.func.count())
        .where(Receipt.partnership_id == pid, Receipt.year < year)).one()
    spent, payments = db.session.execute(
        sa.select(sa.func.sum(Spending.amount), sa.func.count())
        .join(BudgetLine, BudgetLine.id == Spending.line_id)
        .where(BudgetLine.partnership_id == pid, BudgetLine.year < year)).one()
    return pence_of(received) - pence_of(spent), bool(receipts or payments)


# --- the years ---------------------------------------------------------------------------------


def current_year(partnership: Partnership, day: dt.date) -> int:
    """The reporting year a day falls in."""
    return reporting_year(day, partnership.year_start_month)


def year_words(partnership: Partnership, year: int) -> str:
    """Say a year's dates: "1 April 2025 to 31 March 2026"."""
    first, last = year_span(year, partnership.year_start_month)
    return f"{long_date(first)} to {long_date(last)}"


def recorded_years(partnership: Partnership) -> list[int]:
    """Every year with a figure (an agreed contribution, income, a line, in kind), newest
    first, in one query."""
    pid = partnership.id
    union = sa.union(
        sa.select(Contribution.year.label("year")).join(Agency)
        .where(Agency.partnership_id == pid),
        sa.select(Receipt.year).where(Receipt.partnership_id == pid),
        sa.select(BudgetLine.year).where(BudgetLine.partnership_id == pid),
        sa.select(InKind.year).where(InKind.partnership_id == pid)).subquery()
    return sorted(db.session.scalars(sa.select(union.c.year).distinct()), reverse=True)


@dataclass(frozen=True)
class YearSummary:
    """A year's headline figures, for the list of years."""

    year: int
    label: str
    agreed: int
    income: int
    spent: int
    budget: int
    closing: int


def summaries(partnership: Partnership, years: Iterable[int]) -> list[YearSummary]:
    """Each year's headline figures, newest first, in a fixed number of queries."""
    pid, month = partnership.id, partnership.year_start_month
    wanted = sorted(set(years))
    if not wanted:
        return []
    agreed = _by_year(sa.select(Contribution.year, sa.func.sum(Contribution.amount))
                      .join(Agency).where(Agency.partnership_id == pid)
                      .group_by(Contribution.year))
    income = _by_year(sa.select(Receipt.year, sa.func.sum(Receipt.amount))
                      .where(Receipt.partnership_id == pid).group_by(Receipt.year))
    spent = _by_year(sa.select(BudgetLine.year, sa.func.sum(Spending.amount))
                     .join(BudgetLine, BudgetLine.id == Spending.line_id)
                     .where(BudgetLine.partnership_id == pid).group_by(BudgetLine.year))
    budget = _by_year(sa.select(BudgetLine.year, sa.func.sum(BudgetLine.amount))
                      .where(BudgetLine.partnership_id == pid).group_by(BudgetLine.year))
    found = []
    balance = 0
    for year in sorted(set(income) | set(spent) | set(wanted)):
        balance += income.get(year, 0) - spent.get(year, 0)
        if year in wanted:
            found.append(YearSummary(year, year_label(year, month), agreed.get(year, 0),
                                     income.get(year, 0), spent.get(year, 0),
                                     budget.get(year, 0), balance))
    return sorted(found, key=lambda row: row.year, reverse=True)


def _by_year(query: sa.Select[Any]) -> dict[int, int]:
    return {year: pence_of(total) for year, total in db.session.execute(query)}
