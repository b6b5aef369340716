"""The shared budget statement through the one publishing workflow: a round is started, the
three partners sign the figures as they stand, a corrected figure makes a signature lapse and
the signer reads in words what changed, the statement is published with its PDF (income by
partner, help in kind, spending by line, the year-end position, the sign-offs), and a new
version for the same year replaces it while another year's stands."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import undefer

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.funding.models import BudgetStatement, Spending
from partnership.jobs.services import run_pending
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus
from tests.documents.pdftools import pdf_text
from tests.funding.conftest import Hillshire, messages, url
from tests.support.client import BrowserLikeClient, page


def _start(team: BrowserLikeClient, year: int) -> int:
    response = team.submit(url(f"/{year}/statement/new"),
                           {"title": f"HSCP budget statement {year}"})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/statements/(\d+)$", response.headers["Location"])
    assert found
    return int(found.group(1))


def _press(client: BrowserLikeClient, statement_id: int, action: str) -> str:
    detail = url(f"/statements/{statement_id}")
    response = client.submit(detail, {}, action=f"{detail}/{action}", follow_redirects=True)
    assert response.status_code == 200
    return messages(response)


def _stored(app: Flask, statement_id: int) -> BudgetStatement:
    with app.app_context():
        statement = db.session.scalars(
            sa.select(BudgetStatement).where(BudgetStatement.id == statement_id)
            .options(undefer(BudgetStatement.pdf), undefer(BudgetStatement.snapshot))).one()
        db.session.expunge(statement)
        return statement


def test_the_statement_is_signed_published_and_replaced_only_for_its_year(
        app: Flask, hillshire: Hillshire, signed_in: Callable[[Role], BrowserLikeClient],
        client_for: Callable[[User], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    partners = [client_for(user) for user in hillshire.partner_users]
    statement_id = _start(team, 2025)
    shown = page(team.get(url(f"/statements/{statement_id}"))).get_text(" ", strip=True)
    assert "You can publish once all three partners have signed off" in shown
    home = page(partners[0].get("/")).find(id="waiting-sign-offs").get_text(" ", strip=True)
    assert "HSCP budget statement 2025 Shared budget statement" in home

    for partner in partners:
        assert "You have signed off" in _press(partner, statement_id, "sign-off")

    # A payment corrected after everyone signed: every signature lapses, and a partner reads
    # what changed, in words.
    with app.app_context():
        payment = db.session.scalars(sa.select(Spending).where(
            Spending.line_id == hillshire.lines["scrutiny"])).one()
        payment.amount = payment.amount - 1000
        db.session.commit()
    assert "must sign off" in _press(team, statement_id, "publish")
    changed = page(partners[1].get(url(f"/statements/{statement_id}"))).find(id="what-changed")
    said = changed.get_text(" ", strip=True)
    assert "Totals: Spending: £109,000.25 then, £108,000.25 now" in said
    assert "Spending by budget line: “Independent scrutiny”: spent £21,000 then, £20,000 now." \
        in said

    for partner in partners:
        assert "You have signed off" in _press(partner, statement_id, "sign-off")
    assert "is published" in _press(team, statement_id, "publish")
    with app.app_context():
        assert run_pending() >= 1
    first = _stored(app, statement_id)
    assert first.status is PublicationStatus.PUBLISHED and first.number == 1
    assert first.pdf is not None and first.pages and first.pages <= 4
    text = " ".join(pdf_text(first.pdf).split())
    for expected in ("Shared budget statement 2025\u201326", "Income by partner",
                     "Hillshire County Council £70,000 54% £60,000",
                     "Hillshire Public Health £10,000 £0",
                     "Department for Education", "Help in kind",
                     "Training rooms at the fire station £3,000",
                     "Independent scrutiny £20,000 £20,000 £0",
                     "Brought forward from 2024\u201325 £6,000",
                     "Carried forward to 2026\u201327", "held £11,500.25, carried forward",
                     "Agreement by the safeguarding partners", "Ada Council"):
        assert expected in text, expected
    for database_word in ("None", "null", "record", "row", "id "):
        assert database_word not in text.replace("recorded", ""), database_word
    assert first.snapshot and first.snapshot["totals"]["closing"] == 1_150_025

    # Next year's statement does not replace this one; a corrected 2025-26 one does.
    with app.app_context():
        from decimal import Decimal

        from partnership.funding.models import BudgetLine
        db.session.add(BudgetLine(partnership_id=hillshire.id, year=2026, heading="Staffing",
                                  amount=Decimal("1000"), position=1))
        db.session.commit()
    later = _start(team, 2026)
    for partner in partners:
        _press(partner, later, "sign-off")
    assert "is published" in _press(team, later, "publish")
    assert _stored(app, statement_id).status is PublicationStatus.PUBLISHED
    again = _start(team, 2025)
    for partner in partners:
        _press(partner, again, "sign-off")
    assert "is published" in _press(team, again, "publish")
    assert _stored(app, statement_id).status is PublicationStatus.SUPERSEDED
    assert (_stored(app, again).number, _stored(app, later).number) == (2, 1)


def test_a_round_needs_figures_and_only_one_is_open_at_a_time(
        hillshire: Hillshire, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(url("/2027/statement/new"), {"title": "Too early"})
    assert "Nothing is recorded for 2027" in page(response).get_text()
    _start(team, 2025)
    response = team.submit(url("/2025/statement/new"), {"title": "Another"})
    assert "A sign-off round is already open" in page(response).get_text()


def test_the_preview_is_the_draft_as_it_reads_now(
        hillshire: Hillshire, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    agency = signed_in(Role.AGENCY)
    html = page(agency.get(url("/2026/statement/preview")))
    text = html.get_text(" ", strip=True)
    assert "DRAFT" in text and "The year so far" in text
    assert "Held so far this year £10,500.25" in text
