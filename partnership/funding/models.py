"""The partnership's shared budget: income received, budget lines and spending, contributions
in kind, which statutory partner each contributor's money counts under, and the budget
statement the three partners sign off.

Agreed contributions are the register's (:class:`partnership.register.models.Contribution`,
kept on the agency pages): this package never holds a second copy. The year-end position
(opening balance, carried forward) is always worked out from the figures, never typed.
Amounts are stored as two-place decimals (``Numeric(12, 2)``) and read as whole pence.
"""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.publishing.models import (
    DocumentKind,
    Publishable,
    Signature,
    signatures_of,
)
from partnership.register.models import Agency, Partnership, StatutoryPartner

HEADING_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 200
SOURCE_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 200
MONEY = sa.Numeric(12, 2)


class IncomeKind(LabelledEnum):
    """What a sum received is: an agency's agreed contribution, a grant, or other income."""

    CONTRIBUTION = "contribution"
    GRANT = "grant"
    OTHER = "other"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"contribution": "Agreed contribution", "grant": "Grant",
                "other": "Other income"}


class ContributorPartner(Versioned, db.Model):
    """Which statutory partner an agency's money counts under (the county council's
    children's services for the local authority, say); none: another contributor."""

    __tablename__ = "contributor_partner"
    __realm__ = "funding"
    __table_args__ = (sa.UniqueConstraint("agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="CASCADE"),
        doc="None: the agency is another contributor, not a statutory partner")

    partnership: Mapped[Partnership] = relationship()
    agency: Mapped[Agency] = relationship()
    partner: Mapped[StatutoryPartner | None] = relationship()


class Receipt(Versioned, db.Model):
    """Money received for a reporting year: an agency's contribution, a grant, other income."""

    __tablename__ = "funding_receipt"
    __realm__ = "funding"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(doc="Calendar year the reporting year starts in")
    kind: Mapped[IncomeKind] = mapped_column(enum_column(IncomeKind))
    received_on: Mapped[dt.date] = mapped_column(sa.Date)
    agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="RESTRICT"),
        doc="The agency it came from (None: another source, named in ``source``)")
    source: Mapped[str] = mapped_column(sa.String(SOURCE_MAX_LENGTH), default="",
                                        doc="Who it came from when not an agency")
    description: Mapped[str] = mapped_column(sa.String(DESCRIPTION_MAX_LENGTH), default="")
    amount: Mapped[decimal.Decimal] = mapped_column(MONEY)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    agency: Mapped[Agency | None] = relationship()

    @property
    def from_whom(self) -> str:
        """Name who the money came from: the agency, or the source as written."""
        return self.agency.name if self.agency is not None else self.source


class BudgetLine(Versioned, db.Model):
    """A heading of the year's budget and the amount set for it."""

    __tablename__ = "budget_line"
    __realm__ = "funding"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "year", "heading"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(doc="Calendar year the reporting year starts in")
    heading: Mapped[str] = mapped_column(sa.String(HEADING_MAX_LENGTH))
    amount: Mapped[decimal.Decimal] = mapped_column(MONEY, doc="The amount set for the line")
    position: Mapped[int] = mapped_column(default=0, doc="Order in the budget: 1 comes first")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    spending: Mapped[list[Spending]] = relationship(
        back_populates="line", order_by="(Spending.spent_on, Spending.id)",
        passive_deletes=True)


class Spending(Versioned, db.Model):
    """Money spent against a budget line."""

    __tablename__ = "budget_spending"
    __realm__ = "funding"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_line.id", ondelete="RESTRICT"),
                                         index=True)
    spent_on: Mapped[dt.date] = mapped_column(sa.Date)
    description: Mapped[str] = mapped_column(sa.String(DESCRIPTION_MAX_LENGTH))
    amount: Mapped[decimal.Decimal] = mapped_column(MONEY)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    line: Mapped[BudgetLine] = relationship(back_populates="spending")


class InKind(Versioned, db.Model):
    """What an agency gave in kind for a reporting year (a venue, a seconded analyst), with
    its estimated value: shown beside the budget, never counted as money received."""

    __tablename__ = "in_kind_contribution"
    __realm__ = "funding"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(doc="Calendar year the reporting year starts in")
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(sa.String(DESCRIPTION_MAX_LENGTH))
    value: Mapped[decimal.Decimal] = mapped_column(MONEY, doc="Estimated value")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    agency: Mapped[Agency] = relationship()


class BudgetStatement(Versioned, Publishable, db.Model):
    """A version of a year's shared budget statement: a draft being signed off, or published.

    Publishing (``partnership.publishing``) keeps the figures the partners signed as the
    snapshot, and the PDF made from exactly them, so later corrections never change what was
    published: they go into a new version for the same year, which replaces it.
    """

    __tablename__ = "budget_statement"
    __realm__ = "funding"
    __audit_redacted__ = frozenset({"pdf", "snapshot"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(doc="Calendar year the reporting year starts in")
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX_LENGTH))

    partnership: Mapped[Partnership] = relationship()
    sign_offs: Mapped[list[Signature]] = signatures_of(DocumentKind.BUDGET, "BudgetStatement")
