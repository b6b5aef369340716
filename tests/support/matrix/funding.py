"""The shared budget in the authorization matrix: the records its URLs need, and who may use
each page. Everyone reads the budget (it is published); the team keeps the figures and runs
the statement's round; a partner's representative signs it off."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from types import SimpleNamespace

from partnership.database import utcnow
from partnership.extensions import db
from partnership.funding.models import (
    BudgetLine,
    BudgetStatement,
    IncomeKind,
    InKind,
    Receipt,
    Spending,
)
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})
YEAR = 2025

EXPECTED: dict[str, frozenset[Role]] = {
    "funding_all.index": ALL,
    "funding.index": ALL,
    "funding.year": ALL,
    "funding.contributors": ALL,
    "funding.contributor_edit": TEAM,
    "funding.lines": ALL,
    "funding.line_new": TEAM,
    "funding.lines_copy": TEAM,
    "funding.line_edit": TEAM,
    "funding.line_remove": TEAM,
    "funding.spending_new": TEAM,
    "funding.spending_edit": TEAM,
    "funding.spending_remove": TEAM,
    "funding.income": ALL,
    "funding.receipt_new": TEAM,
    "funding.receipt_edit": TEAM,
    "funding.receipt_remove": TEAM,
    "funding.in_kind": ALL,
    "funding.in_kind_new": TEAM,
    "funding.in_kind_edit": TEAM,
    "funding.in_kind_remove": TEAM,
    "funding.statement_year": ALL,
    "funding.statement_preview": ALL,
    "funding.statement_new": TEAM,
    "funding.statement": ALL,
    "funding.statement_sign_off": frozenset({Role.PARTNER}),
    "funding.statement_publish": TEAM,
    "funding.statement_withdraw": TEAM,
    "funding.statement_pdf": ALL,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A year of the matrix partnership's budget: a line with a payment, income, help in kind
    from its agency, and a published statement with its PDF."""
    partnership = base.partnership
    line = BudgetLine(partnership=partnership, year=YEAR, heading="Matrix staffing",
                      amount=Decimal("1000.00"), position=1)
    payment = Spending(partnership=partnership, line=line, spent_on=dt.date(2025, 5, 1),
                       description="Matrix salaries", amount=Decimal("80.00"))
    receipt = Receipt(partnership=partnership, year=YEAR, kind=IncomeKind.CONTRIBUTION,
                      agency=base.agency, received_on=dt.date(2025, 5, 2),
                      amount=Decimal("100.00"))
    given = InKind(partnership=partnership, year=YEAR, agency=base.agency,
                   description="Matrix meeting rooms", value=Decimal("50.00"))
    pdf = b"%PDF-1.7\n% a stored budget statement\n"
    statement = BudgetStatement(
        partnership=partnership, year=YEAR, title="Matrix budget statement 2025-26",
        snapshot={}, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=1,
        published_on=dt.date(2026, 6, 1), published_at=utcnow(), number=1,
        status=PublicationStatus.PUBLISHED)
    db.session.add_all([line, payment, receipt, given, statement])
    db.session.commit()
    return {"year": str(YEAR), "budget_line_id": str(line.id), "spending_id": str(payment.id),
            "receipt_id": str(receipt.id), "in_kind_id": str(given.id),
            "budget_statement_id": str(statement.id)}
