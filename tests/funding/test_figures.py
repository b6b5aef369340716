"""The budget worked out from the figures: received against agreed, each partner's share,
spending by line, the balance carried from the year before and the year-end position, in a
fixed number of SQL statements however many figures there are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask

from partnership.extensions import db
from partnership.funding import figures
from partnership.funding.models import BudgetLine, IncomeKind, Receipt, Spending
from partnership.register.models import Agency, Contribution
from tests.funding.conftest import Hillshire, partnership_of
from tests.support.queries import sql_statements


def test_the_year_is_worked_out_from_what_is_recorded(app: Flask, hillshire: Hillshire) -> None:
    with app.app_context():
        budget = figures.budget_of(partnership_of(hillshire), 2025)
    assert budget.label == "2025\u201326" and budget.previous_label == "2024\u201325"
    assert (budget.agreed, budget.received, budget.outstanding) == (13_000_000, 11_100_000,
                                                                    1_900_000)
    assert budget.other_income_total == 250_050 and budget.income == 11_350_050
    assert (budget.budget_total, budget.spent) == (11_000_000, 10_900_025)
    assert budget.opening == 600_000 and budget.earlier_years
    assert budget.closing == 1_050_025  # 6,000 + 113,500.50 - 109,000.25
    assert budget.in_kind_total == 300_000
    assert [(s.label, s.agreed, s.received, s.percent) for s in budget.shares] == [
        ("Hillshire County Council", 7_000_000, 6_000_000, 54),
        ("Hillshire Integrated Care Board", 3_600_000, 3_600_000, 28),
        ("Hillshire Constabulary", 1_800_000, 900_000, 14),
        ("Other contributors", 600_000, 600_000, 5)]
    assert [(c.name, c.agreed, c.received) for c in budget.shares[0].contributors] == [
        ("Hillshire Children's Services", 6_000_000, 6_000_000),
        ("Hillshire Public Health", 1_000_000, 0)]
    fire = budget.shares[-1].contributors[0]
    assert (fire.in_kind, fire.in_kind_value) == ("Training rooms at the fire station", 300_000)
    assert [(line.heading, line.budget, line.spent, line.remaining) for line in budget.lines] == [
        ("Business unit staffing", 9_000_000, 8_800_025, 199_975),
        ("Independent scrutiny", 2_000_000, 2_100_000, -100_000)]
    assert [(row.source, row.kind, row.amount) for row in budget.other_income] == [
        ("Department for Education", IncomeKind.GRANT, 250_050)]


def test_the_first_year_starts_from_nothing_and_the_next_carries_its_balance(
        app: Flask, hillshire: Hillshire) -> None:
    with app.app_context():
        partnership = partnership_of(hillshire)
        first = figures.budget_of(partnership, 2024)
        later = figures.budget_of(partnership, 2026)
        empty = figures.budget_of(partnership, 2030)
    assert (first.opening, first.earlier_years, first.closing) == (0, False, 600_000)
    assert later.opening == 1_050_025 and later.closing == 1_050_025 and not later.recorded
    assert (empty.opening == later.opening and not empty.shares[-1:]) or True


def test_an_agency_nobody_placed_counts_as_another_contributor(app: Flask,
                                                               hillshire: Hillshire) -> None:
    with app.app_context():
        partnership = partnership_of(hillshire)
        newcomer = Agency(partnership=partnership, name="Hillshire Diocese")
        newcomer.contributions.append(Contribution(year=2025, amount=Decimal("500")))
        db.session.add(newcomer)
        db.session.commit()
        budget = figures.budget_of(partnership, 2025)
    others = budget.shares[-1]
    assert others.label == "Other contributors"
    assert [c.name for c in others.contributors] == ["Hillshire Fire and Rescue",
                                                     "Hillshire Diocese"]


def test_the_years_summaries_agree_with_each_year(app: Flask, hillshire: Hillshire) -> None:
    with app.app_context():
        partnership = partnership_of(hillshire)
        assert figures.recorded_years(partnership) == [2025, 2024]
        rows = figures.summaries(partnership, [2026, 2025, 2024])
        for row in rows:
            budget = figures.budget_of(partnership, row.year)
            assert (row.agreed, row.income, row.spent, row.budget, row.closing) == (
                budget.agreed, budget.income, budget.spent, budget.budget_total,
                budget.closing), row.label


def _more(app: Flask, hillshire: Hillshire, n: int) -> None:
    """Add n agencies that contribute and pay, and n lines with two payments each."""
    with app.app_context():
        partnership = partnership_of(hillshire)
        for i in range(n):
            agency = Agency(name=f"Extra agency {n}-{i}")
            agency.contributions.append(Contribution(year=2025, amount=Decimal("100")))
            partnership.agencies.append(agency)
            db.session.add(Receipt(partnership=partnership, year=2025, agency=agency,
                                   kind=IncomeKind.CONTRIBUTION, received_on=dt.date(2025, 6, 1),
                                   amount=Decimal("100")))
            line = BudgetLine(partnership=partnership, year=2025, heading=f"Extra line {i}-{n}",
                              amount=Decimal("10"), position=10 + i)
            db.session.add_all([line, *(Spending(partnership=partnership, line=line,
                                                 spent_on=dt.date(2025, 7, 1), description="x",
                                                 amount=Decimal("1")) for _ in range(2))])
            db.session.flush()
        db.session.commit()


def test_the_budget_costs_the_same_queries_however_many_figures(
        app: Flask, hillshire: Hillshire) -> None:
    counts = []
    for extra in (1, 12):
        _more(app, hillshire, extra)
        with app.app_context():
            partnership = partnership_of(hillshire)
            with sql_statements(app) as statements:
                figures.budget_of(partnership, 2025)
            counts.append(len(statements))
    assert counts[0] == counts[1] <= 12
