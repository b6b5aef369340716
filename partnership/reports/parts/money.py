"""The yearly report's money: the shared budget of the reporting year that ends in the period.

Read from the budget as :mod:`partnership.funding.figures` works it out (agreed
contributions from the register, income received, spending by budget line, help in kind,
and the position carried from the year before), in a fixed number of SQL statements. Says
plainly when nothing is recorded for the year, and whether the partners signed off and
published the year's budget statement.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from partnership.extensions import db
from partnership.funding.figures import OTHER_CONTRIBUTORS, Budget, budget_of
from partnership.funding.models import BudgetStatement
from partnership.kernel.dates import long_date, reporting_year, year_span
from partnership.publishing.models import PublicationStatus
from partnership.reports.content import BudgetRow, ContributionRow, Money, ShareRow
from partnership.reports.parts.records import Records


def money_year(records: Records) -> int:
    """The reporting year whose last day falls in the period (the last, if several do);
    else the year the period ends in."""
    year = reporting_year(records.end, records.month)
    if year_span(year, records.month)[1] > records.end and (
            records.start <= year_span(year - 1, records.month)[1]):
        year -= 1
    return year


def _statement(records: Records, year: int) -> tuple[str, str]:
    """Say whether the year's statement is signed off and published, and link to it."""
    versions = list(db.session.scalars(
        sa.select(BudgetStatement)
        .where(BudgetStatement.partnership_id == records.partnership.id,
               BudgetStatement.year == year)
        .order_by(BudgetStatement.published_at.desc().nulls_last(),
                  BudgetStatement.id.desc())))
    published = next((v for v in versions if v.status == PublicationStatus.PUBLISHED), None)
    if published is not None and published.published_on is not None:
        link = url_for("funding.statement", slug=records.partnership.slug,
                       budget_statement_id=published.id)
        return (f"Signed off by the three safeguarding partners and published on "
                f"{long_date(published.published_on)}", link)
    if any(v.is_draft for v in versions):
        return ("Drawn up and with the three safeguarding partners for sign-off; not yet "
                "published", "")
    return "Not yet signed off by the three safeguarding partners", ""


def _rows(budget: Budget) -> list[ContributionRow]:
    return [ContributionRow(contributor=c.name,
                            partner=c.partner if c.partner_kind is not None else "Other",
                            agreed=c.agreed, received=c.received, in_kind=c.in_kind,
                            in_kind_value=c.in_kind_value)
            for c in budget.contributors]


def money(records: Records) -> Money:
    """The shared budget of the reporting year that ends in the period."""
    year = money_year(records)
    budget = budget_of(records.partnership, year)
    statement, statement_link = _statement(records, year)
    missing = "" if budget.recorded else (
        f"No contributions, income, budget or spending are recorded for {budget.label}.")
    return Money(
        year_label=budget.label,
        contributions=_rows(budget),
        shares=[ShareRow(label=share.label if share.kind is not None else OTHER_CONTRIBUTORS,
                         amount=share.agreed, percent=share.percent)
                for share in budget.shares],
        agreed_total=budget.agreed,
        received_total=budget.received,
        other_income=budget.other_income_total,
        in_kind_total=budget.in_kind_total,
        budget_lines=[BudgetRow(heading=line.heading, budget=line.budget, spent=line.spent)
                      for line in budget.lines],
        budget_total=budget.budget_total,
        spent_total=budget.spent,
        opening_balance=budget.opening,
        closing_balance=budget.closing,
        statement=statement,
        statement_link=statement_link,
        missing=missing,
        link=url_for("funding.year", slug=records.partnership.slug, year=year),
    )
