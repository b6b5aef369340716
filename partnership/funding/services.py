"""The shared budget's records: budget lines and spending, income, contributions in kind,
which partner each contributor counts under; and the year's budget statement.

Agreed contributions stay in the register (the agency pages); the figures worked out from
all of these live in :mod:`partnership.funding.figures`. A statement's sign-off round is a
draft :class:`BudgetStatement`; signing, publishing and superseding are the one publishing
workflow's, which the statement joins through
:class:`partnership.funding.adapter.BudgetDocument`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from partnership import clock
from partnership.editing import apply_edit, commit_edit
from partnership.extensions import db
from partnership.funding.figures import Budget, budget_of, year_words
from partnership.funding.models import (
    DESCRIPTION_MAX_LENGTH,
    HEADING_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    BudgetLine,
    BudgetStatement,
    ContributorPartner,
    IncomeKind,
    InKind,
    Receipt,
    Spending,
)
from partnership.kernel.dates import long_date, year_label, year_span
from partnership.kernel.errors import DomainError, NotFound
from partnership.publishing import workflow
from partnership.publishing.documents import PrintedSignature, document_for
from partnership.publishing.models import DocumentKind, PublicationStatus
from partnership.publishing.workflow import RoundAlreadyOpen
from partnership.register.models import Agency, Partnership, StatutoryPartner

FIRST_YEAR, LAST_YEAR = 2000, 2100
DRAFT_STATUS = workflow.DRAFT_STATUS


class BudgetRefused(DomainError):
    """A budget figure the rules refuse (a heading used twice, a date outside the year…)."""


def check_year(year: int) -> int:
    """Refuse a year the budget cannot be kept for (a URL's year, say)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(f"There is no budget for {year}.")
    return year


def _own(partnership: Partnership, row: Any, what: str) -> Any:
    if row is None or row.partnership_id != partnership.id:
        raise NotFound(f"That {what} is not part of this partnership's budget.")
    return row


def line_of(partnership: Partnership, line_id: int) -> BudgetLine:
    """Return one of the partnership's budget lines, or refuse (NotFound)."""
    return _own(partnership, db.session.get(BudgetLine, line_id), "budget line")


def spending_of(partnership: Partnership, spending_id: int) -> Spending:
    """Return one of the partnership's payments, or refuse (NotFound)."""
    return _own(partnership, db.session.get(Spending, spending_id), "payment")


def receipt_of(partnership: Partnership, receipt_id: int) -> Receipt:
    """Return one of the partnership's sums received, or refuse (NotFound)."""
    return _own(partnership, db.session.get(Receipt, receipt_id), "income")


def in_kind_of(partnership: Partnership, in_kind_id: int) -> InKind:
    """Return one of the partnership's contributions in kind, or refuse (NotFound)."""
    return _own(partnership, db.session.get(InKind, in_kind_id), "contribution in kind")


def agency_of(partnership: Partnership, agency_id: int) -> Agency:
    """Return one of the partnership's agencies, or refuse (NotFound)."""
    return _own(partnership, db.session.get(Agency, agency_id), "agency")


def agencies_of(partnership: Partnership) -> list[Agency]:
    """The partnership's agencies that can give money or help in kind (groups are lists of
    agencies, not contributors), by name."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id,
                                Agency.is_group.is_(False)).order_by(Agency.name)))


# --- checks every figure shares ------------------------------------------------------------


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _amount(amount: decimal.Decimal | None, label: str, field: str, *,
            zero: bool = False) -> decimal.Decimal:
    if amount is None:
        raise BudgetRefused(f"Enter the {label.lower()}", field=field)
    if amount < 0 or (amount == 0 and not zero):
        least = "£0 or more" if zero else "more than £0"
        raise BudgetRefused(f"{label} must be {least}", field=field)
    return amount


def _text(text: str | None, label: str, field: str, limit: int, *,
          required: bool = True) -> str:
    text = _words(text)
    if required and not text:
        raise BudgetRefused(f"Enter {label.lower()}", field=field)
    if len(text) > limit:
        raise BudgetRefused(f"{label} must be {limit} characters or fewer", field=field)
    return text


def _in_year(partnership: Partnership, year: int, day: dt.date | None, label: str,
             field: str) -> dt.date:
    if day is None:
        raise BudgetRefused(f"Enter the {label.lower()}", field=field)
    first, last = year_span(year, partnership.year_start_month)
    if not first <= day <= last:
        raise BudgetRefused(
            f"{label} must be in {year_label(year, partnership.year_start_month)} "
            f"({year_words(partnership, year)})", field=field)
    if day > clock.today():
        raise BudgetRefused(f"{label} must be today or in the past", field=field)
    return day


def _not_future(day: dt.date | None, label: str, field: str) -> dt.date:
    if day is None:
        raise BudgetRefused(f"Enter the {label.lower()}", field=field)
    if day > clock.today():
        raise BudgetRefused(f"{label} must be today or in the past", field=field)
    return day


def _save_edit(row: Any, started_from: object, values: Mapping[str, Any]) -> bool:
    """Save an edit unless someone saved the row after the editor opened it (EditConflict);
    commit, and say whether anything changed."""
    if not apply_edit(row, started_from, values):
        return False
    commit_edit(row, values)
    return True


# --- budget lines --------------------------------------------------------------------------


def lines_of(partnership: Partnership, year: int) -> list[BudgetLine]:
    """The year's budget lines in order, each with its payments (two queries)."""
    return list(db.session.scalars(
        sa.select(BudgetLine).where(BudgetLine.partnership_id == partnership.id,
                                    BudgetLine.year == year)
        .options(selectinload(BudgetLine.spending))
        .order_by(BudgetLine.position, BudgetLine.id)))


def _line_values(partnership: Partnership, year: int, values: Mapping[str, Any],
                 line_id: int | None) -> dict[str, Any]:
    heading = _text(values.get("heading"), "Heading", "heading", HEADING_MAX_LENGTH)
    amount = _amount(values.get("amount"), "Amount set", "amount", zero=True)
    taken = db.session.scalar(
        sa.select(BudgetLine.id).where(
            BudgetLine.partnership_id == partnership.id, BudgetLine.year == year,
            sa.func.lower(BudgetLine.heading) == heading.lower(),
            BudgetLine.id != (line_id or 0)).limit(1))
    if taken is not None:
        raise BudgetRefused(f"The {year_label(year, partnership.year_start_month)} budget has a "
                            f"line called “{heading}” already: choose another heading",
                            field="heading")
    return {"heading": heading, "amount": amount}


def add_line(partnership: Partnership, year: int, values: Mapping[str, Any]) -> BudgetLine:
    """Add a line at the end of the year's budget (flushed, not committed)."""
    cleaned = _line_values(partnership, check_year(year), values, None)
    last = db.session.scalar(sa.select(sa.func.max(BudgetLine.position)).where(
        BudgetLine.partnership_id == partnership.id, BudgetLine.year == year))
    line = BudgetLine(partnership=partnership, year=year, position=(last or 0) + 1, **cleaned)
    db.session.add(line)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same heading saved by another request a moment ago
        raise BudgetRefused(f"There is a line called “{cleaned['heading']}” already",
                            field="heading") from None
    return line


def edit_line(line: BudgetLine, started_from: object, values: Mapping[str, Any]) -> bool:
    """Save a line's heading and amount; commit, and say whether anything changed."""
    cleaned = _line_values(line.partnership, line.year, values, line.id)
    return _save_edit(line, started_from, cleaned)


def remove_line(line: BudgetLine) -> None:
    """Remove a line set in error: only while nothing is spent against it (flushed)."""
    if line.spending:
        raise BudgetRefused(f"Payments are recorded against “{line.heading}”: remove or move "
                            "them first")
    db.session.delete(line)
    db.session.flush()


def copy_lines(partnership: Partnership, year: int) -> list[BudgetLine]:
    """Start a year's budget from the year before's headings and amounts (flushed)."""
    if lines_of(partnership, check_year(year)):
        raise BudgetRefused("This year's budget has lines already: change them instead")
    earlier = lines_of(partnership, year - 1)
    if not earlier:
        raise BudgetRefused(f"There is no {year_label(year - 1, partnership.year_start_month)} "
                            "budget to start from")
    return [add_line(partnership, year, {"heading": line.heading, "amount": line.amount})
            for line in earlier]


# --- spending ------------------------------------------------------------------------------


def _spending_values(line: BudgetLine, values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "spent_on": _in_year(line.partnership, line.year, values.get("spent_on"), "Date paid",
                             "spent_on"),
        "description": _text(values.get("description"), "What it paid for", "description",
                             DESCRIPTION_MAX_LENGTH),
        "amount": _amount(values.get("amount"), "Amount", "amount"),
    }


def add_spending(line: BudgetLine, values: Mapping[str, Any]) -> Spending:
    """Record a payment against a budget line (flushed, not committed)."""
    row = Spending(partnership_id=line.partnership_id, line=line,
                   **_spending_values(line, values))
    db.session.add(row)
    db.session.flush()
    return row


def edit_spending(row: Spending, started_from: object, values: Mapping[str, Any]) -> bool:
    """Correct a payment; commit, and say whether anything changed."""
    return _save_edit(row, started_from, _spending_values(row.line, values))


def remove_spending(row: Spending) -> None:
    """Remove a payment recorded in error (flushed)."""
    db.session.delete(row)
    db.session.flush()


# --- income --------------------------------------------------------------------------------


def receipts_of(partnership: Partnership, year: int) -> list[Receipt]:
    """The year's income in the order received, with the agencies it came from (one query)."""
    return list(db.session.scalars(
        sa.select(Receipt).where(Receipt.partnership_id == partnership.id, Receipt.year == year)
        .options(joinedload(Receipt.agency))
        .order_by(Receipt.received_on, Receipt.id)))


def _receipt_values(partnership: Partnership, values: Mapping[str, Any]) -> dict[str, Any]:
    kind = values.get("kind")
    if kind is None:
        raise BudgetRefused("Select what the income is", field="kind")
    kind = IncomeKind(kind)
    agency = values.get("agency")
    if agency is not None and agency.partnership_id != partnership.id:
        raise BudgetRefused("Select one of the partnership's agencies", field="agency")
    source = _text(values.get("source"), "Who it came from", "source", SOURCE_MAX_LENGTH,
                   required=False)
    if kind is IncomeKind.CONTRIBUTION:
        if agency is None:
            raise BudgetRefused("Select the agency whose contribution it is", field="agency")
        source = ""
    elif agency is None and not source:
        raise BudgetRefused("Select the agency it came from, or enter who it came from",
                            field="source")
    elif agency is not None and source:
        raise BudgetRefused("Select an agency or enter who it came from, not both",
                            field="source")
    return {
        "kind": kind, "agency": agency, "source": source,
        "received_on": _not_future(values.get("received_on"), "Date received", "received_on"),
        "description": _text(values.get("description"), "Description", "description",
                             DESCRIPTION_MAX_LENGTH, required=False),
        "amount": _amount(values.get("amount"), "Amount", "amount"),
    }


def add_receipt(partnership: Partnership, year: int, values: Mapping[str, Any]) -> Receipt:
    """Record money received for a reporting year (flushed, not committed)."""
    row = Receipt(partnership=partnership, year=check_year(year),
                  **_receipt_values(partnership, values))
    db.session.add(row)
    db.session.flush()
    return row


def edit_receipt(row: Receipt, started_from: object, values: Mapping[str, Any]) -> bool:
    """Correct income received; commit, and say whether anything changed."""
    return _save_edit(row, started_from, _receipt_values(row.partnership, values))


def remove_receipt(row: Receipt) -> None:
    """Remove income recorded in error (flushed)."""
    db.session.delete(row)
    db.session.flush()


# --- contributions in kind -----------------------------------------------------------------


def in_kind_rows(partnership: Partnership, year: int) -> list[InKind]:
    """The year's contributions in kind, by agency (one query)."""
    return list(db.session.scalars(
        sa.select(InKind).join(InKind.agency)
        .where(InKind.partnership_id == partnership.id, InKind.year == year)
        .options(contains_eager(InKind.agency)).order_by(Agency.name, InKind.id)))


def _in_kind_values(partnership: Partnership, values: Mapping[str, Any]) -> dict[str, Any]:
    agency = values.get("agency")
    if agency is None or agency.partnership_id != partnership.id:
        raise BudgetRefused("Select the agency that gave it", field="agency")
    return {"agency": agency,
            "description": _text(values.get("description"), "What it gave", "description",
                                 DESCRIPTION_MAX_LENGTH),
            "value": _amount(values.get("value"), "Estimated value", "value")}


def add_in_kind(partnership: Partnership, year: int, values: Mapping[str, Any]) -> InKind:
    """Record what an agency gave in kind for a year (flushed, not committed)."""
    row = InKind(partnership=partnership, year=check_year(year),
                 **_in_kind_values(partnership, values))
    db.session.add(row)
    db.session.flush()
    return row


def edit_in_kind(row: InKind, started_from: object, values: Mapping[str, Any]) -> bool:
    """Correct a contribution in kind; commit, and say whether anything changed."""
    return _save_edit(row, started_from, _in_kind_values(row.partnership, values))


def remove_in_kind(row: InKind) -> None:
    """Remove a contribution in kind recorded in error (flushed)."""
    db.session.delete(row)
    db.session.flush()


# --- which partner a contributor counts under ----------------------------------------------


def counts_under(partnership: Partnership, agency: Agency) -> ContributorPartner | None:
    """Return the agency's recorded partner, if the team has said."""
    return db.session.scalars(sa.select(ContributorPartner).where(
        ContributorPartner.partnership_id == partnership.id,
        ContributorPartner.agency_id == agency.id)).first()


def counted(partnership: Partnership) -> dict[int, ContributorPartner]:
    """Every agency the team has placed, by agency id (one query)."""
    return {row.agency_id: row for row in db.session.scalars(
        sa.select(ContributorPartner)
        .where(ContributorPartner.partnership_id == partnership.id))}


def count_under(partnership: Partnership, agency: Agency, partner: StatutoryPartner | None,
                started_from: object) -> bool:
    """Say which statutory partner an agency's money counts under (None: another
    contributor); commit, and say whether anything changed."""
    if agency.partnership_id != partnership.id:
        raise BudgetRefused("Select one of the partnership's agencies")
    if partner is not None and partner.partnership_id != partnership.id:
        raise BudgetRefused("Select one of the partnership's statutory partners",
                            field="partner")
    row = counts_under(partnership, agency)
    partner_id = partner.id if partner is not None else None
    if row is None:
        db.session.add(ContributorPartner(partnership=partnership, agency=agency,
                                          partner_id=partner_id))
        try:
            db.session.commit()
        except IntegrityError:  # said by someone else a moment ago
            db.session.rollback()
            raise BudgetRefused(f"Someone has just said which partner {agency.name} counts "
                                "under: look again", field="partner") from None
        return True
    return _save_edit(row, started_from, {"partner_id": partner_id})


# --- the budget statement ------------------------------------------------------------------


def statement_content(partnership: Partnership, year: int, title: str,
                      day: dt.date) -> dict[str, Any]:
    """Return the statement as plain data: the year's figures as they stand (whole pence).

    Whether the year has ended is part of it (a statement signed in the year says "so
    far"); the day it is read is not, so a signature lapses only when a figure changes.
    """
    budget = budget_of(partnership, year)
    return content_of_budget(budget, title, day)


def content_of_budget(budget: Budget, title: str, day: dt.date) -> dict[str, Any]:
    """Write a worked-out budget as the statement's content."""
    return {
        "title": title,
        "year": budget.year,
        "year_label": budget.label,
        "previous_label": budget.previous_label,
        "next_label": budget.next_label,
        "first_day": budget.first_day.isoformat(),
        "last_day": budget.last_day.isoformat(),
        "ended": budget.ended_by(day),
        "earlier_years": budget.earlier_years,
        "partners": [
            {"label": share.label, "agreed": share.agreed, "received": share.received,
             "percent": share.percent, "statutory": share.kind is not None,
             "contributors": [{"name": c.name, "agreed": c.agreed, "received": c.received}
                              for c in share.contributors if c.agreed or c.received]}
            for share in budget.shares],
        "other_income": [{"source": row.source, "kind": row.kind.label,
                          "received_on": row.received_on.isoformat(),
                          "description": row.description, "amount": row.amount}
                         for row in budget.other_income],
        "in_kind": [{"agency": row.agency, "description": row.description, "value": row.value}
                    for row in budget.in_kind],
        "lines": [{"heading": line.heading, "budget": line.budget, "spent": line.spent}
                  for line in budget.lines],
        "totals": {"agreed": budget.agreed, "received": budget.received,
                   "other_income": budget.other_income_total, "income": budget.income,
                   "in_kind": budget.in_kind_total, "budget": budget.budget_total,
                   "spent": budget.spent, "opening": budget.opening,
                   "closing": budget.closing},
    }


def statements_of(partnership: Partnership, year: int | None = None) -> list[BudgetStatement]:
    """Every version of the partnership's statements (of one year), drafts first, newest
    first."""
    query = sa.select(BudgetStatement).where(BudgetStatement.partnership_id == partnership.id)
    if year is not None:
        query = query.where(BudgetStatement.year == year)
    return list(db.session.scalars(query.order_by(
        BudgetStatement.year.desc(), BudgetStatement.published_on.desc().nulls_first(),
        BudgetStatement.created_at.desc(), BudgetStatement.id.desc())))


def statement_of(partnership: Partnership, statement_id: int) -> BudgetStatement:
    """Return one of the partnership's statements, or refuse (NotFound)."""
    return _own(partnership, db.session.get(BudgetStatement, statement_id), "statement")


def open_statement(partnership: Partnership, year: int) -> BudgetStatement | None:
    """Return the year's draft statement in its sign-off round, if one is open."""
    return db.session.scalars(
        sa.select(BudgetStatement).where(BudgetStatement.partnership_id == partnership.id,
                                         BudgetStatement.year == year,
                                         BudgetStatement.status == PublicationStatus.DRAFT)
        .order_by(BudgetStatement.id.desc()).limit(1)).first()


def published_statement(partnership: Partnership, year: int) -> BudgetStatement | None:
    """Return the year's current published statement, if any."""
    return db.session.scalars(
        sa.select(BudgetStatement).where(BudgetStatement.partnership_id == partnership.id,
                                         BudgetStatement.year == year,
                                         BudgetStatement.status == PublicationStatus.PUBLISHED)
        .order_by(BudgetStatement.published_at.desc(), BudgetStatement.id.desc())
        .limit(1)).first()


def default_title(partnership: Partnership, year: int) -> str:
    """Suggest a title for a year's statement."""
    label = year_label(year, partnership.year_start_month)
    return f"{partnership.short_name or partnership.name} shared budget statement {label}"


def start_statement(partnership: Partnership, year: int, title: str) -> BudgetStatement:
    """Open a sign-off round for a year's statement: a draft version (flushed)."""
    title = _text(title, "Title", "title", TITLE_MAX_LENGTH)
    current = open_statement(partnership, check_year(year))
    if current is not None:
        raise RoundAlreadyOpen(
            f"A sign-off round is already open for “{current.title}”. Publish or withdraw it "
            "before starting another.", field="title")
    if not budget_of(partnership, year).recorded:
        raise BudgetRefused(
            f"Nothing is recorded for {year_label(year, partnership.year_start_month)} yet: "
            "record the contributions, income and budget before asking the partners to sign "
            "the statement", field="title")
    statement = BudgetStatement(partnership=partnership, year=year, title=title,
                                status=PublicationStatus.DRAFT)
    db.session.add(statement)
    db.session.flush()
    return statement


def current_signatures(statement: BudgetStatement | None,
                       day: dt.date | None = None) -> list[PrintedSignature]:
    """Return a draft's signatures of the figures as they stand, to print on it."""
    if statement is None:
        return []
    return workflow.printed(workflow.sign_off_lines(statement, day=day))


def changed_since_published(partnership: Partnership, statement: BudgetStatement | None,
                            day: dt.date) -> bool:
    """Say whether the figures now differ from those the published statement shows."""
    if statement is None or not statement.published:
        return False
    now = statement_content(partnership, statement.year, statement.title, day)
    return workflow.digest_of(now) != statement.digest


def draft_filename(partnership: Partnership, year: int, day: dt.date | None = None) -> str:
    """Name the downloaded draft PDF, with the day it was made."""
    return document_for(DocumentKind.BUDGET).file_name(
        BudgetStatement(partnership=partnership, year=year, status=PublicationStatus.DRAFT),
        day)


def statement_words(statement: BudgetStatement | None) -> str:
    """Say where a year's statement stands, in a sentence."""
    if statement is None:
        return "Not yet drawn up for the partners to sign off"
    if statement.published and statement.published_on is not None:
        return ("Signed off by the three safeguarding partners and published on "
                f"{long_date(statement.published_on)}")
    return "Drawn up and with the three safeguarding partners for sign-off"
