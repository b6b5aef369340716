"""The budget's pages: lines, payments, income and help in kind added, corrected and removed
through their forms, each refusal next to its field with nothing saved, stale edits shown as
conflicts, and the lists read in a fixed number of SQL statements."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.funding.models import BudgetLine, InKind, Receipt, Spending
from partnership.policy import Role
from tests.funding.conftest import Hillshire, messages, url
from tests.funding.test_figures import _more
from tests.support.client import BrowserLikeClient, page
from tests.support.queries import sql_statements

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

Client = Callable[[Role], BrowserLikeClient]


def _errors(response: object) -> dict[str, str]:
    """Each field's error message, by the field's id."""
    html = page(response)  # type: ignore[arg-type]
    found = {}
    for message in html.select(".govuk-error-message"):
        group = message.find_parent(class_="govuk-form-group")
        control = group.select_one("input, select, textarea") if group else None
        found[control["name"] if control else "?"] = message.get_text(" ", strip=True).replace(
            "Error: ", "")
    return found


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_the_year_overview_shows_income_spending_the_position_and_shares(
        hillshire: Hillshire, signed_in: Client) -> None:
    scrutineer = signed_in(Role.SCRUTINEER)
    text = page(scrutineer.get(url("/2025"))).get_text(" ", strip=True)
    assert "Brought forward from 2024\u201325 £6,000" in text
    assert "Carried forward to 2026\u201327 £10,500.25" in text
    assert "Hillshire County Council Hillshire Children's Services, Hillshire Public Health " \
           "£70,000 54% £60,000" in text
    assert "Other contributors £6,000 5% £6,000" in text
    assert "Add a budget line" not in page(scrutineer.get(url("/2025/lines"))).get_text()


def test_the_team_adds_a_line_and_a_payment_and_the_lines_page_shows_them(
        app: Flask, hillshire: Hillshire, signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(url("/2026/lines/new"), {"heading": "Case reviews",
                                                    "amount": "£12,500.50"})
    assert response.status_code == 302
    with app.app_context():
        line = db.session.scalars(sa.select(BudgetLine).where(BudgetLine.year == 2026)).one()
        assert (line.heading, line.amount, line.position) == ("Case reviews", Decimal("12500.50"),
                                                             1)
        line_id = line.id
    response = team.submit(url(f"/lines/{line_id}/payments/new"),
                           {"spent_on": ["3", "6", "2026"], "description": "Reviewer: scoping",
                            "amount": "2000"}, follow_redirects=True)
    assert "Payment recorded against Case reviews" in messages(response)
    text = page(team.get(url("/2026/lines"))).get_text(" ", strip=True)
    assert "Case reviews £12,500.50 £2,000 £10,500.50" in text
    assert "3 Jun 2026 Reviewer: scoping £2,000" in text


def test_a_heading_used_twice_in_a_year_is_refused_next_to_its_field(
        app: Flask, hillshire: Hillshire, signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    before = _count(app, BudgetLine)
    response = team.submit(url("/2025/lines/new"), {"heading": "independent SCRUTINY",
                                                    "amount": "10"})
    assert response.status_code == 200
    assert page(response).title.get_text().startswith("Error:")
    assert _errors(response) == {"heading": "The 2025\u201326 budget has a line called "
                                            "“independent SCRUTINY” already: choose another "
                                            "heading"}
    response = team.submit(url("/2025/lines/new"), {"heading": "Data", "amount": "12.345"})
    assert _errors(response) == {"amount": "Amount set must not have more than 2 decimal places"}
    assert _count(app, BudgetLine) == before


def test_a_payment_outside_its_year_or_in_the_future_is_refused(
        app: Flask, hillshire: Hillshire, signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    form = url(f"/lines/{hillshire.lines['staffing']}/payments/new")
    before = _count(app, Spending)
    response = team.submit(form, {"spent_on": ["1", "4", "2026"], "description": "Late",
                                  "amount": "10"})
    assert _errors(response) == {"spent_on": "Date paid must be in 2025\u201326 (1 April 2025 "
                                                 "to 31 March 2026)"}
    response = team.submit(form, {"spent_on": ["", "4", "2026"], "description": "",
                                  "amount": "nothing"})
    assert _errors(response) == {"spent_on": "Date paid must include a day",
                                 "description": "Enter what it paid for",
                                 "amount": "Amount must be a number, like 12500 or 12500.50"}
    assert _count(app, Spending) == before


def test_income_is_recorded_and_a_contribution_must_name_its_agency(
        app: Flask, hillshire: Hillshire, signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    before = _count(app, Receipt)
    response = team.submit(url("/2025/income/new"), {
        "kind": "contribution", "agency": "", "source": "", "received_on": ["1", "6", "2026"],
        "amount": "9000"})
    assert _errors(response) == {"agency": "Select the agency whose contribution it is"}
    response = team.submit(url("/2025/income/new"), {
        "kind": "grant", "agency": str(hillshire.agencies["police"]), "source": "Home Office",
        "received_on": ["1", "6", "2026"], "amount": "9000"})
    assert _errors(response) == {"source": "Select an agency or enter who it came from, "
                                           "not both"}
    response = team.submit(url("/2025/income/new"), {
        "kind": "grant", "agency": "", "source": "", "received_on": ["1", "8", "2026"],
        "amount": "9000"})
    assert _errors(response) == {"source": "Select the agency it came from, or enter who it "
                                           "came from"}
    assert _count(app, Receipt) == before
    response = team.submit(url("/2025/income/new"), {
        "kind": "contribution", "agency": str(hillshire.agencies["police"]), "source": "",
        "received_on": ["1", "6", "2026"], "amount": "9,000", "description": "Second half"},
        follow_redirects=True)
    assert "Income recorded" in messages(response)
    text = page(team.get(url("/2025/income"))).get_text(" ", strip=True)
    assert "Hillshire Constabulary Hillshire Constabulary £18,000 £18,000 £0" in text


def test_help_in_kind_is_recorded_corrected_and_removed(
        app: Flask, hillshire: Hillshire, signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(url("/2026/in-kind/new"), {
        "agency": str(hillshire.agencies["icb"]), "description": "A designated nurse's time",
        "value": "4000"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalars(sa.select(InKind).where(InKind.year == 2026)).one()
        row_id, version = row.id, row.version
    response = team.submit(url(f"/in-kind/{row_id}"), {
        "version": str(version), "agency": str(hillshire.agencies["icb"]),
        "description": "A designated nurse's time, one day a week", "value": "4200"})
    assert response.status_code == 302
    # A second editor who opened the form before that save is shown the conflict.
    stale = team.submit(url(f"/in-kind/{row_id}"), {
        "version": str(version), "agency": str(hillshire.agencies["icb"]),
        "description": "Something else", "value": "1"})
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(InKind, row_id).value == Decimal("4200.00")  # type: ignore[union-attr]
    response = team.submit(url(f"/in-kind/{row_id}"), {}, action=url(f"/in-kind/{row_id}/remove"),
                           follow_redirects=True)
    assert "The help in kind removed" in messages(response)
    assert _count(app, InKind) == 1


def test_a_line_with_payments_cannot_be_removed(app: Flask, hillshire: Hillshire,
                                                signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    line = hillshire.lines["staffing"]
    response = team.submit(url(f"/lines/{line}"), {}, action=url(f"/lines/{line}/remove"),
                           follow_redirects=True)
    assert "Payments are recorded against “Business unit staffing”" in page(response).get_text()
    with app.app_context():
        assert db.session.get(BudgetLine, line) is not None


def test_next_years_budget_starts_from_this_years_lines(app: Flask, hillshire: Hillshire,
                                                        signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(url("/2026/lines"), {}, action=url("/2026/lines/copy"),
                           follow_redirects=True)
    assert "2 lines copied from the year before" in messages(response)
    with app.app_context():
        copied = db.session.execute(sa.select(BudgetLine.heading, BudgetLine.amount)
                                    .where(BudgetLine.year == 2026)
                                    .order_by(BudgetLine.position)).all()
    assert [tuple(row) for row in copied] == [("Business unit staffing", Decimal("90000.00")),
                                              ("Independent scrutiny", Decimal("20000.00"))]


def test_which_partner_an_agency_counts_under_is_the_teams_to_say(
        app: Flask, hillshire: Hillshire, signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    fire = hillshire.agencies["fire"]
    with app.app_context():
        from partnership.funding.models import ContributorPartner
        row = db.session.scalars(sa.select(ContributorPartner)
                                 .where(ContributorPartner.agency_id == fire)).one()
        police = next(p for p in row.partnership.partners if p.kind.value == "police")
        police_id, version = police.id, row.version
    response = team.submit(url(f"/contributors/{fire}"), {"partner": str(police_id),
                                                          "version": str(version)})
    assert response.status_code == 302
    text = page(team.get(url("/2025"))).get_text(" ", strip=True)
    assert "Hillshire Constabulary Hillshire Constabulary, Hillshire Fire and Rescue £24,000" \
           in text


def test_the_lists_cost_the_same_queries_however_many_figures(
        app: Flask, hillshire: Hillshire, signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    counts: dict[str, list[int]] = {}
    for extra in (1, 12):
        _more(app, hillshire, extra)
        for tail in ("", "/2025", "/2025/lines", "/2025/income", "/2025/in-kind",
                     "/2025/statement"):
            with sql_statements(app) as statements:
                assert team.get(url(tail)).status_code == 200
            counts.setdefault(tail, []).append(len(statements))
    for tail, (small, large) in counts.items():
        assert small == large, (tail, small, large)


def test_a_year_no_budget_could_have_is_not_found(hillshire: Hillshire,
                                                  signed_in: Client) -> None:
    team = signed_in(Role.TEAM)
    assert team.get(url("/1999")).status_code == 404
    assert team.get(url("/2101/lines")).status_code == 404
