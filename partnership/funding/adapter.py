"""The shared budget statement as a signed document of the one publishing workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import url_for

from partnership.funding.document import pdf_request
from partnership.funding.models import BudgetStatement
from partnership.funding.services import statement_content
from partnership.kernel.numbers import pounds
from partnership.publishing.documents import Change, PrintedSignature, SignedDocument
from partnership.publishing.models import DocumentKind

TOTALS = (("agreed", "Contributions agreed"), ("received", "Contributions received"),
          ("other_income", "Grants and other income"), ("in_kind", "Help in kind"),
          ("budget", "Budget set"), ("spent", "Spending"), ("opening", "Brought forward"),
          ("closing", "Carried forward"))


def _money(value: Any) -> str:
    return pounds(int(value or 0))


def _rows_changes(where: str, before: Sequence[Mapping[str, Any]],
                  after: Sequence[Mapping[str, Any]], key: str,
                  figures: Sequence[tuple[str, str]]) -> list[Change]:
    """Say which rows of a table were added or removed, and which of their amounts moved."""
    old = {str(row.get(key)): row for row in before}
    new = {str(row.get(key)): row for row in after}
    found = [Change(where, f"“{name}” is no longer listed.") for name in old if name not in new]
    for name, row in new.items():
        if name not in old:
            amounts = ", ".join(f"{label} {_money(row.get(field))}" for field, label in figures)
            found.append(Change(where, f"“{name}” added ({amounts})."))
            continue
        moved = [f"{label} {_money(old[name].get(field))} then, {_money(row.get(field))} now"
                 for field, label in figures if old[name].get(field) != row.get(field)]
        if moved:
            found.append(Change(where, f"“{name}”: {'; '.join(moved)}."))
    return found


def statement_changes(signed: Mapping[str, Any], now: Mapping[str, Any]) -> list[Change]:
    """Say in words what moved between two versions of a statement's figures."""
    found = []
    if signed.get("title") != now.get("title"):
        found.append(Change("Title", f"“{signed.get('title')}” is now “{now.get('title')}”."))
    if signed.get("ended") != now.get("ended"):
        found.append(Change("The year", "The year has ended since you signed: the statement "
                                        "now gives the year-end position."))
    before_totals, after_totals = signed.get("totals") or {}, now.get("totals") or {}
    moved = [f"{label}: {_money(before_totals.get(key))} then, {_money(after_totals.get(key))} "
             "now" for key, label in TOTALS if before_totals.get(key) != after_totals.get(key)]
    if moved:
        found.append(Change("Totals", "; ".join(moved) + "."))

    def contributors(content: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [{**c, "name": f"{c['name']} ({share['label']})"}
                for share in content.get("partners") or [] for c in share["contributors"]]

    found += _rows_changes("Income by partner", contributors(signed), contributors(now),
                           "name", (("agreed", "agreed"), ("received", "received")))

    def dated(content: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [{**row, "what": f"{row['source']}, {row['received_on']}"}
                for row in content.get("other_income") or []]

    found += _rows_changes("Grants and other income", dated(signed), dated(now), "what",
                           (("amount", "amount"),))

    def given(content: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [{**row, "what": f"{row['agency']}: {row['description']}"}
                for row in content.get("in_kind") or []]

    found += _rows_changes("Help in kind", given(signed), given(now), "what",
                           (("value", "estimated value"),))
    found += _rows_changes("Spending by budget line", signed.get("lines") or [],
                           now.get("lines") or [], "heading",
                           (("budget", "budget"), ("spent", "spent")))
    return found


class BudgetDocument(SignedDocument):
    """The shared budget statement of a reporting year: income by partner, help in kind,
    spending by budget line and the year-end position."""

    kind = DocumentKind.BUDGET
    model = BudgetStatement
    noun = "the budget statement"
    file_word = "budget-statement"

    def content(self, version: Any, day: dt.date) -> dict[str, Any]:
        """The year's figures as they stand, with the version's title."""
        return statement_content(version.partnership, version.year, version.title, day)

    def changes(self, signed: dict[str, Any], now: dict[str, Any]) -> list[Change]:
        """The title, the totals, then the rows of each table that were added, removed or
        whose amounts moved."""
        return statement_changes(signed, now)

    def pdf_request(self, version: Any, content: dict[str, Any],
                    signatures: Sequence[PrintedSignature], status: str,
                    day: dt.date) -> dict[str, Any]:
        """Print exactly this content, with its sign-off table."""
        return pdf_request(version.partnership, content, status=status, day=day,
                           signatures=signatures)

    def series(self, version: Any) -> sa.ColumnElement[bool]:
        """A statement replaces only an earlier publication for the same year."""
        return (BudgetStatement.partnership_id == version.partnership_id) & (
            BudgetStatement.year == version.year)

    def file_words(self, version: Any) -> str:
        """Name the year too: ``budget-statement-2025-26``."""
        month = version.partnership.year_start_month
        return (f"budget-statement-{version.year}" if month == 1 else
                f"budget-statement-{version.year}-{(version.year + 1) % 100:02d}")

    def pdf_url(self, version: Any) -> str:
        """The published version's PDF."""
        return url_for("funding.statement_pdf", slug=version.partnership.slug,
                       budget_statement_id=version.id)

    def url(self, version: Any) -> str:
        """The version's page, where partners sign it off."""
        return url_for("funding.statement", slug=version.partnership.slug,
                       budget_statement_id=version.id)
