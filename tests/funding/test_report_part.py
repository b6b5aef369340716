"""The yearly report's money: the budget of the reporting year that ends in the period, with
whether its statement is signed and published, read in a fixed number of SQL statements."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from partnership.database import utcnow
from partnership.extensions import db
from partnership.funding.models import BudgetStatement
from partnership.publishing.models import PublicationStatus
from partnership.reports.content import BudgetRow, ContributionRow, ShareRow
from partnership.reports.parts.money import money, money_year
from partnership.reports.parts.records import load
from tests.funding.conftest import TODAY, Hillshire, partnership_of
from tests.support.queries import sql_statements


def _money(app: Flask, hillshire: Hillshire, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        records = load(partnership_of(hillshire), start, end, TODAY)
        return money(records)


def test_the_year_ending_in_the_period_is_reported_in_whole_pence(
        app: Flask, hillshire: Hillshire) -> None:
    found = _money(app, hillshire, dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert found.year_label == "2025\u201326" and not found.missing
    assert (found.agreed_total, found.received_total, found.other_income) == (
        13_000_000, 11_100_000, 250_050)
    assert (found.budget_total, found.spent_total) == (11_000_000, 10_900_025)
    assert (found.opening_balance, found.closing_balance) == (600_000, 1_050_025)
    assert found.closing_balance == (found.opening_balance + found.received_total
                                     + found.other_income - found.spent_total)
    assert found.in_kind_total == 300_000
    assert found.shares == [ShareRow("Hillshire County Council", 7_000_000, 54),
                            ShareRow("Hillshire Integrated Care Board", 3_600_000, 28),
                            ShareRow("Hillshire Constabulary", 1_800_000, 14),
                            ShareRow("Other contributors", 600_000, 5)]
    assert found.contributions[0] == ContributionRow(
        "Hillshire Children's Services", "Hillshire County Council", 6_000_000, 6_000_000, "", 0)
    assert found.contributions[-1] == ContributionRow(
        "Hillshire Fire and Rescue", "Other", 600_000, 600_000,
        "Training rooms at the fire station", 300_000)
    assert found.budget_lines == [BudgetRow("Business unit staffing", 9_000_000, 8_800_025),
                                  BudgetRow("Independent scrutiny", 2_000_000, 2_100_000)]
    assert found.statement == "Not yet signed off by the three safeguarding partners"
    assert found.statement_link == "" and found.link == "/partnerships/hscp/budget/2025"


def test_a_year_with_nothing_recorded_says_so_plainly(app: Flask, hillshire: Hillshire) -> None:
    found = _money(app, hillshire, dt.date(2022, 4, 1), dt.date(2023, 3, 31))
    assert found.missing == ("No contributions, income, budget or spending are recorded for "
                             "2022\u201323.")
    assert found.contributions == [] and found.budget_lines == [] and found.agreed_total == 0


def test_the_statement_says_whether_it_is_signed_and_published(
        app: Flask, hillshire: Hillshire) -> None:
    with app.app_context():
        draft = BudgetStatement(partnership_id=hillshire.id, year=2025, title="Draft",
                                status=PublicationStatus.DRAFT)
        db.session.add(draft)
        db.session.commit()
    found = _money(app, hillshire, dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert found.statement == ("Drawn up and with the three safeguarding partners for "
                               "sign-off; not yet published")
    with app.app_context():
        published = BudgetStatement(
            partnership_id=hillshire.id, year=2025, title="Published", snapshot={},
            status=PublicationStatus.PUBLISHED, published_on=dt.date(2026, 5, 12),
            published_at=utcnow(), number=1)
        db.session.add(published)
        db.session.commit()
        published_id = published.id
    found = _money(app, hillshire, dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert found.statement == ("Signed off by the three safeguarding partners and published on "
                               "12 May 2026")
    assert found.statement_link == f"/partnerships/hscp/budget/statements/{published_id}"


def test_the_year_is_the_one_that_ends_in_the_period(app: Flask, hillshire: Hillshire) -> None:
    with app.app_context():
        partnership = partnership_of(hillshire)
        for start, end, year in ((dt.date(2025, 4, 1), dt.date(2026, 3, 31), 2025),
                                 (dt.date(2025, 1, 1), dt.date(2025, 12, 31), 2024),
                                 (dt.date(2025, 6, 1), dt.date(2025, 11, 30), 2025)):
            assert money_year(load(partnership, start, end, TODAY)) == year, (start, end)


def test_the_part_costs_the_same_queries_however_many_figures(
        app: Flask, hillshire: Hillshire) -> None:
    from tests.funding.test_figures import _more
    counts = []
    for extra in (1, 10):
        _more(app, hillshire, extra)
        with app.test_request_context():
            records = load(partnership_of(hillshire), dt.date(2025, 4, 1), dt.date(2026, 3, 31),
                           TODAY)
            with sql_statements(app) as statements:
                money(records)
            counts.append(len(statements))
    assert counts[0] == counts[1]
