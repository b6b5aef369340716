"""The yearly report as a signed document of the one publishing workflow."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import url_for
from sqlalchemy import ColumnElement

from partnership.publishing.documents import Change, PrintedSignature, SignedDocument
from partnership.publishing.models import DocumentKind
from partnership.reports.compare import PARTS, compare_figures, compare_narrative
from partnership.reports.document import report_pdf_request
from partnership.reports.models import YearlyReport
from partnership.reports.services import (
    published_document,
    report_label,
    signed_content,
    unsigned_document,
)

NARRATIVE_WORDS = {"added": "Written since you signed.",
                   "removed": "Emptied since you signed: it no longer appears.",
                   "changed": "Rewritten since you signed"}


class YearlyReportDocument(SignedDocument):
    """The yearly report: the figures assembled from the records, the team's narrative and
    the independent scrutineer's assessment."""

    kind = DocumentKind.YEARLY_REPORT
    model = YearlyReport
    noun = "the yearly report"
    file_word = "yearly-report"
    supersedes = False  # each period has its own report

    def content(self, version: Any, day: dt.date) -> dict[str, Any]:
        """The figures (without the day they were assembled), narrative and assessment."""
        return signed_content(unsigned_document(version, day))

    def changes(self, signed: dict[str, Any], now: dict[str, Any]) -> list[Change]:
        """Key figures that moved, narrative sections rewritten, and any other detail."""
        found = []
        parts_with_figures = set()
        for part in compare_figures(signed, now):
            for figure in part.figures:
                if figure.older != figure.newer:
                    parts_with_figures.add(part.key)
                    was = "none" if figure.older is None else f"{figure.older}{figure.unit}"
                    is_now = "none" if figure.newer is None else f"{figure.newer}{figure.unit}"
                    found.append(Change(part.title, f"{figure.label}: {was} then, {is_now} now "
                                                    f"({figure.described.lower()})."))
        before = signed.get("content") or {}
        after = now.get("content") or {}
        for key, title in PARTS:
            if key not in parts_with_figures and _part(before, key) != _part(after, key):
                found.append(Change(title, "Details changed since you signed (the key figures "
                                           "are the same)."))
        for entry in compare_narrative(signed, now):
            if entry.changed:
                what = NARRATIVE_WORDS[entry.change]
                if entry.change == "changed":
                    what += (f": {' '.join(entry.said)}" if entry.said
                             else " (spacing only).")
                found.append(Change(entry.title, what))
        return found

    def pdf_request(self, version: Any, content: dict[str, Any],
                    signatures: Sequence[PrintedSignature], status: str,
                    day: dt.date) -> dict[str, Any]:
        """Print the report as published (equal to ``content``, signed and dated)."""
        return report_pdf_request(published_document(version, signatures, status, day))

    def snapshot(self, version: Any, content: dict[str, Any],
                 signatures: Sequence[PrintedSignature], status: str,
                 day: dt.date) -> dict[str, Any]:
        """The whole document as published: the reading room reads and compares it."""
        return dataclasses.asdict(published_document(version, signatures, status, day))

    def series(self, version: Any) -> ColumnElement[bool]:
        """A report replaces only an earlier publication of the same period."""
        return (YearlyReport.partnership_id == version.partnership_id) & (
            YearlyReport.period_start == version.period_start) & (
            YearlyReport.period_end == version.period_end)

    def file_words(self, version: Any) -> str:
        """Name the period too: ``yearly-report-2025-26``."""
        label = re.sub(r"[^a-z0-9]+", "-", report_label(version).lower()).strip("-")
        return f"yearly-report-{label or version.period_end.year}"

    def pdf_url(self, version: Any) -> str:
        """The published version's PDF."""
        return url_for("reports.pdf", slug=version.partnership.slug,
                       report_id=version.id)

    def url(self, version: Any) -> str:
        """The report's page, where partners sign it off."""
        return url_for("reports.detail", slug=version.partnership.slug,
                       report_id=version.id)


def _part(content: Mapping[str, Any], key: str) -> Any:
    value = content.get(key)
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if k != "as_of"}
    return value
